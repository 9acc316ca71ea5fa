using FluentAssertions;
using GroupNet.Trainer.Models;
using GroupNet.Trainer.Training;
using static GroupNet.Tests.Trainer.TrainerTestData;
using static TorchSharp.torch;

namespace GroupNet.Tests.Trainer.Structures;

public sealed class ParentInitializerTests
{
    private static readonly ModelConfig Parent = new(NetworkKind.Tiny, StructureKind.Baseline, 1, 32, 32);

    [Fact]
    public void Every_base_of_v1_starts_from_the_parent_single_branch()
    {
        using var parent = ModelFactory.Create(Parent, new TrainingContext(1, 1));
        var state = Snapshot(parent);
        var child = new ModelConfig(NetworkKind.Tiny, StructureKind.V1, 3, 1, 1);
        using var model = ModelFactory.Create(child, new TrainingContext(2, 1));
        using var generator = new Generator(0);
        var report = ParentInitializer.Apply(model, child, state, Parent, 0f, generator);
        report.Unmatched.Where(n => !n.EndsWith(".scales", StringComparison.Ordinal) && !n.EndsWith(".estimated_scale", StringComparison.Ordinal))
            .Should().BeEmpty("only the K-sized group scales (and the sign quantisers' scales, estimated after training) have no parent");
        report.Unmatched.Should().Contain(["groups.0.scales", "groups.2.bases.1.quant1.sign.estimated_scale"]);
        report.UnusedParentEntries.Where(n => !n.EndsWith(".scales", StringComparison.Ordinal)).Should().BeEmpty();
        var own = Snapshot(model);
        for (int k = 0; k < 3; k++)
        {
            TensorDifference(own[$"groups.1.bases.{k}.conv1.weight"], state["groups.1.bases.0.conv1.weight"]).Should().BeNull($"base {k} conv1");
            TensorDifference(own[$"groups.2.bases.{k}.shortcut_bn.running_var"], state["groups.2.bases.0.shortcut_bn.running_var"]).Should().BeNull($"base {k} shortcut BN");
        }
        TensorDifference(own["stem.weight"], state["stem.weight"]).Should().BeNull();
        TensorDifference(own["classifier.bias"], state["classifier.bias"]).Should().BeNull();
        report.Perturbed.Should().Be(0, "no noise asked for");
    }

    [Fact]
    public void Noise_breaks_the_symmetry_of_copies_after_the_first()
    {
        using var parent = ModelFactory.Create(Parent, new TrainingContext(1, 1));
        var child = new ModelConfig(NetworkKind.Tiny, StructureKind.V1, 2, 1, 1);
        using var model = ModelFactory.Create(child, new TrainingContext(2, 1));
        using var generator = new Generator(0);
        var report = ParentInitializer.Apply(model, child, Snapshot(parent), Parent, 0.1f, generator);
        report.Perturbed.Should().BeGreaterThan(0);
        var own = Snapshot(model);
        var p = Snapshot(parent)["groups.0.bases.0.conv2.weight"];
        TensorDifference(own["groups.0.bases.0.conv2.weight"], p).Should().BeNull("the first copy is exact");
        TensorDifference(own["groups.0.bases.1.conv2.weight"], p).Should().NotBeNull("later copies get noise");
        using var scope = NewDisposeScope();
        (own["groups.0.bases.1.conv2.weight"] - p).abs().max().item<float>().Should().BeLessThan(0.5f);
    }

    [Fact]
    public void The_same_generator_seed_gives_the_same_noise()
    {
        using var parent = ModelFactory.Create(Parent, new TrainingContext(1, 1));
        var child = new ModelConfig(NetworkKind.Tiny, StructureKind.V1, 2, 1, 2);
        Dictionary<string, Tensor> Init(ulong seed)
        {
            using var model = ModelFactory.Create(child, new TrainingContext(2, 1));
            using var generator = new Generator(seed);
            ParentInitializer.Apply(model, child, Snapshot(parent), Parent, 0.1f, generator);
            return Snapshot(model);
        }
        StateDifferences(Init(3), Init(3)).Should().BeEmpty();
        StateDifferences(Init(4), Init(3)).Should().Contain(d => d.StartsWith("groups.0.bases.1.conv1.weight", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(StructureKind.Layerwise)]
    [InlineData(StructureKind.V2)]
    [InlineData(StructureKind.V3)]
    public void Every_weight_of_other_structures_finds_its_parent(StructureKind structure)
    {
        using var parent = ModelFactory.Create(Parent, new TrainingContext(1, 1));
        var child = new ModelConfig(NetworkKind.Tiny, structure, 2, 1, 1);
        using var model = ModelFactory.Create(child, new TrainingContext(2, 1));
        using var generator = new Generator(0);
        var report = ParentInitializer.Apply(model, child, Snapshot(parent), Parent, 0.1f, generator);
        report.Unmatched.Where(n => !n.EndsWith("scales", StringComparison.Ordinal) && !n.EndsWith(".estimated_scale", StringComparison.Ordinal))
            .Should().BeEmpty("weights, BN parameters and statistics all have a parent entry (sign quantisers' scales are estimated after training)");
        report.UnusedParentEntries.Where(n => !n.EndsWith(".scales", StringComparison.Ordinal)).Should().BeEmpty();
        report.Copied.Should().BeGreaterThan(0);
    }
}
