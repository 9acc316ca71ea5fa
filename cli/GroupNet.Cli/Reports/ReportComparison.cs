using System.Globalization;
using System.Text;

namespace GroupNet.Cli.Reports;

/// <summary>
/// The report's answer to "binary Group-Net or int8?": when a grid holds an int8 model and binary ones,
/// every binary cell next to the int8 cell of the same core and optimisation level, as ratios
/// (binary / int8: below 1 is fewer instructions, less flash, less RAM) and accuracy in points.
/// </summary>
public static class ReportComparison
{
    /// <summary>One binary (or the int8) cell against the int8 cell of its core and level.</summary>
    /// <param name="InstructionsRatio">Binary instructions / int8 instructions, null where either did not run.</param>
    /// <param name="FlashRatio">Model flash (without the embedded test images), binary / int8.</param>
    /// <param name="RamRatio">Static RAM + measured stack peak, binary / int8.</param>
    /// <param name="AccuracyPoints">Binary accuracy minus int8 accuracy, in percentage points.</param>
    public sealed record Row(ReportCell Cell, ReportCell Int8, double? InstructionsRatio, double? FlashRatio, double? RamRatio, double? AccuracyPoints);

    /// <summary>The rows, grouped by (core, level) in grid order, the int8 cell first; empty without both kinds.</summary>
    public static IReadOnlyList<Row> Rows(IReadOnlyList<ReportCell> cells)
    {
        ArgumentNullException.ThrowIfNull(cells);
        var int8Model = cells.Select(c => c.Model).FirstOrDefault(m => m.Kind == "int8");
        if (int8Model is null || cells.All(c => c.Model.Kind == "int8"))
        {
            return [];
        }
        var rows = new List<Row>();
        foreach (var int8 in cells.Where(c => c.Model == int8Model))
        {
            var same = cells.Where(c => c.Board == int8.Board && c.OptimizationLevel == int8.OptimizationLevel && c.Model.Kind == "binary");
            foreach (var c in same.Prepend(int8))
            {
                rows.Add(new Row(c, int8,
                    Ratio(c.InstructionsPerInference, int8.InstructionsPerInference),
                    Ratio(c.Memory?.ModelFlashBytes, int8.Memory?.ModelFlashBytes),
                    Ratio(Ram(c), Ram(int8)),
                    c.Accuracy is { } a && int8.Accuracy is { } b ? 100 * (a - b) : null));
            }
        }
        return rows;
    }

    /// <summary>The Markdown section (empty without an int8 and a binary model).</summary>
    public static string Markdown(IReadOnlyList<ReportCell> cells)
    {
        var rows = Rows(cells);
        if (rows.Count == 0)
        {
            return string.Empty;
        }
        var sb = new StringBuilder();
        sb.Append(Inv($"\n## Binary Group-Net or int8\n\nEach binary model against the int8 network `{rows[0].Int8.Model.Label}` on the same core and level: "));
        sb.Append("x int8 = binary / int8 (below 1: fewer instructions, less flash, less RAM); flash without the embedded test images; ");
        sb.Append("RAM = static RAM + measured stack peak; accuracy difference in percentage points.\n\n");
        sb.Append("| core | opt | model | kind | status | accuracy | +/- points | instructions / inference | x int8 | flash B (model) | x int8 | RAM B (static + stack) | x int8 |\n");
        sb.Append("|---|---|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        foreach (var r in rows)
        {
            var c = r.Cell;
            sb.Append(Inv($"| {c.Board.Core} | {c.OptimizationLevel} | {c.Model.Label} | {c.Model.Kind} | {c.Status} | "));
            sb.Append(Inv($"{(c.Accuracy is { } a ? (100 * a).ToString("F2", CultureInfo.InvariantCulture) + "%" : "-")} | {F(r.AccuracyPoints, "+0.00;-0.00;0.00")} | "));
            sb.Append(Inv($"{N(c.InstructionsPerInference)} | {F(r.InstructionsRatio, "0.00")} | {N(c.Memory?.ModelFlashBytes)} | {F(r.FlashRatio, "0.00")} | {N(Ram(c))} | {F(r.RamRatio, "0.00")} |\n"));
        }
        return sb.ToString();
    }

    private static long? Ram(ReportCell c) => c.Memory is { } m && c.StackPeakBytes is { } s ? m.StaticRamBytes + s : null;

    private static double? Ratio(double? a, double? b) => a is { } x && b is { } y && y > 0 ? x / y : null;

    private static string F(double? v, string format) => v is { } x ? x.ToString(format, CultureInfo.InvariantCulture) : "-";

    private static string N(double? v) => v is { } x ? x.ToString("N0", CultureInfo.InvariantCulture) : "-";

    private static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
