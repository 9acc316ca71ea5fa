namespace GroupNet.Cli.Reports;

/// <summary>What <c>groupnet report</c> runs: models x boards x optimisation levels, and how.</summary>
public sealed record ReportGrid
{
    public required IReadOnlyList<ReportModel> Models { get; init; }

    public required IReadOnlyList<GroupNet.Firmware.Board> Boards { get; init; }

    /// <summary>GCC flags, e.g. <c>-O2</c>, <c>-Os</c>, <c>-O3</c>.</summary>
    public required IReadOnlyList<string> OptimizationLevels { get; init; }

    /// <summary>Images embedded in every firmware and run in QEMU (their logits are checked against the reference).</summary>
    public required IReadOnlyList<byte[]> Images { get; init; }

    /// <summary>Test set for accuracy (images, labels), or null.</summary>
    public (IReadOnlyList<byte[]> Images, byte[] Labels, string Name)? TestSet { get; init; }

    /// <summary>Flash wait states of the timing model.</summary>
    public int FlashWaitStates { get; init; }

    /// <summary>Cells built and emulated at once.</summary>
    public int Jobs { get; init; } = 2;
}
