using System.Diagnostics;
using System.Text;

namespace GroupNet.Firmware;

/// <summary>Runs external tools with an argument list, captures both streams, enforces a time-out.</summary>
internal static class ProcessRunner
{
    /// <summary>
    /// Runs <paramref name="fileName"/> to completion.
    /// </summary>
    /// <param name="fileName">Executable, already resolved on PATH.</param>
    /// <param name="arguments">Arguments, passed without shell interpretation.</param>
    /// <param name="workingDirectory">Working directory, or null for the current one.</param>
    /// <param name="timeout">Wall-clock limit; on expiry the whole process tree is killed.</param>
    /// <param name="onTimeout">Builds the exception thrown on time-out, given the partial result.</param>
    /// <param name="cancellationToken">Cancels the run (the process tree is killed).</param>
    public static ProcessResult Run(
        string fileName,
        IReadOnlyList<string> arguments,
        string? workingDirectory,
        TimeSpan timeout,
        Func<ProcessResult, Exception> onTimeout,
        CancellationToken cancellationToken = default)
    {
        var startInfo = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }
        var commandLine = fileName + " " + string.Join(" ", arguments.Select(Quote));

        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        using var process = new Process { StartInfo = startInfo };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { lock (stdout) { stdout.Append(e.Data).Append('\n'); } } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lock (stderr) { stderr.Append(e.Data).Append('\n'); } } };
        process.Start();
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        bool finished;
        try
        {
            finished = process.WaitForExitAsync(cancellationToken).Wait(timeout);
        }
        catch (AggregateException ex) when (ex.InnerException is OperationCanceledException)
        {
            KillTree(process);
            throw new OperationCanceledException("External process cancelled: " + commandLine, ex.InnerException, cancellationToken);
        }

        if (!finished)
        {
            KillTree(process);
            process.WaitForExit(5000);
            throw onTimeout(Snapshot(commandLine, -1, stdout, stderr));
        }
        process.WaitForExit(); // drains the asynchronous readers
        return Snapshot(commandLine, process.ExitCode, stdout, stderr);
    }

    /// <summary>Runs a tool and throws <see cref="ExternalToolException"/> when it exits nonzero.</summary>
    public static ProcessResult RunChecked(string fileName, IReadOnlyList<string> arguments, string? workingDirectory, TimeSpan timeout, string failureSummary)
    {
        var result = Run(fileName, arguments, workingDirectory, timeout,
            partial => new TimeoutException($"{failureSummary}: timed out after {timeout.TotalSeconds:0} s.{Environment.NewLine}command: {partial.CommandLine}{Environment.NewLine}output:{Environment.NewLine}{partial.CombinedOutput}"));
        if (result.ExitCode != 0)
        {
            throw new ExternalToolException(failureSummary, result.CommandLine, result.ExitCode, result.CombinedOutput);
        }
        return result;
    }

    private static ProcessResult Snapshot(string commandLine, int exitCode, StringBuilder stdout, StringBuilder stderr)
    {
        string outText;
        string errText;
        lock (stdout) { outText = stdout.ToString(); }
        lock (stderr) { errText = stderr.ToString(); }
        return new ProcessResult(commandLine, exitCode, outText, errText);
    }

    private static void KillTree(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
            // Exited between the check and the kill.
        }
    }

    private static string Quote(string argument) =>
        argument.Length > 0 && argument.All(c => char.IsLetterOrDigit(c) || "-_./=:,+@".Contains(c))
            ? argument
            : "'" + argument.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
