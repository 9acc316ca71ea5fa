using FluentAssertions;
using GroupNet.Codegen.Emitters;
using GroupNet.Deployment.Model;
using GroupNet.Firmware;

namespace GroupNet.EmulatorTests;

/// <summary>Per-layer attribution of the exact instruction counts (QEMU plugin ranges from
/// arm-none-eabi-nm -S) partitions every inference exactly, and the class histograms are complete.</summary>
public class PerLayerCountTests
{
    [Fact]
    public void Per_layer_counts_sum_exactly_to_the_whole_inference_count_and_classes_to_the_totals()
    {
        var model = new RandomModelBuilder { Seed = 322, Name = "perlayer", Branches = 2, ActivationBits = 2 }.Build();
        var board = Boards.Get("mps2-an386");
        var images = TestImages.Make(3, model.InputBytes, seed: 5);
        string work = RepositoryPaths.Scratch("per-layer-k2-a2");

        var result = new FirmwareAgreement(RepositoryPaths.Root).Run(model, board, images, work, perLayer: true);

        result.Identical.Should().BeTrue(LogitMismatch.Describe(result.Mismatches));
        var segments = result.Run.InstructionsPerInference!;
        segments.Should().HaveCount(images.Count);
        var layers = result.Layers!;
        layers.Inferences.Should().Be(images.Count);

        // The rows (layers + infer glue + head + harness + ...) partition the inference segments exactly.
        layers.SegmentInstructions.Should().Be(segments.Sum());
        layers.Rows.Sum(r => r.Total.Instructions).Should().Be(segments.Sum());
        var profile = result.Run.Profile!;
        (profile.Functions.Sum(f => f.InSegments.Instructions) + profile.OutsideFunctions.Instructions).Should().Be(segments.Sum());
        (profile.Functions.Sum(f => f.WholeRun.Instructions) <= profile.WholeRun.Instructions).Should().BeTrue();
        profile.WholeRun.Instructions.Should().Be(result.Run.TotalInstructions!.Value);

        // Every generated layer function appears, ran, and is charged to its layer.
        var layerRows = layers.Rows.Where(r => r.Kind == LayerRowKind.Layer).ToArray();
        layerRows.Select(r => r.Name).Should().Equal(model.Layers.Select(l => l.Name));
        for (int l = 0; l < model.Layers.Length; l++)
        {
            layerRows[l].Total.Instructions.Should().BeGreaterThan(0, $"layer {model.Layers[l].Name} runs in every inference");
            layerRows[l].Functions.Should().OnlyContain(f => f.StartsWith($"gn_layer{l}_{LayerEmitter.Identifier(model.Layers[l].Name)}", StringComparison.Ordinal));
        }
        layers.Rows.Should().Contain(r => r.Name == LayerProfile.InferGlue && r.Total.Instructions > 0);
        layers.Rows.Where(r => r.Kind == LayerRowKind.Layer).Sum(r => r.BinaryMacs).Should().BeGreaterThan(0);

        // Histograms: classes sum to the instruction count of every row, function, and the totals.
        foreach (var mix in layers.Rows.Select(r => r.Total)
                     .Concat(profile.Functions.SelectMany(f => new[] { f.InSegments, f.WholeRun }))
                     .Append(profile.InSegments).Append(profile.WholeRun).Append(profile.OutsideFunctions))
        {
            mix.ClassSum.Should().Be(mix.Instructions);
            mix.Classes.Keys.Should().BeEquivalentTo(InstructionMix.ClassNames);
        }
        var total = profile.InSegments;
        foreach (var c in new[] { "alu", "load", "store", "branch", "branch_cond_taken", "branch_cond_not_taken", "ldm", "stm" })
        {
            total[c].Should().BeGreaterThan(0, $"an inference executes {c} instructions");
        }
        total.TransferRegisters.Should().BeGreaterThanOrEqualTo(total["ldm"] + total["stm"]);
    }
    [Theory]
    [InlineData("microbit")]
    [InlineData("mps2-an385")]
    [InlineData("mps2-an386")]
    [InlineData("mps2-an500")]
    [InlineData("mps2-an505")]
    [InlineData("mps3-an547")]
    public void Per_layer_counts_sum_to_the_whole_inference_count_on_every_core(string boardName)
    {
        // Small enough for the 16 KiB micro:bit, so every core runs the same model.
        var model = new RandomModelBuilder { Seed = 77, Name = "everycore", Branches = 2, ActivationBits = 2, Channels = [8, 16, 16], ImageSize = 16 }.Build();
        var board = Boards.Get(boardName);
        var images = TestImages.Make(2, model.InputBytes, seed: 11);

        var result = new FirmwareAgreement(RepositoryPaths.Root).Run(model, board, images, RepositoryPaths.Scratch("per-layer-" + boardName), perLayer: true);

        result.Identical.Should().BeTrue(LogitMismatch.Describe(result.Mismatches));
        var segments = result.Run.InstructionsPerInference!;
        var layers = result.Layers!;
        layers.Rows.Sum(r => r.Total.Instructions).Should().Be(segments.Sum());
        layers.Total.ClassSum.Should().Be(segments.Sum());
        layers.Rows.Where(r => r.Kind == LayerRowKind.Layer).Select(r => r.Name).Should().Equal(model.Layers.Select(l => l.Name));
        layers.Rows.Where(r => r.Kind == LayerRowKind.Layer).Should().OnlyContain(r => r.Total.Instructions > 0);
    }
}
