using FluentAssertions;
using GroupNet.Trainer.Data;
using GroupNet.Trainer.Models;
using GroupNet.Trainer.Modules;
using GroupNet.Trainer.Quantization;
using GroupNet.Trainer.Training;
using static TorchSharp.torch;
using ModelTrainer = GroupNet.Trainer.Training.Trainer;

namespace GroupNet.Tests.Trainer.Structures;

public sealed class QuantizationLossTests
{
    [Fact]
    public void The_regulariser_pulls_latent_weights_towards_their_binary_values()
    {
        double Distance(float lambda)
        {
            using var model = ModelFactory.Create(TrainerTestData.Config(2, 2), new TrainingContext(3, 1));
            var data = TrainerTestData.Textures(64, 1);
            var trainer = new ModelTrainer(model, new TrainerOptions { Epochs = 1, BatchSize = 16, LearningRate = 0.05f, QuantizationLossWeight = lambda }, data.Count);
            var loader = new DataLoader(data, 16, shuffle: false);
            for (int step = 0; step < 3; step++)
            {
                using var e = loader.Epoch(step).GetEnumerator();
                while (true)
                {
                    using var scope = NewDisposeScope();
                    if (!e.MoveNext())
                    {
                        break;
                    }
                    trainer.TrainStep(e.Current);
                }
            }
            double total = 0;
            using (var scope = NewDisposeScope())
            {
                foreach (var conv in model.modules().OfType<BinaryConv2d>())
                {
                    var w = conv.Weight.detach();
                    total += (w - BinaryWeightQuantizer.Alphas(w) * BinaryWeightQuantizer.Sign(w)).to(ScalarType.Float64).square().sum().item<double>();
                }
            }
            return total;
        }

        Distance(1f).Should().BeLessThan(0.9 * Distance(0f));
    }

    [Fact]
    public void The_regulariser_is_lambda_times_the_squared_distance_and_its_gradient_is_twice_that_distance()
    {
        using var model = ModelFactory.Create(TrainerTestData.Config(1, 2), new TrainingContext(3, 1));
        var trainer = new ModelTrainer(model, new TrainerOptions(), 16);
        using var scope = NewDisposeScope();
        var convs = model.modules().OfType<BinaryConv2d>().ToList();
        convs.Should().NotBeEmpty();
        double expected = 0;
        foreach (var conv in convs)
        {
            var w = conv.Weight.detach();
            expected += (w - BinaryWeightQuantizer.Alphas(w) * BinaryWeightQuantizer.Sign(w)).to(ScalarType.Float64).square().sum().item<double>();
        }
        var loss = trainer.QuantizationLoss(0.5f);
        loss.item<float>().Should().BeApproximately((float)(0.5 * expected), (float)(1e-5 * expected));
        loss.backward();
        var first = convs[0].Weight;
        var w0 = first.detach();
        var gradient = 2 * 0.5f * (w0 - BinaryWeightQuantizer.Alphas(w0) * BinaryWeightQuantizer.Sign(w0));
        TrainerTestData.Floats(first.grad!).Should().Equal(TrainerTestData.Floats(gradient), (a, b) => MathF.Abs(a - b) <= 1e-6f);
        model.Stem.Weight.grad.Should().BeNull("the float stem is not regularised");
    }
}
