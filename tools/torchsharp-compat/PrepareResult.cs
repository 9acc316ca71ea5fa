namespace GroupNet.Tools.TorchSharpCompat;

/// <summary>Result of <see cref="LibStdCxxCompat.Prepare"/>.</summary>
/// <param name="Outcome">What it did.</param>
/// <param name="OutputPath">The copy's path, whether or not it exists now.</param>
/// <param name="LibStdCxxPath">The libstdc++ it checked against.</param>
/// <param name="Patched">The needs the copy marks weak, as read from the bridge; empty for <see cref="PrepareOutcome.NotNeeded"/>.</param>
/// <param name="RemovedStale">Whether a copy left by an earlier run was deleted because none is needed now.</param>
public sealed record PrepareResult(
    PrepareOutcome Outcome,
    string OutputPath,
    string LibStdCxxPath,
    IReadOnlyList<VersionNeed> Patched,
    bool RemovedStale);
