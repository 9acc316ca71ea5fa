using System.Globalization;
using GroupNet.Cli.Charts;
using ScottPlot;

namespace GroupNet.Cli.Experiments;

/// <summary>
/// A run's learning curves, drawn with ScottPlot: training and test top-1 accuracy against the epoch in one panel
/// (with the run's final accuracy marked when its result is known), training loss in the other.
/// Epochs are numbered as in the metrics files: 1 is the first.
/// </summary>
public static class LearningCurveChart
{
    /// <summary>Legend text of the training-accuracy curve.</summary>
    public const string TrainLegend = "train top-1";

    /// <summary>Legend text of the test-accuracy curve.</summary>
    public const string TestLegend = "test top-1";

    /// <summary>Legend text of the loss curve.</summary>
    public const string LossLegend = "training loss";

    private const int Width = 1100, Height = 440;

    /// <summary>The chart <c>NAME.curves</c> (<paramref name="name"/> = the checkpoint's name).</summary>
    /// <param name="result">The finished run, whose final test top-1 (after batch-norm re-estimation where the recipe
    /// asks for it) is marked; null while the run trains.</param>
    /// <param name="integerTop1">The exported integer program's test top-1 (a fraction), marked at the last epoch
    /// when known (<see cref="IntegerAccuracyFile"/>).</param>
    public static ChartImage Draw(string name, IReadOnlyList<EpochMetrics> metrics, string title, RunResult? result, double? integerTop1 = null)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        var figure = ChartStyle.NewFigure();
        figure.Layout = new ScottPlot.MultiplotLayouts.Columns();
        var accuracy = ChartStyle.AddPanel(figure);
        var loss = ChartStyle.AddPanel(figure);
        var epochs = metrics.Select(m => (double)m.Epoch).ToArray();
        accuracy.Title(title);
        loss.Title(LossLegend);

        var train = accuracy.Add.Scatter(epochs, metrics.Select(m => 100 * m.TrainAccuracy).ToArray(), ChartStyle.Series(0));
        train.LegendText = TrainLegend;
        var test = accuracy.Add.Scatter(epochs, metrics.Select(m => 100 * m.TestTop1).ToArray(), ChartStyle.Series(1));
        test.LegendText = TestLegend;
        var shown = metrics.SelectMany(m => new[] { 100 * m.TrainAccuracy, 100 * m.TestTop1 }).ToList();
        if (result is not null && metrics.Count > 0)
        {
            double final = 100 * result.Top1;
            var mark = accuracy.Add.Marker(epochs[^1], final, MarkerShape.FilledDiamond, 14, ChartStyle.Reference);
            mark.LegendText = FinalLegend(result);
            accuracy.Add.Plottable(new DashedReferenceLine(final, horizontal: true, ChartStyle.Reference.WithAlpha(0.6), 1.5f));
            shown.Add(final);
        }
        if (integerTop1 is { } integer && metrics.Count > 0)
        {
            // An open square, larger than the float mark: both stay visible where they coincide.
            var mark = accuracy.Add.Marker(epochs[^1], 100 * integer, MarkerShape.OpenSquare, 18, ChartStyle.Series(2));
            mark.MarkerLineWidth = 2;
            mark.LegendText = IntegerLegend(integer);
            shown.Add(100 * integer);
        }
        accuracy.YLabel("accuracy %");
        accuracy.ShowLegend(Alignment.LowerRight);

        var curve = loss.Add.Scatter(epochs, metrics.Select(m => m.Loss).ToArray(), ChartStyle.Series(3));
        curve.LegendText = LossLegend;
        loss.YLabel(LossLegend);
        loss.HideLegend(); // one curve, named by the axis

        foreach (var panel in new[] { accuracy, loss })
        {
            panel.XLabel("epoch");
            panel.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { IntegerTicksOnly = true };
            panel.Axes.SetLimitsX(0.5, Math.Max(1, metrics.Count == 0 ? 1 : epochs.Max()) + 0.5);
        }
        if (shown.Count > 0)
        {
            double lo = shown.Min(), hi = shown.Max(), margin = Math.Max(0.5, (hi - lo) * 0.08);
            accuracy.Axes.SetLimitsY(Math.Max(0, lo - margin), hi + margin);
            double lossMax = metrics.Max(m => m.Loss), lossMin = metrics.Min(m => m.Loss), lossMargin = Math.Max(1e-3, (lossMax - lossMin) * 0.08);
            loss.Axes.SetLimitsY(Math.Max(0, lossMin - lossMargin), lossMax + lossMargin);
        }
        return new ChartImage(name + ".curves", figure, Width, Height);
    }

    /// <summary>Legend text of the integer program's mark.</summary>
    public static string IntegerLegend(double integerTop1) =>
        string.Create(CultureInfo.InvariantCulture, $"integer program test top-1: {100 * integerTop1:F2}%");

    /// <summary>What the final mark is: the result file's top-1, after batch-norm re-estimation where that changed it.</summary>
    public static string FinalLegend(RunResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        string how = Math.Abs(result.Top1 - result.Top1BeforeBn) > 1e-9 ? " after batch-norm re-estimation" : string.Empty;
        return string.Create(CultureInfo.InvariantCulture, $"final test top-1{how}: {100 * result.Top1:F2}%");
    }
}
