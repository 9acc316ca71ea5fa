using System.Globalization;
using System.Net;
using System.Text;

namespace GroupNet.Cli.Experiments;

/// <summary>
/// Hand-written SVG of a run's learning curves: training loss (left panel) and accuracy in percent (right panel:
/// training, test top-1, test top-5) against the epoch. Deterministic output (invariant culture, fixed layout).
/// </summary>
public static class LearningCurvePlot
{
    private const int PanelWidth = 360, PanelHeight = 240, Margin = 48, Top = 36;

    /// <summary>The SVG document.</summary>
    public static string Svg(IReadOnlyList<EpochMetrics> metrics, string title)
    {
        var sb = new StringBuilder();
        int width = 2 * (PanelWidth + Margin) + Margin / 2, height = PanelHeight + Top + Margin;
        sb.Append(Inv($"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" font-family=\"sans-serif\" font-size=\"11\">\n"));
        sb.Append(Inv($"<rect width=\"{width}\" height=\"{height}\" fill=\"white\"/>\n"));
        sb.Append(Inv($"<text x=\"{width / 2}\" y=\"18\" text-anchor=\"middle\" font-size=\"13\">{WebUtility.HtmlEncode(title)}</text>\n"));
        var epochs = metrics.Select(m => (double)(m.Epoch + 1)).ToArray();
        double maxLoss = metrics.Count == 0 ? 1 : Math.Max(1e-6, metrics.Max(m => m.Loss)) * 1.05;
        Panel(sb, Margin, "training loss", 0, maxLoss, epochs, [("loss", "#d62728", metrics.Select(m => m.Loss).ToArray())]);
        double lo = metrics.Count == 0 ? 0 : Math.Floor(Math.Min(metrics.Min(m => m.TrainAccuracy), metrics.Min(m => m.TestTop1)) * 10) * 10;
        Panel(sb, 2 * Margin + PanelWidth + Margin / 2, "accuracy %", Math.Max(0, lo), 100, epochs,
        [
            ("train", "#1f77b4", metrics.Select(m => 100 * m.TrainAccuracy).ToArray()),
            ("test top-1", "#2ca02c", metrics.Select(m => 100 * m.TestTop1).ToArray()),
            ("test top-5", "#9467bd", metrics.Select(m => 100 * m.TestTop5).ToArray()),
        ]);
        sb.Append("</svg>\n");
        return sb.ToString();
    }

    private static void Panel(StringBuilder sb, int x0, string label, double yMin, double yMax, double[] xs, (string Name, string Color, double[] Ys)[] series)
    {
        int y0 = Top;
        double xMax = Math.Max(2, xs.Length == 0 ? 2 : xs.Max());
        double X(double x) => x0 + (x - 1) / (xMax - 1) * PanelWidth;
        double Y(double y) => y0 + PanelHeight - (Math.Clamp(y, yMin, yMax) - yMin) / (yMax - yMin) * PanelHeight;
        sb.Append(Inv($"<rect x=\"{x0}\" y=\"{y0}\" width=\"{PanelWidth}\" height=\"{PanelHeight}\" fill=\"none\" stroke=\"#888\"/>\n"));
        for (int i = 0; i <= 4; i++)
        {
            double v = yMin + (yMax - yMin) * i / 4;
            double y = Y(v);
            sb.Append(Inv($"<line x1=\"{x0}\" y1=\"{y:F1}\" x2=\"{x0 + PanelWidth}\" y2=\"{y:F1}\" stroke=\"#eee\"/>"));
            sb.Append(Inv($"<text x=\"{x0 - 4}\" y=\"{y + 4:F1}\" text-anchor=\"end\">{v:G3}</text>\n"));
        }
        int step = Math.Max(1, (int)Math.Ceiling(xMax / 10));
        for (int e = 1; e <= xMax; e += step)
        {
            sb.Append(Inv($"<text x=\"{X(e):F1}\" y=\"{y0 + PanelHeight + 14}\" text-anchor=\"middle\">{e}</text>\n"));
        }
        sb.Append(Inv($"<text x=\"{x0 + PanelWidth / 2}\" y=\"{y0 + PanelHeight + 30}\" text-anchor=\"middle\">epoch</text>\n"));
        sb.Append(Inv($"<text x=\"{x0 + 4}\" y=\"{y0 - 6}\">{label}</text>\n"));
        for (int s = 0; s < series.Length; s++)
        {
            var (name, color, ys) = series[s];
            var points = string.Join(" ", ys.Select((y, i) => Inv($"{X(xs[i]):F1},{Y(y):F1}")));
            sb.Append(Inv($"<polyline fill=\"none\" stroke=\"{color}\" stroke-width=\"2\" points=\"{points}\"/>\n"));
            foreach (var (y, i) in ys.Select((y, i) => (y, i)))
            {
                sb.Append(Inv($"<circle cx=\"{X(xs[i]):F1}\" cy=\"{Y(y):F1}\" r=\"2.5\" fill=\"{color}\"/>"));
            }
            int ly = y0 + PanelHeight - 12 - 14 * (series.Length - 1 - s);
            sb.Append(Inv($"\n<line x1=\"{x0 + PanelWidth - 90}\" y1=\"{ly - 4}\" x2=\"{x0 + PanelWidth - 74}\" y2=\"{ly - 4}\" stroke=\"{color}\" stroke-width=\"2\"/>"));
            sb.Append(Inv($"<text x=\"{x0 + PanelWidth - 70}\" y=\"{ly}\">{name}</text>\n"));
        }
    }

    private static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
