namespace GroupNet.Firmware;

/// <summary>Outcome of running a model's firmware against the managed reference.</summary>
/// <param name="Board">Where it ran.</param>
/// <param name="Images">How many images.</param>
/// <param name="IdenticalImages">Images whose logits are all identical.</param>
/// <param name="Mismatches">Every differing logit.</param>
/// <param name="Size">Flash and RAM of the image.</param>
/// <param name="Run">The emulator run (logits, instruction counts, stack).</param>
/// <param name="ElfPath">The firmware image.</param>
/// <param name="Layers">Per-layer instruction attribution when requested, else null.</param>
/// <param name="StackUsage">Worst-case stack of the inference from <c>-fstack-usage</c> (static analysis), when the build produced it.</param>
public sealed record AgreementResult(Board Board, int Images, int IdenticalImages, IReadOnlyList<LogitMismatch> Mismatches, SizeReport Size, QemuRunResult Run, string ElfPath, LayerProfile? Layers = null, StackUsageReport? StackUsage = null)
{
    /// <summary>True when every logit of every image is identical.</summary>
    public bool Identical => Mismatches.Count == 0 && IdenticalImages == Images;
}
