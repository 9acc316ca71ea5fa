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

    /// <summary>
    /// Words of the semihosting command line (<c>SYS_GET_CMDLINE</c>; QEMU <c>-semihosting-config ...,arg=W</c>
    /// per word), program name first; null passes none. The streaming firmware
    /// (<c>firmware/common/gn_stream_main.c</c>) reads <c>PROGRAM FILE [FIRST [COUNT]]</c> from it.
    /// Words cannot contain spaces (the firmware splits at spaces) or commas (QEMU's option syntax).
    /// </summary>
    public IReadOnlyList<string>? SemihostingArguments { get; init; }

    /// <summary>QEMU's working directory: where semihosting <c>SYS_OPEN</c> resolves relative file names; null = the current one.</summary>
    public string? WorkingDirectory { get; init; }

    /// <summary>
    /// What the image was built from (model, options), named in every failure message together with the
    /// core and the image in progress; null leaves it out.
    /// </summary>
    public string? Configuration { get; init; }
}
