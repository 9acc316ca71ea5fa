using FluentAssertions;
using GroupNet.Deployment.Model;
using GroupNet.Deployment.Reference;
using GroupNet.Trainer.Data;
using GroupNet.Trainer.Export;
using GroupNet.Trainer.Models;
using GroupNet.Trainer.Training;
using Xunit.Abstractions;
using static GroupNet.Tests.Trainer.TrainerTestData;

namespace GroupNet.Tests.Trainer;

/// <summary>The int8 exporter against the trained full-precision parent it quantises: int8 weights and uint8
/// activations move values by at most half a step, so predictions agree except near decision boundaries.</summary>
public class Int8ExporterTests(ITestOutputHelper output)
{
    private const int Noise = 110;

    [Fact]
    public void Int8_network_tracks_the_trained_float_parent()
    {
        using var ctx = new TrainingContext(seed: 23, threads: 1);
        using var model = ModelFactory.Create(Config(1, 32), ctx);
        var train = Textures(256, seed: 41, noise: Noise);
        var test = Textures(200, seed: 42, noise: Noise);
        var trainer = new GroupNet.Trainer.Training.Trainer(model, new TrainerOptions { Epochs = 4, BatchSize = 32, LearningRate = 0.05f, Seed = 1 }, train.Count);
        for (int e = 0; e < 4; e++)
        {
            trainer.TrainEpoch(train);
        }
        GroupNet.Trainer.Training.Trainer.ReestimateBatchNorm(model, train, batches: 4, batchSize: 64);

        var floatPredictions = FloatArgMax(model, test);
        double floatAccuracy = floatPredictions.Select((p, i) => p == test.Labels[i] ? 1.0 : 0.0).Average();
        floatAccuracy.Should().BeGreaterThan(0.6, "the parent must be clearly better than chance (0.25) for the comparison to mean anything");

        var exported = new Int8Exporter().Export(ParentParams.From(model), "tiny_int8", "test", train.ImageBytes(0, 64));
        exported.Tensors.Where(t => t.Id > 0 && t.Kind != TensorKind.Pooled).Should().OnlyContain(t => t.Kind == TensorKind.Uint8);
        exported.Layers.Should().Contain(l => l.Epilogue is RequantizeEpilogue);
        var logits = new ReferenceExecutor(exported).InferMany(test.ImageBytes(0, test.Count));
        var intPredictions = logits.Select(l => ArgMax(l)).ToArray();
        double intAccuracy = intPredictions.Select((p, i) => p == test.Labels[i] ? 1.0 : 0.0).Average();
        int agree = Enumerable.Range(0, test.Count).Count(i => floatPredictions[i] == intPredictions[i]);
        output.WriteLine($"float accuracy {floatAccuracy:P1}, int8 accuracy {intAccuracy:P1}, arg-max agreement {agree}/{test.Count}");
        ((double)agree / test.Count).Should().BeGreaterThanOrEqualTo(0.95);
        intAccuracy.Should().BeApproximately(floatAccuracy, 0.03);
    }

    [Fact]
    public void A_binary_model_is_refused_with_a_message_naming_the_parent()
    {
        using var model = ModelFactory.Create(Config(1, 2), new TrainingContext(seed: 1, threads: 1));
        var images = Textures(2, seed: 1).ImageBytes(0, 2);
        var act = () => new Int8Exporter().Export(ParentParams.From(model), "m", "", images);
        act.Should().Throw<ExportException>().WithMessage("*full-precision parent*");
    }

    private static int[] FloatArgMax(GroupNetModel model, ImageDataset data) => EvalLogits(model, data).Select(l => ArgMax(l)).ToArray();
}
