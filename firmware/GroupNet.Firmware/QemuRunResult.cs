namespace GroupNet.Firmware;

/// <summary>What one emulated firmware run produced.</summary>
/// <param name="ExitCode">QEMU's exit code, which is the firmware's semihosting exit status (0 = every inference returned 0).</param>
/// <param name="Logits">Per test image, in image order, the <c>GN_MODEL_NUM_CLASSES</c> int32 logits.</param>
/// <param name="CompletedCount">The count on the <c>GN-DONE</c> sentinel line.</param>
/// <param name="StackPeakBytes">Peak stack depth from the <c>GN-STACK</c> line, or null if not printed.</param>
/// <param name="InstructionsPerInference">Executed instructions per inference (plugin segments), or null without the plugin.</param>
/// <param name="TotalInstructions">Executed instructions of the whole run, or null without the plugin.</param>
/// <param name="Output">The firmware's console text (QEMU's stdout, then its stderr, which carries semihosting output).</param>
/// <param name="Profile">Per-function counts and class histograms with <see cref="QemuRunOptions.PerLayer"/>, else null.</param>
public sealed record QemuRunResult(
    int ExitCode,
    int[][] Logits,
    int CompletedCount,
    int? StackPeakBytes,
    IReadOnlyList<long>? InstructionsPerInference,
    long? TotalInstructions,
    string Output,
    InstructionProfile? Profile = null)
{
    /// <summary>Index of the first image in the image file (streaming firmware: <c>GN-STREAM first</c>); 0 for embedded images.</summary>
    public int FirstImage { get; init; }
}
