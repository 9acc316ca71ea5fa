using System.Globalization;
using System.Text.Json;

namespace GroupNet.Firmware;

/// <summary>
/// Runs a firmware image in <c>qemu-system-arm</c> with semihosting, checks the <c>GN-DONE</c>
/// sentinel and parses the <c>logits</c> lines; optionally counts executed instructions per
/// inference with the project's TCG plugin (<c>tools/qemu-plugin/gn_insn_count.c</c>).
/// </summary>
/// <remarks>
/// Command line:
/// <code>
/// qemu-system-arm -M &lt;machine&gt; -cpu &lt;cpu&gt; -nographic -semihosting-config enable=on,target=native -kernel &lt;elf&gt;
///     [-plugin &lt;so&gt;,begin=0xADDR,end=0xADDR,out=&lt;json&gt;[,ranges=&lt;txt&gt;]]
/// </code>
/// QEMU 7.2 writes semihosting console output to its stderr; both streams are parsed.
/// The QEMU exit code is the firmware's exit status (SYS_EXIT_EXTENDED).
/// </remarks>
public sealed class QemuRunner
{
    /// <summary>Symbol whose first instruction opens an instruction-count segment.</summary>
    public const string BeginMarker = "gn_marker_begin";

    /// <summary>Symbol whose first instruction closes an instruction-count segment.</summary>
    public const string EndMarker = "gn_marker_end";

    private readonly string _repoRoot;

    /// <summary>Creates a runner; <paramref name="repoRoot"/> locates the plugin sources.</summary>
    public QemuRunner(string repoRoot)
    {
        ArgumentNullException.ThrowIfNull(repoRoot);
        _repoRoot = Path.GetFullPath(repoRoot);
    }

    /// <summary>Runs <paramref name="elfPath"/> on <paramref name="board"/>'s QEMU machine.</summary>
    /// <exception cref="ToolNotFoundException">qemu-system-arm (or arm-none-eabi-nm / gcc for counting) is missing.</exception>
    /// <exception cref="TimeoutException">QEMU did not exit within <see cref="QemuRunOptions.Timeout"/>; the process tree was killed.</exception>
    /// <exception cref="EmulatorRunException">No <c>GN-DONE</c> sentinel (e.g. a fault), or malformed output.</exception>
    public QemuRunResult Run(Board board, string elfPath, QemuRunOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(board);
        ArgumentNullException.ThrowIfNull(elfPath);
        options ??= new QemuRunOptions();
        var qemu = ExternalTools.Require(ExternalTools.QemuSystemArm);
        var elf = Path.GetFullPath(elfPath);
        if (!File.Exists(elf))
        {
            throw new FileNotFoundException($"Firmware image '{elf}' does not exist.", elf);
        }

        var arguments = new List<string>
        {
            "-M", board.QemuMachine,
            "-cpu", board.QemuCpu,
            "-nographic",
            "-semihosting-config", "enable=on,target=native" + SemihostingArgs(options.SemihostingArguments),
            "-kernel", elf,
        };
        var context = new FirmwareRunContext(board, options.Configuration);

        string? countsPath = null;
        string? rangesPath = null;
        IReadOnlyList<(string Name, ulong Start, ulong End)>? functions = null;
        if (options.CountInstructions || options.PerLayer)
        {
            var plugin = options.PluginPath is null ? EnsurePlugin(_repoRoot) : Path.GetFullPath(options.PluginPath);
            var (begin, end) = LookUpMarkers(elf);
            var id = Guid.NewGuid().ToString("N");
            countsPath = Path.Combine(Path.GetTempPath(), $"gn_insn_count_{id}.json");
            if (options.PerLayer)
            {
                functions = FunctionRanges(elf);
                rangesPath = Path.Combine(Path.GetTempPath(), $"gn_insn_ranges_{id}.txt");
                File.WriteAllLines(rangesPath, functions.Select(f => string.Create(CultureInfo.InvariantCulture, $"0x{f.Start:x} 0x{f.End:x} {f.Name}")));
            }
            foreach (var path in new[] { plugin, countsPath, rangesPath ?? string.Empty })
            {
                if (path.Contains(',', StringComparison.Ordinal))
                {
                    throw new ArgumentException($"QEMU's -plugin option cannot take a path with a comma: '{path}'.");
                }
            }
            arguments.Add("-plugin");
            arguments.Add(string.Create(CultureInfo.InvariantCulture, $"{plugin},begin=0x{begin:x},end=0x{end:x},out={countsPath}")
                + (rangesPath is null ? string.Empty : ",ranges=" + rangesPath));
        }

        try
        {
            var result = ProcessRunner.Run(qemu, arguments, options.WorkingDirectory, options.Timeout,
                partial => new TimeoutException(
                    $"QEMU {board.QemuMachine} ({board.QemuCpu}) running {elf} did not finish within {options.Timeout.TotalSeconds:0} s "
                    + $"({context.Describe(partial.CombinedOutput)}); the process tree was killed."
                    + $"{Environment.NewLine}command: {partial.CommandLine}{Environment.NewLine}output:{Environment.NewLine}{EmulatorRunException.Tail(partial.CombinedOutput)}"),
                cancellationToken);
            var output = result.CombinedOutput;
            FirmwareOutput parsed;
            try
            {
                parsed = FirmwareOutput.Parse(output, board.QemuMachine, elf, result.ExitCode);
            }
            catch (EmulatorRunException ex)
            {
                throw new EmulatorRunException($"{board.QemuMachine} ({context.Describe(output)})", elf, ex.Problem, result.ExitCode, output);
            }

            IReadOnlyList<long>? segments = null;
            long? total = null;
            InstructionProfile? profile = null;
            if (countsPath is not null)
            {
                (total, segments, profile) = ReadCounts(countsPath, functions, board.QemuMachine, elf, result.ExitCode, output);
                if (segments.Count != parsed.Logits.Length)
                {
                    throw new EmulatorRunException(board.QemuMachine, elf,
                        $"the plugin counted {segments.Count} inference segments but the firmware printed {parsed.Logits.Length} logits lines",
                        result.ExitCode, output);
                }
            }
            return new QemuRunResult(result.ExitCode, parsed.Logits, parsed.CompletedCount, parsed.StackPeakBytes, segments, total, output, profile)
            {
                FirstImage = parsed.FirstImage,
            };
        }
        finally
        {
            foreach (var path in new[] { countsPath, rangesPath })
            {
                if (path is not null && File.Exists(path))
                {
                    File.Delete(path);
                }
            }
        }
    }

    private static string SemihostingArgs(IReadOnlyList<string>? words)
    {
        if (words is null)
        {
            return string.Empty;
        }
        foreach (var word in words)
        {
            if (word.Length == 0 || word.Contains(' ', StringComparison.Ordinal) || word.Contains(',', StringComparison.Ordinal))
            {
                throw new ArgumentException($"a semihosting argument must be non-empty, without spaces or commas: '{word}'.");
            }
        }
        return string.Concat(words.Select(w => ",arg=" + w));
    }

    /// <summary>
    /// Path of the instruction-counting plugin under <paramref name="repoRoot"/>, building it with
    /// <c>tools/qemu-plugin/build.sh</c> when it is missing or older than its source.
    /// </summary>
    /// <exception cref="ToolNotFoundException">No host gcc to build it.</exception>
    /// <exception cref="ExternalToolException">The plugin build failed.</exception>
    public static string EnsurePlugin(string repoRoot)
    {
        var dir = Path.Combine(Path.GetFullPath(repoRoot), "tools", "qemu-plugin");
        var library = Path.Combine(dir, "libgn_insn_count.so");
        var source = Path.Combine(dir, "gn_insn_count.c");
        if (File.Exists(library) && (!File.Exists(source) || File.GetLastWriteTimeUtc(library) >= File.GetLastWriteTimeUtc(source)))
        {
            return library;
        }
        ExternalTools.Require(ExternalTools.HostCc);
        ProcessRunner.RunChecked("/bin/sh", [Path.Combine(dir, "build.sh")], dir, TimeSpan.FromMinutes(2), "Building the QEMU instruction-count plugin failed");
        return library;
    }

    /// <summary>Addresses of <see cref="BeginMarker"/> and <see cref="EndMarker"/> in <paramref name="elfPath"/> (Thumb bit cleared).</summary>
    /// <exception cref="EmulatorRunException">A marker symbol is missing.</exception>
    public static (ulong Begin, ulong End) LookUpMarkers(string elfPath)
    {
        var nm = ExternalTools.Require(ExternalTools.ArmNm);
        var result = ProcessRunner.RunChecked(nm, [elfPath], null, TimeSpan.FromMinutes(1), $"arm-none-eabi-nm failed on {elfPath}");
        ulong? begin = null;
        ulong? end = null;
        foreach (var line in result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length != 3 || !ulong.TryParse(fields[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var address))
            {
                continue;
            }
            if (fields[2] == BeginMarker) { begin = address & ~1UL; }
            else if (fields[2] == EndMarker) { end = address & ~1UL; }
        }
        if (begin is null || end is null)
        {
            throw new EmulatorRunException("-", elfPath, $"marker symbols {BeginMarker} / {EndMarker} not found by arm-none-eabi-nm", 0, result.StandardOutput);
        }
        return (begin.Value, end.Value);
    }

    /// <summary>
    /// Address ranges of the function symbols of <paramref name="elfPath"/> with a size
    /// (<c>arm-none-eabi-nm -S --defined-only</c>, types t/T/w/W), Thumb bit cleared, sorted by
    /// address; a symbol starting inside an earlier one (an alias) is dropped, so the ranges never
    /// overlap and every executed instruction is counted in at most one of them.
    /// </summary>
    public static IReadOnlyList<(string Name, ulong Start, ulong End)> FunctionRanges(string elfPath)
    {
        var nm = ExternalTools.Require(ExternalTools.ArmNm);
        var result = ProcessRunner.RunChecked(nm, ["-S", "--defined-only", elfPath], null, TimeSpan.FromMinutes(1), $"arm-none-eabi-nm -S failed on {elfPath}");
        var symbols = new List<(string Name, ulong Start, ulong End)>();
        foreach (var line in result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (f.Length != 4 || f[2] is not ("t" or "T" or "w" or "W")
                || !ulong.TryParse(f[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var address)
                || !ulong.TryParse(f[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var size) || size == 0)
            {
                continue;
            }
            // The plugin accepts names of [A-Za-z0-9_.$-] only.
            var name = new string(f[3].Select(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '$' or '-' ? c : '_').ToArray());
            var start = address & ~1UL;
            symbols.Add((name, start, start + size));
        }
        var ranges = new List<(string Name, ulong Start, ulong End)>();
        foreach (var s in symbols.OrderBy(s => s.Start).ThenByDescending(s => s.End).ThenBy(s => s.Name, StringComparer.Ordinal))
        {
            if (ranges.Count > 0 && s.Start < ranges[^1].End)
            {
                continue;
            }
            ranges.Add(s);
        }
        return ranges;
    }

    private static (long Total, IReadOnlyList<long> Segments, InstructionProfile? Profile) ReadCounts(
        string path, IReadOnlyList<(string Name, ulong Start, ulong End)>? functions, string machine, string elf, int exitCode, string output)
    {
        if (!File.Exists(path))
        {
            throw new EmulatorRunException(machine, elf, $"the instruction-count plugin wrote no output file '{path}'", exitCode, output);
        }
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        var root = document.RootElement;
        var total = root.GetProperty("total").GetInt64();
        var segments = root.GetProperty("segments").EnumerateArray().Select(e => e.GetInt64()).ToArray();
        if (functions is null)
        {
            return (total, segments, null);
        }
        // buckets: "(all)", "(outside ranges)", then one per range in ranges-file order.
        var buckets = root.GetProperty("buckets").EnumerateArray().ToArray();
        if (buckets.Length != functions.Count + 2)
        {
            throw new EmulatorRunException(machine, elf, $"the plugin reported {buckets.Length - 2} ranges, {functions.Count} were given", exitCode, output);
        }
        var counts = functions.Select((f, i) => new FunctionCount(f.Name, f.Start, f.End,
            InstructionMix.Parse(buckets[i + 2].GetProperty("segments")), InstructionMix.Parse(buckets[i + 2].GetProperty("run")))).ToArray();
        var profile = new InstructionProfile(
            segments.Length,
            InstructionMix.Parse(buckets[0].GetProperty("segments")),
            InstructionMix.Parse(buckets[1].GetProperty("segments")),
            counts,
            InstructionMix.Parse(buckets[0].GetProperty("run")));
        return (total, segments, profile);
    }
}
