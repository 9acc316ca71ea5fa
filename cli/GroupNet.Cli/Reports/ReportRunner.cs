using System.Collections.Concurrent;
using System.Diagnostics;
using GroupNet.Codegen;
using GroupNet.Deployment.Model;
using GroupNet.Deployment.Reference;
using GroupNet.Firmware;
using GroupNet.Firmware.Size;
using GroupNet.Firmware.Timing;

namespace GroupNet.Cli.Reports;

/// <summary>
/// Runs a <see cref="ReportGrid"/>: per model, the C# reference accuracy on the test set and the
/// generated C (once); per (model, board, optimisation level) one firmware build and one QEMU run with
/// the per-layer instruction counter, the size split, the fit check and the cycle estimate.
/// Cells run <see cref="ReportGrid.Jobs"/> at a time, each build with one compile job.
/// </summary>
public sealed class ReportRunner(string repoRoot, string workDir)
{
    /// <summary>Called after each cell (for progress output); may be called from several threads.</summary>
    public Action<ReportCell>? CellDone { get; init; }

    public IReadOnlyList<ReportCell> Run(ReportGrid grid)
    {
        ArgumentNullException.ThrowIfNull(grid);
        // Per model (in parallel): the generated C and the reference's logits and test-set accuracy.
        var perModel = new ConcurrentDictionary<ReportModel, (string ModelDir, int[][] Expected, double? Accuracy)>();
        Parallel.ForEach(grid.Models, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, grid.Jobs) }, m =>
        {
            string modelDir = Path.Combine(workDir, Safe(m.Label), "model");
            if (Directory.Exists(modelDir))
            {
                Directory.Delete(modelDir, recursive: true);
            }
            new ModelEmitter().Emit(m.Model, modelDir, new EmitOptions(grid.Images));
            var executor = new ReferenceExecutor(m.Model);
            var expected = executor.InferMany(grid.Images);
            double? accuracy = null;
            if (grid.TestSet is { } test)
            {
                var logits = executor.InferMany(test.Images);
                accuracy = (double)Enumerable.Range(0, test.Images.Count).Count(i => ArgMax(logits[i]) == test.Labels[i]) / test.Images.Count;
            }
            perModel[m] = (modelDir, expected, accuracy);
        });

        var cells = (from m in grid.Models
                     from b in grid.Boards
                     from o in grid.OptimizationLevels
                     select (m, b, o)).ToArray();
        var results = new ReportCell[cells.Length];
        // Longest first would need estimates; the grid order (by model, then board) is good enough.
        Parallel.For(0, cells.Length, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, grid.Jobs) }, i =>
        {
            var (m, b, o) = cells[i];
            var (modelDir, expected, accuracy) = perModel[m];
            results[i] = RunCell(grid, m, b, o, modelDir, expected) with { Accuracy = accuracy };
            CellDone?.Invoke(results[i]);
        });
        return results;
    }

    private ReportCell RunCell(ReportGrid grid, ReportModel m, Board board, string opt, string modelDir, int[][] expected)
    {
        var watch = Stopwatch.StartNew();
        var cell = new ReportCell { Model = m, Board = board, OptimizationLevel = opt, Status = "ok" };
        string buildDir = Path.Combine(workDir, Safe(m.Label), $"build-{board.Name}{opt.Replace(':', '-')}");
        FirmwareBuildResult build;
        try
        {
            build = new FirmwareBuilder(repoRoot) { OptimizationLevel = GroupNet.Cli.Commands.ReportCommand.CompilerFlags(opt), ParallelJobs = 1 }.Build(board, modelDir, buildDir);
        }
        catch (ExternalToolException ex) when (FirmwareBuilder.FindOverflows(ex.Output).Count > 0)
        {
            var parts = FirmwareBuilder.FindOverflows(ex.Output).Select(o => o.Bytes is long n
                ? $"{(o.Region == "FLASH" ? "flash" : o.Region)} overflow by {n} bytes"
                : $"{(o.Region == "FLASH" ? "flash" : o.Region)} overflow (code alone does not fit)");
            return cell with { Status = "does not fit: " + string.Join(", ", parts), Seconds = watch.Elapsed.TotalSeconds };
        }
        catch (Exception ex) when (ex is ExternalToolException or ToolNotFoundException)
        {
            return cell with { Status = "error: " + FirstLine(ex.Message), Seconds = watch.Elapsed.TotalSeconds };
        }

        var layerNames = m.Model.Layers.Select(l => LayerNames.Display(l.Name)).ToArray();
        var memory = MemoryBreakdown.Read(build.ElfPath, layerNames);
        QemuRunResult run;
        try
        {
            run = new QemuRunner(repoRoot).Run(board, build.ElfPath, new QemuRunOptions
            {
                PerLayer = true,
                Timeout = TimeSpan.FromSeconds(120 + grid.Images.Count * 30),
            });
        }
        catch (Exception ex) when (ex is EmulatorRunException or TimeoutException)
        {
            return cell with { Status = "error: " + FirstLine(ex.Message), Memory = memory, Seconds = watch.Elapsed.TotalSeconds };
        }
        int identical = Enumerable.Range(0, expected.Length).Count(i => i < run.Logits.Length && run.Logits[i].AsSpan().SequenceEqual(expected[i]));
        var profile = LayerProfile.Build(m.Model, run.Profile!);
        var timing = CoreTimings.For(board.Core);
        double PerInference(double v) => v / profile.Inferences;
        var layers = new List<ReportLayer>();
        foreach (var row in profile.Rows)
        {
            bool isLayer = row.Kind == LayerRowKind.Layer;
            bool isHead = !isLayer && row.Name.StartsWith("gn_linear", StringComparison.Ordinal);
            var bytes = isLayer ? memory.Layers.FirstOrDefault(l => l.Name == row.Name)
                : isHead ? memory.Layers.FirstOrDefault(l => l.Index == -1) : null;
            layers.Add(new ReportLayer(isHead ? LayerNames.Head : row.Name, isLayer ? "layer" : isHead ? "head" : "other",
                profile.PerInference(row), PerInference(TimingModel.Estimate(row.Total, timing, grid.FlashWaitStates).Cycles),
                bytes?.WeightBytes ?? 0, bytes?.TableBytes ?? 0, bytes?.CodeBytes ?? 0));
        }
        var fit = new FitCheck(board, memory.FlashBytes, memory.StaticRamBytes, run.StackPeakBytes);
        string status = identical != expected.Length ? $"error: {expected.Length - identical} of {expected.Length} images disagree with the reference"
            : fit.Fits ? "ok" : fit.Describe();
        return cell with
        {
            Status = status,
            Agreement = (identical, expected.Length),
            InstructionsPerInference = (double)profile.SegmentInstructions / profile.Inferences,
            CyclesPerInference = PerInference(TimingModel.Estimate(profile.Total, timing, grid.FlashWaitStates).Cycles),
            Memory = memory,
            StackPeakBytes = run.StackPeakBytes,
            Layers = layers,
            Seconds = watch.Elapsed.TotalSeconds,
        };
    }

    private static int ArgMax(int[] logits)
    {
        int best = 0;
        for (int j = 1; j < logits.Length; j++)
        {
            if (logits[j] > logits[best])
            {
                best = j;
            }
        }
        return best;
    }

    private static string FirstLine(string s) => s.Split('\n')[0].Trim();

    /// <summary>A file-name-safe form of a label.</summary>
    public static string Safe(string label) =>
        new(label.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_').ToArray());
}
