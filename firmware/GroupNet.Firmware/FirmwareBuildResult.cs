namespace GroupNet.Firmware;

/// <summary>A built firmware image.</summary>
/// <param name="Board">The board it was built for.</param>
/// <param name="ElfPath">Absolute path of the ELF (e.g. <c>&lt;build&gt;/firmware/gn_firmware.elf</c>).</param>
/// <param name="Size">Its section sizes.</param>
/// <param name="StackUsage">Worst-case stack of the model's inference from <c>-fstack-usage</c> call graphs
/// (also written to <c>&lt;build&gt;/stack_usage.txt</c>); null for images without a model or when the build wrote no call graph.</param>
public sealed record FirmwareBuildResult(Board Board, string ElfPath, SizeReport Size, StackUsageReport? StackUsage = null);
