using System.CommandLine;
using GroupNet.Cli.Experiments;

namespace GroupNet.Cli.Commands;

/// <summary>`groupnet ablate --config GRID.yaml --out DIR`: train a grid of runs and write the ablation table.</summary>
public static class AblateCommand
{
    public static Command Create()
    {
        var config = new Option<FileInfo>("--config") { Description = "grid file (see configs/ablation-fashion.yaml)", Required = true };
        var output = new Option<DirectoryInfo>("--out") { Description = "output folder: one sub-folder per run, ablation.md and ablation.csv", Required = true }.FolderToWrite();
        var threads = new Option<int>("--threads") { Description = "worker threads (0 = all cores)", DefaultValueFactory = _ => 0 }.AtLeast(0);
        var only = new Option<string?>("--only") { Description = "train only these runs (comma-separated names; the grid runs they start from too); the table lists every finished run" };
        var command = new Command("ablate", "Train a grid of Group-Net structures and write a table like the paper's Tables 2 and 3 (resumable)");
        foreach (var o in new Option[] { config, output, threads, only })
        {
            command.Options.Add(o);
        }
        command.SetAction(parse =>
        {
            string path = parse.GetValue(config)!.FullName;
            var runs = AblationGrid.Load(path);
            string outDir = parse.GetValue(output)!.FullName;
            int n = parse.GetValue(threads);
            int used = n > 0 ? n : Environment.ProcessorCount;
            var data = new ExperimentData();
            var runner = new AblationRunner(new ExperimentRunner(n, Console.Out) { CollectWrappersEachStep = true }, data.Load, Console.Out);
            Console.WriteLine($"{runs.Count} runs from {path} -> {outDir}");
            var selection = parse.GetValue(only)?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            runner.Run(runs, outDir, $"Ablation: {Path.GetFileName(path)}", used, selection);
            Console.WriteLine($"table: {Path.Combine(outDir, "ablation.md")} and ablation.csv");
            return 0;
        });
        return command;
    }
}
