using FluentAssertions;
using GroupNet.Cli.Reports;
using GroupNet.Firmware;
using GroupNet.Firmware.Size;

namespace GroupNet.Tests.Cli;

/// <summary>The report's "binary Group-Net or int8?" section: ratios against the int8 cell of the same core and level.</summary>
public class ReportComparisonTests
{
    private static readonly ReportModel Binary = ReportModel.Load("random:k=1,bits=2,seed=1");
    private static readonly ReportModel Int8 = ReportModel.Load("random:int8,seed=1");

    [Fact]
    public void Each_binary_cell_is_compared_with_the_int8_cell_of_its_core_and_level()
    {
        var cells = new[]
        {
            Cell(Int8, Boards.Mps2An386, instructions: 4_000_000, codeWeightsTables: (10_000, 80_000, 2_000), ram: 30_000, stack: 1_000, accuracy: 0.866),
            Cell(Binary, Boards.Mps2An386, instructions: 1_000_000, codeWeightsTables: (20_000, 3_000, 23_000), ram: 14_000, stack: 500, accuracy: 0.846),
            Cell(Int8, Boards.Mps2An385, instructions: 8_000_000, codeWeightsTables: (10_000, 80_000, 2_000), ram: 30_000, stack: 1_000, accuracy: 0.866),
            Cell(Binary, Boards.Mps2An385, instructions: 2_000_000, codeWeightsTables: (20_000, 3_000, 23_000), ram: 14_000, stack: 500, accuracy: 0.846),
        };

        var rows = ReportComparison.Rows(cells);

        rows.Select(r => (r.Cell.Board.Core, r.Cell.Model.Kind)).Should().Equal(("M4", "int8"), ("M4", "binary"), ("M3", "int8"), ("M3", "binary"));
        rows.Should().OnlyContain(r => r.Int8.Board == r.Cell.Board && r.Int8.Model == Int8);
        var m4 = rows[1];
        m4.InstructionsRatio.Should().Be(0.25);
        // Flash without the embedded test image: (20000 + 3000 + 23000) / (10000 + 80000 + 2000).
        m4.FlashRatio.Should().Be(46_000.0 / 92_000);
        m4.RamRatio.Should().Be(14_500.0 / 31_000);
        m4.AccuracyPoints.Should().BeApproximately(-2.0, 1e-9);
        rows[0].InstructionsRatio.Should().Be(1);

        string md = ReportComparison.Markdown(cells);
        md.Should().Contain("## Binary Group-Net or int8")
            .And.Contain("| M4 | -O2 | random_k1_b2_s1 | binary | ok | 84.60% | -2.00 | 1,000,000 | 0.25 | 46,000 | 0.50 | 14,500 | 0.47 |");
    }

    [Fact]
    public void A_cell_that_did_not_run_has_no_ratios_and_a_grid_of_one_kind_has_no_section()
    {
        var int8 = Cell(Int8, Boards.Microbit, instructions: null, codeWeightsTables: null, ram: 0, stack: null, accuracy: 0.866) with { Status = "does not fit: RAM overflow by 9 bytes" };
        var binary = Cell(Binary, Boards.Microbit, instructions: 1_000_000, codeWeightsTables: (20_000, 3_000, 23_000), ram: 14_000, stack: 500, accuracy: 0.846);

        var rows = ReportComparison.Rows([int8, binary]);

        rows[1].InstructionsRatio.Should().BeNull();
        rows[1].FlashRatio.Should().BeNull();
        rows[1].RamRatio.Should().BeNull();
        rows[1].AccuracyPoints.Should().BeApproximately(-2.0, 1e-9);
        ReportComparison.Markdown([binary]).Should().BeEmpty();
        ReportComparison.Markdown([int8]).Should().BeEmpty();
    }

    private static ReportCell Cell(ReportModel model, Board board, double? instructions, (long Code, long Weights, long Tables)? codeWeightsTables, long ram, long? stack, double accuracy) => new()
    {
        Model = model,
        Board = board,
        OptimizationLevel = "-O2",
        Status = "ok",
        Accuracy = accuracy,
        InstructionsPerInference = instructions,
        Memory = codeWeightsTables is { } f ? new MemoryBreakdown([], f.Code, f.Weights, f.Tables, 784, 0, 0, ram - 100, 100, []) : null,
        StackPeakBytes = stack,
    };
}
