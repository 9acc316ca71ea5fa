using System.Globalization;
using System.Text.RegularExpressions;

namespace GroupNet.Firmware;

/// <summary>
/// Builds the C parts through the top-level CMakeLists.txt: the firmware ELF for a board
/// (cross-compiled with <c>firmware/cmake/arm-none-eabi.cmake</c>) or the host runner.
/// </summary>
/// <remarks>
/// Equivalent command lines (ARM):
/// <code>
/// cmake -S &lt;repo&gt; -B &lt;build&gt; -DCMAKE_TOOLCHAIN_FILE=&lt;repo&gt;/firmware/cmake/arm-none-eabi.cmake \
///       -DGN_BOARD=mps2-an386 -DGN_MODEL_DIR=&lt;model&gt;
/// cmake --build &lt;build&gt; --target gn_firmware --parallel 2
/// arm-none-eabi-size &lt;build&gt;/firmware/gn_firmware.elf
/// </code>
/// Each build directory holds one configuration; use a separate one per (model, board) pair.
/// </remarks>
public sealed class FirmwareBuilder
{
    /// <summary>CMake target of the inference firmware.</summary>
    public const string FirmwareTarget = "gn_firmware";

    /// <summary>CMake target of the instruction-counting self-test image (no model needed).</summary>
    public const string SelftestTarget = "gn_selftest";

    /// <summary>CMake target of the host runner.</summary>
    public const string HostTarget = "gn_host_runner";

    /// <summary>CMake target of the streaming firmware: images read from a host file over semihosting (<c>gn_stream_main.c</c>).</summary>
    public const string StreamFirmwareTarget = "gn_firmware_stream";

    /// <summary>CMake target of the streaming host runner (<c>FILE [FIRST [COUNT]]</c> arguments).</summary>
    public const string HostStreamTarget = "gn_host_stream_runner";

    private readonly string _repoRoot;

    /// <summary>Creates a builder for the repository at <paramref name="repoRoot"/>.</summary>
    /// <exception cref="ArgumentException">The folder has no top-level CMakeLists.txt.</exception>
    public FirmwareBuilder(string repoRoot)
    {
        ArgumentNullException.ThrowIfNull(repoRoot);
        _repoRoot = Path.GetFullPath(repoRoot);
        if (!File.Exists(Path.Combine(_repoRoot, "CMakeLists.txt")))
        {
            throw new ArgumentException($"'{_repoRoot}' is not the repository root: it has no CMakeLists.txt.", nameof(repoRoot));
        }
    }

    /// <summary>Wall-clock limit for each cmake step.</summary>
    public TimeSpan StepTimeout { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>Parallel compile jobs passed to <c>cmake --build --parallel</c>.</summary>
    public int ParallelJobs { get; init; } = 2;

    /// <summary>
    /// Optimisation flag for every C target (CMake <c>GN_OPT_LEVEL</c>): <c>-O2</c> (the default), <c>-Os</c>, <c>-O3</c>, ...
    /// </summary>
    public string OptimizationLevel { get; init; } = "-O2";

    /// <summary>
    /// Build with <c>GN_CYCLE_COUNTER</c>: the harness reads DWT->CYCCNT around each layer and prints
    /// <c>GN-CYCLES</c> lines (firmware/common/gn_cycle_counter.h). Off by default, so exact instruction
    /// counts do not include the marks.
    /// </summary>
    public bool CycleCounter { get; init; }

    /// <summary>Builds the firmware for the board named <paramref name="boardName"/>.</summary>
    public FirmwareBuildResult Build(string boardName, string modelDir, string buildDir) =>
        Build(Boards.Get(boardName), modelDir, buildDir);

    /// <summary>
    /// Configures and builds a firmware image for <paramref name="board"/> and measures its size.
    /// </summary>
    /// <param name="board">Target board.</param>
    /// <param name="modelDir">Generated model folder (defines <c>gn_model</c>); may be null only for <see cref="SelftestTarget"/>.</param>
    /// <param name="buildDir">CMake build folder (created if missing).</param>
    /// <param name="target"><see cref="FirmwareTarget"/> or <see cref="SelftestTarget"/>.</param>
    /// <exception cref="ToolNotFoundException">cmake or the ARM toolchain is not installed.</exception>
    /// <exception cref="ExternalToolException">Configure, build or size failed; the message holds the tool output.</exception>
    public FirmwareBuildResult Build(Board board, string? modelDir, string buildDir, string target = FirmwareTarget)
    {
        ArgumentNullException.ThrowIfNull(board);
        ArgumentNullException.ThrowIfNull(buildDir);
        var cmake = ExternalTools.Require(ExternalTools.CMake);
        ExternalTools.Require(ExternalTools.ArmGcc);
        var size = ExternalTools.Require(ExternalTools.ArmSize);

        var configure = new List<string>
        {
            "-DCMAKE_TOOLCHAIN_FILE=" + Path.Combine(_repoRoot, "firmware", "cmake", "arm-none-eabi.cmake"),
            "-DGN_BOARD=" + board.Name,
            "-DGN_OPT_LEVEL=" + OptimizationLevel,
            "-DGN_CYCLE_COUNTER=" + (CycleCounter ? "ON" : "OFF"),
        };
        string elf;
        try
        {
            elf = ConfigureAndBuild(cmake, configure, modelDir, buildDir, target, $"{board.Name} firmware ({target})", ".elf");
        }
        catch (ExternalToolException ex) when (FindOverflows(ex.Output).Count > 0)
        {
            // The linker script holds the part's memory: name the region and the overflow up front.
            throw new ExternalToolException(DoesNotFitSummary(board, FindOverflows(ex.Output)), ex.CommandLine, ex.ExitCode, ex.Output);
        }

        var sizeResult = ProcessRunner.RunChecked(size, [elf], null, StepTimeout, $"arm-none-eabi-size failed on {elf}");
        var stack = StackUsageReport.FromBuildDirectory(buildDir);
        if (stack is not null)
        {
            File.WriteAllText(Path.Combine(buildDir, StackUsageReport.FileName), stack.Render());
        }
        return new FirmwareBuildResult(board, elf, SizeReport.Parse(sizeResult.StandardOutput), stack);
    }

    /// <summary>
    /// Configures and builds <c>gn_host_runner</c> with the host C compiler, for bit-exact host tests.
    /// </summary>
    /// <returns>Absolute path of the executable.</returns>
    /// <exception cref="ToolNotFoundException">cmake or gcc is not installed.</exception>
    /// <exception cref="ExternalToolException">Configure or build failed; the message holds the tool output.</exception>
    public string BuildHost(string modelDir, string buildDir) => BuildHost(modelDir, buildDir, HostTarget);

    /// <summary>
    /// Configures and builds a host target (<see cref="HostTarget"/> or <see cref="HostStreamTarget"/>);
    /// <paramref name="cFlags"/> become CMAKE_C_FLAGS and CMAKE_EXE_LINKER_FLAGS (e.g. sanitizers).
    /// </summary>
    /// <returns>Absolute path of the executable.</returns>
    /// <exception cref="ToolNotFoundException">cmake or gcc is not installed.</exception>
    /// <exception cref="ExternalToolException">Configure or build failed; the message holds the tool output.</exception>
    public string BuildHost(string modelDir, string buildDir, string target, string? cFlags = null)
    {
        ArgumentNullException.ThrowIfNull(modelDir);
        ArgumentNullException.ThrowIfNull(buildDir);
        ArgumentNullException.ThrowIfNull(target);
        var cmake = ExternalTools.Require(ExternalTools.CMake);
        ExternalTools.Require(ExternalTools.HostCc);
        var definitions = cFlags is null ? new List<string>() : ["-DCMAKE_C_FLAGS=" + cFlags, "-DCMAKE_EXE_LINKER_FLAGS=" + cFlags];
        return ConfigureAndBuild(cmake, definitions, modelDir, buildDir, target, "host runner", string.Empty);
    }

    /// <summary>One region a linked image overflowed, from GNU ld's "region `RAM' overflowed by N bytes".</summary>
    /// <param name="Region">Linker region: <c>FLASH</c>, <c>RAM</c> (static data; the part's RAM less the stack) or <c>STACK</c>.</param>
    /// <param name="Bytes">By how many bytes, or null where ld said only "section `.text' will not fit in region `FLASH'"
    /// (it stops before counting when code itself overflows; constants are a separate <c>.rodata</c> section, so
    /// weights and images that overflow are counted).</param>
    public readonly record struct RegionOverflow(string Region, long? Bytes);

    /// <summary>The regions that linker output says overflowed, one entry per region (largest count kept).</summary>
    public static IReadOnlyList<RegionOverflow> FindOverflows(string linkerOutput)
    {
        ArgumentNullException.ThrowIfNull(linkerOutput);
        var found = new Dictionary<string, long?>(StringComparer.Ordinal);
        foreach (Match m in OverflowLine.Matches(linkerOutput))
        {
            var region = m.Groups[1].Value;
            var bytes = long.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture);
            found[region] = found.TryGetValue(region, out var seen) && seen is long s ? Math.Max(s, bytes) : bytes;
        }
        foreach (Match m in WillNotFitLine.Matches(linkerOutput))
        {
            found.TryAdd(m.Groups[1].Value, null);
        }
        return found.Select(kv => new RegionOverflow(kv.Key, kv.Value)).ToArray();
    }

    private static readonly Regex OverflowLine = new(@"region [`'](\w+)' overflowed by (\d+) bytes?", RegexOptions.CultureInvariant);
    private static readonly Regex WillNotFitLine = new(@"will not fit in region [`'](\w+)'", RegexOptions.CultureInvariant);

    private static string DoesNotFitSummary(Board board, IReadOnlyList<RegionOverflow> overflows)
    {
        var parts = overflows.Select(o =>
        {
            string head = o.Bytes is long n
                ? $"region `{o.Region}' overflowed by {n} bytes"
                : $"region `{o.Region}' overflowed (ld gave no byte count: the code alone does not fit; see the map file)";
            return o.Region switch
            {
                "FLASH" => $"{head} (code + constants + .data image > {board.FlashBytes} bytes of flash)",
                "RAM" => $"{head} (.data + .bss > {board.StaticRamBytes} bytes: {board.RamBytes} bytes of RAM less the {board.StackBytes}-byte stack)",
                _ => head,
            };
        });
        return $"The image does not fit board {board.Describe()}: {string.Join("; ", parts)}";
    }

    private string ConfigureAndBuild(string cmake, List<string> extraDefinitions, string? modelDir, string buildDir, string target, string what, string suffix)
    {
        var buildPath = Path.GetFullPath(buildDir);
        Directory.CreateDirectory(buildPath);
        var configure = new List<string> { "-S", _repoRoot, "-B", buildPath };
        configure.AddRange(extraDefinitions);
        configure.Add("-DGN_MODEL_DIR=" + (modelDir is null ? string.Empty : Path.GetFullPath(modelDir)));
        ProcessRunner.RunChecked(cmake, configure, _repoRoot, StepTimeout, $"CMake configure of the {what} failed");

        ProcessRunner.RunChecked(
            cmake,
            ["--build", buildPath, "--target", target, "--parallel", ParallelJobs.ToString(CultureInfo.InvariantCulture)],
            _repoRoot, StepTimeout, $"Build of the {what} failed");

        var output = Path.Combine(buildPath, "firmware", target + suffix);
        if (!File.Exists(output))
        {
            throw new ExternalToolException($"Build of the {what} reported success but '{output}' does not exist", "cmake --build " + buildPath, 0, string.Empty);
        }
        return output;
    }
}
