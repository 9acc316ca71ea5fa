namespace GroupNet.Firmware.Size;

/// <summary>One sized symbol of a firmware ELF (<c>arm-none-eabi-nm -S --defined-only</c>).</summary>
/// <param name="Name">Symbol name.</param>
/// <param name="Type">nm's type letter: t/T code, r/R read-only data, d/D data, b/B bss.</param>
/// <param name="Address">Address (Thumb bit cleared for code).</param>
/// <param name="Bytes">Size in bytes.</param>
public sealed record ElfSymbol(string Name, char Type, ulong Address, long Bytes)
{
    /// <summary>Code (t/T/w/W).</summary>
    public bool IsCode => Type is 't' or 'T' or 'w' or 'W';

    /// <summary>Read-only data (r/R): in flash.</summary>
    public bool IsReadOnlyData => Type is 'r' or 'R';

    /// <summary>Data or bss (d/D/b/B): in RAM.</summary>
    public bool IsRamData => Type is 'd' or 'D' or 'b' or 'B';
}
