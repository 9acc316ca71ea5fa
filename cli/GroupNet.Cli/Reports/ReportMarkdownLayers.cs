using System.Globalization;
using System.Text.RegularExpressions;

namespace GroupNet.Cli.Reports;

/// <summary>
/// The per-layer rows of a <c>report.md</c> (its sections "## MODEL: per layer (LEVEL)"), for redrawing the charts
/// of a saved report whose JSON left the rows out (<c>bench/report/run.sh</c> kept <c>bench/results/report.json</c> small
/// that way). Only what the tables hold comes back: instructions and cycles per core; flash bytes for the one core
/// of the flash table, 0 elsewhere. A row is a <c>layer</c> when the flash table lists it, <c>head</c> for the head,
/// else <c>other</c> (glue, harness, helpers), as in <see cref="ReportRunner"/>.
/// </summary>
public static partial class ReportMarkdownLayers
{
    /// <summary>The rows per (model, core), and the level of each model's tables.</summary>
    public static IReadOnlyDictionary<(string Model, string Core), (string Level, IReadOnlyList<ReportLayer> Layers)> Read(string markdown)
    {
        ArgumentNullException.ThrowIfNull(markdown);
        var rows = new Dictionary<(string, string), (string, IReadOnlyList<ReportLayer>)>();
        var lines = markdown.Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            var heading = Heading().Match(lines[i]);
            if (!heading.Success)
            {
                continue;
            }
            string model = heading.Groups[1].Value, level = heading.Groups[2].Value;
            var instructions = Table(lines, ref i);
            while (i < lines.Length && !FlashCore().IsMatch(lines[i]))
            {
                i++;
            }
            string flashCore = i < lines.Length ? FlashCore().Match(lines[i]).Groups[1].Value
                : throw new InvalidDataException($"report.md: the per-layer section of {model} has no flash table");
            var flash = Table(lines, ref i);
            var layerNames = flash.Skip(1).Select(r => r[0]).ToHashSet();
            var cores = instructions[0].Skip(1).ToArray();
            for (int c = 0; c < cores.Length; c++)
            {
                var layers = new List<ReportLayer>();
                foreach (var row in instructions.Skip(1))
                {
                    if (row[c + 1] == "-")
                    {
                        continue;
                    }
                    var parts = row[c + 1].Split(" / ");
                    string kind = row[0] == "head" ? "head" : layerNames.Contains(row[0]) ? "layer" : "other";
                    var bytes = cores[c] == flashCore ? flash.Skip(1).FirstOrDefault(r => r[0] == row[0]) : null;
                    layers.Add(new ReportLayer(row[0], kind, Number(parts[0]), Number(parts[1]),
                        bytes is null ? 0 : (long)Number(bytes[1]), bytes is null ? 0 : (long)Number(bytes[2]), bytes is null ? 0 : (long)Number(bytes[3])));
                }
                rows[(model, cores[c])] = (level, layers);
            }
        }
        return rows;
    }

    /// <summary>The next table at or after line <paramref name="i"/> (header, then rows; the |---| line dropped);
    /// <paramref name="i"/> ends on the line after it.</summary>
    private static List<string[]> Table(string[] lines, ref int i)
    {
        while (i < lines.Length && !lines[i].StartsWith('|'))
        {
            i++;
        }
        var table = new List<string[]>();
        for (; i < lines.Length && lines[i].StartsWith('|'); i++)
        {
            if (!lines[i].StartsWith("|---", StringComparison.Ordinal))
            {
                table.Add(lines[i].Trim().Trim('|').Split('|').Select(c => c.Trim()).ToArray());
            }
        }
        return table.Count > 0 ? table : throw new InvalidDataException("report.md: a per-layer section without its table");
    }

    private static double Number(string text) => double.Parse(text.Replace(",", "", StringComparison.Ordinal), NumberStyles.Float, CultureInfo.InvariantCulture);

    [GeneratedRegex(@"^## (.+): per layer \((.+)\)$")]
    private static partial Regex Heading();

    [GeneratedRegex(@"Flash bytes per layer \((\w+)\):")]
    private static partial Regex FlashCore();
}
