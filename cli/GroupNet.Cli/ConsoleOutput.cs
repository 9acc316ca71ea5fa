using Spectre.Console;

namespace GroupNet.Cli;

/// <summary>Where the tool's output goes: a terminal a person watches (live progress bars, colour) or a log
/// (a file, a pipe, a CI job: plain lines, each written once).</summary>
public static class ConsoleOutput
{
    /// <summary>True when stdout is a terminal outside CI. CI runners that attach a pseudo-terminal still keep a log,
    /// where every redraw of a bar would be one more line; they set CI (GitHub, GitLab, Travis, CircleCI, Buildkite) or TF_BUILD (Azure Pipelines).</summary>
    public static bool IsTerminal =>
        !Console.IsOutputRedirected
        && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI"))
        && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("TF_BUILD"))
        && Environment.GetEnvironmentVariable("TERM") is not "dumb";

    /// <summary>True when progress can be drawn as live bars: a terminal, and a console that can move the cursor
    /// (tests and redirected runs install a non-interactive one).</summary>
    public static bool CanRedraw => IsTerminal && AnsiConsole.Profile.Capabilities.Interactive;
}
