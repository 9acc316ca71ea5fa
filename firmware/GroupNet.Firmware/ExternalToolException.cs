namespace GroupNet.Firmware;

/// <summary>An external tool ran but failed (nonzero exit, missing output); carries its output.</summary>
public sealed class ExternalToolException : Exception
{
    /// <summary>Creates the exception; the message ends with the tool's output.</summary>
    public ExternalToolException(string summary, string commandLine, int exitCode, string output)
        : base($"{summary}{Environment.NewLine}command: {commandLine}{Environment.NewLine}exit code: {exitCode}{Environment.NewLine}output:{Environment.NewLine}{output}")
    {
        CommandLine = commandLine;
        ExitCode = exitCode;
        Output = output;
    }

    /// <summary>The command that failed.</summary>
    public string CommandLine { get; }

    /// <summary>Its exit code.</summary>
    public int ExitCode { get; }

    /// <summary>Its standard output and standard error.</summary>
    public string Output { get; }
}
