using FluentAssertions;
using GroupNet.Trainer.Models;
using GroupNet.Trainer.Tensors;

namespace GroupNet.Tests.Trainer.Structures;

public sealed class ParentInitializerTests
{
    private static readonly ModelConfig Parent = new(NetworkKind.Tiny, StructureKind.Baseline, 1, 32, 32);

    [Fact]
    public void Every_base_of_v1_starts_from_the_parent_single_branch()
    {
        var parent = ModelFactory.Create(new TrainingContext(1), Parent);
        var state = parent.StateDict().ToDictionary(e => e.Key, e => e.Value.Data);
        var child = new ModelConfig(NetworkKind.Tiny, StructureKind.V1, 3, 1, 1);
        var model = ModelFactory.Create(new TrainingContext(2), child);
        var report = ParentInitializer.Apply(model, child, parent.StateDict(), Parent, 0f, new Random(0));
        report.Unmatched.Where(n => !n.EndsWith(".Scales") && !n.EndsWith(".EstimatedScale")).Should().BeEmpty("only the K-sized group scales (and the sign quantisers' scales, estimated after training) have no parent");
        report.UnusedParentEntries.Where(n => !n.EndsWith(".Scales")).Should().BeEmpty();
        var own = model.StateDict().ToDictionary(e => e.Key, e => e.Value.Data);
        for (int k = 0; k < 3; k++)
        {
            own[$"Groups.1.Bases.{k}.Conv1.Weight"].Should().Equal(state["Groups.1.Bases.0.Conv1.Weight"]);
            own[$"Groups.2.Bases.{k}.ShortcutBn.RunningVar"].Should().Equal(state["Groups.2.Bases.0.ShortcutBn.RunningVar"]);
        }
        own["Stem.Weight"].Should().Equal(state["Stem.Weight"]);
        own["Classifier.Bias"].Should().Equal(state["Classifier.Bias"]);
    }

    [Fact]
    public void Noise_breaks_the_symmetry_of_copies_after_the_first()
    {
        var parent = ModelFactory.Create(new TrainingContext(1), Parent);
        var child = new ModelConfig(NetworkKind.Tiny, StructureKind.V1, 2, 1, 1);
        var model = ModelFactory.Create(new TrainingContext(2), child);
        var report = ParentInitializer.Apply(model, child, parent.StateDict(), Parent, 0.1f, new Random(0));
        report.Perturbed.Should().BeGreaterThan(0);
        var own = model.StateDict().ToDictionary(e => e.Key, e => e.Value.Data);
        var p = parent.StateDict().ToDictionary(e => e.Key, e => e.Value.Data)["Groups.0.Bases.0.Conv2.Weight"];
        own["Groups.0.Bases.0.Conv2.Weight"].Should().Equal(p);
        own["Groups.0.Bases.1.Conv2.Weight"].Should().NotEqual(p);
        own["Groups.0.Bases.1.Conv2.Weight"].Zip(p, (a, b) => Math.Abs(a - b)).Max().Should().BeLessThan(0.5f);
    }

    [Theory]
    [InlineData(StructureKind.Layerwise)]
    [InlineData(StructureKind.V2)]
    [InlineData(StructureKind.V3)]
    public void Every_weight_of_other_structures_finds_its_parent(StructureKind structure)
    {
        var parent = ModelFactory.Create(new TrainingContext(1), Parent);
        var child = new ModelConfig(NetworkKind.Tiny, structure, 2, 1, 1);
        var model = ModelFactory.Create(new TrainingContext(2), child);
        var report = ParentInitializer.Apply(model, child, parent.StateDict(), Parent, 0.1f, new Random(0));
        report.Unmatched.Where(n => !n.EndsWith("Scales") && !n.EndsWith(".EstimatedScale")).Should().BeEmpty("weights, BN parameters and statistics all have a parent entry (sign quantisers' scales are estimated after training)");
        report.UnusedParentEntries.Where(n => !n.EndsWith(".Scales")).Should().BeEmpty();
    }
}
