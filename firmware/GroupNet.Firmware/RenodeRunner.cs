using System.Globalization;

namespace GroupNet.Firmware;

/// <summary>
/// Runs a firmware image in Renode (when <c>renode</c> is on PATH) with the board's generated
/// platform (<see cref="RenodeScripts"/>), and parses the same console protocol as
/// <see cref="QemuRunner"/> into the same result type.
/// </summary>
/// <remarks>
/// Command line (headless monitor, commands given with <c>-e</c>):
/// <code>
/// renode --disable-xwt --console --plain -e "$elf=@&lt;elf&gt;; include @&lt;dir&gt;/&lt;board&gt;.resc;
///     sysbus.cpu.semihostingUart CreateFileBackend @&lt;log&gt; true; start"
/// </code>
/// Renode has no semihosting exit, so the run ends when the console log holds the
/// <c>GN-DONE</c> sentinel line (the process tree is then killed); the exit code reported is 0.
/// Instruction counting is QEMU's (the project's TCG plugin); Renode runs report none.
/// </remarks>
public sealed class RenodeRunner
{
    private readonly string _repoRoot;

    /// <summary>Creates a runner; <paramref name="repoRoot"/> locates the boards' linker scripts.</summary>
    public RenodeRunner(string repoRoot)
    {
        ArgumentNullException.ThrowIfNull(repoRoot);
        _repoRoot = Path.GetFullPath(repoRoot);
    }

    /// <summary>True when <c>renode</c> is on PATH.</summary>
    public static bool IsAvailable => ExternalTools.Find(ExternalTools.Renode) is not null;

    /// <summary>Wall-clock limit of one run.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Runs <paramref name="elfPath"/> on <paramref name="board"/>'s Renode platform.</summary>
    /// <exception cref="ToolNotFoundException">renode is not on PATH.</exception>
    /// <exception cref="TimeoutException">No sentinel within <see cref="Timeout"/>; the process tree was killed.</exception>
    /// <exception cref="EmulatorRunException">Malformed output.</exception>
    public QemuRunResult Run(Board board, string elfPath, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(board);
        ArgumentNullException.ThrowIfNull(elfPath);
        var renode = ExternalTools.Require(ExternalTools.Renode);
        var elf = Path.GetFullPath(elfPath);
        if (!File.Exists(elf))
        {
            throw new FileNotFoundException($"Firmware image '{elf}' does not exist.", elf);
        }
        var dir = Path.Combine(Path.GetTempPath(), "gn-renode-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            foreach (var file in RenodeScripts.Generate(board, LinkerScriptMemory.Read(_repoRoot, board), 0))
            {
                File.WriteAllText(Path.Combine(dir, file.FileName), file.Content);
            }
            var log = Path.Combine(dir, "console.txt");
            var commands = string.Create(CultureInfo.InvariantCulture,
                $"$elf=@{elf}; include @{Path.Combine(dir, board.Name + ".resc")}; {RenodeScripts.ConsolePeripheral} CreateFileBackend @{log} true; start");
            using var sentinelSeen = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            using var watcher = Task.Run(async () =>
            {
                while (!sentinelSeen.IsCancellationRequested)
                {
                    await Task.Delay(200, CancellationToken.None).ConfigureAwait(false);
                    if (HasSentinel(log))
                    {
                        await sentinelSeen.CancelAsync().ConfigureAwait(false);
                    }
                }
            }, CancellationToken.None);
            string processOutput = string.Empty;
            try
            {
                var result = ProcessRunner.Run(renode, ["--disable-xwt", "--console", "--plain", "-e", commands], dir, Timeout,
                    partial => new TimeoutException(
                        $"Renode ({board.Name}) running {elf} printed no '{FirmwareOutput.Sentinel}' line within {Timeout.TotalSeconds:0} s; the process tree was killed."
                        + $"{Environment.NewLine}command: {partial.CommandLine}{Environment.NewLine}console:{Environment.NewLine}{EmulatorRunException.Tail(ReadLog(log))}"),
                    sentinelSeen.Token);
                processOutput = result.CombinedOutput;
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // The sentinel was seen: the run is complete and Renode was stopped.
            }
            finally
            {
                if (!sentinelSeen.IsCancellationRequested)
                {
                    sentinelSeen.Cancel();
                }
            }
            var console = ReadLog(log);
            var parsed = FirmwareOutput.Parse(console.Length > 0 ? console : processOutput, "renode " + board.Name, elf, 0);
            return new QemuRunResult(0, parsed.Logits, parsed.CompletedCount, parsed.StackPeakBytes, null, null, console);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static string ReadLog(string path)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var reader = new StreamReader(stream);
            return reader.ReadToEnd();
        }
        catch (IOException)
        {
            return string.Empty;
        }
    }

    private static bool HasSentinel(string log) =>
        ReadLog(log).Split('\n').Any(l => l.TrimEnd('\r').StartsWith(FirmwareOutput.Sentinel + " ", StringComparison.Ordinal));
}
