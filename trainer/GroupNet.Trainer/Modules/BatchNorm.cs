using GroupNet.Trainer.Tensors;

namespace GroupNet.Trainer.Modules;

/// <summary>
/// Shared state and running-statistics logic of <see cref="BatchNorm2d"/> and <see cref="BatchNorm1d"/>
/// (PyTorch's <c>_BatchNorm</c>). Training mode normalises with the batch statistics and updates the running
/// statistics: running = (1 - m) * running + m * batch, with the running variance unbiased (n / (n - 1));
/// <see cref="Momentum"/> null means a cumulative average over <see cref="NumBatchesTracked"/> batches
/// (used to re-estimate statistics). Eval mode normalises with the running statistics.
/// Members are registered as Weight, Bias, RunningMean, RunningVar.
/// </summary>
public abstract class BatchNorm : Module
{
    /// <summary>Creates a batch-norm layer with weight 1, bias 0, running mean 0 and running variance 1.</summary>
    protected BatchNorm(TrainingContext context, int channels, float eps, float? momentum)
        : base(context)
    {
        if (channels < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(channels), channels, "batch norm needs at least one channel");
        }
        if (!(eps > 0f))
        {
            throw new ArgumentOutOfRangeException(nameof(eps), eps, "eps must be > 0");
        }
        if (momentum is { } m && !(m >= 0f && m <= 1f))
        {
            throw new ArgumentOutOfRangeException(nameof(momentum), momentum, "momentum must be in [0, 1] or null");
        }
        Channels = channels;
        Eps = eps;
        Momentum = momentum;
        var w = new float[channels];
        Array.Fill(w, 1f);
        Weight = RegisterParameter("Weight", new Parameter(w, channels));
        Bias = RegisterParameter("Bias", new Parameter(new float[channels], channels));
        RunningMean = RegisterBuffer("RunningMean", Tensor.Zeros(channels));
        var v = new float[channels];
        Array.Fill(v, 1f);
        RunningVar = RegisterBuffer("RunningVar", new Tensor(v, channels));
    }

    /// <summary>Number of channels.</summary>
    public int Channels { get; }

    /// <summary>Added to the variance before the square root.</summary>
    public float Eps { get; }

    /// <summary>Running-statistics momentum, or null for a cumulative average.</summary>
    public float? Momentum { get; set; }

    /// <summary>Batches seen in training mode since creation or <see cref="ResetRunningStats"/>.</summary>
    public long NumBatchesTracked { get; private set; }

    /// <summary>Scale gamma.</summary>
    public Parameter Weight { get; }

    /// <summary>Shift beta.</summary>
    public Parameter Bias { get; }

    /// <summary>Running mean buffer.</summary>
    public Tensor RunningMean { get; }

    /// <summary>Running (unbiased) variance buffer.</summary>
    public Tensor RunningVar { get; }

    /// <summary>
    /// Sets the affine parameters so that a unit-normal input lands mostly inside [0, 1]
    /// (weight = <paramref name="weight"/>, bias = <paramref name="bias"/>): used for BNs that feed a k-bit
    /// activation quantiser, whose straight-through gradient is zero outside [0, 1].
    /// </summary>
    public void InitAffine(float weight, float bias)
    {
        Array.Fill(Weight.Data, weight);
        Array.Fill(Bias.Data, bias);
    }

    /// <summary>Resets running mean to 0, variance to 1 and the batch counter to 0.</summary>
    public void ResetRunningStats()
    {
        Array.Clear(RunningMean.Data);
        Array.Fill(RunningVar.Data, 1f);
        NumBatchesTracked = 0;
    }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input)
    {
        if (!Training)
        {
            return Normalize(input, false, null, null);
        }
        var mean = new float[Channels];
        var variance = new float[Channels];
        var y = Normalize(input, true, mean, variance);
        long count = input.Count / Channels;
        float bessel = count > 1 ? (float)count / (count - 1) : 1f;
        NumBatchesTracked++;
        float m = Momentum ?? 1f / NumBatchesTracked;
        for (int c = 0; c < Channels; c++)
        {
            RunningMean.Data[c] = (1 - m) * RunningMean.Data[c] + m * mean[c];
            RunningVar.Data[c] = (1 - m) * RunningVar.Data[c] + m * variance[c] * bessel;
        }
        return y;
    }

    /// <summary>Runs the functional batch norm: batch statistics (written to <paramref name="mean"/> and
    /// <paramref name="variance"/>) when <paramref name="training"/>, running statistics otherwise.</summary>
    protected abstract Tensor Normalize(Tensor input, bool training, float[]? mean, float[]? variance);
}
