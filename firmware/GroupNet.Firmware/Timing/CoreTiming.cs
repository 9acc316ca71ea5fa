namespace GroupNet.Firmware.Timing;

/// <summary>
/// Cycle costs of one Cortex-M core per instruction class of <see cref="InstructionMix"/>, at zero
/// memory wait states: the per-core rows of <c>docs/timing-model.md</c>.
/// </summary>
/// <param name="Core">Core name as in <see cref="Board.Core"/>, e.g. <c>M4</c>.</param>
/// <param name="ClassCycles">Cycles per executed instruction of each class (<see cref="InstructionMix.ClassNames"/>);
/// fractional where the core issues two instructions per cycle. For <c>ldm</c> / <c>stm</c> this is the fixed part.</param>
/// <param name="CyclesPerTransferRegister">Added per register moved by LDM/STM/PUSH/POP (the N of "1 + N").</param>
/// <param name="PcLoadPenalty">Added per load of pc (POP {..., pc}, LDM with pc, LDR pc): the pipeline refill of a return.</param>
/// <param name="Source">The manual (and table) the numbers come from, or the approximation used where there is none.</param>
public sealed record CoreTiming(
    string Core,
    IReadOnlyDictionary<string, double> ClassCycles,
    double CyclesPerTransferRegister,
    double PcLoadPenalty,
    string Source)
{
    /// <summary>Cycles of one executed instruction of <paramref name="className"/>.</summary>
    /// <exception cref="KeyNotFoundException">Not a class of <see cref="InstructionMix.ClassNames"/>.</exception>
    public double this[string className] => ClassCycles[className];
}
