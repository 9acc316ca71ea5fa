using System.Diagnostics;
using GroupNet.Trainer.Data;
using GroupNet.Trainer.Modules;
using GroupNet.Trainer.Native;
using GroupNet.Trainer.Optim;
using GroupNet.Trainer.Quantization;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using DataLoader = GroupNet.Trainer.Data.DataLoader;

namespace GroupNet.Trainer.Training;

/// <summary>
/// Supervised training loop on LibTorch: Nesterov SGD, Adam or AdamW (weight decay only on weights of rank >= 2,
/// i.e. convolution and linear weights; BN parameters, group scales and biases are not decayed), a learning rate
/// set per iteration by <see cref="ILrSchedule"/>, optional label smoothing, quantization-loss regulariser and
/// gradient clipping by global norm, per-batch progress, per-epoch evaluation and atomic checkpoints.
/// Everything an epoch does depends only on the model state, the optimiser state and (seed, epoch), so a run
/// resumed from the checkpoint of epoch e ends with the weights of an uninterrupted run.
/// </summary>
public sealed class Trainer
{
    private readonly ILrSchedule _schedule;
    private readonly IReadOnlyList<BinaryConv2d> _binaryConvs;
    private readonly int _batchesPerEpoch;
    private readonly IReadOnlyList<Parameter> _parameters;
    private readonly nn.Module<Tensor, Tensor>? _teacher;
    private Tensor? _teacherLogits;

    /// <summary>Creates a trainer for <paramref name="model"/> on a training set of <paramref name="trainCount"/> images;
    /// <paramref name="teacher"/> (kept in eval mode, never updated) is needed when distillation is on.</summary>
    public Trainer(nn.Module<Tensor, Tensor> model, TrainerOptions options, int trainCount, Device? device = null, nn.Module<Tensor, Tensor>? teacher = null)
    {
        options.Validate();
        if (options.DistillationWeight > 0f && teacher is null)
        {
            throw new ArgumentException("distillation needs a teacher model (the full-precision parent)", nameof(teacher));
        }
        _teacher = options.DistillationWeight > 0f ? teacher : null;
        _teacher?.eval();
        Model = model;
        Options = options;
        Device = device ?? CPU;
        _parameters = model.parameters().ToList();
        Optimizer = CreateOptimizer(model, options);
        _batchesPerEpoch = (trainCount + options.BatchSize - 1) / options.BatchSize;
        _schedule = CreateSchedule(options, _batchesPerEpoch);
        _binaryConvs = model.modules().OfType<BinaryConv2d>().ToList();
    }

    /// <summary>The optimiser of <paramref name="options"/> with two parameter groups: rank >= 2 weights decayed, the rest not.</summary>
    public static optim.Optimizer CreateOptimizer(nn.Module model, TrainerOptions options)
    {
        var decayed = model.parameters().Where(p => p.dim() >= 2).ToList();
        var plain = model.parameters().Where(p => p.dim() < 2).ToList();
        double lr = options.LearningRate, wd = options.WeightDecay, beta1 = options.Momentum;
        return options.Optimizer switch
        {
            OptimizerKind.Sgd => new ScalarSafeSgd(
                [new SGD.ParamGroup(decayed, lr, options.Momentum, 0, wd, options.Nesterov), new SGD.ParamGroup(plain, lr, options.Momentum, 0, 0, options.Nesterov)],
                lr, options.Momentum, wd, options.Nesterov),
            OptimizerKind.Adam => new ScalarSafeAdam(
                [new Adam.ParamGroup(decayed, lr, beta1, 0.999, 1e-8, wd), new Adam.ParamGroup(plain, lr, beta1, 0.999, 1e-8, 0)],
                lr, beta1, 0.999, 1e-8, wd),
            OptimizerKind.AdamW => new ScalarSafeAdamW(
                [new AdamW.ParamGroup(decayed, lr, beta1, 0.999, 1e-8, wd), new AdamW.ParamGroup(plain, lr, beta1, 0.999, 1e-8, 0)],
                lr, beta1, 0.999, 1e-8, wd),
            _ => throw new ArgumentOutOfRangeException(nameof(options), options.Optimizer, "unknown optimizer"),
        };
    }

    /// <summary>The learning-rate schedule of <paramref name="options"/> over iterations.</summary>
    public static ILrSchedule CreateSchedule(TrainerOptions options, int batchesPerEpoch)
    {
        long total = (long)batchesPerEpoch * options.Epochs;
        if (options.Schedule == LrScheduleKind.Cosine)
        {
            return new CosineLrSchedule(options.LearningRate, total, 0f, options.WarmupSteps);
        }
        int every = options.StepEpochs > 0 ? options.StepEpochs : Math.Max(1, options.Epochs / 3);
        ILrSchedule step = new StepLrSchedule(options.LearningRate, (long)every * batchesPerEpoch, options.StepGamma);
        return options.WarmupSteps > 0 ? new LinearWarmupLrSchedule(step, options.WarmupSteps) : step;
    }

    /// <summary>The model being trained.</summary>
    public nn.Module<Tensor, Tensor> Model { get; }

    /// <summary>The options.</summary>
    public TrainerOptions Options { get; }

    /// <summary>Where batches go.</summary>
    public Device Device { get; }

    /// <summary>The optimiser (its state is saved in checkpoints).</summary>
    public optim.Optimizer Optimizer { get; }

    /// <summary>Epochs finished so far (restored by <see cref="Resume"/>).</summary>
    public int CompletedEpochs { get; private set; }

    /// <summary>Trains epochs <see cref="CompletedEpochs"/> .. Epochs - 1, evaluating on <paramref name="test"/> after each
    /// and checkpointing when <see cref="TrainerOptions.CheckpointPath"/> is set.</summary>
    public IReadOnlyList<EpochResult> Fit(ImageDataset train, ImageDataset? test, IProgress<TrainingProgress>? progress = null,
        string metadata = "", CancellationToken cancellationToken = default)
    {
        var results = new List<EpochResult>();
        while (CompletedEpochs < Options.Epochs)
        {
            var r = TrainEpoch(train, progress, cancellationToken);
            double? acc = test is null ? null : Evaluate(Model, test, device: Device).Accuracy;
            r = r with { TestAccuracy = acc };
            results.Add(r);
            if (Options.CheckpointPath is { } path)
            {
                SaveCheckpoint(path, metadata);
            }
        }
        return results;
    }

    /// <summary>Trains one epoch (the next one) and returns its summary (without test accuracy).</summary>
    public EpochResult TrainEpoch(ImageDataset train, IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        int epoch = CompletedEpochs;
        var loader = new DataLoader(train, new DataLoaderOptions
        {
            BatchSize = Options.BatchSize,
            Shuffle = true,
            Seed = Options.Seed,
            MaxShift = Options.MaxShift,
            HorizontalFlip = Options.HorizontalFlip,
        });
        var sw = Stopwatch.StartNew();
        // Without augmentation every image is the same in every epoch, and so is the teacher's answer (eval mode): one
        // pass over the training set replaces a teacher forward per step in every epoch.
        bool cached = _teacher is not null && Options.MaxShift == 0 && !Options.HorizontalFlip;
        if (cached && _teacherLogits is null)
        {
            _teacherLogits = Predict(_teacher!, train, device: Device).DetachFromDisposeScope();
        }
        int[] order = loader.Order(epoch);
        Model.train();
        double lossSum = 0;
        long seen = 0, correct = 0;
        int batch = 0;
        long step = (long)epoch * _batchesPerEpoch;
        using (var e = loader.Epoch(epoch, Device).GetEnumerator())
        {
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                using var scope = NewDisposeScope();
                if (!e.MoveNext())
                {
                    break;
                }
                var b = e.Current;
                float lr = _schedule.At(step++);
                SetLearningRate(lr);
                var teacherLogits = cached
                    ? _teacherLogits!.index_select(0, tensor(order.AsSpan(batch * Options.BatchSize, b.Count).ToArray().Select(i => (long)i).ToArray(), device: Device))
                    : null;
                var (loss, hits) = TrainStep(b, teacherLogits);
                if (Options.CollectWrappersEachStep)
                {
                    NativeHeap.CollectWrappers();
                }
                lossSum += loss * b.Count;
                correct += hits;
                seen += b.Count;
                batch++;
                progress?.Report(new TrainingProgress(epoch, Options.Epochs, batch, _batchesPerEpoch, lossSum / seen, (double)correct / seen,
                    seen / sw.Elapsed.TotalSeconds, lr));
            }
        }
        CompletedEpochs++;
        return new EpochResult(epoch, lossSum / Math.Max(1, seen), (double)correct / Math.Max(1, seen), null, sw.Elapsed.TotalSeconds, seen / sw.Elapsed.TotalSeconds);
    }

    private void SetLearningRate(double lr)
    {
        foreach (var group in Optimizer.ParamGroups)
        {
            group.LearningRate = lr;
        }
    }

    /// <summary>Global gradient norm before clipping at the last <see cref="TrainStep"/>, when
    /// <see cref="TrainerOptions.MaxGradNorm"/> is set (NaN before the first step or without clipping).</summary>
    public double LastGradNorm { get; private set; } = double.NaN;

    /// <summary>One optimisation step on a batch: forward, loss (plus the quantization-loss regulariser when set),
    /// backward, clipping (when <see cref="TrainerOptions.MaxGradNorm"/> is set), update. Returns (loss, correct count).</summary>
    public (float Loss, int Correct) TrainStep(Batch batch, Tensor? teacherLogits = null)
    {
        using var scope = NewDisposeScope();
        Optimizer.zero_grad();
        var logits = Model.forward(batch.Images);
        var loss = nn.functional.cross_entropy(logits, batch.Labels, label_smoothing: Options.LabelSmoothing);
        if (_teacher is not null)
        {
            if (teacherLogits is null)
            {
                using (no_grad())
                {
                    teacherLogits = _teacher.forward(batch.Images);
                }
            }
            using var hard = (1f - Options.DistillationWeight).ToScalar();
            using var soft = Options.DistillationWeight.ToScalar();
            loss = loss.mul(hard).add_(DistillationLoss(logits, teacherLogits, Options.DistillationTemperature), soft);
        }
        var total = Options.QuantizationLossWeight > 0f ? loss + QuantizationLoss(Options.QuantizationLossWeight) : loss;
        total.backward();
        if (Options.MaxGradNorm is { } limit)
        {
            LastGradNorm = nn.utils.clip_grad_norm_(_parameters, limit);
        }
        Optimizer.step();
        float value = total.item<float>();
        int hits = CountCorrect(logits, batch.Labels);
        return (value, hits);
    }

    /// <summary>T^2 KL(softmax(teacher / T) || softmax(student / T)), averaged over the batch; the gradient flows into
    /// <paramref name="student"/> only.</summary>
    public static Tensor DistillationLoss(Tensor student, Tensor teacher, float temperature)
    {
        using var scope = NewDisposeScope();
        using var t = temperature.ToScalar();
        using var scale = (temperature * temperature / student.shape[0]).ToScalar();
        var logQ = nn.functional.log_softmax(student.div(t), 1);
        var logP = nn.functional.log_softmax(teacher.detach().div(t), 1);
        return logP.exp().mul(logP.sub(logQ)).sum().mul_(scale).MoveToOuterDisposeScope();
    }

    /// <summary>lambda * sum (W - alpha sign W)^2 over every binary convolution's latent weight, alpha sign W held
    /// constant: its gradient is 2 lambda (W - alpha sign W), the exact derivative (the alpha term vanishes because
    /// sum sign(W) (W - alpha sign W) = 0 per filter).</summary>
    public Tensor QuantizationLoss(float lambda)
    {
        using var scope = NewDisposeScope();
        Tensor? sum = null;
        foreach (var conv in _binaryConvs)
        {
            var w = conv.Weight;
            Tensor target;
            using (no_grad())
            {
                target = BinaryWeightQuantizer.Alphas(w) * BinaryWeightQuantizer.Sign(w);
            }
            var term = w.add(target, Scalars.MinusOne).square().sum();
            sum = sum is null ? term : sum.add(term, Scalars.One);
        }
        using var weight = lambda.ToScalar(); // every scalar named and held (Quantization/Scalars)
        return (sum ?? zeros(1, device: Device).sum()).mul(weight).MoveToOuterDisposeScope();
    }

    /// <summary>Restores model, optimiser and epoch count from a checkpoint (the <c>--resume</c> path).</summary>
    public CheckpointData Resume(string path)
    {
        var data = Checkpoint.Load(path, Model, Optimizer);
        CompletedEpochs = data.Epoch;
        return data;
    }

    /// <summary>Writes a checkpoint now (atomically).</summary>
    public void SaveCheckpoint(string path, string metadata = "") => Checkpoint.Save(path, Model, Optimizer, CompletedEpochs, metadata);

    /// <summary>The logits of <paramref name="model"/> in eval mode for every image of <paramref name="data"/>, in order,
    /// as one [N, classes] tensor (no gradients); restores the previous mode.</summary>
    public static Tensor Predict(nn.Module<Tensor, Tensor> model, ImageDataset data, int batchSize = 500, Device? device = null)
    {
        bool wasTraining = model.training;
        model.eval();
        var parts = new List<Tensor>();
        using (no_grad())
        using (var e = new DataLoader(data, batchSize, shuffle: false).Epoch(0, device).GetEnumerator())
        {
            while (true)
            {
                using var scope = NewDisposeScope();
                if (!e.MoveNext())
                {
                    break;
                }
                parts.Add(model.forward(e.Current.Images).MoveToOuterDisposeScope());
            }
        }
        model.train(wasTraining);
        var all = cat(parts, 0);
        foreach (var p in parts)
        {
            p.Dispose();
        }
        return all;
    }

    /// <summary>Accuracy, top-5 accuracy and loss of <paramref name="model"/> in eval mode (running BN statistics);
    /// restores the previous mode.</summary>
    public static EvaluationResult Evaluate(nn.Module<Tensor, Tensor> model, ImageDataset data, int batchSize = 500, Device? device = null)
    {
        bool wasTraining = model.training;
        model.eval();
        var loader = new DataLoader(data, batchSize, shuffle: false);
        double lossSum = 0;
        int correct = 0, top5 = 0;
        using (no_grad())
        using (var e = loader.Epoch(0, device).GetEnumerator())
        {
            while (true)
            {
                using var scope = NewDisposeScope();
                if (!e.MoveNext())
                {
                    break;
                }
                var b = e.Current;
                var logits = model.forward(b.Images);
                lossSum += nn.functional.cross_entropy(logits, b.Labels, reduction: nn.Reduction.Sum).item<float>();
                correct += CountCorrect(logits, b.Labels);
                top5 += CountInTopK(logits, b.Labels, 5);
            }
        }
        model.train(wasTraining);
        return new EvaluationResult((double)correct / data.Count, lossSum / data.Count, data.Count, correct) { Top5Accuracy = (double)top5 / data.Count };
    }

    /// <summary>
    /// Re-estimates every batch-norm layer's running statistics with frozen weights, layer by layer in forward
    /// order: for each layer, resets its statistics and averages the batch statistics of <paramref name="batches"/>
    /// training batches cumulatively (momentum = null), without gradients. 1-bit sign quantisers, in the same forward
    /// order, get their <see cref="SignActivationQuantizer.EstimatedScale"/>: the mean per-sample scale over the same
    /// batches, which eval mode then uses for every sample. The model ends in eval mode.
    /// <para>One layer at a time, with every other layer in eval mode: each layer's statistics are measured on the
    /// activations it will see at inference (upstream layers already using their re-estimated statistics).</para>
    /// </summary>
    public static void ReestimateBatchNorm(nn.Module<Tensor, Tensor> model, ImageDataset data, int batches = 20, int batchSize = 128, int seed = 0, Device? device = null)
    {
        var layers = model.modules().Where(m => m is BatchNorm2d or SignActivationQuantizer).ToList();
        var loader = new DataLoader(data, batchSize, shuffle: true, seed);
        model.eval();
        foreach (var sign in layers.OfType<SignActivationQuantizer>())
        {
            sign.EstimatedScale = 0f;
        }
        using (no_grad())
        {
            foreach (var layer in layers)
            {
                if (layer is BatchNorm2d norm)
                {
                    var momentum = norm.momentum;
                    norm.reset_running_stats();
                    norm.momentum = null;
                    norm.train();
                    RunBatches(model, loader, batches, device);
                    norm.eval();
                    norm.momentum = momentum;
                }
                else if (layer is SignActivationQuantizer sign)
                {
                    sign.ResetObservedScale();
                    sign.ObserveScales = true;
                    RunBatches(model, loader, batches, device);
                    sign.ObserveScales = false;
                    sign.EstimatedScale = (float)sign.MeanObservedScale;
                }
            }
        }
        model.eval();
    }

    private static void RunBatches(nn.Module<Tensor, Tensor> model, DataLoader loader, int batches, Device? device)
    {
        int done = 0;
        using var e = loader.Epoch(0, device).GetEnumerator();
        while (done < batches)
        {
            using var scope = NewDisposeScope();
            if (!e.MoveNext())
            {
                break;
            }
            model.forward(e.Current.Images);
            done++;
        }
    }

    /// <summary>Number of rows of <paramref name="logits"/> whose label scores among the <paramref name="k"/> highest
    /// (fewer than k logits strictly greater than the label's; every row counts when k >= classes).</summary>
    public static int CountInTopK(Tensor logits, Tensor labels, int k)
    {
        using var scope = NewDisposeScope();
        var target = logits.gather(1, labels.unsqueeze(1));
        var greater = (logits > target).sum(1);
        return (int)(greater < k).sum().item<long>();
    }

    /// <summary>Number of rows of <paramref name="logits"/> whose arg-max (first on ties) equals the label.</summary>
    public static int CountCorrect(Tensor logits, Tensor labels)
    {
        using var scope = NewDisposeScope();
        return (int)logits.argmax(1).eq(labels).sum().item<long>();
    }
}
