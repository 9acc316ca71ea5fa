namespace GroupNet.Firmware.Timing;

/// <summary>
/// Applies a core's cycle table to an executed instruction mix (docs/timing-model.md):
/// <code>
/// cycles = sum over classes c of count(c) x cycles(c)
///        + transfer_registers x cycles_per_register + pc_loads x pc_load_penalty
///        + W x (branch + branch_cond_taken + pc_loads + load)
/// </code>
/// where W is the flash wait states. The last term charges W to every non-sequential instruction
/// fetch (a taken branch or return refetches from flash; sequential fetches are assumed hidden by
/// the part's prefetch buffer) and to every single load (the weights, thresholds and literal pools
/// are in flash; loads of activations from RAM are charged too, so with W &gt; 0 the term is an
/// upper bound). The result is an estimate, never a measurement.
/// </summary>
public static class TimingModel
{
    /// <summary>Estimated cycles of <paramref name="mix"/> on <paramref name="timing"/>'s core.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="flashWaitStates"/> is negative.</exception>
    public static CycleEstimate Estimate(InstructionMix mix, CoreTiming timing, int flashWaitStates = 0)
    {
        ArgumentNullException.ThrowIfNull(mix);
        ArgumentNullException.ThrowIfNull(timing);
        ArgumentOutOfRangeException.ThrowIfNegative(flashWaitStates);
        double execution = InstructionMix.ClassNames.Sum(c => mix[c] * timing[c])
            + mix.TransferRegisters * timing.CyclesPerTransferRegister
            + mix.PcLoads * timing.PcLoadPenalty;
        long flashAccesses = mix["branch"] + mix["branch_cond_taken"] + mix.PcLoads + mix["load"];
        return new CycleEstimate(timing.Core, flashWaitStates, execution, (double)flashWaitStates * flashAccesses);
    }

    /// <summary>Estimated cycles of <paramref name="mix"/> on the core named <paramref name="core"/>.</summary>
    public static CycleEstimate Estimate(InstructionMix mix, string core, int flashWaitStates = 0) =>
        Estimate(mix, CoreTimings.For(core), flashWaitStates);
}
