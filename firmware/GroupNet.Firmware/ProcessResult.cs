namespace GroupNet.Firmware;

/// <summary>Outcome of one external process run.</summary>
/// <param name="CommandLine">The command, for error messages.</param>
/// <param name="ExitCode">Its exit code.</param>
/// <param name="StandardOutput">Everything it wrote to stdout.</param>
/// <param name="StandardError">Everything it wrote to stderr.</param>
internal sealed record ProcessResult(string CommandLine, int ExitCode, string StandardOutput, string StandardError)
{
    /// <summary>stdout followed by stderr.</summary>
    public string CombinedOutput =>
        StandardError.Length == 0 ? StandardOutput : StandardOutput + StandardError;
}
