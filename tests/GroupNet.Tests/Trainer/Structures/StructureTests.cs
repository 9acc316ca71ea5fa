using FluentAssertions;
using GroupNet.Trainer.Models;
using GroupNet.Trainer.Training;
using static TorchSharp.torch;

namespace GroupNet.Tests.Trainer.Structures;

public sealed class StructureTests
{
    public static TheoryData<NetworkKind, StructureKind, int, int, LayerPrecision> Cases()
    {
        var data = new TheoryData<NetworkKind, StructureKind, int, int, LayerPrecision>();
        foreach (var network in Enum.GetValues<NetworkKind>())
        {
            foreach (var structure in Enum.GetValues<StructureKind>())
            {
                data.Add(network, structure, structure == StructureKind.Baseline ? 1 : 2, 2, LayerPrecision.Float32);
            }
        }
        data.Add(NetworkKind.Tiny, StructureKind.V1, 2, 1, LayerPrecision.Float32);
        data.Add(NetworkKind.Tiny, StructureKind.V1, 2, 4, LayerPrecision.Int8);
        data.Add(NetworkKind.Small, StructureKind.V2, 2, 32, LayerPrecision.Int8);
        data.Add(NetworkKind.Plain, StructureKind.Layerwise, 3, 1, LayerPrecision.Int8);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Every_structure_builds_and_every_parameter_gets_a_gradient(NetworkKind network, StructureKind structure, int k, int bits, LayerPrecision firstLast)
    {
        using var ctx = new TrainingContext(7, 1);
        var config = new ModelConfig(network, structure, k, 1, bits, firstLast);
        using var model = ModelFactory.Create(config, ctx);
        model.train();
        using var scope = NewDisposeScope();
        var x = TrainerTestData.Uniform(new Random(1), false, 0f, 1f, 4, 1, 28, 28);
        var logits = model.forward(x);
        logits.shape.Should().Equal([4L, 10]);
        nn.functional.cross_entropy(logits, tensor(new long[] { 0, 1, 2, 3 })).backward();
        foreach (var (name, p) in model.named_parameters())
        {
            p.grad.Should().NotBeNull($"{name} should receive a gradient");
            var g = TrainerTestData.Floats(p.grad!);
            g.Any(v => v != 0f).Should().BeTrue($"{name} should receive a non-zero gradient");
            g.All(float.IsFinite).Should().BeTrue($"{name} gradient should be finite");
        }
    }

    [Theory]
    [InlineData(StructureKind.Layerwise)]
    [InlineData(StructureKind.V1)]
    [InlineData(StructureKind.V2)]
    [InlineData(StructureKind.V3)]
    public void Binary_parameters_grow_K_fold(StructureKind structure)
    {
        foreach (var network in Enum.GetValues<NetworkKind>())
        {
            var one = Cost(new ModelConfig(network, structure, 1));
            var five = Cost(new ModelConfig(network, structure, 5));
            five.BinaryParameters.Should().Be(5 * one.BinaryParameters, $"{network} {structure}");
            five.BinaryOperations.Should().Be(5 * one.BinaryOperations);
            five.Parameters.Should().BeInRange(4 * one.Parameters, 6 * one.Parameters);
        }
    }

    [Fact]
    public void Cost_follows_Eq_4_on_the_tiny_baseline()
    {
        // Binary layers of tiny: g0 16->16 x2 at 28x28; g1 16->32 s2, 32->32, 1x1 16->32 at 14x14; g2 32->64 s2, 64->64, 1x1 32->64 at 7x7.
        long macs = 2L * 16 * 16 * 9 * 784 + (16L * 32 * 9 + 32L * 32 * 9 + 16L * 32) * 196 + (32L * 64 * 9 + 64L * 64 * 9 + 32L * 64) * 49;
        var cost = Cost(new ModelConfig(NetworkKind.Tiny, StructureKind.Baseline, 1, 1, 2));
        cost.BinaryOperations.Should().Be(2 * macs);
        cost.FloatMacs.Should().Be(16L * 9 * 784 + 64 * 10);
        var fp = Cost(new ModelConfig(NetworkKind.Tiny, StructureKind.Baseline, 1, 32, 32));
        fp.BinaryOperations.Should().Be(0);
        fp.FloatMacs.Should().Be(macs + 16L * 9 * 784 + 64 * 10);
        fp.ModelBytes.Should().Be(4 * fp.Parameters);
        cost.ModelBytes.Should().BeLessThan(fp.ModelBytes / 5);
    }

    [Fact]
    public void The_same_seed_builds_the_same_model_and_another_seed_another()
    {
        var config = new ModelConfig(NetworkKind.Tiny, StructureKind.V1, 3, 1, 2);
        using var a = ModelFactory.Create(config, new TrainingContext(5, 1));
        using var b = ModelFactory.Create(config, new TrainingContext(5, 1));
        using var c = ModelFactory.Create(config, new TrainingContext(6, 1));
        a.Should().BeOfType<GroupNetModel>().Which.Config.Should().Be(config);
        var diff = TrainerTestData.StateDifferences(TrainerTestData.Snapshot(b), TrainerTestData.Snapshot(a));
        diff.Should().BeEmpty(string.Join("\n", diff));
        TrainerTestData.StateDifferences(TrainerTestData.Snapshot(c), TrainerTestData.Snapshot(a))
            .Should().Contain(d => d.StartsWith("groups.0.bases.2.conv1.weight", StringComparison.Ordinal));
        // The bases of a group start different (their weights are drawn one after the other), or training could not separate them.
        TrainerTestData.TensorDifference(a.state_dict()["groups.0.bases.1.conv1.weight"], a.state_dict()["groups.0.bases.0.conv1.weight"]).Should().NotBeNull();
    }

    [Theory]
    [InlineData(StructureKind.Baseline, 2, "Bases")]
    [InlineData(StructureKind.V1, 0, "Bases")]
    public void Invalid_model_configs_name_the_field(StructureKind structure, int k, string field)
    {
        var act = () => new ModelConfig(NetworkKind.Tiny, structure, k).Validate();
        act.Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be(field);
        var bits = () => new ModelConfig(ActivationBits: 3).Validate();
        bits.Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("ActivationBits");
        var build = () => ModelFactory.Create(new ModelConfig(NetworkKind.Tiny, structure, k), new TrainingContext(1, 1));
        build.Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be(field);
    }

    private static ModelCostReport Cost(ModelConfig config)
    {
        using var ctx = new TrainingContext(1, 1);
        using var model = ModelFactory.Create(config, ctx);
        return ModelCost.Measure(model);
    }
}
