namespace GroupNet.Firmware;

/// <summary>
/// Per-function instruction counts and class histograms of a run, from the plugin's <c>ranges=</c>
/// mode with one range per sized function symbol of the ELF (<c>arm-none-eabi-nm -S --defined-only</c>,
/// symbol types t/T/w/W; aliases at one address merged). Segment counts are summed over all
/// inference segments (divide by <see cref="Segments"/> for a per-inference mean).
/// </summary>
/// <param name="Segments">Closed inference segments (one per image).</param>
/// <param name="InSegments">Everything inside the segments; its <c>Instructions</c> is the sum of the per-inference counts.</param>
/// <param name="OutsideFunctions">Instructions inside segments at addresses in no function range (0 for GCC-built images).</param>
/// <param name="Functions">Every function range, in address order, with segment and whole-run counts.</param>
/// <param name="WholeRun">Everything from reset to exit.</param>
public sealed record InstructionProfile(int Segments, InstructionMix InSegments, InstructionMix OutsideFunctions, IReadOnlyList<FunctionCount> Functions, InstructionMix WholeRun)
{
    /// <summary>Functions that executed inside the segments.</summary>
    public IEnumerable<FunctionCount> ExecutedInSegments => Functions.Where(f => f.InSegments.Instructions > 0);
}
