using GroupNet.Cli.Charts;
using ScottPlot;

namespace GroupNet.Cli.Reports;

/// <summary>
/// The pictures of a report, drawn with ScottPlot (each written as SVG and PNG):
/// accuracy against instructions and against model flash, one panel per core, with the binary models joined
/// along their Pareto front and the int8 network as a black diamond with dashed reference lines; and per model
/// the instructions of each layer on each core (first optimisation level; layer names as in the report tables).
/// </summary>
public static class ReportCharts
{
    /// <summary>Name (without extension) of the accuracy-vs-instructions chart.</summary>
    public const string AccuracyVsInstructions = "accuracy-vs-instructions";

    /// <summary>Name (without extension) of the accuracy-vs-flash chart.</summary>
    public const string AccuracyVsFlash = "accuracy-vs-flash";

    /// <summary>Name (without extension) of a model's per-layer chart.</summary>
    public static string PerLayer(string model) => $"per-layer-{ReportRunner.Safe(model)}";

    /// <summary>Legend text of the Pareto-front line.</summary>
    public const string ParetoLegend = "Pareto front (binary)";

    /// <summary>Legend text of the int8 reference lines.</summary>
    public const string Int8ReferenceLegend = "- - - int8 accuracy and cost";

    private const int PanelWidth = 480, PanelHeight = 400, LegendWidth = 240, PerLayerWidth = 1100, PerLayerHeight = 560;

    /// <summary>Marker shapes of the optimisation levels, in grid order (a model's colour stays the same).</summary>
    private static readonly MarkerShape[] LevelShapes =
        [MarkerShape.FilledCircle, MarkerShape.FilledSquare, MarkerShape.FilledTriangleUp, MarkerShape.FilledTriangleDown, MarkerShape.OpenCircle, MarkerShape.OpenSquare];

    /// <summary>Every chart of a report, in the order the Markdown embeds them.</summary>
    public static IReadOnlyList<ChartImage> All(IReadOnlyList<ReportChartCell> cells)
    {
        ArgumentNullException.ThrowIfNull(cells);
        var models = cells.Select(c => c.Model).Distinct().ToArray();
        var levels = cells.Select(c => c.OptimizationLevel).Distinct().ToArray();
        var ran = cells.Where(c => c.InstructionsPerInference is not null).ToArray();
        var charts = new List<ChartImage>
        {
            Tradeoff(AccuracyVsInstructions, "instructions per inference (exact)", ran, c => c.InstructionsPerInference, models, levels),
            Tradeoff(AccuracyVsFlash, "model flash bytes (without test images)", ran, c => c.ModelFlashBytes, models, levels),
        };
        if (levels.Length > 0)
        {
            // A core keeps its colour in every model's chart.
            var cores = cells.Select(c => c.Core).Distinct().ToArray();
            charts.AddRange(models.Select(m => PerLayerChart(m, levels[0], ran.Where(c => c.Model == m && c.OptimizationLevel == levels[0]).ToArray(), cores)));
        }
        return charts;
    }

    private static ChartImage Tradeoff(string name, string xLabel, IReadOnlyList<ReportChartCell> ran, Func<ReportChartCell, double?> cost,
        IReadOnlyList<string> models, IReadOnlyList<string> levels)
    {
        var points = ran.Where(c => c.Accuracy is not null && cost(c) is not null).ToArray();
        var figure = ChartStyle.NewFigure();
        if (points.Length == 0)
        {
            var empty = ChartStyle.AddPanel(figure);
            empty.Add.Text(ran.Count == 0 ? "no cell ran" : "no test set given: accuracy not measured", 0, 0);
            empty.Axes.Frameless();
            empty.HideGrid();
            return new ChartImage(name, figure, PanelWidth + LegendWidth, PanelHeight);
        }
        // Cores in grid order (the order of the cells), those with at least one point.
        var cores = ran.Select(c => (c.Core, c.Board)).Distinct().Where(b => points.Any(c => c.Core == b.Core)).ToArray();
        int columns = Math.Min(3, cores.Length), rows = (cores.Length + columns - 1) / columns;
        // Accuracy is a property of the model, the same on every core: one y range for all panels makes them comparable.
        var (yMin, yMax) = Fit(points.Select(c => 100 * c.Accuracy!.Value).ToArray(), minimumSpan: 1);
        // A grid column is LegendWidth / 2 pixels wide: a panel spans PanelWidth / (LegendWidth / 2) of them, the legend two.
        var layout = new ScottPlot.MultiplotLayouts.CustomGrid();
        int unitsPerPanel = 2 * PanelWidth / LegendWidth, totalColumns = columns * unitsPerPanel + 2;
        for (int i = 0; i < cores.Length; i++)
        {
            var (core, board) = cores[i];
            var panel = ChartStyle.AddPanel(figure);
            DrawCore(panel, points.Where(c => c.Core == core).ToArray(), cost, models, levels);
            panel.Title($"Cortex-{core} ({board})");
            panel.XLabel(xLabel);
            panel.YLabel("top-1 accuracy %");
            ChartStyle.ShortTicks(panel.Axes.Bottom);
            var (xMin, xMax) = Fit(points.Where(c => c.Core == core).Select(c => cost(c)!.Value).ToArray(), minimumSpan: 0);
            panel.Axes.SetLimits(xMin, xMax, yMin, yMax);
            layout.Set(panel, new GridCell(i / columns, (i % columns) * unitsPerPanel, rows, totalColumns, 1, unitsPerPanel));
        }
        var legend = ChartStyle.AddPanel(figure);
        legend.Axes.Frameless();
        legend.HideGrid();
        legend.ShowLegend(LegendItems(points, models, levels), Alignment.UpperLeft);
        layout.Set(legend, new GridCell(0, columns * unitsPerPanel, rows, totalColumns, rows, 2));
        figure.Layout = layout;
        return new ChartImage(name, figure, columns * PanelWidth + LegendWidth, rows * PanelHeight);
    }

    /// <summary>One core's panel: the Pareto front of the binary cells under their markers, the int8 cells on top.</summary>
    private static void DrawCore(Plot panel, IReadOnlyList<ReportChartCell> cells, Func<ReportChartCell, double?> cost,
        IReadOnlyList<string> models, IReadOnlyList<string> levels)
    {
        var binary = cells.Where(c => c.Kind != "int8").ToArray();
        var front = ParetoFront.Of(binary.Select(c => (cost(c)!.Value, c.Accuracy!.Value)).ToArray()).Select(i => binary[i]).ToArray();
        if (front.Length > 1)
        {
            var line = panel.Add.ScatterLine(front.Select(c => cost(c)!.Value).ToArray(), front.Select(c => 100 * c.Accuracy!.Value).ToArray(), Colors.DimGray);
            line.LineWidth = 2;
        }
        foreach (var int8 in cells.Where(c => c.Kind == "int8").DistinctBy(c => (cost(c), c.Accuracy)))
        {
            panel.Add.Plottable(new DashedReferenceLine(100 * int8.Accuracy!.Value, horizontal: true, ChartStyle.Reference.WithAlpha(0.6), 1.5f));
            panel.Add.Plottable(new DashedReferenceLine(cost(int8)!.Value, horizontal: false, ChartStyle.Reference.WithAlpha(0.6), 1.5f));
        }
        foreach (var group in cells.GroupBy(c => (c.Model, c.OptimizationLevel)).OrderBy(g => g.First().Kind == "int8"))
        {
            var c0 = group.First();
            var marker = panel.Add.ScatterPoints(group.Select(c => cost(c)!.Value).ToArray(), group.Select(c => 100 * c.Accuracy!.Value).ToArray());
            Style(marker, c0.Kind, Array.IndexOf(models.ToArray(), c0.Model), Array.IndexOf(levels.ToArray(), c0.OptimizationLevel));
        }
    }

    private static void Style(ScottPlot.Plottables.Scatter marker, string kind, int model, int level)
    {
        if (kind == "int8")
        {
            marker.MarkerShape = MarkerShape.FilledDiamond;
            marker.MarkerSize = 14;
            marker.Color = ChartStyle.Reference;
        }
        else
        {
            marker.MarkerShape = LevelShapes[level % LevelShapes.Length];
            // Later levels draw smaller, so a level that lands on the same point as the first still shows inside it.
            marker.MarkerSize = Math.Max(5, 11 - 3 * level);
            marker.Color = ChartStyle.Series(model);
        }
    }

    /// <summary>One entry per model (its colour), per optimisation level (its marker shape), and for the reference marks.</summary>
    private static List<LegendItem> LegendItems(IReadOnlyList<ReportChartCell> points, IReadOnlyList<string> models, IReadOnlyList<string> levels)
    {
        var items = new List<LegendItem>();
        foreach (var model in models.Where(m => points.Any(c => c.Model == m)))
        {
            bool int8 = points.First(c => c.Model == model).Kind == "int8";
            var color = int8 ? ChartStyle.Reference : ChartStyle.Series(models.ToList().IndexOf(model));
            items.Add(new LegendItem
            {
                LabelText = int8 ? model + " (int8)" : model,
                MarkerShape = int8 ? MarkerShape.FilledDiamond : MarkerShape.FilledCircle,
                MarkerSize = int8 ? 12 : 9,
                MarkerColor = color,
                MarkerLineColor = color,
                MarkerFillColor = color,
            });
        }
        var usedLevels = levels.Where(l => points.Any(c => c.Kind != "int8" && c.OptimizationLevel == l)).ToArray();
        if (usedLevels.Length > 1)
        {
            foreach (var level in usedLevels)
            {
                int i = levels.ToList().IndexOf(level);
                items.Add(new LegendItem
                {
                    LabelText = "binary, " + level,
                    MarkerShape = LevelShapes[i % LevelShapes.Length],
                    MarkerSize = 9,
                    MarkerColor = Colors.Gray,
                    MarkerLineColor = Colors.Gray,
                    MarkerFillColor = Colors.Gray,
                });
            }
        }
        items.Add(new LegendItem { LabelText = ParetoLegend, LineColor = Colors.DimGray, LineWidth = 2 });
        if (points.Any(c => c.Kind == "int8"))
        {
            // Text only: a dashed legend symbol would need the path effect that the SVG backend drops.
            items.Add(new LegendItem { LabelText = Int8ReferenceLegend });
        }
        return items;
    }

    /// <summary>A model's instructions per layer: one group of bars per layer (and the head), one bar per core.</summary>
    private static ChartImage PerLayerChart(string model, string level, IReadOnlyList<ReportChartCell> run, IReadOnlyList<string> cores)
    {
        var figure = ChartStyle.NewFigure();
        var plot = ChartStyle.AddPanel(figure);
        plot.Title($"{model}: instructions per inference per layer ({level})");
        // Layers and the head; the few instructions of glue, harness and helpers would be invisible bars.
        var names = run.SelectMany(c => c.Layers).Where(l => l.Kind != "other").Select(l => l.Name).Distinct().ToArray();
        if (names.Length == 0)
        {
            plot.Add.Text(run.Count == 0 ? "no cell of this model ran" : "the saved report holds no per-layer rows", 0, 0);
            plot.Axes.Frameless();
            plot.HideGrid();
            return new ChartImage(PerLayer(model), figure, PerLayerWidth, PerLayerHeight);
        }
        Color CoreColor(ReportChartCell c) => ChartStyle.Series(cores.ToList().IndexOf(c.Core));
        int group = run.Count + 1;
        var bars = new List<Bar>();
        for (int i = 0; i < names.Length; i++)
        {
            for (int s = 0; s < run.Count; s++)
            {
                double v = run[s].Layers.FirstOrDefault(l => l.Name == names[i])?.InstructionsPerInference ?? 0;
                bars.Add(new Bar { Position = i * group + s, Value = v, FillColor = CoreColor(run[s]), LineWidth = 0, Size = 0.9 });
            }
        }
        plot.Add.Bars(bars);
        plot.Axes.Bottom.SetTicks(names.Select((_, i) => i * group + (run.Count - 1) / 2.0).ToArray(), names);
        plot.Axes.Bottom.TickLabelStyle.Rotation = -40;
        plot.Axes.Bottom.TickLabelStyle.Alignment = Alignment.MiddleRight;
        plot.Axes.Bottom.MinimumSize = 90;
        plot.Axes.Bottom.MajorTickStyle.Length = 0;
        plot.XLabel("layer (as in the report tables; C function gn_layerN_<name with _ for .>)");
        plot.YLabel("instructions per inference (exact)");
        ChartStyle.ShortTicks(plot.Axes.Left);
        plot.Axes.Margins(bottom: 0);
        plot.Legend.ManualItems.AddRange(run.Select(c => new LegendItem { LabelText = $"Cortex-{c.Core}", FillColor = CoreColor(c) }));
        plot.ShowLegend(Edge.Right);
        return new ChartImage(PerLayer(model), figure, PerLayerWidth, PerLayerHeight);
    }

    /// <summary>The data's range with 8% of it as margin on each side (at least <paramref name="minimumSpan"/> wide,
    /// and never a zero-width range).</summary>
    private static (double Min, double Max) Fit(IReadOnlyList<double> values, double minimumSpan)
    {
        double lo = values.Min(), hi = values.Max();
        double span = Math.Max(Math.Max(hi - lo, minimumSpan), Math.Max(Math.Abs(hi) * 0.05, 1e-9));
        double mid = (lo + hi) / 2;
        lo = Math.Min(lo, mid - span / 2);
        hi = Math.Max(hi, mid + span / 2);
        double margin = (hi - lo) * 0.08;
        return (lo - margin, hi + margin);
    }
}
