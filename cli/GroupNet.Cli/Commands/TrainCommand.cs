using System.CommandLine;
using GroupNet.Cli.Experiments;
using GroupNet.Trainer.Data;
using GroupNet.Trainer.Models;
using GroupNet.Trainer.Tensors;
using GroupNet.Trainer.Training;
using ModelTrainer = GroupNet.Trainer.Training.Trainer;
using Spectre.Console;

namespace GroupNet.Cli.Commands;

/// <summary>`groupnet train`: Group-Net v1 on MNIST with Nesterov SGD; checkpoint after every epoch.</summary>
public static class TrainCommand
{
    public static Command Create()
    {
        var data = DataOptions.DataFolder();
        var bases = new Option<int>("--bases") { Description = "K, binary bases per group", DefaultValueFactory = _ => 2 };
        var bits = new Option<int>("--bits") { Description = "activation bits: 2 or 4 (32 = full-precision parent)", DefaultValueFactory = _ => 2 };
        var epochs = new Option<int>("--epochs") { Description = "training epochs", DefaultValueFactory = _ => 3 };
        var lr = new Option<float>("--lr") { Description = "initial learning rate (cosine decay)", DefaultValueFactory = _ => 0.05f };
        var batch = new Option<int>("--batch") { Description = "batch size", DefaultValueFactory = _ => 128 };
        var seed = new Option<int>("--seed") { Description = "random seed (weights, shuffling)", DefaultValueFactory = _ => 1 };
        var threads = new Option<int>("--threads") { Description = "worker threads (0 = all cores)", DefaultValueFactory = _ => 0 };
        var shift = new Option<int>("--max-shift") { Description = "random shift augmentation in pixels", DefaultValueFactory = _ => 0 };
        var limit = new Option<int?>("--train-count") { Description = "use only the first N training images" };
        var bnBatches = new Option<int>("--bn-batches") { Description = "training batches per batch-norm layer when re-estimating statistics after training (0 = off)", DefaultValueFactory = _ => 20 };
        var output = new Option<FileInfo>("--out") { Description = "checkpoint file (written atomically after every epoch)", Required = true };
        var resume = new Option<bool>("--resume") { Description = "continue from the checkpoint at --out" };
        var config = new Option<FileInfo?>("--config") { Description = "run configuration (YAML: data set, network, structure, K, bits, recipe, seed, batch, augmentation); the model and recipe flags are then ignored. Writes NAME.config.yaml, NAME.metrics.csv/.json, NAME.curves.svg and NAME.result.json next to the checkpoint" };
        var command = new Command("train", "Train a Group-Net (v1 on MNIST from flags, or any structure from --config)");
        foreach (var o in new Option[] { data, bases, bits, epochs, lr, batch, seed, threads, shift, limit, bnBatches, output, resume, config })
        {
            command.Options.Add(o);
        }
        command.SetAction(parse =>
        {
            if (parse.GetValue(config) is { } file)
            {
                return TrainFromConfig(file.FullName, parse.GetValue(output)!.FullName, parse.GetValue(threads), parse.GetValue(resume));
            }
            var v1 = new GroupNetV1Config(Bases: parse.GetValue(bases), ActivationBits: parse.GetValue(bits));
            v1.Validate();
            string path = parse.GetValue(output)!.FullName;
            var folder = parse.GetValue(data)!.FullName;
            var train = MnistIdx.LoadSplit(folder, train: true);
            if (parse.GetValue(limit) is { } n)
            {
                train = train.Take(n);
            }
            var test = MnistIdx.LoadSplit(folder, train: false);
            var context = new TrainingContext(parse.GetValue(seed), parse.GetValue(threads));
            var model = new GroupNetV1(context, v1);
            var options = new TrainerOptions
            {
                Epochs = parse.GetValue(epochs),
                BatchSize = parse.GetValue(batch),
                LearningRate = parse.GetValue(lr),
                Seed = parse.GetValue(seed),
                MaxShift = parse.GetValue(shift),
                CheckpointPath = path,
            };
            var trainer = new ModelTrainer(model, options, train.Count);
            string metadata = ModelCheckpoint.Metadata(v1);
            if (parse.GetValue(resume) && File.Exists(path))
            {
                var restored = trainer.Resume(path);
                if (ModelCheckpoint.ModelConfigOf(restored, path) != ModelFactory.FromGroupNetV1(v1))
                {
                    throw new UserInputException($"{path} was trained with {restored.Metadata}; resume with the same --bases/--bits or train afresh");
                }
                Console.WriteLine($"resumed from {path} after epoch {trainer.CompletedEpochs}");
            }
            Console.WriteLine($"model: Group-Net v1, K={v1.Bases}, W1A{v1.ActivationBits}, {model.Parameters().Sum(p => p.Count):N0} parameters; {train.Count:N0} training images, {context.Threads} threads");
            var watch = System.Diagnostics.Stopwatch.StartNew();
            IReadOnlyList<EpochResult> results = [];
            AnsiConsole.Progress()
                .AutoClear(false)
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
                .Start(ctx =>
                {
                    var tasks = new Dictionary<int, ProgressTask>();
                    var progress = new ActionProgress<TrainingProgress>(p =>
                    {
                        if (!tasks.TryGetValue(p.Epoch, out var task))
                        {
                            task = tasks[p.Epoch] = ctx.AddTask($"epoch {p.Epoch + 1}/{p.Epochs}", maxValue: p.Batches);
                        }
                        task.Value = p.Batch;
                        task.Description = $"epoch {p.Epoch + 1}/{p.Epochs} loss {p.Loss:F3} acc {100 * p.Accuracy:F2}% {p.ImagesPerSecond:F0} img/s";
                    });
                    results = trainer.Fit(train, test, progress, metadata);
                });
            foreach (var r in results)
            {
                Console.WriteLine($"epoch {r.Epoch + 1}: loss {r.Loss:F4}, train {100 * r.TrainAccuracy:F2}%, test {100 * (r.TestAccuracy ?? 0):F2}%, {r.ImagesPerSecond:F0} img/s, {r.Seconds:F0} s");
            }
            double before = ModelTrainer.Evaluate(model, test).Accuracy;
            int batches = parse.GetValue(bnBatches);
            if (batches > 0)
            {
                ModelTrainer.ReestimateBatchNorm(model, train, batches, options.BatchSize, options.Seed);
                double after = ModelTrainer.Evaluate(model, test).Accuracy;
                Console.WriteLine($"batch-norm statistics re-estimated layer by layer ({batches} training batches each): test accuracy {100 * before:F2}% -> {100 * after:F2}%");
                before = after;
            }
            trainer.SaveCheckpoint(path, metadata);
            Console.WriteLine($"float model MNIST test accuracy: {100 * before:F2}% ({test.Count} images)");
            Console.WriteLine($"checkpoint: {path} (training {watch.Elapsed.TotalSeconds:F0} s)");
            return 0;
        });
        return command;
    }

    private static int TrainFromConfig(string configPath, string checkpoint, int threads, bool resume)
    {
        var run = RunConfigYaml.Load(configPath);
        if (run.Name.Length == 0)
        {
            run = run with { Name = Path.GetFileNameWithoutExtension(configPath) };
        }
        string? parent = run.Recipe.Parent is not { } p ? null
            : File.Exists(p) || Path.IsPathRooted(p) ? Path.GetFullPath(p)
            : Path.GetFullPath(Path.Combine(Path.GetDirectoryName(configPath)!, p));
        var data = new ExperimentData().Load(run);
        var result = new ExperimentRunner(threads, Console.Out).Run(run, checkpoint, data, parent, resume);
        Console.WriteLine($"{run.Name}: {result.Model.Describe()}, test top-1 {100 * result.Top1:F2}%, top-5 {100 * result.Top5:F2}%, "
            + $"{result.Cost.Parameters:N0} parameters, {result.Cost.ModelBytes:N0} model bytes; checkpoint {checkpoint}, curves {MetricsFiles.Companion(checkpoint, ".curves.svg")}");
        return 0;
    }

    /// <summary>Reports on the calling thread, in order (System.Progress posts to the thread pool).</summary>
    private sealed class ActionProgress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }
}
