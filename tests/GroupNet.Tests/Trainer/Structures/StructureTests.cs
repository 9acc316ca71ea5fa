using FluentAssertions;
using GroupNet.Trainer.Models;
using GroupNet.Trainer.Modules;
using GroupNet.Trainer.Ops;
using GroupNet.Trainer.Tensors;

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
        var ctx = new TrainingContext(7, 2);
        var config = new ModelConfig(network, structure, k, 1, bits, firstLast);
        var model = ModelFactory.Create(ctx, config);
        var x = TrainerTestData.Uniform(new Random(1), false, 0f, 1f, 4, 1, 28, 28);
        using (ctx.BeginScope())
        {
            var logits = model.Forward(x);
            logits.ShapeArray().Should().Equal(4, 10);
            Functional.CrossEntropy(ctx, logits, new[] { 0, 1, 2, 3 }).Backward(ctx);
        }
        foreach (var (name, p) in model.NamedParameters())
        {
            p.Grad.Should().NotBeNull($"{name} should receive a gradient");
            p.Grad!.Any(g => g != 0f).Should().BeTrue($"{name} should receive a non-zero gradient");
            p.Grad!.All(float.IsFinite).Should().BeTrue($"{name} gradient should be finite");
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
            long one = Cost(new ModelConfig(network, structure, 1)).BinaryParameters;
            var five = Cost(new ModelConfig(network, structure, 5));
            five.BinaryParameters.Should().Be(5 * one, $"{network} {structure}");
            five.BinaryOperations.Should().Be(5 * Cost(new ModelConfig(network, structure, 1)).BinaryOperations);
            five.Parameters.Should().BeInRange(4 * Cost(new ModelConfig(network, structure, 1)).Parameters, 6 * Cost(new ModelConfig(network, structure, 1)).Parameters);
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
    public void Tiny_v1_builds_GroupNetV1_and_GroupNetModel_matches_its_names_and_initialisation()
    {
        var config = new ModelConfig(NetworkKind.Tiny, StructureKind.V1, 3, 1, 2);
        ModelFactory.Create(new TrainingContext(5), config).Should().BeOfType<GroupNetV1>();
        var v1 = new GroupNetV1(new TrainingContext(5), new GroupNetV1Config(3, 2));
        var general = new GroupNetModel(new TrainingContext(5), config);
        general.StateDict().Select(e => e.Key).Should().Equal(v1.StateDict().Select(e => e.Key));
        TrainerTestData.FirstBitDifference(TrainerTestData.Flatten(general), TrainerTestData.Flatten(v1)).Should().Be(-1);
        ModelFactory.Create(new TrainingContext(5), config with { Network = NetworkKind.Small }).Should().BeOfType<GroupNetModel>();
        ModelFactory.Create(new TrainingContext(5), config with { FirstLast = LayerPrecision.Int8 }).Should().BeOfType<GroupNetModel>();
        ModelFactory.FromGroupNetV1(new GroupNetV1Config(3, 2)).Should().Be(config);
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
    }

    private static ModelCostReport Cost(ModelConfig config)
    {
        var ctx = new TrainingContext(1, 1);
        return ModelCost.Measure(ModelFactory.Create(ctx, config), config);
    }
}
