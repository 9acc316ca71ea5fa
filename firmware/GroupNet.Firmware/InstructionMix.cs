using System.Text.Json;

namespace GroupNet.Firmware;

/// <summary>
/// Executed instructions of one bucket (a function range, everything, or nothing in a range),
/// split into the classes of <c>tools/qemu-plugin/gn_insn_count.c</c>'s Thumb-2 decoder. Every
/// instruction is in exactly one class, so <see cref="Classes"/> sums to <see cref="Instructions"/>.
/// </summary>
/// <param name="Instructions">Executed instructions.</param>
/// <param name="Classes">Per class (<see cref="ClassNames"/> order), executions.</param>
/// <param name="TransferRegisters">Registers moved by the executed LDM/STM/PUSH/POP (for 1 + N cycle timings).</param>
/// <param name="PcLoads">Executed loads of pc (POP {..., pc}, LDM with pc, LDR pc): returns, a pipeline refill each.</param>
public sealed record InstructionMix(long Instructions, IReadOnlyDictionary<string, long> Classes, long TransferRegisters, long PcLoads)
{
    /// <summary>
    /// The classes, in output order: <c>alu</c> (data processing, moves, compares, shifts, extends,
    /// bit fields, CLZ, REV, SIMD add/subtract), <c>mul</c> (32-bit result multiplies and MACs:
    /// MUL, MLA, MLS, SMULxy, SMLAxy, SMULW, SMLAD, SMUAD, SMMUL, USAD8...), <c>mul_long</c>
    /// (64-bit results: SMULL, UMULL, SMLAL, UMLAL, SMLALD, UMAAL), <c>div</c> (SDIV, UDIV),
    /// <c>load</c> / <c>store</c> (single and dual, exclusive, literal), <c>ldm</c> / <c>stm</c>
    /// (LDM/POP incl. POP {pc}, STM/PUSH), <c>branch</c> (unconditional B, BL, BLX, BX, TBB, TBH,
    /// MOV/ADD pc), <c>branch_cond_taken</c> / <c>branch_cond_not_taken</c> (B&lt;cond&gt;,
    /// CBZ, CBNZ and branches inside an IT block), <c>other</c> (IT, NOP and hints, barriers,
    /// MRS/MSR, CPS, SVC, BKPT, UDF, coprocessor/FP).
    /// </summary>
    public static IReadOnlyList<string> ClassNames { get; } =
    [
        "alu", "mul", "mul_long", "div", "load", "store", "ldm", "stm",
        "branch", "branch_cond_taken", "branch_cond_not_taken", "other",
    ];

    /// <summary>No instructions.</summary>
    public static InstructionMix Empty { get; } = new(0, ClassNames.ToDictionary(c => c, _ => 0L), 0, 0);

    /// <summary>Sum of <see cref="Classes"/>; equals <see cref="Instructions"/> for plugin output.</summary>
    public long ClassSum => Classes.Values.Sum();

    /// <summary>Executions of class <paramref name="name"/> (0 when absent).</summary>
    public long this[string name] => Classes.GetValueOrDefault(name);

    /// <summary>Element-wise sum.</summary>
    public static InstructionMix operator +(InstructionMix a, InstructionMix b) =>
        new(a.Instructions + b.Instructions,
            ClassNames.ToDictionary(c => c, c => a[c] + b[c]),
            a.TransferRegisters + b.TransferRegisters,
            a.PcLoads + b.PcLoads);

    internal static InstructionMix Parse(JsonElement element)
    {
        var classes = ClassNames.ToDictionary(c => c, _ => 0L);
        foreach (var p in element.GetProperty("classes").EnumerateObject())
        {
            classes[p.Name] = p.Value.GetInt64();
        }
        return new InstructionMix(
            element.GetProperty("instructions").GetInt64(),
            classes,
            element.GetProperty("transfer_registers").GetInt64(),
            element.GetProperty("pc_loads").GetInt64());
    }
}
