namespace GroupNet.Firmware;

/// <summary>A built firmware image.</summary>
/// <param name="Board">The board it was built for.</param>
/// <param name="ElfPath">Absolute path of the ELF (e.g. <c>&lt;build&gt;/firmware/gn_firmware.elf</c>).</param>
/// <param name="Size">Its section sizes.</param>
public sealed record FirmwareBuildResult(Board Board, string ElfPath, SizeReport Size);
