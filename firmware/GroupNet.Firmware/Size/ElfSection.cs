namespace GroupNet.Firmware.Size;

/// <summary>One allocated section of a firmware ELF (<c>arm-none-eabi-size -A</c>).</summary>
/// <param name="Name">Section name, e.g. <c>.rodata</c>.</param>
/// <param name="Bytes">Size in bytes.</param>
/// <param name="Address">Run-time address.</param>
public sealed record ElfSection(string Name, long Bytes, ulong Address);
