using System.Diagnostics;
using GroupNet.Trainer.Data;
using GroupNet.Trainer.Modules;
using GroupNet.Trainer.Ops;
using GroupNet.Trainer.Optim;
using GroupNet.Trainer.Quantization;
using GroupNet.Trainer.Tensors;

namespace GroupNet.Trainer.Training;

/// <summary>
/// Supervised training loop: Nesterov SGD (weight decay only on weights of rank >= 2, i.e. convolution and
/// linear weights; BN parameters, group scales and biases are not decayed), cosine learning rate per
/// iteration, optional label smoothing and gradient clipping by global norm, per-batch progress, per-epoch
/// evaluation and checkpoints.
/// </summary>
public sealed class Trainer
{
    private readonly ILrSchedule _schedule;
    private readonly IReadOnlyList<BinaryConv2d> _binaryConvs;
    private readonly int _batchesPerEpoch;
    private readonly IReadOnlyList<Tensor> _parameters;

    /// <summary>Creates a trainer for <paramref name="model"/> on a training set of <paramref name="trainCount"/> images.</summary>
    public Trainer(Module model, TrainerOptions options, int trainCount)
    {
        options.Validate();
        Model = model;
        Options = options;
        var decayed = model.Parameters().Where(p => p.Rank >= 2).ToList();
        var plain = model.Parameters().Where(p => p.Rank < 2).ToList();
        _parameters = model.Parameters().ToList();
        Optimizer = new Sgd([new ParameterGroup(decayed, options.WeightDecay), new ParameterGroup(plain, 0f)],
            options.LearningRate, options.Momentum, options.Nesterov, options.WeightDecay);
        _batchesPerEpoch = (trainCount + options.BatchSize - 1) / options.BatchSize;
        _schedule = CreateSchedule(options, _batchesPerEpoch);
        _binaryConvs = model.Modules().OfType<BinaryConv2d>().ToList();
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
    public Module Model { get; }

    /// <summary>The options.</summary>
    public TrainerOptions Options { get; }

    /// <summary>The optimiser (state is saved in checkpoints).</summary>
    public Optimizer Optimizer { get; }

    /// <summary>Epochs finished so far (restored by <see cref="Resume"/>).</summary>
    public int CompletedEpochs { get; private set; }

    private TrainingContext Context => Model.Context;

    /// <summary>Trains epochs <see cref="CompletedEpochs"/> .. Epochs - 1, evaluating on <paramref name="test"/> after each
    /// and checkpointing when <see cref="TrainerOptions.CheckpointPath"/> is set.</summary>
    public IReadOnlyList<EpochResult> Fit(ImageDataset train, ImageDataset? test, IProgress<TrainingProgress>? progress = null,
        string metadata = "", CancellationToken cancellationToken = default)
    {
        var results = new List<EpochResult>();
        while (CompletedEpochs < Options.Epochs)
        {
            var r = TrainEpoch(train, progress, cancellationToken);
            double? acc = test is null ? null : Evaluate(Model, test).Accuracy;
            r = r with { TestAccuracy = acc };
            results.Add(r);
            if (Options.CheckpointPath is { } path)
            {
                Checkpoint.Save(path, Model, Optimizer, CompletedEpochs, metadata);
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
        Model.Train();
        var ctx = Context;
        var sw = Stopwatch.StartNew();
        double lossSum = 0;
        long seen = 0, correct = 0;
        int batch = 0;
        long step = (long)epoch * _batchesPerEpoch;
        using (var outer = ctx.BeginScope())
        {
            var e = loader.Epoch(ctx, epoch).GetEnumerator();
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                using var scope = ctx.BeginScope();
                if (!e.MoveNext())
                {
                    break;
                }
                var b = e.Current;
                float lr = _schedule.At(step++);
                Optimizer.LearningRate = lr;
                var (loss, hits) = TrainStep(b);
                lossSum += loss * b.Labels.Length;
                correct += hits;
                seen += b.Labels.Length;
                batch++;
                progress?.Report(new TrainingProgress(epoch, Options.Epochs, batch, _batchesPerEpoch, lossSum / seen, (double)correct / seen,
                    seen / sw.Elapsed.TotalSeconds, lr));
            }
        }
        CompletedEpochs++;
        return new EpochResult(epoch, lossSum / Math.Max(1, seen), (double)correct / Math.Max(1, seen), null, sw.Elapsed.TotalSeconds, seen / sw.Elapsed.TotalSeconds);
    }

    /// <summary>Global gradient norm before clipping at the last <see cref="TrainStep"/>, when
    /// <see cref="TrainerOptions.MaxGradNorm"/> is set (NaN before the first step or without clipping).</summary>
    public double LastGradNorm { get; private set; } = double.NaN;

    /// <summary>One optimisation step on a batch: forward, loss, backward, clipping (when
    /// <see cref="TrainerOptions.MaxGradNorm"/> is set), update. Returns (loss, correct count).</summary>
    public (float Loss, int Correct) TrainStep(Batch batch)
    {
        var ctx = Context;
        Optimizer.ZeroGrad();
        var logits = Model.Forward(batch.Images);
        var loss = Functional.CrossEntropy(ctx, logits, batch.Labels, Options.LabelSmoothing);
        float value = loss.Item();
        int hits = CountCorrect(logits, batch.Labels);
        loss.Backward(ctx);
        if (Options.QuantizationLossWeight > 0f)
        {
            value += AddQuantizationLoss(Options.QuantizationLossWeight);
        }
        if (Options.MaxGradNorm is { } limit)
        {
            LastGradNorm = GradientClipping.ClipGradNorm(_parameters, limit);
        }
        Optimizer.Step();
        return (value, hits);
    }

    /// <summary>Adds the gradient of lambda * sum (W - alpha sign W)^2 to every binary convolution's latent weight;
    /// returns the regulariser's value.</summary>
    private float AddQuantizationLoss(float lambda)
    {
        double total = 0;
        foreach (var conv in _binaryConvs)
        {
            var w = conv.Weight.Data;
            var g = conv.Weight.EnsureGrad(Context);
            var alphas = BinaryWeightQuantizer.Alphas(conv.Weight);
            int size = w.Length / alphas.Length;
            for (int i = 0; i < w.Length; i++)
            {
                float a = alphas[i / size];
                float r = w[i] - (w[i] >= 0f ? a : -a);
                total += (double)r * r;
                g[i] += 2f * lambda * r;
            }
        }
        return (float)(lambda * total);
    }

    /// <summary>Restores model, optimiser and epoch count from a checkpoint (the <c>--resume</c> path).</summary>
    public CheckpointData Resume(string path)
    {
        var data = Checkpoint.Load(path, Model, Optimizer);
        CompletedEpochs = data.Epoch;
        return data;
    }

    /// <summary>Writes a checkpoint now.</summary>
    public void SaveCheckpoint(string path, string metadata = "") => Checkpoint.Save(path, Model, Optimizer, CompletedEpochs, metadata);

    /// <summary>Accuracy and loss of <paramref name="model"/> in eval mode (running BN statistics); restores the previous mode.</summary>
    public static EvaluationResult Evaluate(Module model, ImageDataset data, int batchSize = 500)
    {
        var ctx = model.Context;
        bool wasTraining = model.Training;
        model.Eval();
        var loader = new DataLoader(data, batchSize, shuffle: false);
        double lossSum = 0;
        int correct = 0, top5 = 0;
        using (ctx.NoGrad())
        using (ctx.BeginScope())
        {
            var e = loader.Epoch(ctx, 0).GetEnumerator();
            while (true)
            {
                using var scope = ctx.BeginScope();
                if (!e.MoveNext())
                {
                    break;
                }
                var logits = model.Forward(e.Current.Images);
                lossSum += Functional.CrossEntropy(ctx, logits, e.Current.Labels).Item() * e.Current.Labels.Length;
                correct += CountCorrect(logits, e.Current.Labels);
                top5 += CountInTopK(logits, e.Current.Labels, 5);
            }
        }
        model.Train(wasTraining);
        return new EvaluationResult((double)correct / data.Count, lossSum / data.Count, data.Count, correct) { Top5Accuracy = (double)top5 / data.Count };
    }

    /// <summary>
    /// Re-estimates every batch-norm layer's (BatchNorm2d and BatchNorm1d) running statistics with frozen weights, layer by layer in forward
    /// order: for each layer, resets its statistics and averages the batch statistics of
    /// <paramref name="batches"/> training batches cumulatively (PyTorch momentum = None), without gradients.
    /// 1-bit sign quantisers, in the same forward order, get their <see cref="SignActivationQuantizer.EstimatedScale"/>:
    /// the mean per-sample scale over the same batches, which eval mode then uses for every sample.
    /// The model ends in eval mode. Worth doing before export: binary networks are sensitive to stale
    /// running statistics.
    /// </summary>
    public static void ReestimateBatchNorm(Module model, ImageDataset data, int batches = 20, int batchSize = 128, int seed = 0)
    {
        // One layer at a time, in forward order, with every other layer in eval mode: each layer's
        // statistics are measured on the activations it will see at inference (upstream layers already
        // using their re-estimated running statistics). Estimating all layers in one train-mode pass
        // measures downstream layers on batch-normalised inputs instead, which quantisers amplify.
        var ctx = model.Context;
        var layers = model.Modules().Where(m => m is BatchNorm or SignActivationQuantizer).ToList();
        var loader = new DataLoader(data, batchSize, shuffle: true, seed);
        model.Eval();
        // Downstream sign quantisers use per-sample scales until their turn comes.
        foreach (var sign in layers.OfType<SignActivationQuantizer>())
        {
            sign.EstimatedScale = 0f;
        }
        using (ctx.NoGrad())
        {
            foreach (var layer in layers)
            {
                if (layer is BatchNorm norm)
                {
                    float? momentum = norm.Momentum;
                    norm.ResetRunningStats();
                    norm.Momentum = null;
                    norm.Train();
                    RunBatches(model, loader, batches);
                    norm.Eval();
                    norm.Momentum = momentum;
                }
                else if (layer is SignActivationQuantizer sign)
                {
                    sign.ResetObservedScale();
                    RunBatches(model, loader, batches);
                    sign.EstimatedScale = (float)sign.MeanObservedScale;
                }
            }
        }
        model.Eval();
    }

    private static void RunBatches(Module model, DataLoader loader, int batches)
    {
        var ctx = model.Context;
        using (ctx.BeginScope())
        {
            int done = 0;
            foreach (var batch in loader.Epoch(ctx, 0))
            {
                using var scope = ctx.BeginScope();
                model.Forward(batch.Images);
                if (++done >= batches)
                {
                    break;
                }
            }
        }
    }

    /// <summary>Number of rows of <paramref name="logits"/> whose label scores among the <paramref name="k"/> highest
    /// (fewer than k logits strictly greater than the label's; every row counts when k >= classes).</summary>
    public static int CountInTopK(Tensor logits, IReadOnlyList<int> labels, int k)
    {
        int n = logits.Size(0), classes = logits.Size(1), hits = 0;
        for (int i = 0; i < n; i++)
        {
            float target = logits.Data[i * classes + labels[i]];
            int greater = 0;
            for (int j = 0; j < classes; j++)
            {
                greater += logits.Data[i * classes + j] > target ? 1 : 0;
            }
            hits += greater < k ? 1 : 0;
        }
        return hits;
    }

    /// <summary>Number of rows of <paramref name="logits"/> whose arg-max (first on ties) equals the label.</summary>
    public static int CountCorrect(Tensor logits, IReadOnlyList<int> labels)
    {
        int n = logits.Size(0), k = logits.Size(1), correct = 0;
        for (int i = 0; i < n; i++)
        {
            int best = 0;
            for (int j = 1; j < k; j++)
            {
                if (logits.Data[i * k + j] > logits.Data[i * k + best])
                {
                    best = j;
                }
            }
            correct += best == labels[i] ? 1 : 0;
        }
        return correct;
    }
}
