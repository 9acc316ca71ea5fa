using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace GroupNet.Trainer.Modules;

/// <summary>
/// The forward pass of TorchSharp's <see cref="BatchNorm2d"/>, step for step (TorchSharp 0.107's
/// <c>BatchNorm.forward</c>), except that the batch counter's increment uses scalars that live for the process.
/// TorchSharp's own forward calls <c>num_batches_tracked.add_(1)</c>: the value 1 and the default alpha become native
/// scalars that nothing references during the call, so a collection started on another thread can let their
/// finalizer free them while LibTorch reads them ("Unknown scalar type" in <c>add_</c>, seen once in the parallel test
/// host during batch-norm re-estimation). The module, its parameters, buffers and state-dict names stay TorchSharp's;
/// only the forward call goes through here.
/// </summary>
public static class BatchNormForward
{
    private static readonly Scalar OneBatch = 1L.ToScalar();

    /// <summary><paramref name="norm"/> applied to <paramref name="input"/> (N, C, H, W), updating its running
    /// statistics in training mode as TorchSharp's forward does.</summary>
    public static Tensor Of(BatchNorm2d norm, Tensor input)
    {
        if (input.dim() != 4)
        {
            throw new ArgumentException($"expected 4D input (got {input.dim()}D input)", nameof(input));
        }
        double factor = norm.momentum ?? 0.0;
        if (norm.training && norm.track_running_stats && norm.num_batches_tracked is { } tracked)
        {
            tracked.add_(OneBatch, OneBatch);
            factor = norm.momentum ?? 1.0 / tracked.ToDouble();
        }
        bool batchStatistics = norm.training || (norm.running_mean is null && norm.running_var is null);
        bool runningBuffers = !norm.training || norm.track_running_stats;
        return nn.functional.batch_norm(input, runningBuffers ? norm.running_mean : null, runningBuffers ? norm.running_var : null,
            norm.weight, norm.bias, batchStatistics, factor, norm.eps);
    }
}
