namespace GroupNet.Tests.Reliability;

/// <summary>What one in-process run of <c>groupnet</c> printed and returned.</summary>
internal sealed record CliRun(int ExitCode, string Stdout, string Stderr, Exception? Unhandled)
{
    public override string ToString() => $"exit {ExitCode}, stdout '{Stdout}', stderr '{Stderr}'{(Unhandled is null ? "" : $", unhandled {Unhandled}")}";
}
