namespace GroupNet.Firmware;

/// <summary>Executed instructions of one function's address range (from <c>arm-none-eabi-nm -S</c>).</summary>
/// <param name="Name">Symbol name as in the ELF (GCC clones keep a suffix, e.g. <c>gn_layer1_g0_b0.constprop.0</c>).</param>
/// <param name="Start">First byte (Thumb bit cleared).</param>
/// <param name="End">One past the last byte.</param>
/// <param name="InSegments">Executions inside inference segments, summed over all segments.</param>
/// <param name="WholeRun">Executions over the whole run, reset to exit.</param>
public sealed record FunctionCount(string Name, ulong Start, ulong End, InstructionMix InSegments, InstructionMix WholeRun)
{
    /// <summary><see cref="Name"/> without a GCC clone suffix (<c>.constprop.0</c>, <c>.isra.0</c>, <c>.part.0</c>).</summary>
    public string BaseName => Name.Split('.')[0];
}
