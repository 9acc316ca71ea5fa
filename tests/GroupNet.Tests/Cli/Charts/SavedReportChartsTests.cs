using FluentAssertions;
using GroupNet.Cli.Experiments;
using GroupNet.Cli.Reports;
using GroupNet.Firmware;
using GroupNet.Firmware.Size;

namespace GroupNet.Tests.Cli.Charts;

/// <summary>Charts redrawn from saved files (`groupnet charts`): a report.json, the per-layer rows of a report.md
/// whose JSON left them out, a run's metrics.csv.</summary>
public sealed class SavedReportChartsTests : IDisposable
{
    private static readonly ReportModel Model = ReportModel.Load("random:k=1,bits=2,seed=1");

    private static readonly ReportLayer[] Layers =
    [
        new("g0.q0", "layer", 1_234, 2_000, 100, 10, 50),
        new("infer (glue)", "other", 16, 40, 0, 0, 0),
        new("head", "head", 9_233, 14_904, 640, 836, 0),
    ];

    private readonly string folder = Path.Combine(Path.GetTempPath(), "groupnet-saved-charts-" + Guid.NewGuid().ToString("N"));

    public SavedReportChartsTests() => Directory.CreateDirectory(folder);

    public void Dispose() => Directory.Delete(folder, recursive: true);

    private static (ReportGrid Grid, ReportCell[] Cells) Report()
    {
        var cells = new[] { Boards.Mps2An385, Boards.Mps2An386 }.Select(board => new ReportCell
        {
            Model = Model,
            Board = board,
            OptimizationLevel = "-O2",
            Status = "ok",
            Accuracy = 0.9,
            InstructionsPerInference = 10_483,
            Memory = new MemoryBreakdown([], 1_000, 740, 846, 784, 0, 0, 12_800, 304, [new LayerBytes("g0.q0", 0, 100, 10, 50), new LayerBytes("head", -1, 640, 836, 0)]),
            StackPeakBytes = 700,
            Layers = Layers,
        }).ToArray();
        var grid = new ReportGrid { Models = [Model], Boards = [Boards.Mps2An385, Boards.Mps2An386], OptimizationLevels = ["-O2"], Images = [new byte[Model.Model.InputBytes]] };
        return (grid, cells);
    }

    [Fact]
    public void The_per_layer_tables_of_a_report_md_read_back_as_the_rows_that_made_them()
    {
        var (grid, cells) = Report();

        var rows = ReportMarkdownLayers.Read(ReportTables.Markdown(grid, cells, []));

        rows.Keys.Should().BeEquivalentTo([(Model.Label, "M3"), (Model.Label, "M4")]);
        rows[(Model.Label, "M3")].Level.Should().Be("-O2");
        // Flash bytes are in the table of the first core only.
        rows[(Model.Label, "M3")].Layers.Should().Equal(Layers);
        rows[(Model.Label, "M4")].Layers.Should().Equal(Layers.Select(l => l with { WeightBytes = 0, TableBytes = 0, CodeBytes = 0 }));
    }

    [Fact]
    public void Charts_redraws_a_saved_report_and_a_saved_run_and_rewrites_the_charts_section()
    {
        var (grid, cells) = Report();
        // A report.json without per-layer rows (as bench/report/run.sh saves it) beside its report.md with old-style chart links.
        var json = ReportJson.Build(grid, cells);
        foreach (var cell in json["cells"]!.AsArray())
        {
            cell!.AsObject().Remove("layers");
        }
        File.WriteAllText(Path.Combine(folder, "report.json"), ReportJson.Serialize(json, indented: true));
        string markdown = ReportTables.Markdown(grid, cells, []) + "\n## Charts\n\n![accuracy-vs-flash.svg](accuracy-vs-flash.svg)\n";
        File.WriteAllText(Path.Combine(folder, "report.md"), markdown);
        File.WriteAllText(Path.Combine(folder, "run.metrics.csv"), MetricsFiles.CsvHeader + "\n1,1.0,0.5,0.4,0.9,10.0\n2,0.8,0.6,0.5,0.95,10.0\n");

        int exit = GroupNet.Cli.Program.Main(["charts", Path.Combine(folder, "report.json"), Path.Combine(folder, "run.metrics.csv")]);

        exit.Should().Be(0);
        string[] names = [ReportCharts.AccuracyVsInstructions, ReportCharts.AccuracyVsFlash, ReportCharts.PerLayer(Model.Label), "run.curves"];
        Directory.GetFiles(folder, "*.png").Select(Path.GetFileName).Should().BeEquivalentTo(names.Select(n => n + ".png"));
        Directory.GetFiles(folder, "*.svg").Select(Path.GetFileName).Should().BeEquivalentTo(names.Select(n => n + ".svg"));
        // The per-layer rows came from report.md: the chart shows the layer, not "no per-layer rows".
        File.ReadAllText(Path.Combine(folder, ReportCharts.PerLayer(Model.Label) + ".svg")).Should().Contain("g0.q0");
        string rewritten = File.ReadAllText(Path.Combine(folder, "report.md"));
        rewritten.Should().StartWith(ReportTables.Markdown(grid, cells, []).TrimEnd('\n'))
            .And.EndWith(ReportTables.ChartsSection(names.Take(3).ToArray()))
            .And.NotContain("![accuracy-vs-flash.svg]");
    }
}
