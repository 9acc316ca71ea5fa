namespace GroupNet.Firmware;

/// <summary>Outcome of <see cref="StreamingAgreement"/>.</summary>
/// <param name="Board">Where it ran.</param>
/// <param name="Images">How many images.</param>
/// <param name="IdenticalImages">Images whose logits are all identical.</param>
/// <param name="Mismatches">Every differing logit.</param>
/// <param name="Size">Flash and RAM of the streaming image (no embedded test images).</param>
/// <param name="StackPeakBytes">Deepest stack of all runs.</param>
/// <param name="ElfPath">The firmware image.</param>
/// <param name="EmulatorTime">Wall time of the QEMU runs (all slices, run in parallel).</param>
/// <param name="Jobs">QEMU processes used.</param>
public sealed record StreamingAgreementResult(
    Board Board, int Images, int IdenticalImages, IReadOnlyList<LogitMismatch> Mismatches, SizeReport Size,
    int? StackPeakBytes, string ElfPath, TimeSpan EmulatorTime, int Jobs)
{
    /// <summary>True when every logit of every image is identical.</summary>
    public bool Identical => Mismatches.Count == 0 && IdenticalImages == Images;
}
