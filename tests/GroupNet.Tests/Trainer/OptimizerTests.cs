using FluentAssertions;
using GroupNet.Trainer.Data;
using GroupNet.Trainer.Models;
using GroupNet.Trainer.Optim;
using GroupNet.Trainer.Training;
using TorchSharp.Modules;
using static GroupNet.Tests.Trainer.TrainerTestData;
using static TorchSharp.torch;
using DataLoader = GroupNet.Trainer.Data.DataLoader;
using ModelTrainer = GroupNet.Trainer.Training.Trainer;

namespace GroupNet.Tests.Trainer;

/// <summary>
/// What the trainer adds to LibTorch's optimisers (whose update rules LibTorch owns and tests): two parameter groups,
/// weight decay on exactly the weights of rank &gt;= 2 (convolution and linear weights, never BN parameters, scales or
/// biases), every kind training the model, and clipping by global norm.
/// </summary>
public class OptimizerTests
{
    private static double WeightDecayOf(ParamGroup group) => group.Options switch
    {
        SGD.Options o => o.weight_decay ?? double.NaN,
        Adam.Options o => o.weight_decay ?? double.NaN,
        AdamW.Options o => o.weight_decay ?? double.NaN,
        var other => throw new InvalidOperationException($"unexpected options {other.GetType().Name}"),
    };

    [Theory]
    [InlineData(OptimizerKind.Sgd)]
    [InlineData(OptimizerKind.Adam)]
    [InlineData(OptimizerKind.AdamW)]
    public void CreateOptimizer_puts_exactly_the_weights_of_rank_two_and_more_in_the_decayed_group(OptimizerKind kind)
    {
        using var ctx = new TrainingContext(seed: 1, threads: 1);
        using var model = ModelFactory.Create(Config(2, 2) with { Structure = StructureKind.V3 }, ctx);
        var options = new TrainerOptions { Optimizer = kind, WeightDecay = 3e-4f, LearningRate = 0.02f };
        using var optimizer = ModelTrainer.CreateOptimizer(model, options);
        optimizer.Should().BeOfType(kind switch { OptimizerKind.Sgd => typeof(ScalarSafeSgd), OptimizerKind.Adam => typeof(ScalarSafeAdam), _ => typeof(ScalarSafeAdamW) });

        var names = model.named_parameters().ToDictionary(p => p.parameter.Handle, p => p.name);
        var groups = optimizer.ParamGroups.Cast<ParamGroup>().ToList();
        groups.Should().HaveCount(2);
        var decayed = groups[0].Parameters.Select(p => names[p.Handle]).ToList();
        var plain = groups[1].Parameters.Select(p => names[p.Handle]).ToList();
        var expectedDecayed = model.named_parameters().Where(p => p.parameter.dim() >= 2).Select(p => p.name).ToList();
        var expectedPlain = model.named_parameters().Where(p => p.parameter.dim() < 2).Select(p => p.name).ToList();
        decayed.Should().BeEquivalentTo(expectedDecayed, "the decayed group holds every weight of rank >= 2 and nothing else");
        plain.Should().BeEquivalentTo(expectedPlain, "the other group holds every parameter of rank < 2");
        decayed.Should().Contain(["stem.weight", "trunks.1.groups.1.bases.0.shortcut_conv.weight", "classifier.weight"]);
        plain.Should().Contain(["stem_bn.weight", "trunks.0.groups.2.input_bn.bias", "trunks.0.groups.0.scales", "trunk_scales", "classifier.bias"]);
        WeightDecayOf(groups[0]).Should().Be(3e-4f);
        WeightDecayOf(groups[1]).Should().Be(0);
        groups.Should().OnlyContain(g => Math.Abs(g.LearningRate - 0.02) < 1e-9);
        if (groups[0].Options is SGD.Options sgd)
        {
            sgd.nesterov.Should().BeTrue();
            sgd.momentum.Should().Be(0.9f);
        }
    }

    [Theory]
    [InlineData(OptimizerKind.Sgd, 0.05f)]
    [InlineData(OptimizerKind.Adam, 0.01f)]
    [InlineData(OptimizerKind.AdamW, 0.01f)]
    public void Every_optimizer_reduces_the_loss_on_the_textures_in_a_few_steps(OptimizerKind kind, float lr)
    {
        using var ctx = new TrainingContext(seed: 2, threads: 1);
        using var model = ModelFactory.Create(Config(1, 2), ctx);
        var data = Textures(256, seed: 5);
        var trainer = new ModelTrainer(model, new TrainerOptions { Optimizer = kind, LearningRate = lr, BatchSize = 32, Seed = 1 }, data.Count);
        var probe = Textures(64, seed: 6);
        float before = ProbeLoss(model, probe);
        int steps = 0;
        for (int epoch = 0; steps < 16; epoch++)
        {
            using var e = new DataLoader(data, 32, shuffle: true, seed: 1).Epoch(epoch).GetEnumerator();
            while (steps < 16)
            {
                using var scope = NewDisposeScope();
                if (!e.MoveNext())
                {
                    break;
                }
                trainer.TrainStep(e.Current);
                steps++;
            }
        }
        float after = ProbeLoss(model, probe);
        after.Should().BeLessThan(0.7f * before, $"{kind}: loss on held-out textures {before:F3} -> {after:F3} after {steps} steps");
    }

    /// <summary>Cross-entropy on one batch in training mode (batch statistics, so the running statistics do not matter), no gradient.</summary>
    private static float ProbeLoss(nn.Module<Tensor, Tensor> model, ImageDataset probe)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var batch = new DataLoader(probe, probe.Count, shuffle: false).Epoch(0).Single();
        model.train();
        return nn.functional.cross_entropy(model.forward(batch.Images), batch.Labels).item<float>();
    }

    /// <summary>
    /// With a limit far below the gradient's norm, <see cref="ModelTrainer.LastGradNorm"/> reports the norm before clipping
    /// (computed here by hand on an identical twin of the model) and plain SGD (no momentum, no decay) moves the
    /// parameters by exactly lr * limit in L2 norm, where the unclipped step would be lr * norm.
    /// </summary>
    [Fact]
    public void MaxGradNorm_clips_the_step_and_LastGradNorm_reports_the_norm_before_clipping()
    {
        const float lr = 0.1f, limit = 1e-3f;
        using var ctx = new TrainingContext(seed: 4, threads: 1);
        using var model = ModelFactory.Create(Config(2, 2), ctx);
        using var twin = ModelFactory.Create(Config(2, 2), new TrainingContext(seed: 4, threads: 1));
        StateDifferences(Snapshot(model), Snapshot(twin)).Should().BeEmpty("same seed, same weights");
        using var scope = NewDisposeScope();
        var batch = new DataLoader(Textures(32, seed: 7), 32, shuffle: false).Epoch(0).Single();

        twin.train();
        nn.functional.cross_entropy(twin.forward(batch.Images), batch.Labels).backward();
        double norm = Math.Sqrt(twin.parameters().Sum(p => p.grad!.to(ScalarType.Float64).square().sum().item<double>()));
        norm.Should().BeGreaterThan(100 * limit, "the limit must bind for the test to mean anything");

        var options = new TrainerOptions { Optimizer = OptimizerKind.Sgd, LearningRate = lr, Momentum = 0f, Nesterov = false, WeightDecay = 0f, MaxGradNorm = limit };
        var trainer = new ModelTrainer(model, options, 32);
        double.IsNaN(trainer.LastGradNorm).Should().BeTrue("no step yet");
        var before = model.named_parameters().ToDictionary(p => p.name, p => p.parameter.detach().clone());
        trainer.TrainStep(batch);

        trainer.LastGradNorm.Should().BeApproximately(norm, 1e-4 * norm, "the norm before clipping");
        double step = Math.Sqrt(model.named_parameters().Sum(p => (p.parameter.detach() - before[p.name]).to(ScalarType.Float64).square().sum().item<double>()));
        step.Should().BeLessThanOrEqualTo(lr * limit * 1.001, "the clipped gradient has norm <= limit");
        step.Should().BeGreaterThan(lr * limit * 0.99, "the clipped gradient has norm limit (it was larger), so the step is lr * limit");
    }

    [Fact]
    public void Without_MaxGradNorm_no_norm_is_reported()
    {
        using var ctx = new TrainingContext(seed: 4, threads: 1);
        using var model = ModelFactory.Create(Config(1, 2), ctx);
        using var scope = NewDisposeScope();
        var trainer = new ModelTrainer(model, new TrainerOptions { BatchSize = 16 }, 16);
        trainer.TrainStep(new DataLoader(Textures(16, seed: 7), 16, shuffle: false).Epoch(0).Single());
        double.IsNaN(trainer.LastGradNorm).Should().BeTrue();
        FluentActions.Invoking(() => new TrainerOptions { MaxGradNorm = 0f }.Validate()).Should().Throw<ArgumentOutOfRangeException>();
        FluentActions.Invoking(() => new TrainerOptions { MaxGradNorm = float.PositiveInfinity }.Validate()).Should().Throw<ArgumentOutOfRangeException>();
    }
}
