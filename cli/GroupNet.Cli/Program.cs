using System.CommandLine;
using GroupNet.Cli.Commands;

namespace GroupNet.Cli;

public static class Program
{
    public static int Main(string[] args)
    {
        var root = new RootCommand("groupnet: train Group-Net binary networks and turn them into Cortex-M firmware");
        root.Subcommands.Add(InspectCommand.Create());
        root.Subcommands.Add(InferCommand.Create());
        root.Subcommands.Add(EvaluateCommand.Create());
        root.Subcommands.Add(GenerateCommand.Create());
        root.Subcommands.Add(EmulateCommand.Create());
        try
        {
            return root.Parse(args).Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
        }
        catch (Exception e) when (UserError.IsUserError(e))
        {
            Console.Error.WriteLine($"groupnet: error: {e.Message}");
            return 2;
        }
    }
}
