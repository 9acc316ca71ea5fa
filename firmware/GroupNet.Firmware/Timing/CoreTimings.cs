namespace GroupNet.Firmware.Timing;

/// <summary>
/// The timing table of every supported core (docs/timing-model.md explains each number).
/// P, the pipeline refill after a taken branch that the M3/M4 manuals give as 1 to 3 cycles, is
/// taken as <see cref="PipelineRefill"/> = 2 throughout.
/// </summary>
public static class CoreTimings
{
    /// <summary>P: cycles to refill the pipeline after a taken branch (the manuals give 1 to 3).</summary>
    public const double PipelineRefill = 2;

    private static IReadOnlyDictionary<string, double> Classes(
        double alu, double mul, double mulLong, double div, double load, double store, double ldm, double stm,
        double branch, double taken, double notTaken, double other)
    {
        var values = new[] { alu, mul, mulLong, div, load, store, ldm, stm, branch, taken, notTaken, other };
        return InstructionMix.ClassNames.Select((c, i) => (c, values[i])).ToDictionary(p => p.c, p => p.Item2);
    }

    /// <summary>
    /// Cortex-M0: Cortex-M0 Technical Reference Manual (ARM DDI 0432C), Table 3-1 "Cortex-M0 instruction
    /// summary". Multiplier: the fast (1-cycle) MULS option; loads and stores 2; LDM/STM/PUSH/POP 1 + N;
    /// POP with pc 4 + N (pc load +3); B, BX, BLX 3 and BL 4 (taken as 3); conditional branch 3 taken, 1 not
    /// taken. ARMv6-M has no long multiply or divide (the classes never occur; libgcc does division).
    /// </summary>
    public static CoreTiming M0 { get; } = new("M0",
        Classes(alu: 1, mul: 1, mulLong: 1, div: 1, load: 2, store: 2, ldm: 1, stm: 1, branch: 3, taken: 3, notTaken: 1, other: 1),
        CyclesPerTransferRegister: 1, PcLoadPenalty: 3,
        Source: "Cortex-M0 TRM (DDI 0432C), Table 3-1 Cortex-M0 instruction summary; fast multiplier");

    /// <summary>
    /// Cortex-M3: Cortex-M3 Technical Reference Manual (ARM DDI 0337H), Table 3-1 "Cortex-M3 instruction set
    /// summary". MUL 1 and MLA/MLS 2 (taken as 1.5); SMULL/UMULL 3-5, SMLAL/UMLAL 4-7 (taken as 5); SDIV/UDIV
    /// 2-12 (taken as 7); LDR/STR 2 (back-to-back loads and stores pipeline to 1: not modelled, an upper
    /// bound); LDM/STM 1 + N; branches 1 + P; POP {pc} 1 + N + P.
    /// </summary>
    public static CoreTiming M3 { get; } = new("M3",
        Classes(alu: 1, mul: 1.5, mulLong: 5, div: 7, load: 2, store: 2, ldm: 1, stm: 1,
            branch: 1 + PipelineRefill, taken: 1 + PipelineRefill, notTaken: 1, other: 1),
        CyclesPerTransferRegister: 1, PcLoadPenalty: PipelineRefill,
        Source: "Cortex-M3 TRM (DDI 0337H), Table 3-1 Cortex-M3 instruction set summary; P = 2");

    /// <summary>
    /// Cortex-M4: Cortex-M4 Technical Reference Manual (ARM 100166_0001_00), Table 3-1 "Processor instruction
    /// set summary". As the M3 except: every multiply and MAC including the 64-bit ones and the DSP
    /// extension 1 cycle; SDIV/UDIV 2-12 (taken as 7).
    /// </summary>
    public static CoreTiming M4 { get; } = new("M4",
        Classes(alu: 1, mul: 1, mulLong: 1, div: 7, load: 2, store: 2, ldm: 1, stm: 1,
            branch: 1 + PipelineRefill, taken: 1 + PipelineRefill, notTaken: 1, other: 1),
        CyclesPerTransferRegister: 1, PcLoadPenalty: PipelineRefill,
        Source: "Cortex-M4 TRM (100166_0001_00), Table 3-1 Processor instruction set summary; P = 2");

    /// <summary>
    /// Cortex-M33: its Technical Reference Manual (ARM 100230) publishes no instruction-timing table. The
    /// M33 has a 3-stage in-order pipeline like the M4, and LLVM schedules it with its Cortex-M4 model, so the
    /// M4 table is used; the M33's limited dual issue of 16-bit instructions is ignored (an upper bound).
    /// </summary>
    public static CoreTiming M33 { get; } = M4 with
    {
        Core = "M33",
        Source = "approximation: Cortex-M4 TRM Table 3-1 (the M33 TRM, 100230, has no timing table); dual issue ignored",
    };

    /// <summary>
    /// Cortex-M7: its Technical Reference Manual (ARM DDI 0489) describes a 6-stage dual-issue superscalar
    /// pipeline with a branch predictor but publishes no instruction-timing table. Approximation after the
    /// pipeline description and LLVM's Cortex-M7 scheduling model (ARMScheduleM7.td: issue width 2, two ALUs,
    /// two load ports, one store port, one MAC pipe, division 7 cycles single-issue, branch mispredict 4-6):
    /// ALU and loads 0.5 (dual issue), stores, multiplies and MACs 1, LDM/STM single-issue 1 + N/2 (64-bit
    /// data path), unconditional branches 1 (predicted), conditional branches 2 taken and 0.5 not taken (an
    /// assumed mix of predicted and mispredicted branches), returns + 1.
    /// </summary>
    public static CoreTiming M7 { get; } = new("M7",
        Classes(alu: 0.5, mul: 1, mulLong: 1, div: 7, load: 0.5, store: 1, ldm: 1, stm: 1,
            branch: 1, taken: 2, notTaken: 0.5, other: 1),
        CyclesPerTransferRegister: 0.5, PcLoadPenalty: 1,
        Source: "approximation: Cortex-M7 TRM (DDI 0489) pipeline description and LLVM ARMScheduleM7.td (no published timing table)");

    /// <summary>
    /// Cortex-M55: its Technical Reference Manual (ARM 101051) publishes no instruction-timing table for
    /// scalar code. LLVM's Cortex-M55 scheduling model (ARMScheduleM55.td) says the scalar pipeline "is a lot
    /// like the M4/M33" with dual issue of a 16-bit instruction with a simple one (ADD/SUB/MOV immediate,
    /// extends, IT, branches) and a branch mispredict penalty of 3. Approximation: the M4 table with ALU
    /// instructions at 0.75 cycles (an assumed one in four paired) and P = 2.
    /// </summary>
    public static CoreTiming M55 { get; } = M4 with
    {
        Core = "M55",
        ClassCycles = Classes(alu: 0.75, mul: 1, mulLong: 1, div: 7, load: 2, store: 2, ldm: 1, stm: 1,
            branch: 1 + PipelineRefill, taken: 1 + PipelineRefill, notTaken: 1, other: 1),
        Source = "approximation: Cortex-M4 TRM Table 3-1 with partial dual issue (ALU 0.75) after LLVM ARMScheduleM55.td (the M55 TRM, 101051, has no scalar timing table)",
    };

    /// <summary>All tables, in core order.</summary>
    public static IReadOnlyList<CoreTiming> All { get; } = [M0, M3, M4, M7, M33, M55];

    /// <summary>The table of core <paramref name="core"/> (<c>M0</c> ... <c>M55</c>, case-insensitive).</summary>
    /// <exception cref="ArgumentException">No table for that core.</exception>
    public static CoreTiming For(string core)
    {
        ArgumentNullException.ThrowIfNull(core);
        return All.FirstOrDefault(t => string.Equals(t.Core, core, StringComparison.OrdinalIgnoreCase))
            ?? throw new ArgumentException($"no timing table for core '{core}'; known: {string.Join(", ", All.Select(t => t.Core))}", nameof(core));
    }
}
