using FluentAssertions;
using GroupNet.Firmware;
using GroupNet.Firmware.Timing;

namespace GroupNet.Tests.Firmware;

/// <summary>The timing model applied to the worked example of docs/timing-model.md gives the documented cycles.</summary>
public class TimingModelTests
{
    /// <summary>The worked example's mix: 24 registers moved by the 8 LDM/STM, 3 of them returns (pc loads).</summary>
    private static InstructionMix ExampleMix()
    {
        var counts = new long[] { 100, 10, 5, 2, 50, 20, 4, 4, 10, 8, 6, 1 };
        var classes = InstructionMix.ClassNames.Select((c, i) => (c, counts[i])).ToDictionary(p => p.c, p => p.Item2);
        return new InstructionMix(counts.Sum(), classes, TransferRegisters: 24, PcLoads: 3);
    }

    [Theory]
    [InlineData("M0", 359)]
    [InlineData("M3", 393)]
    [InlineData("M4", 368)]
    [InlineData("M7", 177)]
    [InlineData("M33", 368)]
    [InlineData("M55", 343)]
    public void Worked_example_gives_the_documented_cycles_at_zero_wait_states(string core, double cycles)
    {
        var estimate = TimingModel.Estimate(ExampleMix(), core);

        estimate.Cycles.Should().Be(cycles);
        estimate.FlashCycles.Should().Be(0);
        estimate.Core.Should().Be(core);
    }

    [Fact]
    public void Flash_wait_states_charge_every_fetch_redirect_and_every_single_load()
    {
        // W = 2: (10 branch + 8 taken + 3 pc loads + 50 loads) x 2 = 142 extra cycles on any core.
        var estimate = TimingModel.Estimate(ExampleMix(), "M4", flashWaitStates: 2);

        estimate.ExecutionCycles.Should().Be(368);
        estimate.FlashCycles.Should().Be(142);
        estimate.Cycles.Should().Be(510);
    }

    [Fact]
    public void Every_core_of_every_board_has_a_table_covering_every_class()
    {
        foreach (var board in Boards.All)
        {
            var timing = CoreTimings.For(board.Core);
            timing.ClassCycles.Keys.Should().BeEquivalentTo(InstructionMix.ClassNames);
            timing.ClassCycles.Values.Should().OnlyContain(v => v > 0);
            timing.Source.Should().NotBeNullOrWhiteSpace();
        }
        FluentActions.Invoking(() => CoreTimings.For("M85")).Should().Throw<ArgumentException>();
        FluentActions.Invoking(() => TimingModel.Estimate(ExampleMix(), "M4", -1)).Should().Throw<ArgumentOutOfRangeException>();
    }

    [Fact]
    public void An_empty_mix_takes_no_cycles()
    {
        TimingModel.Estimate(InstructionMix.Empty, "M0", 5).Cycles.Should().Be(0);
    }
}
