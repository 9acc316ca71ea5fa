namespace GroupNet.Firmware;

/// <summary>The emulated firmware did not complete: no sentinel line, a fault, or malformed output.</summary>
public sealed class EmulatorRunException : Exception
{
    /// <summary>Creates the exception; the message names the machine and the image and ends with the output.</summary>
    public EmulatorRunException(string machine, string elfPath, string problem, int exitCode, string output)
        : base($"QEMU {machine} running {elfPath}: {problem} (exit code {exitCode}).{Environment.NewLine}output:{Environment.NewLine}{Tail(output)}")
    {
        Machine = machine;
        Problem = problem;
        ElfPath = elfPath;
        ExitCode = exitCode;
        Output = output;
    }

    /// <summary>The QEMU machine.</summary>
    public string Machine { get; }

    /// <summary>What went wrong, without the machine, image and output.</summary>
    public string Problem { get; }

    /// <summary>The firmware image.</summary>
    public string ElfPath { get; }

    /// <summary>QEMU's exit code.</summary>
    public int ExitCode { get; }

    /// <summary>Everything QEMU printed.</summary>
    public string Output { get; }

    internal static string Tail(string output, int maxChars = 4000) =>
        output.Length <= maxChars ? output : "..." + output[^maxChars..];
}
