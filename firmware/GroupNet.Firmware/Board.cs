namespace GroupNet.Firmware;

/// <summary>
/// A board the firmware can be built for and emulated on.
/// </summary>
/// <param name="Name">Folder name under <c>firmware/boards/</c> and the <c>GN_BOARD</c> CMake value, e.g. <c>mps2-an386</c>.</param>
/// <param name="QemuMachine">Value of <c>qemu-system-arm -M</c>.</param>
/// <param name="QemuCpu">Value of <c>qemu-system-arm -cpu</c>.</param>
/// <param name="Core">Core name used in reports, e.g. <c>M4</c>.</param>
/// <param name="LinkerScript">Linker script, relative to the repository root.</param>
public sealed record Board(string Name, string QemuMachine, string QemuCpu, string Core, string LinkerScript)
{
    /// <summary>Folder of the board's start-up code and <c>board.cmake</c>, relative to the repository root.</summary>
    public string Directory => $"firmware/boards/{Name}";
}
