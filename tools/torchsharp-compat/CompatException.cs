namespace GroupNet.Tools.TorchSharpCompat;

/// <summary>A failure the tool reports as one line and an exit code, never as a stack trace: a missing or
/// malformed input (<see cref="InputError"/>) or a bridge it refuses to patch (<see cref="Refused"/>).</summary>
public sealed class CompatException : Exception
{
    /// <summary>Exit code for a missing, unreadable or non-ELF input, or bad arguments.</summary>
    public const int InputError = 1;

    /// <summary>Exit code when the bridge needs a libstdc++ version that marking weak would not make safe.</summary>
    public const int Refused = 2;

    public CompatException(int exitCode, string message, Exception? inner = null)
        : base(message, inner)
    {
        ExitCode = exitCode;
    }

    /// <summary><see cref="InputError"/> or <see cref="Refused"/>.</summary>
    public int ExitCode { get; }
}
