namespace GroupNet.Tools.TorchSharpCompat;

/// <summary>The command line: <c>prepare --out DIR [--bridge PATH] [--libstdcxx PATH]</c>. Prints one line on
/// success and one <c>error:</c> line on failure, never a stack trace; see <see cref="CompatException"/> for the
/// exit codes.</summary>
public static class CompatCommand
{
    public const string Usage = "usage: TorchSharpCompat prepare --out DIR [--bridge PATH] [--libstdcxx PATH]";

    private const string Prefix = "torchsharp-compat: ";

    /// <summary>Runs the command; returns the exit code.</summary>
    public static int Run(IReadOnlyList<string> args, TextWriter stdout, TextWriter stderr)
    {
        if (args is ["--help" or "-h" or "help"] or ["prepare", "--help" or "-h"])
        {
            stdout.WriteLine(Usage);
            return 0;
        }
        try
        {
            var (outDir, bridge, libStdCxx) = Parse(args);
            var result = LibStdCxxCompat.Prepare(bridge ?? SystemPaths.DefaultBridge(), libStdCxx ?? SystemPaths.DefaultLibStdCxx(), outDir);
            stdout.WriteLine(Prefix + Describe(result));
            return 0;
        }
        catch (CompatException e)
        {
            stderr.WriteLine(Prefix + "error: " + e.Message);
            return e.ExitCode;
        }
    }

    /// <summary>The one line printed for <paramref name="result"/>.</summary>
    public static string Describe(PrepareResult result)
    {
        var versions = string.Join(", ", result.Patched.Select(n => n.Name).Distinct());
        return result.Outcome switch
        {
            PrepareOutcome.NotNeeded => $"nothing needed: {result.LibStdCxxPath} defines every libstdc++ version the bridge needs"
                + (result.RemovedStale ? $"; removed the stale {result.OutputPath}" : ""),
            PrepareOutcome.Written => $"{result.LibStdCxxPath} lacks {versions}; wrote {result.OutputPath} with that need marked weak",
            PrepareOutcome.UpToDate => $"{result.LibStdCxxPath} lacks {versions}; {result.OutputPath} (need marked weak) is up to date",
            _ => throw new ArgumentOutOfRangeException(nameof(result), result.Outcome, null),
        };
    }

    private static (string OutDir, string? Bridge, string? LibStdCxx) Parse(IReadOnlyList<string> args)
    {
        if (args.Count == 0 || args[0] != "prepare")
        {
            throw Bad(args.Count == 0 ? "no command" : $"unknown command '{args[0]}'");
        }
        string? outDir = null, bridge = null, libStdCxx = null;
        for (var i = 1; i < args.Count; i += 2)
        {
            if (i + 1 >= args.Count || args[i + 1].Length == 0)
            {
                throw Bad($"{args[i]} needs a value");
            }
            var value = args[i + 1];
            switch (args[i])
            {
                case "--out":
                    outDir = value;
                    break;
                case "--bridge":
                    bridge = value;
                    break;
                case "--libstdcxx":
                    libStdCxx = value;
                    break;
                default:
                    throw Bad($"unknown option '{args[i]}'");
            }
        }
        return (outDir ?? throw Bad("--out DIR is required"), bridge, libStdCxx);
    }

    private static CompatException Bad(string problem) => new(CompatException.InputError, $"{problem}; {Usage}");
}
