namespace GroupNet.Firmware;

/// <summary>Runs <c>gn_host_runner</c> (see <see cref="FirmwareBuilder.BuildHost(string, string)"/>) and parses its output.</summary>
public sealed class HostRunner
{
    /// <summary>Wall-clock limit for one run.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Runs the executable; the exit code must be 0 and the output must end with the sentinel.</summary>
    /// <exception cref="TimeoutException">It did not finish in time; it was killed.</exception>
    /// <exception cref="EmulatorRunException">Nonzero exit, no sentinel, or malformed output.</exception>
    public FirmwareOutput Run(string executablePath, CancellationToken cancellationToken = default) =>
        Run(executablePath, [], cancellationToken);

    /// <summary>Runs the executable with <paramref name="arguments"/> (gn_host_stream_runner: <c>FILE [FIRST [COUNT]]</c>).</summary>
    /// <exception cref="TimeoutException">It did not finish in time; it was killed.</exception>
    /// <exception cref="EmulatorRunException">Nonzero exit, no sentinel, or malformed output.</exception>
    public FirmwareOutput Run(string executablePath, IReadOnlyList<string> arguments, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(executablePath);
        ArgumentNullException.ThrowIfNull(arguments);
        var exe = Path.GetFullPath(executablePath);
        var result = ProcessRunner.Run(exe, arguments, null, Timeout,
            partial => new TimeoutException($"Host runner {exe} did not finish within {Timeout.TotalSeconds:0} s; it was killed.{Environment.NewLine}output:{Environment.NewLine}{EmulatorRunException.Tail(partial.CombinedOutput)}"),
            cancellationToken);
        var parsed = FirmwareOutput.Parse(result.CombinedOutput, "host", exe, result.ExitCode);
        if (result.ExitCode != 0)
        {
            throw new EmulatorRunException("host", exe, "nonzero exit status (an inference returned nonzero)", result.ExitCode, result.CombinedOutput);
        }
        return parsed;
    }
}
