using FluentAssertions;
using GroupNet.Codegen;
using GroupNet.Deployment.Model;
using GroupNet.Firmware;
using GroupNet.Firmware.Timing;

namespace GroupNet.EmulatorTests;

/// <summary>Firmware built with GN_CYCLE_COUNTER reads DWT->CYCCNT around every layer and prints one
/// GN-CYCLES line per inference on cores with a DWT, none on the M0; the logits are unchanged.</summary>
public class CycleCounterTests
{
    [Theory]
    [InlineData("mps2-an386", true)]
    [InlineData("microbit", false)]
    public void Cycle_counter_build_prints_one_value_per_layer_and_head_where_the_core_has_a_DWT(string boardName, bool hasCycleCounter)
    {
        // Small enough for the 16 KiB micro:bit.
        var model = new RandomModelBuilder { Seed = 41, Name = "cycles", Branches = 1, ActivationBits = 2, Channels = [8, 16, 16], ImageSize = 16 }.Build();
        var board = Boards.Get(boardName);
        var images = TestImages.Make(2, model.InputBytes, seed: 3);
        string work = RepositoryPaths.Scratch("cycle-counter-" + boardName);
        string modelDir = Path.Combine(work, "model");
        new ModelEmitter().Emit(model, modelDir, new EmitOptions(images));

        var build = new FirmwareBuilder(RepositoryPaths.Root) { CycleCounter = true }.Build(board, modelDir, Path.Combine(work, "build"));
        var run = new QemuRunner(RepositoryPaths.Root).Run(board, build.ElfPath);

        var expected = new GroupNet.Deployment.Reference.ReferenceExecutor(model).InferMany(images);
        run.Logits.Should().BeEquivalentTo(expected, o => o.WithStrictOrdering());
        var lines = MeasuredCycles.Parse(run.Output);
        if (!hasCycleCounter)
        {
            lines.Should().BeEmpty("ARMv6-M has no CYCCNT");
            return;
        }
        lines.Select(l => l.Image).Should().Equal(0, 1);
        foreach (var line in lines)
        {
            line.PerCall.Should().HaveCount(model.Layers.Length + 1, "one value per layer and one for the head");
            line.Total.Should().Be(line.PerCall.Aggregate(0UL, (a, b) => a + b));
        }
    }

    [Fact]
    public void Parser_reads_the_documented_line_and_rejects_garbage()
    {
        var lines = MeasuredCycles.Parse("logits 0 1 2\nGN-CYCLES 0 30 10 20\nGN-DONE 1\n");
        lines.Should().ContainSingle();
        lines[0].Should().BeEquivalentTo(new MeasuredCycles(0, 30, [10UL, 20UL]));
        lines[0].IsCounting.Should().BeTrue();
        MeasuredCycles.Parse("GN-CYCLES 0 0 0 0").Single().IsCounting.Should().BeFalse();
        FluentActions.Invoking(() => MeasuredCycles.Parse("GN-CYCLES x 1 2")).Should().Throw<FormatException>();
    }
}
