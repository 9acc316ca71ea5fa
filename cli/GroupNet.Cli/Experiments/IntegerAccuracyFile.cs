using System.Text.Json;
using System.Text.Json.Nodes;

namespace GroupNet.Cli.Experiments;

/// <summary>
/// The integer-program accuracy of trained runs, as <c>bench/fidelity/run.sh</c> records it
/// (<c>{"runs": [{"run": NAME, "integer_top1": 0.8456, ...}]}</c>): a run's own files (metrics, result) hold only the
/// float model's accuracy, the integer program is measured after export.
/// </summary>
public static class IntegerAccuracyFile
{
    /// <summary>Integer top-1 (a fraction) per run name.</summary>
    /// <exception cref="InvalidDataException">The file is not such a document.</exception>
    public static IReadOnlyDictionary<string, double> Read(string path)
    {
        try
        {
            var runs = JsonNode.Parse(File.ReadAllText(path))?["runs"] as JsonArray
                ?? throw new InvalidDataException($"{path}: no \"runs\" array (expected a bench/fidelity results file)");
            return runs.Where(r => r?["run"] is not null && r["integer_top1"] is not null)
                .ToDictionary(r => r!["run"]!.GetValue<string>(), r => r!["integer_top1"]!.GetValue<double>());
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: not JSON ({e.Message})");
        }
    }
}
