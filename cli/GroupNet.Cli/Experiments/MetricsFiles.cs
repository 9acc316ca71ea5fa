using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace GroupNet.Cli.Experiments;

/// <summary>
/// The files a run writes next to its checkpoint <c>NAME.ckpt</c>: <c>NAME.config.yaml</c> (resolved configuration),
/// <c>NAME.metrics.csv</c> and <c>NAME.metrics.json</c> (one row per epoch, epochs numbered from 1), <c>NAME.curves.svg</c>
/// and <c>NAME.curves.png</c> (learning curves) and <c>NAME.result.json</c> (written last: its presence marks a finished run).
/// </summary>
public static class MetricsFiles
{
    /// <summary>JSON settings shared by the metrics and result files.</summary>
    public static JsonSerializerOptions Json { get; } = new() { WriteIndented = true, Converters = { new JsonStringEnumConverter() } };

    /// <summary>The companion file of <paramref name="checkpoint"/> with <paramref name="suffix"/> (e.g. ".metrics.csv").</summary>
    public static string Companion(string checkpoint, string suffix) =>
        Path.Combine(Path.GetDirectoryName(Path.GetFullPath(checkpoint))!, Path.GetFileNameWithoutExtension(checkpoint) + suffix);

    /// <summary>The header line of <c>NAME.metrics.csv</c>.</summary>
    public const string CsvHeader = "epoch,loss,train_acc,test_top1,test_top5,seconds";

    /// <summary>Writes the CSV, JSON and learning curves (SVG and PNG) of <paramref name="metrics"/>.</summary>
    public static void WriteMetrics(string checkpoint, IReadOnlyList<EpochMetrics> metrics, string title)
    {
        var csv = new StringBuilder(CsvHeader + "\n");
        foreach (var m in metrics)
        {
            csv.Append(CultureInfo.InvariantCulture, $"{m.Epoch},{m.Loss:F5},{m.TrainAccuracy:F5},{m.TestTop1:F5},{m.TestTop5:F5},{m.Seconds:F1}\n");
        }
        WriteAtomic(Companion(checkpoint, ".metrics.csv"), csv.ToString());
        WriteAtomic(Companion(checkpoint, ".metrics.json"), JsonSerializer.Serialize(metrics, Json));
        WriteCurves(checkpoint, metrics, title, result: null);
    }

    /// <summary>Draws <c>NAME.curves.svg</c> and <c>NAME.curves.png</c>; with the run's <paramref name="result"/> its final accuracy is marked.</summary>
    public static void WriteCurves(string checkpoint, IReadOnlyList<EpochMetrics> metrics, string title, RunResult? result) =>
        LearningCurveChart.Draw(Path.GetFileNameWithoutExtension(checkpoint), metrics, title, result)
            .Write(Path.GetDirectoryName(Path.GetFullPath(checkpoint))!);

    /// <summary>Reads a <c>NAME.metrics.csv</c> file (the columns of <see cref="CsvHeader"/>).</summary>
    /// <exception cref="InvalidDataException">The header or a row does not have those columns.</exception>
    public static List<EpochMetrics> ReadMetricsCsv(string path)
    {
        var lines = File.ReadAllLines(path).Where(l => l.Length > 0).ToArray();
        if (lines.Length == 0 || lines[0] != CsvHeader)
        {
            throw new InvalidDataException($"{path}: not a metrics file (expected the header '{CsvHeader}')");
        }
        var metrics = new List<EpochMetrics>();
        foreach (var (line, row) in lines.Skip(1).Select((l, i) => (l, i + 2)))
        {
            var f = line.Split(',');
            double D(int i) => double.Parse(f[i], NumberStyles.Float, CultureInfo.InvariantCulture);
            if (f.Length != 6 || !int.TryParse(f[0], NumberStyles.None, CultureInfo.InvariantCulture, out int epoch))
            {
                throw new InvalidDataException($"{path}:{row}: expected 6 fields ({CsvHeader}), found '{line}'");
            }
            metrics.Add(new EpochMetrics(epoch, D(1), D(2), D(3), D(4), D(5)));
        }
        return metrics;
    }

    /// <summary>Reads the per-epoch metrics written so far (empty when there are none).</summary>
    public static List<EpochMetrics> ReadMetrics(string checkpoint)
    {
        var path = Companion(checkpoint, ".metrics.json");
        return File.Exists(path) ? JsonSerializer.Deserialize<List<EpochMetrics>>(File.ReadAllText(path), Json) ?? [] : [];
    }

    /// <summary>Writes the result file.</summary>
    public static void WriteResult(string checkpoint, RunResult result) =>
        WriteAtomic(Companion(checkpoint, ".result.json"), JsonSerializer.Serialize(result, Json));

    /// <summary>Reads the result of a finished run, or null when the run has not finished.</summary>
    public static RunResult? ReadResult(string checkpoint)
    {
        var path = Companion(checkpoint, ".result.json");
        if (!File.Exists(path))
        {
            return null;
        }
        try
        {
            return JsonSerializer.Deserialize<RunResult>(File.ReadAllText(path), Json);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: not a run result ({e.Message}); delete it to train the run again");
        }
    }

    /// <summary>Writes through a temporary file and a rename, so readers never see half a file.</summary>
    public static void WriteAtomic(string path, string text)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var temp = path + $".{Environment.ProcessId}.tmp";
        File.WriteAllText(temp, text);
        File.Move(temp, path, overwrite: true);
    }
}
