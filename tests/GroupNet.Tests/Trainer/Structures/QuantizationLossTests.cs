using FluentAssertions;
using GroupNet.Trainer.Data;
using GroupNet.Trainer.Models;
using GroupNet.Trainer.Modules;
using GroupNet.Trainer.Quantization;
using GroupNet.Trainer.Tensors;
using GroupNet.Trainer.Training;
using ModelTrainer = GroupNet.Trainer.Training.Trainer;

namespace GroupNet.Tests.Trainer.Structures;

public sealed class QuantizationLossTests
{
    [Fact]
    public void The_regulariser_pulls_latent_weights_towards_their_binary_values()
    {
        double Distance(float lambda)
        {
            var model = new GroupNetV1(new TrainingContext(3, 1), TrainerTestData.Config(2, 2));
            var data = TrainerTestData.Textures(64, 1);
            var trainer = new ModelTrainer(model, new TrainerOptions { Epochs = 1, BatchSize = 16, LearningRate = 0.05f, QuantizationLossWeight = lambda }, data.Count);
            var loader = new DataLoader(data, 16, shuffle: false);
            for (int step = 0; step < 3; step++)
            {
                foreach (var batch in loader.Epoch(model.Context, step))
                {
                    using var scope = model.Context.BeginScope();
                    trainer.TrainStep(batch);
                }
            }
            double total = 0;
            foreach (var conv in model.Modules().OfType<BinaryConv2d>())
            {
                var alphas = BinaryWeightQuantizer.Alphas(conv.Weight);
                int size = conv.Weight.Count / alphas.Length;
                total += conv.Weight.Data.Select((w, i) => Math.Pow(w - BinaryWeightQuantizer.Sign(w) * alphas[i / size], 2)).Sum();
            }
            return total;
        }

        Distance(1f).Should().BeLessThan(0.9 * Distance(0f));
    }
}
