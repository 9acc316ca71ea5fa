namespace GroupNet.Trainer.Training;

/// <summary>Hyper-parameters of <see cref="Trainer"/> (defaults follow the Group-Net recipe on MNIST).</summary>
public sealed record TrainerOptions
{
    /// <summary>Total epochs (a resumed run continues up to this).</summary>
    public int Epochs { get; init; } = 2;

    /// <summary>Images per batch.</summary>
    public int BatchSize { get; init; } = 128;

    /// <summary>Peak learning rate of the cosine schedule.</summary>
    public float LearningRate { get; init; } = 0.05f;

    /// <summary>The update rule (Nesterov SGD by default; Adam and AdamW use <see cref="Momentum"/> as beta1).</summary>
    public OptimizerKind Optimizer { get; init; } = OptimizerKind.Sgd;

    /// <summary>SGD momentum (beta1 for Adam and AdamW).</summary>
    public float Momentum { get; init; } = 0.9f;

    /// <summary>Nesterov momentum.</summary>
    public bool Nesterov { get; init; } = true;

    /// <summary>L2 weight decay on convolution and linear weights (never on BN parameters, scales or biases).</summary>
    public float WeightDecay { get; init; } = 1e-4f;

    /// <summary>Linear warm-up iterations before the cosine decay.</summary>
    public int WarmupSteps { get; init; }

    /// <summary>Random shift augmentation in pixels (0 = off).</summary>
    public int MaxShift { get; init; }

    /// <summary>Seed of the data order and augmentation.</summary>
    public int Seed { get; init; }

    /// <summary>When set, a checkpoint is written here after every epoch (atomically).</summary>
    public string? CheckpointPath { get; init; }

    /// <summary>When set, gradients are clipped to this global L2 norm before every optimiser step
    /// (LibTorch's <c>clip_grad_norm_</c>); null = no clipping.</summary>
    public float? MaxGradNorm { get; init; }

    /// <summary>Label smoothing of the training loss (0 = plain cross-entropy); evaluation always uses 0.</summary>
    public float LabelSmoothing { get; init; }

    /// <summary>Learning-rate decay (cosine by default).</summary>
    public LrScheduleKind Schedule { get; init; } = LrScheduleKind.Cosine;

    /// <summary>Epochs between decays of the step schedule; 0 = a third of <see cref="Epochs"/> (at least 1).</summary>
    public int StepEpochs { get; init; }

    /// <summary>Multiplier of the step schedule at every decay.</summary>
    public float StepGamma { get; init; } = 0.1f;

    /// <summary>Random left-right mirroring (sensible for Fashion-MNIST, not for digits).</summary>
    public bool HorizontalFlip { get; init; }

    /// <summary>
    /// lambda of the quantization-loss regulariser lambda * sum (W - alpha sign W)^2 over the latent weights of every
    /// <see cref="Modules.BinaryConv2d"/> (alpha = mean |W| per filter); 0 = off. Its gradient is 2 lambda (W - alpha sign W):
    /// the alpha term of the exact derivative vanishes because sum sign(W) (W - alpha sign W) = 0 per filter.
    /// </summary>
    public float QuantizationLossWeight { get; init; }

    /// <summary>
    /// w of knowledge distillation from a teacher (the full-precision parent): the training loss becomes
    /// (1 - w) CE(z_s, y) + w T^2 KL(softmax(z_t / T) || softmax(z_s / T)), z_t from the teacher in eval mode without
    /// gradients (Hinton et al. 2015; the binary-network literature's usual way to pass a parent's knowledge on);
    /// 0 = off. Needs a teacher passed to <see cref="Trainer"/>. Without augmentation the teacher's logits of the whole
    /// training set are computed once and reused in every epoch.
    /// </summary>
    public float DistillationWeight { get; init; }

    /// <summary>T of the distillation loss (softens both distributions; T^2 keeps its gradient's scale).</summary>
    public float DistillationTemperature { get; init; } = 1f;

    /// <summary>Collect TorchSharp's finalizable wrappers after every step (<see cref="Native.NativeHeap.CollectWrappers"/>):
    /// for processes that call TorchSharp from this one thread only (the CLI, the benchmarks); off by default.</summary>
    public bool CollectWrappersEachStep { get; init; }

    /// <summary>Throws when a value is out of range.</summary>
    public void Validate()
    {
        if (!Enum.IsDefined(Optimizer))
        {
            throw new ArgumentOutOfRangeException(nameof(Optimizer), Optimizer, "unknown optimizer");
        }
        if (!(Momentum >= 0f && Momentum < 1f) || !(WeightDecay >= 0f) || float.IsInfinity(WeightDecay))
        {
            throw new ArgumentOutOfRangeException(nameof(Momentum), "momentum must be in [0, 1) and weight decay finite and >= 0");
        }
        if (Epochs < 1 || BatchSize < 1 || !(LearningRate > 0f) || WarmupSteps < 0 || MaxShift < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(Epochs), "epochs, batch size and learning rate must be positive; warm-up and shift >= 0");
        }
        if (MaxGradNorm is { } limit && !(limit > 0f && float.IsFinite(limit)))
        {
            throw new ArgumentOutOfRangeException(nameof(MaxGradNorm), limit, "max gradient norm must be finite and > 0 (or null for no clipping)");
        }
        if (StepEpochs < 0 || !(StepGamma > 0f && StepGamma <= 1f))
        {
            throw new ArgumentOutOfRangeException(nameof(StepEpochs), "step epochs must be >= 0 and the step gamma in (0, 1]");
        }
        if (!(QuantizationLossWeight >= 0f) || float.IsInfinity(QuantizationLossWeight))
        {
            throw new ArgumentOutOfRangeException(nameof(QuantizationLossWeight), QuantizationLossWeight, "quantization-loss weight must be finite and >= 0");
        }
        if (!(DistillationWeight >= 0f && DistillationWeight <= 1f) || !(DistillationTemperature > 0f) || float.IsInfinity(DistillationTemperature))
        {
            throw new ArgumentOutOfRangeException(nameof(DistillationWeight), "distillation weight must be in [0, 1] and its temperature finite and > 0");
        }
        if (!(LabelSmoothing >= 0f && LabelSmoothing <= 1f))
        {
            throw new ArgumentOutOfRangeException(nameof(LabelSmoothing), LabelSmoothing, "label smoothing must be in [0, 1]");
        }
    }
}
