using System.Runtime.Intrinsics;
using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;
using GroupNet.Trainer.Tensors;

namespace GroupNet.Trainer.Ops;

public static unsafe partial class Functional
{
    /// <summary>
    /// Batch normalisation over (N, H, W) per channel of an NCHW tensor:
    /// y = (x - mean) / sqrt(var + eps) * weight + bias. Training mode uses the batch statistics (biased
    /// variance) and, when <paramref name="batchMean"/>/<paramref name="batchVar"/> are given, writes them there
    /// (the variance written is the biased one; the module applies Bessel's correction to its running
    /// variance, like PyTorch). Eval mode uses <paramref name="runningMean"/>/<paramref name="runningVar"/>.
    /// Each channel is reduced by one thread in a fixed order, so results do not depend on the thread count.
    /// </summary>
    public static Tensor BatchNorm2d(TrainingContext ctx, Tensor x, Tensor weight, Tensor bias, float[] runningMean, float[] runningVar,
        bool training, float eps, float[]? batchMean = null, float[]? batchVar = null)
    {
        if (x.Rank != 4 || weight.Count != x.Size(1) || bias.Count != x.Size(1))
        {
            throw new ArgumentException($"batchnorm2d: input {x} does not match {weight.Count} channels");
        }
        int n = x.Size(0), c = x.Size(1), hw = x.Size(2) * x.Size(3);
        long m = (long)n * hw;
        var mean = new float[c];
        var invStd = new float[c];
        var y = Tensor.Create(ctx, false, x.ShapeArray());
        var xd = x.Data;
        var yd = y.Data;
        var wd = weight.Data;
        var bd = bias.Data;
        Parallel.For(0, c, ctx.ParallelOptions, ch =>
        {
            float mu, variance;
            if (training)
            {
                double s = 0, s2 = 0;
                for (int i = 0; i < n; i++)
                {
                    var span = new ReadOnlySpan<float>(xd, (i * c + ch) * hw, hw);
                    s += TensorPrimitives.Sum(span);
                    s2 += TensorPrimitives.SumOfSquares(span);
                }
                double dm = s / m;
                double dv = Math.Max(0.0, s2 / m - dm * dm);
                mu = (float)dm;
                variance = (float)dv;
                if (batchMean is not null)
                {
                    batchMean[ch] = mu;
                }
                if (batchVar is not null)
                {
                    batchVar[ch] = variance;
                }
            }
            else
            {
                mu = runningMean[ch];
                variance = runningVar[ch];
            }
            float istd = 1f / MathF.Sqrt(variance + eps);
            mean[ch] = mu;
            invStd[ch] = istd;
            float a = wd[ch] * istd;
            float b = bd[ch] - mu * a;
            for (int i = 0; i < n; i++)
            {
                int off = (i * c + ch) * hw;
                fixed (float* px = xd, py = yd)
                {
                    Affine(py + off, px + off, a, b, hw);
                }
            }
        });
        y.AttachGrad(ctx, [x, weight, bias], output =>
        {
            var dy = output.Grad!;
            float[]? dx = x.RequiresGrad ? x.EnsureGrad(ctx) : null;
            float[]? dw = weight.RequiresGrad ? weight.EnsureGrad(ctx) : null;
            float[]? db = bias.RequiresGrad ? bias.EnsureGrad(ctx) : null;
            Parallel.For(0, c, ctx.ParallelOptions, ch =>
            {
                double sdy = 0, sdyx = 0;
                for (int i = 0; i < n; i++)
                {
                    int off = (i * c + ch) * hw;
                    var g = new ReadOnlySpan<float>(dy, off, hw);
                    sdy += TensorPrimitives.Sum(g);
                    sdyx += TensorPrimitives.Dot(g, new ReadOnlySpan<float>(xd, off, hw));
                }
                float mu = mean[ch], istd = invStd[ch];
                double dbeta = sdy;
                double dgamma = istd * (sdyx - mu * sdy); // sum(dy * xhat)
                if (dw is not null)
                {
                    dw[ch] += (float)dgamma;
                }
                if (db is not null)
                {
                    db[ch] += (float)dbeta;
                }
                if (dx is null)
                {
                    return;
                }
                float gi = wd[ch] * istd;
                float c1, c2, c3;
                if (training)
                {
                    // dx = gi * (dy - dbeta/M - xhat * dgamma/M), xhat = (x - mu) * istd
                    c1 = gi;
                    c2 = (float)(-gi * istd * dgamma / m);
                    c3 = (float)(-gi * dbeta / m + gi * istd * mu * dgamma / m);
                }
                else
                {
                    c1 = gi;
                    c2 = 0f;
                    c3 = 0f;
                }
                fixed (float* pdx = dx, pdy = dy, px = xd)
                {
                    for (int i = 0; i < n; i++)
                    {
                        int off = (i * c + ch) * hw;
                        AddAffine2(pdx + off, pdy + off, c1, px + off, c2, c3, hw);
                    }
                }
            });
        });
        return y;
    }

    /// <summary>
    /// Batch normalisation of [N, C] or [N, C, L] inputs (PyTorch's <c>batch_norm</c> behind <c>nn.BatchNorm1d</c>):
    /// statistics per channel over N (and L). Same arguments and semantics as <see cref="BatchNorm2d"/>, which it
    /// runs on a [N, C, L, 1] view; the output has the input's shape.
    /// </summary>
    public static Tensor BatchNorm1d(TrainingContext ctx, Tensor x, Tensor weight, Tensor bias, float[] runningMean, float[] runningVar,
        bool training, float eps, float[]? batchMean = null, float[]? batchVar = null)
    {
        if (x.Rank is not (2 or 3))
        {
            throw new ArgumentException($"batchnorm1d: needs an [N, C] or [N, C, L] input, got {x}");
        }
        int length = x.Rank == 3 ? x.Size(2) : 1;
        var view = x.Reshape(ctx, x.Size(0), x.Size(1), length, 1);
        var y = BatchNorm2d(ctx, view, weight, bias, runningMean, runningVar, training, eps, batchMean, batchVar);
        return y.Reshape(ctx, x.ShapeArray());
    }

    /// <summary>dst[i] = a * u[i] + b.</summary>
    private static void Affine(float* dst, float* u, float a, float b, int count)
    {
        var va = Vector512.Create(a);
        var vb = Vector512.Create(b);
        int i = 0;
        for (; i + 16 <= count; i += 16)
        {
            Vector512.FusedMultiplyAdd(va, Vector512.Load(u + i), vb).Store(dst + i);
        }
        for (; i < count; i++)
        {
            dst[i] = MathF.FusedMultiplyAdd(a, u[i], b);
        }
    }

    /// <summary>dst[i] += a * u[i] + b * v[i] + c.</summary>
    private static void AddAffine2(float* dst, float* u, float a, float* v, float b, float c, int count)
    {
        var va = Vector512.Create(a);
        var vb = Vector512.Create(b);
        var vc = Vector512.Create(c);
        int i = 0;
        for (; i + 16 <= count; i += 16)
        {
            var r = Vector512.FusedMultiplyAdd(va, Vector512.Load(u + i),
                Vector512.FusedMultiplyAdd(vb, Vector512.Load(v + i), vc));
            (Vector512.Load(dst + i) + r).Store(dst + i);
        }
        for (; i < count; i++)
        {
            dst[i] += MathF.FusedMultiplyAdd(a, u[i], MathF.FusedMultiplyAdd(b, v[i], c));
        }
    }
}
