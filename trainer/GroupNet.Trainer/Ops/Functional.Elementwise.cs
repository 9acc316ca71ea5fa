using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;
using GroupNet.Trainer.Tensors;

namespace GroupNet.Trainer.Ops;

public static partial class Functional
{
    /// <summary>Below this many elements elementwise kernels run on the calling thread.</summary>
    private const int ParallelThreshold = 1 << 16;

    /// <summary>Runs body(start, length) over fixed slices of [0, count), one per thread.</summary>
    internal static void ForSlices(TrainingContext ctx, int count, Action<int, int> body)
    {
        int parts = count < ParallelThreshold ? 1 : ctx.Threads;
        ctx.ParallelForThreads(parts, t =>
        {
            var (s, e) = TrainingContext.Slice(count, t, parts);
            body(s, e - s);
        });
    }

    /// <summary>max(x, 0); the gradient passes where x &gt; 0.</summary>
    public static Tensor Relu(TrainingContext ctx, Tensor x)
    {
        var y = Tensor.Create(ctx, false, x.ShapeArray());
        var xd = x.Data;
        var yd = y.Data;
        ForSlices(ctx, xd.Length, (s, l) => TensorPrimitives.Max(new ReadOnlySpan<float>(xd, s, l), 0f, new Span<float>(yd, s, l)));
        y.AttachGrad(ctx, [x], output =>
        {
            var dy = output.Grad!;
            var dx = x.EnsureGrad(ctx);
            ForSlices(ctx, dx.Length, (s, l) =>
            {
                for (int i = s; i < s + l; i++)
                {
                    if (xd[i] > 0f)
                    {
                        dx[i] += dy[i];
                    }
                }
            });
        });
        return y;
    }

    /// <summary>a + b (same shape).</summary>
    public static Tensor Add(TrainingContext ctx, Tensor a, Tensor b)
    {
        if (!a.Shape.SequenceEqual(b.Shape))
        {
            throw new ArgumentException($"add: shapes {a} and {b} differ");
        }
        var y = Tensor.Create(ctx, false, a.ShapeArray());
        var ad = a.Data;
        var bd = b.Data;
        var yd = y.Data;
        ForSlices(ctx, yd.Length, (s, l) => TensorPrimitives.Add(new ReadOnlySpan<float>(ad, s, l), new ReadOnlySpan<float>(bd, s, l), new Span<float>(yd, s, l)));
        y.AttachGrad(ctx, [a, b], output =>
        {
            var dy = output.Grad!;
            foreach (var t in new[] { a, b })
            {
                if (!t.RequiresGrad)
                {
                    continue;
                }
                var g = t.EnsureGrad(ctx);
                ForSlices(ctx, g.Length, (s, l) => TensorPrimitives.Add(new ReadOnlySpan<float>(g, s, l), new ReadOnlySpan<float>(dy, s, l), new Span<float>(g, s, l)));
            }
        });
        return y;
    }

    /// <summary>
    /// y = sum_k scales[k] * inputs[k] (learned per-base scalars, Group-Net's lambda_k). Gradients:
    /// d inputs[k] = scales[k] * dy, d scales[k] = sum(dy * inputs[k]) (fixed-order reduction).
    /// </summary>
    public static Tensor WeightedSum(TrainingContext ctx, Tensor scales, IReadOnlyList<Tensor> inputs)
    {
        if (scales.Count != inputs.Count || inputs.Count == 0)
        {
            throw new ArgumentException($"weighted sum: {scales.Count} scales for {inputs.Count} inputs");
        }
        foreach (var t in inputs)
        {
            if (!t.Shape.SequenceEqual(inputs[0].Shape))
            {
                throw new ArgumentException($"weighted sum: shapes {t} and {inputs[0]} differ");
            }
        }
        var y = Tensor.Create(ctx, false, inputs[0].ShapeArray());
        var yd = y.Data;
        var sd = scales.Data;
        ForSlices(ctx, yd.Length, (s, l) =>
        {
            var dst = new Span<float>(yd, s, l);
            TensorPrimitives.Multiply(new ReadOnlySpan<float>(inputs[0].Data, s, l), sd[0], dst);
            for (int k = 1; k < inputs.Count; k++)
            {
                TensorPrimitives.MultiplyAdd(new ReadOnlySpan<float>(inputs[k].Data, s, l), sd[k], dst, dst);
            }
        });
        var all = new Tensor[inputs.Count + 1];
        all[0] = scales;
        for (int k = 0; k < inputs.Count; k++)
        {
            all[k + 1] = inputs[k];
        }
        y.AttachGrad(ctx, all, output =>
        {
            var dy = output.Grad!;
            int count = dy.Length;
            int parts = count < ParallelThreshold ? 1 : ctx.Threads;
            var partial = new double[parts * inputs.Count];
            bool needScales = scales.RequiresGrad;
            var grads = new float[]?[inputs.Count];
            for (int k = 0; k < inputs.Count; k++)
            {
                grads[k] = inputs[k].RequiresGrad ? inputs[k].EnsureGrad(ctx) : null;
            }
            ctx.ParallelForThreads(parts, t =>
            {
                var (s, e) = TrainingContext.Slice(count, t, parts);
                var g = new ReadOnlySpan<float>(dy, s, e - s);
                for (int k = 0; k < inputs.Count; k++)
                {
                    if (needScales)
                    {
                        partial[t * inputs.Count + k] = TensorPrimitives.Dot(g, new ReadOnlySpan<float>(inputs[k].Data, s, e - s));
                    }
                    if (grads[k] is { } gk)
                    {
                        var dst = new Span<float>(gk, s, e - s);
                        TensorPrimitives.MultiplyAdd(g, sd[k], dst, dst);
                    }
                }
            });
            if (needScales)
            {
                var gs = scales.EnsureGrad(ctx);
                for (int k = 0; k < inputs.Count; k++)
                {
                    double sum = 0;
                    for (int t = 0; t < parts; t++)
                    {
                        sum += partial[t * inputs.Count + k];
                    }
                    gs[k] += (float)sum;
                }
            }
        });
        return y;
    }

    /// <summary>Global average pooling: [N, C, H, W] -> [N, C].</summary>
    public static Tensor GlobalAvgPool2d(TrainingContext ctx, Tensor x)
    {
        if (x.Rank != 4)
        {
            throw new ArgumentException($"global average pool needs NCHW input, got {x}");
        }
        int n = x.Size(0), c = x.Size(1), hw = x.Size(2) * x.Size(3);
        var y = Tensor.Create(ctx, false, n, c);
        var xd = x.Data;
        float inv = 1f / hw;
        for (int i = 0; i < n * c; i++)
        {
            y.Data[i] = TensorPrimitives.Sum(new ReadOnlySpan<float>(xd, i * hw, hw)) * inv;
        }
        y.AttachGrad(ctx, [x], output =>
        {
            var dy = output.Grad!;
            var dx = x.EnsureGrad(ctx);
            for (int i = 0; i < n * c; i++)
            {
                var dst = new Span<float>(dx, i * hw, hw);
                TensorPrimitives.Add(dst, dy[i] * inv, dst);
            }
        });
        return y;
    }

    /// <summary>Fully connected layer: x [N, in], weight [out, in], bias [out] (optional) -> [N, out].</summary>
    public static Tensor Linear(TrainingContext ctx, Tensor x, Tensor weight, Tensor? bias)
    {
        if (x.Rank != 2 || weight.Rank != 2 || x.Size(1) != weight.Size(1))
        {
            throw new ArgumentException($"linear: input {x} does not match weight {weight}");
        }
        int n = x.Size(0), fin = x.Size(1), fout = weight.Size(0);
        var y = Tensor.Create(ctx, false, n, fout);
        var xd = x.Data;
        var wd = weight.Data;
        for (int i = 0; i < n; i++)
        {
            var xi = new ReadOnlySpan<float>(xd, i * fin, fin);
            for (int o = 0; o < fout; o++)
            {
                y.Data[i * fout + o] = TensorPrimitives.Dot(xi, new ReadOnlySpan<float>(wd, o * fin, fin)) + (bias?.Data[o] ?? 0f);
            }
        }
        Tensor[] inputs = bias is null ? [x, weight] : [x, weight, bias];
        y.AttachGrad(ctx, inputs, output =>
        {
            var dy = output.Grad!;
            if (x.RequiresGrad)
            {
                var dx = x.EnsureGrad(ctx);
                for (int i = 0; i < n; i++)
                {
                    var dst = new Span<float>(dx, i * fin, fin);
                    for (int o = 0; o < fout; o++)
                    {
                        TensorPrimitives.MultiplyAdd(new ReadOnlySpan<float>(wd, o * fin, fin), dy[i * fout + o], dst, dst);
                    }
                }
            }
            if (weight.RequiresGrad)
            {
                var dw = weight.EnsureGrad(ctx);
                for (int i = 0; i < n; i++)
                {
                    var xi = new ReadOnlySpan<float>(xd, i * fin, fin);
                    for (int o = 0; o < fout; o++)
                    {
                        var dst = new Span<float>(dw, o * fin, fin);
                        TensorPrimitives.MultiplyAdd(xi, dy[i * fout + o], dst, dst);
                    }
                }
            }
            if (bias is not null && bias.RequiresGrad)
            {
                var db = bias.EnsureGrad(ctx);
                for (int i = 0; i < n; i++)
                {
                    for (int o = 0; o < fout; o++)
                    {
                        db[o] += dy[i * fout + o];
                    }
                }
            }
        });
        return y;
    }

    /// <summary>
    /// Mean softmax cross-entropy of logits [N, classes] against integer labels; a scalar tensor. With
    /// <paramref name="labelSmoothing"/> = e (PyTorch's <c>label_smoothing</c>, 0 &lt;= e &lt;= 1) the target of each
    /// row is (1 - e) * onehot + e / classes, so loss_i = -sum_j target_j * log softmax_j. The gradient is
    /// (softmax - target) / N times the incoming gradient.
    /// </summary>
    public static Tensor CrossEntropy(TrainingContext ctx, Tensor logits, ReadOnlySpan<int> labels, float labelSmoothing = 0f)
    {
        if (logits.Rank != 2 || logits.Size(0) != labels.Length)
        {
            throw new ArgumentException($"cross entropy: logits {logits} and {labels.Length} labels do not match");
        }
        if (!(labelSmoothing >= 0f && labelSmoothing <= 1f))
        {
            throw new ArgumentOutOfRangeException(nameof(labelSmoothing), labelSmoothing, "label smoothing must be in [0, 1]");
        }
        int n = logits.Size(0), k = logits.Size(1);
        var prob = new float[n * k];
        var lab = labels.ToArray();
        float offTarget = labelSmoothing / k;
        float onTarget = 1f - labelSmoothing + offTarget;
        double total = 0;
        for (int i = 0; i < n; i++)
        {
            if ((uint)lab[i] >= (uint)k)
            {
                throw new ArgumentOutOfRangeException(nameof(labels), lab[i], $"label must be in [0, {k})");
            }
            var row = new ReadOnlySpan<float>(logits.Data, i * k, k);
            float max = TensorPrimitives.Max(row);
            double sum = 0, sumShifted = 0;
            for (int j = 0; j < k; j++)
            {
                float e = MathF.Exp(row[j] - max);
                prob[i * k + j] = e;
                sum += e;
                sumShifted += row[j] - max;
            }
            for (int j = 0; j < k; j++)
            {
                prob[i * k + j] = (float)(prob[i * k + j] / sum);
            }
            double logSum = Math.Log(sum);
            // -sum_j t_j (z_j - logSum) with t = offTarget everywhere plus (onTarget - offTarget) at the label
            total += -((onTarget - offTarget) * (row[lab[i]] - max - logSum) + offTarget * (sumShifted - k * logSum));
        }
        var loss = Tensor.Create(ctx, false, 1);
        loss.Data[0] = (float)(total / n);
        loss.AttachGrad(ctx, [logits], output =>
        {
            float g = output.Grad![0] / n;
            var dl = logits.EnsureGrad(ctx);
            for (int i = 0; i < n; i++)
            {
                for (int j = 0; j < k; j++)
                {
                    dl[i * k + j] += g * (prob[i * k + j] - (j == lab[i] ? onTarget : offTarget));
                }
            }
        });
        return loss;
    }

    /// <summary>Flattens [N, ...] to [N, rest] (shares data).</summary>
    public static Tensor Flatten(TrainingContext ctx, Tensor x) => x.Reshape(ctx, x.Size(0), x.Count / Math.Max(1, x.Size(0)));
}
