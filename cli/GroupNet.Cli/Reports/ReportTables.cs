using System.Globalization;
using System.Text;

namespace GroupNet.Cli.Reports;

/// <summary>The Markdown (<c>report.md</c>) and CSV (<c>report.csv</c>, one line per cell) forms of a report.</summary>
public static class ReportTables
{
    /// <summary>CSV columns, in order.</summary>
    public static IReadOnlyList<string> CsvColumns { get; } =
    [
        "model", "kind", "activation_bits", "board", "core", "opt", "status", "accuracy", "logits_identical", "images",
        "instructions_per_inference", "cycles_per_inference_estimate", "flash_bytes", "flash_code", "flash_weights",
        "flash_tables", "flash_test_images", "flash_other", "flash_part", "ram_static", "ram_arena", "ram_other",
        "stack_peak", "stack_reserved", "ram_part",
    ];

    public static string Csv(IReadOnlyList<ReportCell> cells)
    {
        var sb = new StringBuilder();
        sb.Append(string.Join(",", CsvColumns)).Append('\n');
        foreach (var c in cells)
        {
            var m = c.Memory;
            var values = new object?[]
            {
                c.Model.Label, c.Model.Kind, c.Model.ActivationBits, c.Board.Name, c.Board.Core, c.OptimizationLevel, c.Status,
                c.Accuracy is { } a ? a.ToString("F4", CultureInfo.InvariantCulture) : null, c.Agreement?.Identical, c.Agreement?.Images,
                c.InstructionsPerInference is { } n ? n.ToString("F0", CultureInfo.InvariantCulture) : null,
                c.CyclesPerInference is { } y ? y.ToString("F0", CultureInfo.InvariantCulture) : null,
                m?.FlashBytes, m?.CodeBytes, m?.WeightBytes, m?.TableBytes, m?.TestImageBytes, m is null ? null : m.OtherConstantBytes + m.DataImageBytes,
                c.Board.FlashBytes, m?.StaticRamBytes, m?.ArenaBytes, m?.OtherRamBytes, c.StackPeakBytes, c.Board.StackBytes, c.Board.RamBytes,
            };
            sb.Append(string.Join(",", values.Select(Field))).Append('\n');
        }
        return sb.ToString();
    }

    private static string Field(object? v)
    {
        string s = v switch
        {
            null => string.Empty,
            IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
            _ => v.ToString() ?? string.Empty,
        };
        return s.IndexOfAny([',', '"', '\n']) >= 0 ? "\"" + s.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : s;
    }

    /// <summary>The Markdown report: the summary table, the binary-or-int8 comparison (when the grid has both kinds), then per model a per-layer table (instructions and
    /// estimated cycles per core at the first optimisation level), then the flash split per layer, then the charts (<paramref name="charts"/>: names without extension).</summary>
    public static string Markdown(ReportGrid grid, IReadOnlyList<ReportCell> cells, IReadOnlyList<string> charts)
    {
        var sb = new StringBuilder();
        sb.Append("# Size and speed report\n\n");
        sb.Append(Inv($"Instructions are exact (QEMU TCG plugin, mean over {grid.Images.Count} embedded image(s)); "));
        sb.Append(Inv($"**cycles are estimates** (docs/timing-model.md, flash wait states {grid.FlashWaitStates}), not measurements: QEMU does not count DWT->CYCCNT. "));
        sb.Append(grid.TestSet is { } t
            ? Inv($"Accuracy: C# integer reference on {t.Images.Count} {t.Name} test images (the firmware is bit-exact with it).\n\n")
            : "No test set: accuracy not measured.\n\n");
        sb.Append("| model | kind | core | board | opt | status | accuracy | instructions / inference | cycles / inference (estimate) | flash B | code | weights | tables | test images | RAM B (static) | arena | other | stack peak |\n");
        sb.Append("|---|---|---|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        foreach (var c in cells)
        {
            var m = c.Memory;
            sb.Append(Inv($"| {c.Model.Label} | {c.Model.Kind} A{c.Model.ActivationBits} | {c.Board.Core} | {c.Board.Name} | {c.OptimizationLevel} | {c.Status} | "));
            sb.Append(Inv($"{(c.Accuracy is { } a ? (100 * a).ToString("F2", CultureInfo.InvariantCulture) + "%" : "-")} | {N(c.InstructionsPerInference)} | {N(c.CyclesPerInference)} | "));
            sb.Append(Inv($"{N(m?.FlashBytes)} | {N(m?.CodeBytes)} | {N(m?.WeightBytes)} | {N(m?.TableBytes)} | {N(m?.TestImageBytes)} | {N(m?.StaticRamBytes)} | {N(m?.ArenaBytes)} | {N(m?.OtherRamBytes)} | {N(c.StackPeakBytes)} |\n"));
        }
        sb.Append(ReportComparison.Markdown(cells));
        string firstOpt = grid.OptimizationLevels[0];
        foreach (var model in grid.Models)
        {
            var run = cells.Where(c => c.Model == model && c.OptimizationLevel == firstOpt && c.Layers.Count > 0).ToArray();
            if (run.Length == 0)
            {
                continue;
            }
            sb.Append(Inv($"\n## {model.Label}: per layer ({firstOpt})\n\n"));
            sb.Append("Instructions per inference (exact) / cycles per inference (estimate):\n\n");
            sb.Append("| layer | " + string.Join(" | ", run.Select(c => c.Board.Core)) + " |\n");
            sb.Append("|---|" + string.Concat(run.Select(_ => "---:|")) + "\n");
            foreach (var name in run[0].Layers.Select(l => l.Name))
            {
                sb.Append("| " + name + " | ");
                sb.Append(string.Join(" | ", run.Select(c => c.Layers.FirstOrDefault(l => l.Name == name) is { } l
                    ? $"{N(l.InstructionsPerInference)} / {N(l.CyclesPerInference)}" : "-")));
                sb.Append(" |\n");
            }
            var mem = run[0];
            sb.Append(Inv($"\nFlash bytes per layer ({mem.Board.Core}):\n\n| layer | weights | tables | code |\n|---|---:|---:|---:|\n"));
            foreach (var l in mem.Memory!.Layers)
            {
                sb.Append(Inv($"| {l.Name} | {N(l.WeightBytes)} | {N(l.TableBytes)} | {N(l.CodeBytes)} |\n"));
            }
        }
        sb.Append(ChartsSection(charts));
        return sb.ToString();
    }

    /// <summary>The heading that opens the charts section, the last section of the report.</summary>
    public const string ChartsHeading = "\n## Charts\n";

    /// <summary>The charts section: each chart's PNG, linked to its SVG (empty without charts).</summary>
    /// <param name="charts">Chart names without extension (<see cref="Charts.ChartImage.Name"/>).</param>
    public static string ChartsSection(IReadOnlyList<string> charts)
    {
        ArgumentNullException.ThrowIfNull(charts);
        if (charts.Count == 0)
        {
            return string.Empty;
        }
        var sb = new StringBuilder(ChartsHeading).Append('\n');
        foreach (var chart in charts)
        {
            sb.Append(Inv($"[![{chart}]({chart}.png)]({chart}.svg)\n\n"));
        }
        return sb.ToString();
    }

    /// <summary><paramref name="markdown"/> with its charts section (from <see cref="ChartsHeading"/> to the end) replaced
    /// by the section of <paramref name="charts"/>, or that section appended when there was none.</summary>
    public static string WithChartsSection(string markdown, IReadOnlyList<string> charts)
    {
        ArgumentNullException.ThrowIfNull(markdown);
        int at = markdown.IndexOf(ChartsHeading, StringComparison.Ordinal);
        return (at >= 0 ? markdown[..at] : markdown.TrimEnd('\n') + "\n") + ChartsSection(charts);
    }

    private static string N(double? v) => v is { } x ? x.ToString("N0", CultureInfo.InvariantCulture) : "-";

    private static string N(long? v) => v is { } x ? x.ToString("N0", CultureInfo.InvariantCulture) : "-";

    private static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
