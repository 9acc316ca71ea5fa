using System.Globalization;
using System.Net;
using System.Text;

namespace GroupNet.Cli.Reports;

/// <summary>
/// Hand-written SVG charts of a report, in the style of <c>Experiments/LearningCurvePlot</c>
/// (deterministic, invariant culture): accuracy against instructions and against flash (one point per
/// fitting cell, one colour per core), and per model a per-layer bar chart of instructions per inference
/// (one bar per core, first optimisation level; layers and head only).
/// </summary>
public static class ReportCharts
{
    private const int Width = 720, Height = 420, Left = 80, Right = 150, Top = 40, Bottom = 56;

    private static readonly string[] Palette = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f"];

    /// <summary>File name of the accuracy-vs-instructions chart.</summary>
    public const string AccuracyVsInstructions = "accuracy-vs-instructions.svg";

    /// <summary>File name of the accuracy-vs-flash chart.</summary>
    public const string AccuracyVsFlash = "accuracy-vs-flash.svg";

    /// <summary>File name of a model's per-layer chart.</summary>
    public static string PerLayer(ReportModel model) => $"per-layer-{ReportRunner.Safe(model.Label)}.svg";

    /// <summary>Every chart of the report: file name and SVG text.</summary>
    public static IReadOnlyList<(string File, string Svg)> All(ReportGrid grid, IReadOnlyList<ReportCell> cells)
    {
        var ok = cells.Where(c => c.InstructionsPerInference is not null).ToArray();
        var charts = new List<(string, string)>
        {
            (AccuracyVsInstructions, Scatter("accuracy vs instructions per inference (exact)", "instructions per inference", ok,
                c => c.InstructionsPerInference!.Value)),
            (AccuracyVsFlash, Scatter("accuracy vs flash bytes (model, without test images)", "flash bytes", ok,
                c => c.Memory!.ModelFlashBytes)),
        };
        foreach (var model in grid.Models)
        {
            var run = ok.Where(c => c.Model == model && c.OptimizationLevel == grid.OptimizationLevels[0]).ToArray();
            charts.Add((PerLayer(model), Bars($"{model.Label}: instructions per inference per layer ({grid.OptimizationLevels[0]})", run)));
        }
        return charts;
    }

    private static string Scatter(string title, string xLabel, IReadOnlyList<ReportCell> cells, Func<ReportCell, double> x)
    {
        var sb = Begin(title);
        var points = cells.Where(c => c.Accuracy is not null).ToArray();
        int pw = Width - Left - Right, ph = Height - Top - Bottom;
        Frame(sb, pw, ph);
        if (points.Length == 0)
        {
            sb.Append(Inv($"<text x=\"{Left + pw / 2}\" y=\"{Top + ph / 2}\" text-anchor=\"middle\">no test set given: accuracy not measured</text>\n"));
            return End(sb);
        }
        double xMax = points.Max(x) * 1.1, xMin = 0;
        double yMin = Math.Floor(points.Min(c => c.Accuracy!.Value) * 100 / 5) * 5, yMax = 100;
        if (yMax - yMin < 5)
        {
            yMin = yMax - 5;
        }
        double X(double v) => Left + (v - xMin) / (xMax - xMin) * pw;
        double Y(double v) => Top + ph - (v - yMin) / (yMax - yMin) * ph;
        Axes(sb, pw, ph, xMin, xMax, yMin, yMax, xLabel, "accuracy %");
        var cores = points.Select(c => c.Board.Core).Distinct().ToArray();
        foreach (var c in points)
        {
            string color = Palette[Array.IndexOf(cores, c.Board.Core) % Palette.Length];
            double px = X(x(c)), py = Y(100 * c.Accuracy!.Value);
            sb.Append(Inv($"<circle cx=\"{px:F1}\" cy=\"{py:F1}\" r=\"4\" fill=\"{color}\"><title>{Esc(c.Model.Label)} {c.Board.Core} {c.OptimizationLevel}</title></circle>"));
            sb.Append(Inv($"<text x=\"{px + 6:F1}\" y=\"{py - 6:F1}\" font-size=\"9\">{Esc(c.Model.Label)} {c.OptimizationLevel}</text>\n"));
        }
        Legend(sb, cores);
        return End(sb);
    }

    private static string Bars(string title, IReadOnlyList<ReportCell> cells)
    {
        var sb = Begin(title);
        int pw = Width - Left - Right, ph = Height - Top - Bottom;
        Frame(sb, pw, ph);
        if (cells.Count == 0)
        {
            sb.Append(Inv($"<text x=\"{Left + pw / 2}\" y=\"{Top + ph / 2}\" text-anchor=\"middle\">no cell of this model ran</text>\n"));
            return End(sb);
        }
        // Layers and the head; the few instructions of glue, harness and helpers would be invisible bars.
        var names = cells[0].Layers.Where(l => l.Kind != "other").Select(l => l.Name).ToArray();
        double yMax = Math.Max(1, cells.SelectMany(c => c.Layers).Max(l => l.InstructionsPerInference)) * 1.1;
        double Y(double v) => Top + ph - v / yMax * ph;
        Axes(sb, pw, ph, double.NaN, double.NaN, 0, yMax, "layer", "instructions per inference");
        double group = (double)pw / names.Length, bar = group * 0.8 / cells.Count;
        for (int i = 0; i < names.Length; i++)
        {
            double gx = Left + i * group + group * 0.1;
            for (int s = 0; s < cells.Count; s++)
            {
                double v = cells[s].Layers.FirstOrDefault(l => l.Name == names[i])?.InstructionsPerInference ?? 0;
                sb.Append(Inv($"<rect x=\"{gx + s * bar:F1}\" y=\"{Y(v):F1}\" width=\"{Math.Max(1, bar - 1):F1}\" height=\"{Top + ph - Y(v):F1}\" fill=\"{Palette[s % Palette.Length]}\"><title>{Esc(names[i])} {cells[s].Board.Core}: {v:F0}</title></rect>"));
            }
            double lx = Left + (i + 0.5) * group;
            sb.Append(Inv($"\n<text x=\"{lx:F1}\" y=\"{Top + ph + 12}\" font-size=\"9\" text-anchor=\"end\" transform=\"rotate(-35 {lx:F1} {Top + ph + 12})\">{Esc(names[i])}</text>\n"));
        }
        Legend(sb, cells.Select(c => c.Board.Core).ToArray());
        return End(sb);
    }

    private static StringBuilder Begin(string title)
    {
        var sb = new StringBuilder();
        sb.Append(Inv($"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"{Height}\" viewBox=\"0 0 {Width} {Height}\" font-family=\"sans-serif\" font-size=\"11\">\n"));
        sb.Append(Inv($"<rect width=\"{Width}\" height=\"{Height}\" fill=\"white\"/>\n"));
        sb.Append(Inv($"<text x=\"{Width / 2}\" y=\"20\" text-anchor=\"middle\" font-size=\"13\">{Esc(title)}</text>\n"));
        return sb;
    }

    private static string End(StringBuilder sb) => sb.Append("</svg>\n").ToString();

    private static void Frame(StringBuilder sb, int pw, int ph) =>
        sb.Append(Inv($"<rect x=\"{Left}\" y=\"{Top}\" width=\"{pw}\" height=\"{ph}\" fill=\"none\" stroke=\"#888\"/>\n"));

    private static void Axes(StringBuilder sb, int pw, int ph, double xMin, double xMax, double yMin, double yMax, string xLabel, string yLabel)
    {
        for (int i = 0; i <= 4; i++)
        {
            double v = yMin + (yMax - yMin) * i / 4;
            double y = Top + ph - (double)ph * i / 4;
            sb.Append(Inv($"<line x1=\"{Left}\" y1=\"{y:F1}\" x2=\"{Left + pw}\" y2=\"{y:F1}\" stroke=\"#eee\"/><text x=\"{Left - 4}\" y=\"{y + 4:F1}\" text-anchor=\"end\">{Short(v)}</text>\n"));
            if (!double.IsNaN(xMin))
            {
                double xv = xMin + (xMax - xMin) * i / 4;
                double x = Left + (double)pw * i / 4;
                sb.Append(Inv($"<text x=\"{x:F1}\" y=\"{Top + ph + 14}\" text-anchor=\"middle\">{Short(xv)}</text>\n"));
            }
        }
        sb.Append(Inv($"<text x=\"{Left + pw / 2}\" y=\"{Height - 8}\" text-anchor=\"middle\">{Esc(xLabel)}</text>\n"));
        sb.Append(Inv($"<text x=\"14\" y=\"{Top + ph / 2}\" text-anchor=\"middle\" transform=\"rotate(-90 14 {Top + ph / 2})\">{Esc(yLabel)}</text>\n"));
    }

    private static void Legend(StringBuilder sb, IReadOnlyList<string> series)
    {
        for (int s = 0; s < series.Count; s++)
        {
            int ly = Top + 10 + 16 * s;
            sb.Append(Inv($"<rect x=\"{Width - Right + 12}\" y=\"{ly - 9}\" width=\"10\" height=\"10\" fill=\"{Palette[s % Palette.Length]}\"/><text x=\"{Width - Right + 28}\" y=\"{ly}\">Cortex-{Esc(series[s])}</text>\n"));
        }
    }

    private static string Short(double v) => Math.Abs(v) >= 1e6 ? Inv($"{v / 1e6:0.#}M") : Math.Abs(v) >= 1e3 ? Inv($"{v / 1e3:0.#}k") : Inv($"{v:0.##}");

    private static string Esc(string s) => WebUtility.HtmlEncode(s);

    private static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
