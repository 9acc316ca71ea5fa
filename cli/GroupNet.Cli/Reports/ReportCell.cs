using GroupNet.Firmware.Size;

namespace GroupNet.Cli.Reports;

/// <summary>
/// One (model, board, optimisation level) cell of a report. <see cref="Status"/> is <c>ok</c>, or
/// <c>does not fit: ...</c> (the image does not link into the part, or its stack peak exceeds the
/// reservation), or <c>error: ...</c>; measurements are null where the cell did not run.
/// </summary>
public sealed record ReportCell
{
    public required ReportModel Model { get; init; }

    public required GroupNet.Firmware.Board Board { get; init; }

    public required string OptimizationLevel { get; init; }

    public required string Status { get; init; }

    /// <summary>The image linked and fits the part.</summary>
    public bool Fits => Status == "ok";

    /// <summary>Top-1 accuracy of the C# integer reference on the test set (same for every core: the firmware is bit-exact).</summary>
    public double? Accuracy { get; init; }

    /// <summary>Embedded images whose firmware logits equal the reference, and how many ran.</summary>
    public (int Identical, int Images)? Agreement { get; init; }

    public double? InstructionsPerInference { get; init; }

    /// <summary>Timing-model estimate (never a measurement; QEMU's DWT does not count).</summary>
    public double? CyclesPerInference { get; init; }

    public MemoryBreakdown? Memory { get; init; }

    public long? StackPeakBytes { get; init; }

    public IReadOnlyList<ReportLayer> Layers { get; init; } = [];

    /// <summary>Seconds spent building and running this cell.</summary>
    public double Seconds { get; init; }
}
