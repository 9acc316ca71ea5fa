namespace GroupNet.Firmware;

/// <summary>
/// The boards this repository has a <c>firmware/boards/&lt;name&gt;</c> folder for.
/// One QEMU machine per Cortex-M core; further boards (microbit M0, mps2-an505 M33,
/// mps3-an547 M55) are added as sibling folders plus one entry here.
/// </summary>
public static class Boards
{
    /// <summary>ARM MPS2 AN385 FPGA image: Cortex-M3, same memory map as AN386.</summary>
    public static Board Mps2An385 { get; } = new(
        Name: "mps2-an385",
        QemuMachine: "mps2-an385",
        QemuCpu: "cortex-m3",
        Core: "M3",
        LinkerScript: "firmware/boards/mps2-an385/mps2-an385.ld");

    /// <summary>ARM MPS2 AN386 FPGA image: Cortex-M4, 4 MiB code SSRAM at 0x0, 4 MiB data SSRAM at 0x20000000.</summary>
    public static Board Mps2An386 { get; } = new(
        Name: "mps2-an386",
        QemuMachine: "mps2-an386",
        QemuCpu: "cortex-m4",
        Core: "M4",
        LinkerScript: "firmware/boards/mps2-an386/mps2-an386.ld");

    /// <summary>ARM MPS2 AN500 FPGA image: Cortex-M7, same memory map as AN386.</summary>
    public static Board Mps2An500 { get; } = new(
        Name: "mps2-an500",
        QemuMachine: "mps2-an500",
        QemuCpu: "cortex-m7",
        Core: "M7",
        LinkerScript: "firmware/boards/mps2-an500/mps2-an500.ld");

    /// <summary>All supported boards, in core order.</summary>
    public static IReadOnlyList<Board> All { get; } = [Mps2An385, Mps2An386, Mps2An500];

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
