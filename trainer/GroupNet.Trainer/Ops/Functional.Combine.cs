using System.Runtime.Intrinsics;
using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;
using GroupNet.Trainer.Tensors;

namespace GroupNet.Trainer.Ops;

public static unsafe partial class Functional
{
    /// <summary>
    /// Hard tanh, i.e. clip: y = min(max(x, <paramref name="minValue"/>), <paramref name="maxValue"/>) (PyTorch's
    /// <c>hardtanh</c>; <c>clamp</c> with a gradient). The gradient passes where minValue &lt; x &lt; maxValue
    /// (strictly, as PyTorch) and is zero elsewhere.
    /// </summary>
    public static Tensor Hardtanh(TrainingContext ctx, Tensor x, float minValue = -1f, float maxValue = 1f)
    {
        if (!(minValue < maxValue))
        {
            throw new ArgumentOutOfRangeException(nameof(minValue), $"hardtanh needs min < max (got {minValue}, {maxValue})");
        }
        var y = Tensor.Create(ctx, false, x.ShapeArray());
        var xd = x.Data;
        var yd = y.Data;
        ForSlices(ctx, xd.Length, (s, l) => TensorPrimitives.Clamp(new ReadOnlySpan<float>(xd, s, l), minValue, maxValue, new Span<float>(yd, s, l)));
        y.AttachGrad(ctx, [x], output =>
        {
            var dy = output.Grad!;
            var dx = x.EnsureGrad(ctx);
            ForSlices(ctx, dx.Length, (s, l) => PassBetween(xd, dy, dx, s, l, minValue, maxValue));
        });
        return y;
    }

    /// <summary>dx[i] += dy[i] where lo &lt; x[i] &lt; hi.</summary>
    private static void PassBetween(float[] x, float[] dy, float[] dx, int start, int count, float lo, float hi)
    {
        var vlo = Vector512.Create(lo);
        var vhi = Vector512.Create(hi);
        fixed (float* px = x, pdy = dy, pdx = dx)
        {
            int i = start, end = start + count;
            for (; i + 16 <= end; i += 16)
            {
                var v = Vector512.Load(px + i);
                var mask = Vector512.GreaterThan(v, vlo) & Vector512.LessThan(v, vhi);
                (Vector512.Load(pdx + i) + (Vector512.Load(pdy + i) & mask)).Store(pdx + i);
            }
            for (; i < end; i++)
            {
                if (px[i] > lo && px[i] < hi)
                {
                    pdx[i] += pdy[i];
                }
            }
        }
    }

    /// <summary>
    /// Concatenation along dimension 1 (channels of NCHW, features of [N, F]; PyTorch's <c>cat(dim=1)</c>):
    /// inputs [N, C_i, rest...] with equal N and rest give [N, sum C_i, rest...]. The gradient is the matching slice.
    /// </summary>
    public static Tensor Concat(TrainingContext ctx, IReadOnlyList<Tensor> inputs)
    {
        if (inputs.Count == 0)
        {
            throw new ArgumentException("concat: no inputs", nameof(inputs));
        }
        var first = inputs[0];
        if (first.Rank < 2)
        {
            throw new ArgumentException($"concat along dimension 1 needs rank >= 2, got {first}");
        }
        int n = first.Size(0);
        int inner = first.Count / Math.Max(1, n * first.Size(1));
        int channels = 0;
        foreach (var t in inputs)
        {
            bool same = t.Rank == first.Rank && t.Size(0) == n;
            for (int d = 2; same && d < t.Rank; d++)
            {
                same = t.Size(d) == first.Size(d);
            }
            if (!same)
            {
                throw new ArgumentException($"concat: {t} does not match {first} outside dimension 1");
            }
            channels += t.Size(1);
        }
        var shape = first.ShapeArray();
        shape[1] = channels;
        var y = Tensor.Create(ctx, false, shape);
        int rowOut = channels * inner;
        var yd = y.Data;
        int offset = 0;
        foreach (var t in inputs)
        {
            int rowIn = t.Size(1) * inner;
            var td = t.Data;
            int at = offset;
            ForRows(ctx, n, rowOut, i => new ReadOnlySpan<float>(td, i * rowIn, rowIn).CopyTo(new Span<float>(yd, i * rowOut + at, rowIn)));
            offset += rowIn;
        }
        y.AttachGrad(ctx, [.. inputs], output =>
        {
            var dy = output.Grad!;
            int at = 0;
            foreach (var t in inputs)
            {
                int rowIn = t.Size(1) * inner;
                if (t.RequiresGrad)
                {
                    var dt = t.EnsureGrad(ctx);
                    int from = at;
                    ForRows(ctx, n, rowOut, i =>
                    {
                        var dst = new Span<float>(dt, i * rowIn, rowIn);
                        TensorPrimitives.Add(dst, new ReadOnlySpan<float>(dy, i * rowOut + from, rowIn), dst);
                    });
                }
                at += rowIn;
            }
        });
        return y;
    }

    /// <summary>Runs body(i) for i in [0, rows), in fixed per-thread slices when the work is large.</summary>
    private static void ForRows(TrainingContext ctx, int rows, int rowLength, Action<int> body)
    {
        int parts = (long)rows * rowLength < ParallelThreshold ? 1 : Math.Min(ctx.Threads, rows);
        ctx.ParallelForThreads(parts, t =>
        {
            var (s, e) = TrainingContext.Slice(rows, t, parts);
            for (int i = s; i < e; i++)
            {
                body(i);
            }
        });
    }

    /// <summary>
    /// Per-channel scale: y[n, c, ...] = scale[c] * x[n, c, ...] for x of rank &gt;= 2 and scale [C] (a learned
    /// per-channel multiplier). Gradients: dx = scale[c] * dy; dscale[c] = sum over n and the trailing dimensions
    /// of dy * x, one channel per thread in a fixed order (deterministic).
    /// </summary>
    public static Tensor ChannelScale(TrainingContext ctx, Tensor x, Tensor scale)
    {
        if (x.Rank < 2 || scale.Count != x.Size(1))
        {
            throw new ArgumentException($"channel scale: {scale.Count} scales for input {x} (needs one per dimension-1 entry)");
        }
        int n = x.Size(0), c = x.Size(1), inner = x.Count / Math.Max(1, n * c);
        var y = Tensor.Create(ctx, false, x.ShapeArray());
        var xd = x.Data;
        var yd = y.Data;
        var sd = scale.Data;
        ForRows(ctx, n * c, inner, row =>
        {
            TensorPrimitives.Multiply(new ReadOnlySpan<float>(xd, row * inner, inner), sd[row % c], new Span<float>(yd, row * inner, inner));
        });
        y.AttachGrad(ctx, [x, scale], output =>
        {
            var dy = output.Grad!;
            if (x.RequiresGrad)
            {
                var dx = x.EnsureGrad(ctx);
                ForRows(ctx, n * c, inner, row =>
                {
                    var dst = new Span<float>(dx, row * inner, inner);
                    TensorPrimitives.MultiplyAdd(new ReadOnlySpan<float>(dy, row * inner, inner), sd[row % c], dst, dst);
                });
            }
            if (scale.RequiresGrad)
            {
                var ds = scale.EnsureGrad(ctx);
                ForRows(ctx, c, n * inner, ch =>
                {
                    double sum = 0;
                    for (int i = 0; i < n; i++)
                    {
                        int off = (i * c + ch) * inner;
                        sum += TensorPrimitives.Dot(new ReadOnlySpan<float>(dy, off, inner), new ReadOnlySpan<float>(xd, off, inner));
                    }
                    ds[ch] += (float)sum;
                });
            }
        });
        return y;
    }

    /// <summary>
    /// Scalar scale: y = scale[0] * x for a one-element (learned) <paramref name="scale"/>; dscale = sum(dy * x)
    /// in fixed per-thread partials (the one-term case of <see cref="WeightedSum"/>).
    /// </summary>
    public static Tensor ScalarScale(TrainingContext ctx, Tensor x, Tensor scale)
    {
        if (scale.Count != 1)
        {
            throw new ArgumentException($"scalar scale needs a one-element scale, got {scale}");
        }
        return WeightedSum(ctx, scale, [x]);
    }
}
