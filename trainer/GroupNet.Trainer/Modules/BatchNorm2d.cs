using GroupNet.Trainer.Ops;
using GroupNet.Trainer.Tensors;

namespace GroupNet.Trainer.Modules;

/// <summary>
/// Batch normalisation over NCHW channels (PyTorch's <c>nn.BatchNorm2d</c>): statistics per channel over
/// (N, H, W). Running statistics and modes as described on <see cref="BatchNorm"/>.
/// </summary>
public sealed class BatchNorm2d : BatchNorm
{
    /// <summary>Creates a batch-norm layer with weight 1, bias 0, running mean 0 and running variance 1.</summary>
    public BatchNorm2d(TrainingContext context, int channels, float eps = 1e-5f, float? momentum = 0.1f)
        : base(context, channels, eps, momentum)
    {
    }

    /// <inheritdoc/>
    protected override Tensor Normalize(Tensor input, bool training, float[]? mean, float[]? variance) =>
        Functional.BatchNorm2d(Context, input, Weight, Bias, RunningMean.Data, RunningVar.Data, training, Eps, mean, variance);
}
