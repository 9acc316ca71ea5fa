using System.Globalization;
using GroupNet.Cli.Commands;
using GroupNet.Trainer.Data;
using GroupNet.Trainer.Models;
using GroupNet.Trainer.Training;
using ModelTrainer = GroupNet.Trainer.Training.Trainer;

namespace GroupNet.Cli.Experiments;

/// <summary>
/// Trains one <see cref="RunConfig"/>: builds the model (<see cref="ModelFactory"/>), optionally initialises it from
/// a parent checkpoint (<see cref="ParentInitializer"/>), trains with Nesterov SGD, evaluates top-1 / top-5 after
/// every epoch, re-estimates batch-norm statistics, measures the model's cost, and writes the checkpoint with the
/// files of <see cref="MetricsFiles"/> next to it.
/// </summary>
public sealed class ExperimentRunner(int threads, TextWriter log, string device = "cpu")
{
    /// <summary>Collect TorchSharp's finalizable wrappers after every step: set by the CLI, whose one thread is the only
    /// one calling TorchSharp (<see cref="TrainerOptions.CollectWrappersEachStep"/>).</summary>
    public bool CollectWrappersEachStep { get; init; }

    /// <summary>Reported after every training batch when set (the CLI's progress bars).</summary>
    public IProgress<TrainingProgress>? Progress { get; init; }

    /// <summary>Runs <paramref name="config"/> into <paramref name="checkpoint"/>; <paramref name="parent"/> is the
    /// resolved parent checkpoint (or null). With <paramref name="resume"/>, a checkpoint of the same model with
    /// metrics for its epochs continues where it stopped.</summary>
    public RunResult Run(RunConfig config, string checkpoint, TrainTestSplit data, string? parent, bool resume)
    {
        checkpoint = Path.GetFullPath(checkpoint);
        var resolved = config with { Recipe = config.Recipe with { Parent = parent } };
        MetricsFiles.WriteAtomic(MetricsFiles.Companion(checkpoint, ".config.yaml"), RunConfigYaml.ToYaml(resolved));
        var (train, test) = (data.Train, data.Test);
        using var context = new TrainingContext(config.Seed, threads, device);
        var model = ModelFactory.Create(config.Model, context);
        var recipe = config.Recipe;
        var options = new TrainerOptions
        {
            Epochs = recipe.Epochs,
            BatchSize = config.Batch,
            LearningRate = recipe.LearningRate,
            Momentum = recipe.Momentum,
            WeightDecay = recipe.WeightDecay,
            WarmupSteps = recipe.WarmupSteps,
            Schedule = recipe.Schedule,
            StepEpochs = recipe.StepEpochs,
            MaxShift = config.Augmentation.Shift,
            HorizontalFlip = config.Augmentation.Flip,
            QuantizationLossWeight = recipe.QuantizationLoss,
            Optimizer = recipe.Optimizer,
            MaxGradNorm = recipe.MaxGradNorm > 0f ? recipe.MaxGradNorm : null,
            DistillationWeight = recipe.Distill,
            DistillationTemperature = recipe.DistillTemperature,
            CollectWrappersEachStep = CollectWrappersEachStep,
            Seed = config.Seed,
        };
        if (recipe.Distill > 0f && parent is null)
        {
            throw new ArgumentException($"run '{config.Name}' distils from its parent but has none: set recipe.parent (or --parent / --parent-epochs)");
        }
        // The teacher is the parent as trained (its checkpoint, not the copy the student starts from), in eval mode.
        using var teacher = recipe.Distill > 0f ? ModelCheckpoint.Load(parent!, context) : null;
        var trainer = new ModelTrainer(model, options, train.Count, context.Device, teacher);
        string metadata = ModelCheckpoint.Metadata(config.Model);
        string title = $"{config.Name}: {config.Model.Describe()}";
        var cost = ModelCost.Measure(model);
        log.WriteLine($"[{config.Name}] {config.Model.Describe()}: {cost.Parameters:N0} parameters, {train.Count:N0} training / {test.Count:N0} test images, {context.Threads} threads");

        var metrics = new List<EpochMetrics>();
        if (resume && File.Exists(checkpoint) && TryResume(trainer, checkpoint, config.Model) is { } previous)
        {
            metrics = previous;
            log.WriteLine($"[{config.Name}] resumed after epoch {trainer.CompletedEpochs}");
        }
        else if (parent is not null)
        {
            if (!File.Exists(parent))
            {
                throw new FileNotFoundException($"{parent}: parent checkpoint of run '{config.Name}' not found", parent);
            }
            var p = Checkpoint.Read(parent);
            var parentConfig = ModelCheckpoint.ModelConfigOf(p, parent);
            var report = ParentInitializer.Apply(model, config.Model, p.ModelState, parentConfig, recipe.ParentNoise, context.Generator);
            log.WriteLine($"[{config.Name}] initialised from {parent} ({parentConfig.Describe()}): {report.Copied} entries copied, "
                + $"{report.Perturbed} with noise, {report.Unmatched.Count} left at their start values");
        }

        EvaluationResult? lastEpoch = null;
        while (trainer.CompletedEpochs < recipe.Epochs)
        {
            var r = trainer.TrainEpoch(train, Progress);
            var eval = ModelTrainer.Evaluate(model, test, device: context.Device);
            lastEpoch = eval;
            metrics.Add(new EpochMetrics(r.Epoch + 1, r.Loss, r.TrainAccuracy, eval.Accuracy, eval.Top5Accuracy, r.Seconds));
            trainer.SaveCheckpoint(checkpoint, metadata);
            MetricsFiles.WriteMetrics(checkpoint, metrics, title);
            log.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"[{config.Name}] epoch {r.Epoch + 1}/{recipe.Epochs}: loss {r.Loss:F4}, train {100 * r.TrainAccuracy:F2}%, test top-1 {100 * eval.Accuracy:F2}% top-5 {100 * eval.Top5Accuracy:F2}%, {r.ImagesPerSecond:F0} img/s, {r.Seconds:F0} s"));
        }
        // The last epoch's evaluation is of this very model; only a run resumed after its last epoch evaluates anew.
        var final = lastEpoch ?? ModelTrainer.Evaluate(model, test, device: context.Device);
        double before = final.Accuracy;
        if (recipe.BnBatches > 0)
        {
            ModelTrainer.ReestimateBatchNorm(model, train, recipe.BnBatches, config.Batch, config.Seed, context.Device);
            final = ModelTrainer.Evaluate(model, test, device: context.Device);
            trainer.SaveCheckpoint(checkpoint, metadata);
            log.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"[{config.Name}] batch-norm statistics re-estimated: test top-1 {100 * before:F2}% -> {100 * final.Accuracy:F2}%"));
        }
        var result = new RunResult(config.Name, config.Model, final.Accuracy, final.Top5Accuracy, before, cost, recipe.Epochs, train.Count, test.Count,
            metrics.Sum(m => m.Seconds));
        // Drawn again with the final accuracy marked, before the result file that marks the run finished.
        MetricsFiles.WriteCurves(checkpoint, metrics, title, result);
        MetricsFiles.WriteResult(checkpoint, result);
        return result;
    }

    private static List<EpochMetrics>? TryResume(ModelTrainer trainer, string checkpoint, ModelConfig model)
    {
        var data = Checkpoint.Read(checkpoint);
        var metrics = MetricsFiles.ReadMetrics(checkpoint);
        if (ModelCheckpoint.ModelConfigOf(data, checkpoint) != model || metrics.Count != data.Epoch || data.Epoch > trainer.Options.Epochs)
        {
            return null;
        }
        trainer.Resume(checkpoint);
        return metrics;
    }
}
