namespace GroupNet.Firmware;

/// <summary>How to run one firmware image in QEMU.</summary>
public sealed record QemuRunOptions
{
    /// <summary>Wall-clock limit; on expiry the QEMU process tree is killed and a <see cref="TimeoutException"/> thrown.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(120);

    /// <summary>Load the instruction-counting plugin and return per-inference counts.</summary>
    public bool CountInstructions { get; init; }

    /// <summary>
    /// Also attribute every counted instruction to the function holding it (one plugin range per
    /// sized function symbol: generated layer functions, the infer function, the head, the harness,
    /// runtime helpers) with an instruction-class histogram each; fills
    /// <see cref="QemuRunResult.Profile"/>. Implies <see cref="CountInstructions"/>.
    /// </summary>
    public bool PerLayer { get; init; }

    /// <summary>
    /// Plugin shared object; null means <c>&lt;repo&gt;/tools/qemu-plugin/libgn_insn_count.so</c>,
    /// built with <c>tools/qemu-plugin/build.sh</c> when missing or older than its source.
    /// </summary>
    public string? PluginPath { get; init; }
}
