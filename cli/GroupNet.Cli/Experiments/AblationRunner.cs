using GroupNet.Trainer.Data;

namespace GroupNet.Cli.Experiments;

/// <summary>
/// Trains every run of a grid into <c>OUT/NAME/model.ckpt</c> (with the files of <see cref="MetricsFiles"/>), skipping
/// runs whose result file exists (resumable; an interrupted run continues from its last epoch), then writes
/// <c>OUT/ablation.md</c> and <c>OUT/ablation.csv</c> (<see cref="AblationTable"/>). A parent named after a run of the
/// grid is that run's checkpoint; any other parent is a checkpoint path. With a selection (<c>--only</c>), only the
/// selected runs and the grid runs they start from are trained; the tables list every finished run.
/// </summary>
public sealed class AblationRunner(ExperimentRunner runner, Func<RunConfig, TrainTestSplit> data, TextWriter log)
{
    /// <summary>The checkpoint of run <paramref name="name"/> under <paramref name="outDir"/>.</summary>
    public static string CheckpointOf(string outDir, string name) => Path.Combine(Path.GetFullPath(outDir), name, "model.ckpt");

    /// <summary>Runs the grid; returns the results in run order.</summary>
    public IReadOnlyList<RunResult> Run(IReadOnlyList<RunConfig> runs, string outDir, string title, int threads,
        IReadOnlyCollection<string>? only = null)
    {
        var names = runs.Select(r => r.Name).ToHashSet();
        var selected = Selection(runs, only);
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
            if (!selected.Contains(run.Name))
            {
                log.WriteLine($"[{run.Name}] not selected by --only: skipped");
                continue;
            }
            string? parent = run.Recipe.Parent is not { } p ? null : names.Contains(p) ? CheckpointOf(outDir, p) : Path.GetFullPath(p);
            results.Add(runner.Run(run, checkpoint, data(run), parent, resume: true));
            WriteTables(outDir, results, title, threads);
        }
        WriteTables(outDir, results, title, threads);
        return results;
    }

    /// <summary>The runs to train: all, or the named ones plus, transitively, the grid runs they start from.</summary>
    private static HashSet<string> Selection(IReadOnlyList<RunConfig> runs, IReadOnlyCollection<string>? only)
    {
        var byName = runs.ToDictionary(r => r.Name);
        if (only is null || only.Count == 0)
        {
            return byName.Keys.ToHashSet();
        }
        var unknown = only.Where(n => !byName.ContainsKey(n)).ToList();
        if (unknown.Count > 0)
        {
            throw new ArgumentException($"--only names runs that the grid does not have: {string.Join(", ", unknown)} (runs: {string.Join(", ", byName.Keys)})");
        }
        var selected = new HashSet<string>();
        var pending = new Stack<string>(only);
        while (pending.Count > 0)
        {
            string name = pending.Pop();
            if (selected.Add(name) && byName[name].Recipe.Parent is { } parent && byName.ContainsKey(parent))
            {
                pending.Push(parent);
            }
        }
        return selected;
    }

    private static void WriteTables(string outDir, IReadOnlyList<RunResult> results, string title, int threads)
    {
        MetricsFiles.WriteAtomic(Path.Combine(outDir, "ablation.md"), AblationTable.Markdown(results, title, threads));
        MetricsFiles.WriteAtomic(Path.Combine(outDir, "ablation.csv"), AblationTable.Csv(results));
    }
}
