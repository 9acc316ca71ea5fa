namespace GroupNet.Cli.Reports;

/// <summary>One row of a cell's per-layer table: a layer, the head, or other inference code.</summary>
/// <param name="Name">Layer name, <c>head</c>, or a label such as <c>infer (glue)</c>.</param>
/// <param name="Kind"><c>layer</c>, <c>head</c> or <c>other</c>.</param>
/// <param name="InstructionsPerInference">Exact executed instructions per inference (mean over the embedded images).</param>
/// <param name="CyclesPerInference">Timing-model estimate per inference.</param>
/// <param name="WeightBytes">Weight tables in flash.</param>
/// <param name="TableBytes">Thresholds and other constant tables in flash.</param>
/// <param name="CodeBytes">The layer's generated code.</param>
public sealed record ReportLayer(string Name, string Kind, double InstructionsPerInference, double CyclesPerInference, long WeightBytes, long TableBytes, long CodeBytes);
