using System.Globalization;

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
        };
        var elf = ConfigureAndBuild(cmake, configure, modelDir, buildDir, target, $"{board.Name} firmware ({target})", ".elf");

        var sizeResult = ProcessRunner.RunChecked(size, [elf], null, StepTimeout, $"arm-none-eabi-size failed on {elf}");
        return new FirmwareBuildResult(board, elf, SizeReport.Parse(sizeResult.StandardOutput));
    }

    /// <summary>
    /// Configures and builds <c>gn_host_runner</c> with the host C compiler, for bit-exact host tests.
    /// </summary>
    /// <returns>Absolute path of the executable.</returns>
    /// <exception cref="ToolNotFoundException">cmake or gcc is not installed.</exception>
    /// <exception cref="ExternalToolException">Configure or build failed; the message holds the tool output.</exception>
    public string BuildHost(string modelDir, string buildDir)
    {
        ArgumentNullException.ThrowIfNull(modelDir);
        ArgumentNullException.ThrowIfNull(buildDir);
        var cmake = ExternalTools.Require(ExternalTools.CMake);
        ExternalTools.Require(ExternalTools.HostCc);
        return ConfigureAndBuild(cmake, [], modelDir, buildDir, HostTarget, "host runner", string.Empty);
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
