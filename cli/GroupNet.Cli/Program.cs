using System.CommandLine;
using GroupNet.Cli.Commands;
using Spectre.Console;

namespace GroupNet.Cli;

public static class Program
{
    public static int Main(string[] args)
    {
        if (!ConsoleOutput.IsTerminal)
        {
            // Logs and CI: plain text, wide tables, no cursor tricks.
            AnsiConsole.Console = AnsiConsole.Create(new AnsiConsoleSettings
            {
                Ansi = AnsiSupport.No,
                ColorSystem = ColorSystemSupport.NoColors,
                Interactive = InteractionSupport.No,
            });
            AnsiConsole.Profile.Width = 160;
        }
        var root = new RootCommand("groupnet: train Group-Net binary networks and turn them into Cortex-M firmware");
        root.Subcommands.Add(TrainCommand.Create());
        root.Subcommands.Add(AblateCommand.Create());
        root.Subcommands.Add(ExportCommand.Create());
        root.Subcommands.Add(ExportInt8Command.Create());
        root.Subcommands.Add(InspectCommand.Create());
        root.Subcommands.Add(InferCommand.Create());
        root.Subcommands.Add(EvaluateCommand.Create());
        root.Subcommands.Add(GenerateCommand.Create());
        root.Subcommands.Add(EmulateCommand.Create());
        root.Subcommands.Add(ReportCommand.Create());
        root.Subcommands.Add(ChartsCommand.Create());
        try
        {
            var parsed = root.Parse(args);
            if (parsed.Errors.Count > 0 && !args.Any(a => a is "--help" or "-h" or "-?"))
            {
                // Usage errors (unknown verb or option, missing or unparsable value) are user errors too:
                // one line, exit code 2, like every other bad input.
                string verb = parsed.CommandResult.Command == root ? "" : parsed.CommandResult.Command.Name + " ";
                string errors = string.Join("; ", parsed.Errors.Select(e => ParseErrorText.Rewrite(e.Message).ReplaceLineEndings(" ")));
                Console.Error.WriteLine($"groupnet: error: {errors} (run 'groupnet {verb}--help' for usage)");
                return 2;
            }
            return parsed.Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
        }
        catch (Exception e) when (GroupNet.Trainer.Native.TorchSharpNative.IsLoadFailure(e))
        {
            Console.Error.WriteLine("groupnet: error: TorchSharp's native library did not load on this system (docs/torchsharp-compat.md): "
                + $"run scripts/setup.sh in a Group-Net clone, then reinstall the tool (scripts/install-tool.sh) or set {GroupNet.Trainer.Native.TorchSharpNative.HomeVariable} to the clone");
            return 2;
        }
        catch (Exception e) when (UserError.IsUserError(e))
        {
            // One line, whatever the exception's message spans (ArgumentOutOfRangeException appends its value on a new line).
            Console.Error.WriteLine($"groupnet: error: {UserError.Describe(e)}");
            return 2;
        }
    }
}
