using System.Text.Json.Nodes;

namespace GroupNet.Cli.Reports;

/// <summary>
/// What the charts need of a report cell, taken either from a cell that just ran or from a saved
/// <c>report.json</c> (so charts can be redrawn without building and emulating again).
/// </summary>
/// <param name="Model">Model label, as in the report tables.</param>
/// <param name="Kind"><c>binary</c> or <c>int8</c>.</param>
/// <param name="Core">Core name, e.g. <c>M4</c>.</param>
/// <param name="Board">Board name, e.g. <c>mps2-an386</c>.</param>
/// <param name="OptimizationLevel">Build configuration, e.g. <c>-O2</c> or <c>-O2:perchannel</c>.</param>
/// <param name="Fits">The image linked, fitted the part and ran.</param>
/// <param name="Accuracy">Top-1 accuracy as a fraction, null without a test set.</param>
/// <param name="InstructionsPerInference">Exact instructions per inference, null where the cell did not run.</param>
/// <param name="ModelFlashBytes">Flash of the model without the embedded test images, null where the cell did not link.</param>
/// <param name="Layers">Per-layer rows (empty when the saved report left them out).</param>
public sealed record ReportChartCell(
    string Model,
    string Kind,
    string Core,
    string Board,
    string OptimizationLevel,
    bool Fits,
    double? Accuracy,
    double? InstructionsPerInference,
    long? ModelFlashBytes,
    IReadOnlyList<ReportLayer> Layers)
{
    /// <summary>The chart view of a cell that ran.</summary>
    public static ReportChartCell From(ReportCell cell)
    {
        ArgumentNullException.ThrowIfNull(cell);
        return new ReportChartCell(cell.Model.Label, cell.Model.Kind, cell.Board.Core, cell.Board.Name, cell.OptimizationLevel, cell.Fits,
            cell.Accuracy, cell.InstructionsPerInference, cell.Memory?.ModelFlashBytes, cell.Layers);
    }

    /// <summary>The cells of a <c>report.json</c> document (see <see cref="ReportJson"/>), or of the
    /// <c>bench/results/report.json</c> wrapper that holds one under <c>"report"</c>.</summary>
    /// <exception cref="InvalidDataException">The document has no <c>cells</c> array.</exception>
    public static IReadOnlyList<ReportChartCell> FromJson(JsonNode document)
    {
        ArgumentNullException.ThrowIfNull(document);
        var report = document["cells"] is JsonArray ? document : document["report"];
        if (report?["cells"] is not JsonArray cells)
        {
            throw new InvalidDataException("not a report document: no \"cells\" array (nor one under \"report\")");
        }
        return cells.Select(c => FromJsonCell(c!.AsObject())).ToArray();
    }

    private static ReportChartCell FromJsonCell(JsonObject c)
    {
        string Text(string key) => c[key]?.GetValue<string>() ?? throw new InvalidDataException($"report cell without \"{key}\"");
        var layers = c["layers"] is JsonArray rows
            ? rows.Select(l => new ReportLayer(
                l!["name"]!.GetValue<string>(),
                l["kind"]!.GetValue<string>(),
                l["instructions_per_inference"]!.GetValue<double>(),
                l["cycles_per_inference"]!.GetValue<double>(),
                l["weight_bytes"]!.GetValue<long>(),
                l["table_bytes"]!.GetValue<long>(),
                l["code_bytes"]!.GetValue<long>())).ToArray()
            : [];
        return new ReportChartCell(
            Text("model"), Text("kind"), Text("core"), Text("board"), Text("opt"),
            c["fits"]?.GetValue<bool>() ?? false,
            c["accuracy"]?.GetValue<double>(),
            c["instructions_per_inference"]?.GetValue<double>(),
            c["flash"]?["model"]?.GetValue<long>(),
            layers);
    }
}
