using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace GroupNet.Cli.Experiments;

/// <summary>
/// The files a run writes next to its checkpoint <c>NAME.ckpt</c>: <c>NAME.config.yaml</c> (resolved configuration),
/// <c>NAME.metrics.csv</c> and <c>NAME.metrics.json</c> (one row per epoch), <c>NAME.curves.svg</c> (learning curves)
/// and <c>NAME.result.json</c> (written last: its presence marks a finished run).
/// </summary>
public static class MetricsFiles
{
    /// <summary>JSON settings shared by the metrics and result files.</summary>
    public static JsonSerializerOptions Json { get; } = new() { WriteIndented = true, Converters = { new JsonStringEnumConverter() } };

    /// <summary>The companion file of <paramref name="checkpoint"/> with <paramref name="suffix"/> (e.g. ".metrics.csv").</summary>
    public static string Companion(string checkpoint, string suffix) =>
        Path.Combine(Path.GetDirectoryName(Path.GetFullPath(checkpoint))!, Path.GetFileNameWithoutExtension(checkpoint) + suffix);

    /// <summary>Writes the CSV, JSON and SVG of <paramref name="metrics"/>.</summary>
    public static void WriteMetrics(string checkpoint, IReadOnlyList<EpochMetrics> metrics, string title)
    {
        var csv = new StringBuilder("epoch,loss,train_acc,test_top1,test_top5,seconds\n");
        foreach (var m in metrics)
        {
            csv.Append(CultureInfo.InvariantCulture, $"{m.Epoch},{m.Loss:F5},{m.TrainAccuracy:F5},{m.TestTop1:F5},{m.TestTop5:F5},{m.Seconds:F1}\n");
        }
        WriteAtomic(Companion(checkpoint, ".metrics.csv"), csv.ToString());
        WriteAtomic(Companion(checkpoint, ".metrics.json"), JsonSerializer.Serialize(metrics, Json));
        WriteAtomic(Companion(checkpoint, ".curves.svg"), LearningCurvePlot.Svg(metrics, title));
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
