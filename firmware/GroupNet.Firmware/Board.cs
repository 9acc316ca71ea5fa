namespace GroupNet.Firmware;

/// <summary>
/// A board the firmware can be built for and emulated on: a QEMU machine for the core, and the
/// memory of a real part with that core, which the board's linker script enforces.
/// </summary>
/// <param name="Name">Folder name under <c>firmware/boards/</c> and the <c>GN_BOARD</c> CMake value, e.g. <c>mps2-an386</c>.</param>
/// <param name="QemuMachine">Value of <c>qemu-system-arm -M</c>.</param>
/// <param name="QemuCpu">Value of <c>qemu-system-arm -cpu</c>.</param>
/// <param name="Core">Core name used in reports, e.g. <c>M4</c>.</param>
/// <param name="LinkerScript">Linker script, relative to the repository root.</param>
public sealed record Board(string Name, string QemuMachine, string QemuCpu, string Core, string LinkerScript)
{
    /// <summary>The real part whose memory the linker script enforces, e.g. <c>ST STM32F407VG</c>.</summary>
    public string Part { get; init; } = string.Empty;

    /// <summary>Flash bytes of the part available to the image (linker region <c>FLASH</c>).</summary>
    public long FlashBytes { get; init; }

    /// <summary>RAM bytes of the part available to the image, stack included (linker regions <c>RAM</c> + <c>STACK</c>).</summary>
    public long RamBytes { get; init; }

    /// <summary>Bytes at the top of RAM reserved for the main stack (linker region <c>STACK</c>, <c>GN_STACK_SIZE</c>).</summary>
    public long StackBytes { get; init; }

    /// <summary>RAM left for <c>.data</c> + <c>.bss</c> (linker region <c>RAM</c>): <see cref="RamBytes"/> - <see cref="StackBytes"/>.</summary>
    public long StaticRamBytes => RamBytes - StackBytes;

    /// <summary>Folder of the board's start-up code and <c>board.cmake</c>, relative to the repository root.</summary>
    public string Directory => $"firmware/boards/{Name}";

    /// <summary>One line for messages and reports, e.g. <c>mps2-an386 (Cortex-M4, ST STM32F407VG: 1024 KiB flash, 128 KiB RAM)</c>.</summary>
    public string Describe() =>
        string.IsNullOrEmpty(Part)
            ? $"{Name} (Cortex-{Core})"
            : $"{Name} (Cortex-{Core}, {Part}: {FlashBytes / 1024} KiB flash, {RamBytes / 1024} KiB RAM of which {StackBytes / 1024} KiB stack)";
}
