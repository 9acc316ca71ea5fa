using FluentAssertions;
using GroupNet.Cli.Charts;
using GroupNet.Cli.Reports;
using ScottPlot;

namespace GroupNet.Tests.Cli.Charts;

/// <summary>Every chart kind of a report, drawn from a small fixed report: files that decode at the chart's size,
/// the panels and series the reader is promised.</summary>
public sealed class ReportChartsTests : IDisposable
{
    private readonly string folder = Path.Combine(Path.GetTempPath(), "groupnet-charts-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>Two binary models and an int8 network on two cores at two levels; the int8 network and the binary K=3
    /// do not fit the M0, which runs the K=1 only. Accuracy: 90, 93 and 95%.</summary>
    public static IReadOnlyList<ReportChartCell> FixedReport()
    {
        var cells = new List<ReportChartCell>();
        foreach (var (core, board, speed) in new[] { ("M0", "microbit", 2.0), ("M3", "mps2-an385", 1.0), ("M4", "mps2-an386", 0.8) })
        {
            foreach (var (level, levelCost) in new[] { ("-O2", 1.0), ("-Os", 1.2) })
            {
                cells.Add(Cell("bin_k1", "binary", core, board, level, 0.90, true, 10e6 * speed * levelCost, 30_000));
                cells.Add(Cell("bin_k3", "binary", core, board, level, 0.93, core != "M0", 25e6 * speed * levelCost, 90_000));
                cells.Add(Cell("net_int8", "int8", core, board, level, 0.95, core != "M0", 20e6 * speed, 88_000));
            }
        }
        return cells;
    }

    private static ReportChartCell Cell(string model, string kind, string core, string board, string level, double accuracy, bool ran, double instructions, long flash) =>
        new(model, kind, core, board, level, ran, accuracy, ran ? instructions : null, ran ? flash : null, ran ?
        [
            new ReportLayer(kind == "int8" ? "stem" : "g0.q0", "layer", instructions * 0.3, instructions * 0.4, 100, 10, 50),
            new ReportLayer("g0.sum", "layer", instructions * 0.6, instructions * 0.7, 200, 20, 60),
            new ReportLayer("infer (glue)", "other", 16, 40, 0, 0, 0),
            new ReportLayer("head", "head", instructions * 0.1, instructions * 0.1, 640, 836, 0),
        ] : []);

    [Fact]
    public void A_report_has_both_trade_off_charts_and_one_per_layer_chart_per_model()
    {
        ReportCharts.All(FixedReport()).Select(c => c.Name).Should().Equal(
            "accuracy-vs-instructions", "accuracy-vs-flash", "per-layer-bin_k1", "per-layer-bin_k3", "per-layer-net_int8");
    }

    [Theory]
    [InlineData(ReportCharts.AccuracyVsInstructions)]
    [InlineData(ReportCharts.AccuracyVsFlash)]
    public void Accuracy_against_cost_has_a_panel_per_core_a_Pareto_front_and_the_int8_reference(string name)
    {
        var chart = ReportCharts.All(FixedReport()).Single(c => c.Name == name);

        // Three cores in grid order (3 columns, one row), then the legend column.
        chart.Panels.Should().HaveCount(4);
        (chart.Width, chart.Height).Should().Be((3 * 480 + 240, 400));
        chart.Panels.Take(3).Select(p => p.Axes.Title.Label.Text).Should().Equal("Cortex-M0 (microbit)", "Cortex-M3 (mps2-an385)", "Cortex-M4 (mps2-an386)");

        var m3 = chart.Panels[1];
        var scatters = m3.GetPlottables().OfType<ScottPlot.Plottables.Scatter>().ToArray();
        // One marker series per (model, level); the line through the Pareto front is the one series without markers.
        scatters.Count(s => s.MarkerSize > 0).Should().Be(6);
        var front = scatters.Single(s => s.MarkerSize == 0).Data.GetScatterPoints().Select(p => p.Y).ToArray();
        front.Should().Equal(90, 93); // -O2 of K=1 then -O2 of K=3: the -Os builds are dearer, no more accurate
        scatters.Where(s => s.MarkerShape == MarkerShape.FilledDiamond).Should().OnlyContain(s => s.Color == ChartStyle.Reference);
        var references = m3.GetPlottables().OfType<DashedReferenceLine>().ToArray();
        references.Select(r => r.Horizontal).Should().BeEquivalentTo([true, false]);
        references.Single(r => r.Horizontal).Value.Should().BeApproximately(95, 1e-9);
        // The M0 ran the K=1 only: no front, no int8 reference.
        chart.Panels[0].GetPlottables().OfType<DashedReferenceLine>().Should().BeEmpty();

        // Axes fitted to the data (90-95%) with a margin, not 0-100.
        var limits = m3.Axes.GetLimits();
        limits.Bottom.Should().BeInRange(85, 90);
        limits.Top.Should().BeInRange(95, 100);

        string text = ChartFiles.WriteAndCheck(chart, folder);
        foreach (var label in new[] { "bin_k1", "bin_k3", "net_int8 (int8)", "binary, -O2", "binary, -Os", ReportCharts.ParetoLegend, ReportCharts.Int8ReferenceLegend, "Cortex-M4 (mps2-an386)", "top-1 accuracy %" })
        {
            text.Should().Contain(label);
        }
    }

    [Fact]
    public void Per_layer_bars_use_the_report_tables_layer_names_one_bar_per_core()
    {
        var chart = ReportCharts.All(FixedReport()).Single(c => c.Name == ReportCharts.PerLayer("net_int8"));

        var panel = chart.Panels.Should().ContainSingle().Subject;
        // Layers and head of the M3 and M4 (the M0 did not fit): 3 rows x 2 cores; glue code is left out.
        panel.GetPlottables().OfType<ScottPlot.Plottables.BarPlot>().Single().Bars.Should().HaveCount(6);

        string text = ChartFiles.WriteAndCheck(chart, folder);
        // The tick labels (set when the chart renders) are the layer names, in network order.
        panel.Axes.Bottom.TickGenerator.Ticks.Select(t => t.Label).Where(l => l.Length > 0).Should().Equal("stem", "g0.sum", "head");
        text.Should().Contain("stem").And.Contain("g0.sum").And.Contain("Cortex-M3").And.Contain("Cortex-M4").And.NotContain("infer (glue)");
    }

    [Fact]
    public void Without_a_test_set_or_per_layer_rows_the_charts_say_so()
    {
        var cells = FixedReport().Select(c => c with { Accuracy = null, Layers = [] }).ToArray();

        var charts = ReportCharts.All(cells);

        ChartFiles.WriteAndCheck(charts[0], folder).Should().Contain("no test set given: accuracy not measured");
        ChartFiles.WriteAndCheck(charts[2], folder).Should().Contain("the saved report holds no per-layer rows");
    }
}
