namespace GroupNet.Firmware.Timing;

/// <summary>
/// Estimated core cycles of an instruction mix (never a measurement: see docs/timing-model.md).
/// </summary>
/// <param name="Core">Core whose table was applied.</param>
/// <param name="FlashWaitStates">Wait states charged per flash access (0 = zero-wait-state memory, as the manuals assume).</param>
/// <param name="ExecutionCycles">Cycles from the core's table at zero wait states.</param>
/// <param name="FlashCycles">Extra cycles from flash wait states: <c>W x (fetch redirects + single loads)</c>.</param>
public sealed record CycleEstimate(string Core, int FlashWaitStates, double ExecutionCycles, double FlashCycles)
{
    /// <summary>What reports call this number.</summary>
    public const string Label = "estimate";

    /// <summary>Total estimated cycles.</summary>
    public double Cycles => ExecutionCycles + FlashCycles;
}
