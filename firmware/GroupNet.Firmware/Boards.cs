namespace GroupNet.Firmware;

/// <summary>
/// The boards this repository has a <c>firmware/boards/&lt;name&gt;</c> folder for: one QEMU
/// machine per Cortex-M core, each with the flash and RAM of a real part that has that core.
/// </summary>
/// <remarks>
/// The sizes here mirror the <c>GN_FLASH_SIZE</c>, <c>GN_RAM_SIZE</c> and <c>GN_STACK_SIZE</c>
/// of each board's linker script (a test checks they agree); the linker script is what enforces
/// them. Memory maps and sources are in the comment at the top of each linker script.
/// </remarks>
public static class Boards
{
    private const long KiB = 1024;

    /// <summary>BBC micro:bit (nRF51822, Cortex-M0): 256 KiB flash at 0x0, 16 KiB RAM at 0x20000000, as QEMU's <c>microbit</c> machine.</summary>
    public static Board Microbit { get; } = new(
        Name: "microbit",
        QemuMachine: "microbit",
        QemuCpu: "cortex-m0",
        Core: "M0",
        LinkerScript: "firmware/boards/microbit/microbit.ld")
    {
        Part = "Nordic nRF51822-QFAA",
        FlashBytes = 256 * KiB,
        RamBytes = 16 * KiB,
        StackBytes = 2 * KiB,
    };

    /// <summary>ARM MPS2 AN385 FPGA image (Cortex-M3), with the memory of an STM32F103ZE: 512 KiB flash, 64 KiB RAM.</summary>
    public static Board Mps2An385 { get; } = new(
        Name: "mps2-an385",
        QemuMachine: "mps2-an385",
        QemuCpu: "cortex-m3",
        Core: "M3",
        LinkerScript: "firmware/boards/mps2-an385/mps2-an385.ld")
    {
        Part = "ST STM32F103ZE",
        FlashBytes = 512 * KiB,
        RamBytes = 64 * KiB,
        StackBytes = 4 * KiB,
    };

    /// <summary>ARM MPS2 AN386 FPGA image (Cortex-M4), with the memory of an STM32F407VG: 1 MiB flash, its 128 KiB main SRAM (the 64 KiB CCM is not used).</summary>
    public static Board Mps2An386 { get; } = new(
        Name: "mps2-an386",
        QemuMachine: "mps2-an386",
        QemuCpu: "cortex-m4",
        Core: "M4",
        LinkerScript: "firmware/boards/mps2-an386/mps2-an386.ld")
    {
        Part = "ST STM32F407VG",
        FlashBytes = 1024 * KiB,
        RamBytes = 128 * KiB,
        StackBytes = 8 * KiB,
    };

    /// <summary>ARM MPS2 AN500 FPGA image (Cortex-M7), with the memory of an STM32F746NG: 1 MiB flash, 320 KiB RAM.</summary>
    public static Board Mps2An500 { get; } = new(
        Name: "mps2-an500",
        QemuMachine: "mps2-an500",
        QemuCpu: "cortex-m7",
        Core: "M7",
        LinkerScript: "firmware/boards/mps2-an500/mps2-an500.ld")
    {
        Part = "ST STM32F746NG",
        FlashBytes = 1024 * KiB,
        RamBytes = 320 * KiB,
        StackBytes = 8 * KiB,
    };

    /// <summary>ARM MPS2 AN505 FPGA image (Cortex-M33, Secure state), with the memory of an STM32L552ZE: 512 KiB flash, 256 KiB RAM.</summary>
    public static Board Mps2An505 { get; } = new(
        Name: "mps2-an505",
        QemuMachine: "mps2-an505",
        QemuCpu: "cortex-m33",
        Core: "M33",
        LinkerScript: "firmware/boards/mps2-an505/mps2-an505.ld")
    {
        Part = "ST STM32L552ZE",
        FlashBytes = 512 * KiB,
        RamBytes = 256 * KiB,
        StackBytes = 8 * KiB,
    };

    /// <summary>ARM MPS3 AN547 FPGA image (Cortex-M55, Secure state), with the TCMs of the M55-HE core of an Alif Ensemble E7: 256 KiB ITCM (code), 256 KiB DTCM (data).</summary>
    public static Board Mps3An547 { get; } = new(
        Name: "mps3-an547",
        QemuMachine: "mps3-an547",
        QemuCpu: "cortex-m55",
        Core: "M55",
        LinkerScript: "firmware/boards/mps3-an547/mps3-an547.ld")
    {
        Part = "Alif Ensemble E7 AE722F80F55D5 (M55-HE TCMs)",
        FlashBytes = 256 * KiB,
        RamBytes = 256 * KiB,
        StackBytes = 8 * KiB,
    };

    /// <summary>All supported boards, in core order: M0, M3, M4, M7, M33, M55.</summary>
    public static IReadOnlyList<Board> All { get; } = [Microbit, Mps2An385, Mps2An386, Mps2An500, Mps2An505, Mps3An547];

    /// <summary>Looks a board up by name (case-insensitive).</summary>
    /// <exception cref="ArgumentException">No board has that name; the message lists the known ones.</exception>
    public static Board Get(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        foreach (var board in All)
        {
            if (string.Equals(board.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                return board;
            }
        }
        throw new ArgumentException(
            $"Unknown board '{name}'. Known boards: {string.Join(", ", All.Select(b => b.Name))}.", nameof(name));
    }
}
