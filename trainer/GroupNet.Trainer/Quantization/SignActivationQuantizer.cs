using TorchSharp;
using static TorchSharp.torch;

namespace GroupNet.Trainer.Quantization;

/// <summary>
/// k = 1 activations: sign with an XNOR-Net style scale,
/// y = beta_n * sign(x), beta_n = mean(|x|) over every element of sample n (all dimensions but the first).
/// <b>sign(0) = +1</b> (the project-wide convention of <see cref="BinaryWeightQuantizer"/>; -0 is zero, so +1 too).
/// <para>Why one scale per sample: XNOR-Net's scale of the input exists to be pulled out of the binary convolution,
/// conv(beta * sign(x), W) = beta * conv(sign(x), W), so the convolution stays XNOR + popcount and the scale multiplies
/// the integer sum once per output. A scalar per sample factors out exactly for every layer type; a per-channel scale
/// would not, and a per-batch scale would make a sample's output depend on the rest of its batch.</para>
/// <para>Backward: the chain rule through y = beta(x) * s(x), with sign's derivative replaced by the straight-through
/// estimator s'(x) = 1 where |x| &lt;= 1 (0 outside):
/// dL/dx_j = beta * g_j * [|x_j| &lt;= 1] + sign(x_j) / M * sum_i g_i * sign(x_i), M elements per sample.
/// The second term is the true derivative of beta (with s(x) as the subgradient of |x|, +1 at 0). Training runs
/// through <see cref="SignQuantizerFunction"/>, one autograd node.</para>
/// <para>Inference: once <see cref="EstimatedScale"/> is set (by the statistics pass after training, measured like
/// batch-norm statistics as the mean beta_n over training batches), eval mode uses that one constant for every sample.
/// That is the deployed integer program's semantics (a constant folds into the next layer's thresholds), so the
/// trained model's own evaluation and the integer reference compute the same function. Training always uses the
/// per-sample beta_n.</para>
/// </summary>
public sealed class SignActivationQuantizer : nn.Module<Tensor, Tensor>
{
    private readonly Tensor estimated_scale;
    private double _observedScaleSum;
    private long _observedSamples;

    /// <summary>Creates the quantiser (no parameters; one buffer, <c>estimated_scale</c>, 0 until estimated).</summary>
    public SignActivationQuantizer()
        : base(nameof(SignActivationQuantizer))
    {
        estimated_scale = zeros(1);
        register_buffer(nameof(estimated_scale), estimated_scale);
    }

    /// <summary>The constant beta eval mode uses once estimated (&gt; 0); 0 means not estimated (per-sample beta_n).</summary>
    public float EstimatedScale
    {
        get => estimated_scale.cpu().item<float>();
        set
        {
            if (!(value >= 0f && float.IsFinite(value)))
            {
                throw new ArgumentOutOfRangeException(nameof(value), value, "the estimated scale is a finite non-negative number");
            }
            using (no_grad())
            {
                estimated_scale.fill_(value);
            }
        }
    }

    /// <summary>sign with sign(0) = +1.</summary>
    public static float Sign(float x) => x >= 0f ? 1f : -1f;

    /// <summary>Mean of beta_n over every sample seen since <see cref="ResetObservedScale"/> (NaN when none).</summary>
    public double MeanObservedScale => _observedSamples == 0 ? double.NaN : _observedScaleSum / _observedSamples;

    /// <summary>Whether forward records the per-sample scales it uses (the statistics pass turns it on; it costs a
    /// device-to-host copy per batch).</summary>
    public bool ObserveScales { get; set; }

    /// <summary>When set, every sample uses this beta in place of its own mean |x| (forward only).</summary>
    public float? FixedScale { get; set; }

    /// <summary>Forgets the scales observed so far.</summary>
    public void ResetObservedScale()
    {
        _observedScaleSum = 0;
        _observedSamples = 0;
    }

    /// <inheritdoc/>
    public override Tensor forward(Tensor input)
    {
        if (input.dim() < 2 || input.shape[0] == 0 || input.numel() == 0)
        {
            throw new ArgumentException($"sign activation needs a non-empty [N, ...] input of rank >= 2, got [{string.Join(", ", input.shape)}]");
        }
        using var scope = NewDisposeScope();
        float? constant = FixedScale ?? (!training && EstimatedScale > 0f ? EstimatedScale : null);
        var dims = Enumerable.Range(1, (int)input.dim() - 1).Select(d => (long)d).ToArray();
        Tensor beta;
        using (no_grad())
        {
            beta = constant is { } c
                ? full(Shape(input), c, dtype: input.dtype, device: input.device)
                : input.abs().mean(dims, keepdim: true);
        }
        if (ObserveScales)
        {
            _observedScaleSum += beta.sum().cpu().item<float>();
            _observedSamples += input.shape[0];
        }
        var y = input.requires_grad && is_grad_enabled()
            ? SignQuantizerFunction.apply(input, beta, constant is null)
            : SignQuantizerFunction.Sign(input).mul_(beta);
        return y.MoveToOuterDisposeScope();
    }

    private static long[] Shape(Tensor input)
    {
        var shape = new long[input.dim()];
        Array.Fill(shape, 1L);
        shape[0] = input.shape[0];
        return shape;
    }
}
