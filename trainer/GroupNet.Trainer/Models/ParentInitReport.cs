namespace GroupNet.Trainer.Models;

/// <summary>What <see cref="ParentInitializer.Apply"/> did: entries copied (Perturbed of them with symmetry-breaking
/// noise), child entries left at their initial values, and parent entries nothing used.</summary>
public sealed record ParentInitReport(int Copied, int Perturbed, IReadOnlyList<string> Unmatched, IReadOnlyList<string> UnusedParentEntries);
