using System.CommandLine;
using System.Text.Json.Nodes;
using GroupNet.Cli.Experiments;
using GroupNet.Cli.Reports;

namespace GroupNet.Cli.Commands;

/// <summary>`groupnet charts FILE... [--out DIR] [--markdown report.md] [--fidelity fidelity.json]`: redraws charts from
/// saved results, without training, building or emulating again: a report's charts from its <c>report.json</c>, a run's
/// learning curves from its <c>NAME.metrics.csv</c> (with <c>NAME.result.json</c> beside it, when there is one, and the
/// integer-program accuracy of a fidelity results file).</summary>
public static class ChartsCommand
{
    private const string MetricsSuffix = ".metrics.csv";

    public static Command Create()
    {
        var files = new Argument<FileInfo[]>("files")
        {
            Description = "report.json files (of groupnet report, or bench/results/report.json which wraps one) and NAME.metrics.csv files of training runs",
            Arity = ArgumentArity.OneOrMore,
        };
        var output = new Option<DirectoryInfo?>("--out") { Description = "folder for the charts (default: each file's own folder)" };
        var markdown = new Option<FileInfo?>("--markdown")
        {
            Description = "report.md whose per-layer tables supply the per-layer rows a report.json left out, and whose charts section is rewritten "
                + "(default: report.md in the charts folder, when there is one)",
        };
        var fidelity = new Option<FileInfo?>("--fidelity")
        {
            Description = "bench/fidelity results file (runs[].run, integer_top1): marks each run's integer-program accuracy on its learning curves",
        };
        var command = new Command("charts",
            "Redraw charts from saved results (SVG and PNG): a report's accuracy-vs-instructions, accuracy-vs-flash and per-layer charts "
            + "from its report.json, a run's learning curves (NAME.curves.svg/.png) from its NAME.metrics.csv.");
        command.Arguments.Add(files);
        command.Options.Add(output);
        command.Options.Add(markdown);
        command.Options.Add(fidelity);
        command.SetAction(parse =>
        {
            var integerAccuracy = parse.GetValue(fidelity) is { } f ? IntegerAccuracyFile.Read(f.FullName) : new Dictionary<string, double>();
            foreach (var file in parse.GetValue(files)!)
            {
                if (!file.Exists)
                {
                    throw new UserInputException($"'{file.FullName}' does not exist");
                }
                string folder = parse.GetValue(output)?.FullName ?? file.DirectoryName!;
                var written = file.Name.EndsWith(MetricsSuffix, StringComparison.Ordinal)
                    ? LearningCurves(file, folder, integerAccuracy)
                    : Report(file, folder, parse.GetValue(markdown)?.FullName);
                foreach (var path in written)
                {
                    Console.WriteLine($"wrote {Path.GetRelativePath(Directory.GetCurrentDirectory(), path)}");
                }
            }
            return 0;
        });
        return command;
    }

    private static IEnumerable<string> LearningCurves(FileInfo metricsFile, string folder, IReadOnlyDictionary<string, double> integerAccuracy)
    {
        string name = metricsFile.Name[..^MetricsSuffix.Length];
        var metrics = MetricsFiles.ReadMetricsCsv(metricsFile.FullName);
        var result = MetricsFiles.ReadResult(Path.Combine(metricsFile.DirectoryName!, name + ".ckpt"));
        // Training titles the chart with the resolved configuration; a saved result still has the model's description.
        string title = result is null ? name : $"{name}: {result.Model.Describe()}";
        double? integer = integerAccuracy.TryGetValue(name, out var top1) ? top1 : null;
        var (svg, png) = LearningCurveChart.Draw(name, metrics, title, result, integer).Write(folder);
        return [svg, png];
    }

    private static IEnumerable<string> Report(FileInfo jsonFile, string folder, string? markdownPath)
    {
        JsonNode document;
        try
        {
            document = JsonNode.Parse(File.ReadAllText(jsonFile.FullName)) ?? throw new InvalidDataException("empty document");
        }
        catch (System.Text.Json.JsonException e)
        {
            throw new InvalidDataException($"{jsonFile.FullName}: not JSON ({e.Message})");
        }
        var cells = ReportChartCell.FromJson(document);
        markdownPath ??= Path.Combine(folder, ReportFiles.Markdown);
        string? markdown = File.Exists(markdownPath) ? File.ReadAllText(markdownPath) : null;
        if (markdown is not null && cells.All(c => c.Layers.Count == 0))
        {
            var rows = ReportMarkdownLayers.Read(markdown);
            cells = cells.Select(c => rows.TryGetValue((c.Model, c.Core), out var r) && r.Level == c.OptimizationLevel && c.InstructionsPerInference is not null
                ? c with { Layers = r.Layers } : c).ToArray();
        }
        var charts = ReportCharts.All(cells);
        var written = new List<string>();
        foreach (var chart in charts)
        {
            var (svg, png) = chart.Write(folder);
            written.Add(svg);
            written.Add(png);
        }
        if (markdown is not null)
        {
            File.WriteAllText(markdownPath, ReportTables.WithChartsSection(markdown, charts.Select(c => c.Name).ToArray()));
            written.Add(markdownPath);
        }
        return written;
    }
}
