using System.CommandLine;
using System.Globalization;
using GroupNet.Cli.Experiments;
using GroupNet.Trainer.Models;
using GroupNet.Trainer.Training;
using Spectre.Console;

namespace GroupNet.Cli.Commands;

/// <summary>
/// `groupnet train`: one training path for both forms. From flags: Group-Net v1 (K = --bases, or the baseline for
/// K = 1) on the --data folder; from --config: any run configuration. Either way the run goes through
/// <see cref="ExperimentRunner"/>: checkpoint after every epoch, batch-norm re-estimation, metrics files beside the
/// checkpoint.
/// </summary>
public static class TrainCommand
{
    public static Command Create()
    {
        var data = DataOptions.DataFolder();
        var bases = new Option<int>("--bases") { Description = "K, binary bases per group (1 = the direct-quantization baseline)", DefaultValueFactory = _ => 2 }.AtLeast(1);
        var bits = new Option<int>("--bits") { Description = "activation bits: 1, 2 or 4 (32 = full-precision parent with float weights)", DefaultValueFactory = _ => 2 }.OneOf(1, 2, 4, 32);
        var epochs = new Option<int>("--epochs") { Description = "training epochs", DefaultValueFactory = _ => 3 }.AtLeast(1);
        var lr = new Option<float>("--lr") { Description = "initial learning rate (cosine decay)", DefaultValueFactory = _ => 0.05f }.Positive();
        var weightDecay = new Option<float>("--weight-decay") { Description = "L2 weight decay on convolution and linear weights (0 = none)", DefaultValueFactory = _ => 1e-4f }.Between(0f, 1f);
        var optimizer = new Option<string>("--optimizer") { Description = "sgd (Nesterov, momentum 0.9), adam or adamw", DefaultValueFactory = _ => "sgd" }.OneOf("sgd", "adam", "adamw");
        var batch = new Option<int>("--batch") { Description = "batch size", DefaultValueFactory = _ => 128 }.AtLeast(1);
        var seed = new Option<int>("--seed") { Description = "random seed (weights, shuffling)", DefaultValueFactory = _ => 1 }.WholeNumber();
        var threads = new Option<int>("--threads") { Description = "LibTorch threads (0 = all cores)", DefaultValueFactory = _ => 0 }.AtLeast(0);
        var device = new Option<string>("--device") { Description = "cpu or cuda (cuda needs a TorchSharp CUDA package; only cpu is tested here)", DefaultValueFactory = _ => "cpu" }.OneOf("cpu", "cuda");
        var shift = new Option<int>("--max-shift") { Description = "random shift augmentation in pixels", DefaultValueFactory = _ => 0 }.AtLeast(0);
        var limit = new Option<int?>("--train-count") { Description = "use only N evenly spaced training images" }.AtLeast(1);
        var bnBatches = new Option<int>("--bn-batches") { Description = "training batches per batch-norm layer when re-estimating statistics after training (0 = off)", DefaultValueFactory = _ => 20 }.AtLeast(0);
        var output = new Option<FileInfo>("--out") { Description = "checkpoint file (PyTorch format, written atomically after every epoch)", Required = true }.FileToWrite();
        var resume = new Option<bool>("--resume") { Description = "continue from the checkpoint at --out" };
        var parentFile = new Option<FileInfo?>("--parent") { Description = "initialise from this checkpoint (the paper's recipe for binary networks: a trained full-precision parent); entries are matched by name, extra bases get a little noise" };
        var parentEpochs = new Option<int>("--parent-epochs") { Description = "first train a full-precision parent (W32A32) for N epochs into OUT.parent.ckpt, then this model from it (0 = no parent)", DefaultValueFactory = _ => 0 }.AtLeast(0);
        var distill = new Option<float>("--distill") { Description = "weight w in [0, 1] of knowledge distillation from the parent: loss = (1 - w) cross-entropy + w T^2 KL(parent || model) (needs --parent or --parent-epochs; 0 = off)", DefaultValueFactory = _ => 0f }.Between(0f, 1f);
        var temperature = new Option<float>("--distill-temperature") { Description = "temperature T of the distillation loss", DefaultValueFactory = _ => 1f }.Positive();
        var config = new Option<FileInfo?>("--config") { Description = "run configuration (YAML: data set, network, structure, K, bits, recipe, seed, batch, augmentation); the model and recipe flags are then ignored. Writes NAME.config.yaml, NAME.metrics.csv/.json, NAME.curves.svg/.png and NAME.result.json next to the checkpoint" };
        var command = new Command("train", "Train a Group-Net (v1 from flags, or any structure from --config)");
        foreach (var o in new Option[] { data, bases, bits, epochs, lr, weightDecay, optimizer, batch, seed, threads, device, shift, limit, bnBatches, parentFile, parentEpochs, distill, temperature, output, resume, config })
        {
            command.Options.Add(o);
        }
        command.SetAction(parse =>
        {
            string checkpoint = parse.GetValue(output)!.FullName;
            string? parent = null;
            RunConfig run;
            string? configPath = parse.GetValue(config)?.FullName;
            if (configPath is not null)
            {
                run = RunConfigYaml.Load(configPath);
                if (run.Name.Length == 0)
                {
                    run = run with { Name = Path.GetFileNameWithoutExtension(configPath) };
                }
                parent = run.Recipe.Parent is not { } p ? null
                    : File.Exists(p) || Path.IsPathRooted(p) ? Path.GetFullPath(p)
                    : Path.GetFullPath(Path.Combine(Path.GetDirectoryName(configPath)!, p));
            }
            else
            {
                run = FromFlags(parse, checkpoint, data, bases, bits, epochs, lr, weightDecay, optimizer, batch, seed, shift, limit, bnBatches);
                run = run with { Recipe = run.Recipe with { Distill = parse.GetValue(distill), DistillTemperature = parse.GetValue(temperature) } };
                parent = parse.GetValue(parentFile)?.FullName;
                if (run.Recipe.Distill > 0f && parent is null && parse.GetValue(parentEpochs) <= 0)
                {
                    throw new UserInputException("--distill distils from the parent: give --parent FILE or --parent-epochs N");
                }
            }
            var split = new ExperimentData().Load(run);
            if (parse.GetValue(parentEpochs) is > 0 and var n && parent is null)
            {
                parent = TrainParent(run, n, checkpoint, split, parse.GetValue(threads), parse.GetValue(device)!);
            }
            var result = Run(run, checkpoint, split, parent, parse.GetValue(threads), parse.GetValue(device)!, parse.GetValue(resume));
            string dataset = run.Dataset == DatasetKind.Mnist ? "MNIST" : "Fashion-MNIST";
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"float model {dataset} test accuracy: {100 * result.Top1:F2}% ({split.Test.Count} images)"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{run.Name}: {result.Model.Describe()}, top-5 {100 * result.Top5:F2}%, {result.Cost.Parameters:N0} parameters, "
                + $"{result.Cost.ModelBytes:N0} model bytes; checkpoint {checkpoint} (training {result.Seconds:F0} s), curves {MetricsFiles.Companion(checkpoint, ".curves.svg")}"));
            return 0;
        });
        return command;
    }

    /// <summary>Trains (or, when a finished one is there, reuses) the full-precision parent of <paramref name="run"/>
    /// into OUT.parent.ckpt: same network, data, seed, batch and optimiser, W32A32 baseline, <paramref name="epochs"/> epochs.</summary>
    private static string TrainParent(RunConfig run, int epochs, string checkpoint, GroupNet.Trainer.Data.TrainTestSplit split, int threads, string device)
    {
        string path = Path.Combine(Path.GetDirectoryName(checkpoint)!, Path.GetFileNameWithoutExtension(checkpoint) + ".parent.ckpt");
        var model = run.Model with { Structure = StructureKind.Baseline, Bases = 1, WeightBits = 32, ActivationBits = 32 };
        var parentRun = run with { Name = run.Name + ".parent", Model = model, Recipe = run.Recipe with { Epochs = epochs, Parent = null } };
        if (MetricsFiles.ReadResult(path) is { } done && done.Model == model && done.Epochs == epochs && File.Exists(path))
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"parent: {path} (full precision, {100 * done.Top1:F2}% test top-1), trained before"));
            return path;
        }
        var result = Run(parentRun, path, split, null, threads, device, resume: true);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"parent: {path} (full precision, {100 * result.Top1:F2}% test top-1, {result.Seconds:F0} s)"));
        return path;
    }

    private static RunConfig FromFlags(ParseResult parse, string checkpoint, Option<DirectoryInfo> data, Option<int> bases, Option<int> bits,
        Option<int> epochs, Option<float> lr, Option<float> weightDecay, Option<string> optimizer, Option<int> batch, Option<int> seed, Option<int> shift,
        Option<int?> limit, Option<int> bnBatches)
    {
        int k = parse.GetValue(bases), a = parse.GetValue(bits);
        bool fullPrecision = a == 32;
        var model = new ModelConfig(
            NetworkKind.Tiny,
            k == 1 || fullPrecision ? StructureKind.Baseline : StructureKind.V1,
            fullPrecision ? 1 : k,
            fullPrecision ? 32 : 1,
            a);
        try
        {
            model.Validate();
        }
        catch (ArgumentOutOfRangeException e)
        {
            throw new UserInputException($"--bases {k} --bits {a}: {UserError.Describe(e)}");
        }
        var kind = parse.GetValue(optimizer)!.Trim().ToLowerInvariant() switch
        {
            "sgd" => OptimizerKind.Sgd,
            "adam" => OptimizerKind.Adam,
            "adamw" => OptimizerKind.AdamW,
            var other => throw new UserInputException($"--optimizer {other}: use sgd, adam or adamw"),
        };
        var folder = parse.GetValue(data)!.FullName;
        var dataset = File.Exists(Path.Combine(folder, "train-images-idx3-ubyte")) ? DatasetKind.Mnist : DatasetKind.FashionMnist;
        var recipe = new RecipeConfig(Epochs: parse.GetValue(epochs), LearningRate: parse.GetValue(lr), WeightDecay: parse.GetValue(weightDecay),
            BnBatches: parse.GetValue(bnBatches), Optimizer: kind);
        return new RunConfig(Path.GetFileNameWithoutExtension(checkpoint), dataset, folder, parse.GetValue(limit) ?? 0, 0, parse.GetValue(seed),
            parse.GetValue(batch), model, recipe, new AugmentationConfig(parse.GetValue(shift), false));
    }

    /// <summary>Runs with live progress bars on a terminal; in a file, a pipe or CI, plain lines (<see cref="ProgressLines"/>
    /// every quarter of an epoch, then the epoch's line with its test accuracy), each written once.</summary>
    private static RunResult Run(RunConfig run, string checkpoint, GroupNet.Trainer.Data.TrainTestSplit split, string? parent, int threads, string device, bool resume)
    {
        if (!ConsoleOutput.CanRedraw)
        {
            var lines = new ProgressLines(Console.Out, run.Name);
            return new ExperimentRunner(threads, Console.Out, device) { Progress = lines, CollectWrappersEachStep = true }.Run(run, checkpoint, split, parent, resume);
        }
        var log = new StringWriter(CultureInfo.InvariantCulture);
        RunResult? result = null;
        // Refreshed from the training thread, not by Spectre's own timer thread: a thread that allocates while the
        // trainer is inside LibTorch can start a collection that frees TorchSharp's temporary scalars mid-call
        // (trainer/GroupNet.Trainer/Quantization/Scalars.cs).
        AnsiConsole.Progress()
            .AutoRefresh(false)
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
                    task.Description = string.Create(CultureInfo.InvariantCulture,
                        $"epoch {p.Epoch + 1}/{p.Epochs} loss {p.Loss:F3} acc {100 * p.Accuracy:F2}% {p.ImagesPerSecond:F0} img/s");
                    ctx.Refresh();
                });
                result = new ExperimentRunner(threads, log, device) { Progress = progress, CollectWrappersEachStep = true }.Run(run, checkpoint, split, parent, resume);
            });
        Console.Write(log.ToString());
        return result!;
    }

    /// <summary>Reports on the calling thread, in order (System.Progress posts to the thread pool).</summary>
    private sealed class ActionProgress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }
}
