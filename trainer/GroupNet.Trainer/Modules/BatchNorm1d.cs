using GroupNet.Trainer.Ops;
using GroupNet.Trainer.Tensors;

namespace GroupNet.Trainer.Modules;

/// <summary>
/// Batch normalisation of [N, C] (or [N, C, L]) inputs (PyTorch's <c>nn.BatchNorm1d</c>): statistics per
/// channel over N (and L). Running statistics and modes as described on <see cref="BatchNorm"/>.
/// </summary>
public sealed class BatchNorm1d : BatchNorm
{
    /// <summary>Creates a batch-norm layer with weight 1, bias 0, running mean 0 and running variance 1.</summary>
    public BatchNorm1d(TrainingContext context, int channels, float eps = 1e-5f, float? momentum = 0.1f)
        : base(context, channels, eps, momentum)
    {
    }

    /// <inheritdoc/>
    protected override Tensor Normalize(Tensor input, bool training, float[]? mean, float[]? variance) =>
        Functional.BatchNorm1d(Context, input, Weight, Bias, RunningMean.Data, RunningVar.Data, training, Eps, mean, variance);
}
