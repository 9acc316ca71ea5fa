using GroupNet.Cli;
using Spectre.Console;

namespace GroupNet.Tests.Reliability;

/// <summary>
/// Runs <see cref="Program.Main"/> in-process with the console captured and the working folder set, within a
/// time-out (a hang fails the test instead of stalling the suite). Only for tests in <see cref="ConsoleCollection"/>.
/// </summary>
internal static class InProcessCli
{
    public static readonly TimeSpan TimeOut = TimeSpan.FromSeconds(60);

    public static CliRun Run(string workingFolder, params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var (savedOut, savedError, savedFolder, savedAnsi) = (Console.Out, Console.Error, Directory.GetCurrentDirectory(), AnsiConsole.Console);
        Console.SetOut(stdout);
        Console.SetError(stderr);
        Directory.SetCurrentDirectory(workingFolder);
        AnsiConsole.Console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(stdout),
        });
        try
        {
            var task = Task.Run(() => Program.Main(args));
            if (!task.Wait(TimeOut))
            {
                throw new TimeoutException($"groupnet {string.Join(' ', args)} did not finish within {TimeOut.TotalSeconds} s");
            }
            return new CliRun(task.Result, stdout.ToString(), stderr.ToString(), null);
        }
        catch (AggregateException e)
        {
            return new CliRun(-1, stdout.ToString(), stderr.ToString(), e.InnerException);
        }
        finally
        {
            Console.SetOut(savedOut);
            Console.SetError(savedError);
            Directory.SetCurrentDirectory(savedFolder);
            AnsiConsole.Console = savedAnsi;
        }
    }
}
