using GroupNet.Trainer.Data;

namespace GroupNet.Cli.Experiments;

/// <summary>
/// Trains every run of a grid into <c>OUT/NAME/model.ckpt</c> (with the files of <see cref="MetricsFiles"/>), skipping
/// runs whose result file exists (resumable; an interrupted run continues from its last epoch), then writes
/// <c>OUT/ablation.md</c> and <c>OUT/ablation.csv</c> (<see cref="AblationTable"/>). A parent named after a run of the
/// grid is that run's checkpoint; any other parent is a checkpoint path.
/// </summary>
public sealed class AblationRunner(ExperimentRunner runner, Func<RunConfig, TrainTestSplit> data, TextWriter log)
{
    /// <summary>The checkpoint of run <paramref name="name"/> under <paramref name="outDir"/>.</summary>
    public static string CheckpointOf(string outDir, string name) => Path.Combine(Path.GetFullPath(outDir), name, "model.ckpt");

    /// <summary>Runs the grid; returns the results in run order.</summary>
    public IReadOnlyList<RunResult> Run(IReadOnlyList<RunConfig> runs, string outDir, string title, int threads)
    {
        var names = runs.Select(r => r.Name).ToHashSet();
        var results = new List<RunResult>();
        foreach (var run in runs)
        {
            string checkpoint = CheckpointOf(outDir, run.Name);
            if (MetricsFiles.ReadResult(checkpoint) is { } done && done.Model == run.Model)
            {
                log.WriteLine($"[{run.Name}] done before: top-1 {100 * done.Top1:F2}% (delete {Path.GetDirectoryName(checkpoint)} to train it again)");
                results.Add(done);
                continue;
            }
            string? parent = run.Recipe.Parent is not { } p ? null : names.Contains(p) ? CheckpointOf(outDir, p) : Path.GetFullPath(p);
            results.Add(runner.Run(run, checkpoint, data(run), parent, resume: true));
            WriteTables(outDir, results, title, threads);
        }
        WriteTables(outDir, results, title, threads);
        return results;
    }

    private static void WriteTables(string outDir, IReadOnlyList<RunResult> results, string title, int threads)
    {
        MetricsFiles.WriteAtomic(Path.Combine(outDir, "ablation.md"), AblationTable.Markdown(results, title, threads));
        MetricsFiles.WriteAtomic(Path.Combine(outDir, "ablation.csv"), AblationTable.Csv(results));
    }
}
