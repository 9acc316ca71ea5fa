using System.Runtime.Intrinsics;
using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;
using GroupNet.Trainer.Modules;
using GroupNet.Trainer.Tensors;

namespace GroupNet.Trainer.Quantization;

/// <summary>
/// k = 1 activations: sign with an XNOR-Net style scale,
/// y = beta_n * sign(x), beta_n = mean(|x|) over every element of sample n (all dimensions but the first).
/// <b>sign(0) = +1</b> (the project-wide convention of <see cref="BinaryWeightQuantizer"/>; -0 is zero, so +1 too).
/// <para>Why one scale per sample: XNOR-Net's scale of the input (its beta, or the per-position matrix K) exists to
/// be pulled out of the binary convolution, conv(beta * sign(x), W) = beta * conv(sign(x), W), so the convolution
/// stays XNOR + popcount and the scale multiplies the integer sum once per output. A scalar per sample factors out
/// exactly for every layer type; a per-channel scale would not (each input channel's partial sum would need its own
/// multiplier), and a per-position K is tied to one convolution's kernel. A per-batch scale would make a sample's
/// output depend on the rest of its batch, so none is shared across samples.</para>
/// <para>Backward: the exact chain rule through y = beta(x) * s(x), with sign's derivative replaced by the
/// straight-through estimator s'(x) = 1 where |x| &lt;= 1 (0 outside):
/// dL/dx_j = beta * g_j * [|x_j| &lt;= 1] + sign(x_j) / M * sum_i g_i * sign(x_i), M elements per sample.
/// The second term is the true derivative of beta (d|x|/dx = sign(x), sign(0) = +1 as a subgradient); it is what a
/// finite-difference check sees where every |x| &gt; 1.</para>
/// <para>Inference: once <see cref="EstimatedScale"/> is set (by <c>Trainer.ReestimateBatchNorm</c> after training,
/// measured like batch-norm statistics as the mean beta_n over training batches), eval mode uses that one constant for
/// every sample. That is the deployed integer program's semantics (a constant folds into the next layer's
/// thresholds; a per-sample mean |x| would need a division on the device), so the trained model's own evaluation and
/// the integer reference compute the same function. Training always uses the per-sample beta_n.</para>
/// Samples run in fixed per-thread slices and each sample's sum runs in a fixed order, so results are deterministic.
/// </summary>
public sealed class SignActivationQuantizer : Module
{
    /// <summary>Creates the quantiser (no parameters; one optional buffer, the estimated scale, 0 until estimated).</summary>
    public SignActivationQuantizer(TrainingContext context)
        : base(context)
    {
        // Optional: checkpoints written before the buffer existed load with it unset (per-sample scales).
        _estimatedScale = RegisterBuffer("EstimatedScale", Tensor.Zeros(1), optional: true);
    }

    private readonly Tensor _estimatedScale;

    /// <summary>The constant beta eval mode uses once estimated (&gt; 0); 0 means not estimated (per-sample beta_n).</summary>
    public float EstimatedScale
    {
        get => _estimatedScale.Data[0];
        set => _estimatedScale.Data[0] = value >= 0f && float.IsFinite(value)
            ? value
            : throw new ArgumentOutOfRangeException(nameof(value), value, "the estimated scale is a finite non-negative number");
    }

    /// <summary>sign with sign(0) = +1.</summary>
    public static float Sign(float x) => x >= 0f ? 1f : -1f;

    private double _observedScaleSum;
    private long _observedSamples;

    /// <summary>Mean of beta_n over every sample seen since <see cref="ResetObservedScale"/>
    /// (NaN when none): the integer exporter folds 1-bit activations with this constant in place of the
    /// per-sample scale.</summary>
    public double MeanObservedScale => _observedSamples == 0 ? double.NaN : _observedScaleSum / _observedSamples;

    /// <summary>When set, every sample uses this beta in place of its own mean |x| (forward only; the gradient keeps
    /// the same form): the deployed integer program's semantics, so a float model can be compared with it exactly.</summary>
    public float? FixedScale { get; set; }

    /// <summary>Forgets the scales observed so far.</summary>
    public void ResetObservedScale()
    {
        _observedScaleSum = 0;
        _observedSamples = 0;
    }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input)
    {
        if (input.Rank < 2 || input.Size(0) == 0 || input.Count == 0)
        {
            throw new ArgumentException($"sign activation needs a non-empty [N, ...] input of rank >= 2, got {input}");
        }
        var ctx = Context;
        int n = input.Size(0);
        int m = input.Count / n;
        var beta = new float[n];
        float? constant = FixedScale ?? (!Training && EstimatedScale > 0f ? EstimatedScale : null);
        var y = Tensor.Create(ctx, false, input.ShapeArray());
        var xd = input.Data;
        var yd = y.Data;
        ForSamples(ctx, n, m, i =>
        {
            beta[i] = constant ?? TensorPrimitives.SumOfMagnitudes(new ReadOnlySpan<float>(xd, i * m, m)) / m;
            ScaledSign(xd, yd, i * m, m, beta[i]);
        });
        foreach (float b in beta)
        {
            _observedScaleSum += b;
        }
        _observedSamples += n;
        y.AttachGrad(ctx, [input], output =>
        {
            var dy = output.Grad!;
            var dx = input.EnsureGrad(ctx);
            ForSamples(ctx, n, m, i =>
            {
                int off = i * m;
                // sum_i g_i * sign(x_i) = dot(g, y) / beta when beta > 0; computed directly so beta = 0 works too
                double sum = 0;
                for (int j = off; j < off + m; j++)
                {
                    sum += xd[j] >= 0f ? dy[j] : -dy[j];
                }
                Backward(xd, dy, dx, off, m, beta[i], (float)(sum / m));
            });
        });
        return y;
    }

    private static void ForSamples(TrainingContext ctx, int n, int m, Action<int> body)
    {
        int parts = (long)n * m < (1 << 15) ? 1 : Math.Min(ctx.Threads, n);
        ctx.ParallelForThreads(parts, t =>
        {
            var (s, e) = TrainingContext.Slice(n, t, parts);
            for (int i = s; i < e; i++)
            {
                body(i);
            }
        });
    }

    /// <summary>y = x &gt;= 0 ? beta : -beta.</summary>
    private static unsafe void ScaledSign(float[] x, float[] y, int start, int count, float beta)
    {
        var vb = Vector512.Create(beta);
        fixed (float* px = x, py = y)
        {
            int i = start, end = start + count;
            for (; i + 16 <= end; i += 16)
            {
                var nonNegative = Vector512.GreaterThanOrEqual(Vector512.Load(px + i), Vector512<float>.Zero);
                Vector512.ConditionalSelect(nonNegative, vb, -vb).Store(py + i);
            }
            for (; i < end; i++)
            {
                py[i] = px[i] >= 0f ? beta : -beta;
            }
        }
    }

    /// <summary>dx += beta * dy * [|x| &lt;= 1] + sign(x) * c.</summary>
    private static unsafe void Backward(float[] x, float[] dy, float[] dx, int start, int count, float beta, float c)
    {
        var vb = Vector512.Create(beta);
        var vc = Vector512.Create(c);
        var one = Vector512.Create(1f);
        fixed (float* px = x, pdy = dy, pdx = dx)
        {
            int i = start, end = start + count;
            for (; i + 16 <= end; i += 16)
            {
                var v = Vector512.Load(px + i);
                var inside = Vector512.LessThanOrEqual(Vector512.Abs(v), one);
                var signed = Vector512.ConditionalSelect(Vector512.GreaterThanOrEqual(v, Vector512<float>.Zero), vc, -vc);
                var r = (vb * Vector512.Load(pdy + i) & inside) + signed;
                (Vector512.Load(pdx + i) + r).Store(pdx + i);
            }
            for (; i < end; i++)
            {
                float r = MathF.Abs(px[i]) <= 1f ? beta * pdy[i] : 0f;
                pdx[i] += r + (px[i] >= 0f ? c : -c);
            }
        }
    }
}
