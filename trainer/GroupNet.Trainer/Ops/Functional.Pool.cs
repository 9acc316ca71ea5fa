using GroupNet.Trainer.Tensors;

namespace GroupNet.Trainer.Ops;

public static partial class Functional
{
    /// <summary>
    /// 2-D max pooling of an NCHW tensor (PyTorch's <c>max_pool2d</c>, floor mode, dilation 1): window
    /// <paramref name="kernel"/> x <paramref name="kernel"/>, <paramref name="stride"/> (0 = kernel), implicit
    /// -infinity padding of <paramref name="padding"/> on every side (at most kernel / 2, as in PyTorch), so a
    /// window always holds at least one real input. Output [N, C, Ho, Wo], Ho = (H + 2 pad - kernel) / stride + 1.
    /// Ties pick the first maximum in row-major window order; the gradient goes to that element only (summed
    /// where windows overlap). Planes (n, c) are split over threads in fixed slices, so results are deterministic.
    /// </summary>
    public static Tensor MaxPool2d(TrainingContext ctx, Tensor x, int kernel, int stride = 0, int padding = 0)
    {
        var g = PoolGeometry.Create("max pool", x, kernel, stride, padding);
        var y = Tensor.Create(ctx, false, g.N, g.C, g.Ho, g.Wo);
        var argmax = new int[y.Count];
        var xd = x.Data;
        var yd = y.Data;
        ForPlanes(ctx, g, plane =>
        {
            int inBase = plane * g.H * g.W;
            int outBase = plane * g.Ho * g.Wo;
            for (int oy = 0; oy < g.Ho; oy++)
            {
                var (y0, y1) = g.Rows(oy);
                for (int ox = 0; ox < g.Wo; ox++)
                {
                    var (x0, x1) = g.Cols(ox);
                    int best = inBase + y0 * g.W + x0;
                    float max = xd[best];
                    for (int iy = y0; iy < y1; iy++)
                    {
                        int row = inBase + iy * g.W;
                        for (int ix = x0; ix < x1; ix++)
                        {
                            float v = xd[row + ix];
                            if (v > max || float.IsNaN(v) && !float.IsNaN(max))
                            {
                                max = v;
                                best = row + ix;
                            }
                        }
                    }
                    yd[outBase + oy * g.Wo + ox] = max;
                    argmax[outBase + oy * g.Wo + ox] = best;
                }
            }
        });
        y.AttachGrad(ctx, [x], output =>
        {
            var dy = output.Grad!;
            var dx = x.EnsureGrad(ctx);
            ForPlanes(ctx, g, plane =>
            {
                int outBase = plane * g.Ho * g.Wo;
                for (int o = outBase; o < outBase + g.Ho * g.Wo; o++)
                {
                    dx[argmax[o]] += dy[o];
                }
            });
        });
        return y;
    }

    /// <summary>
    /// 2-D average pooling of an NCHW tensor (PyTorch's <c>avg_pool2d</c>, floor mode): window
    /// <paramref name="kernel"/> x <paramref name="kernel"/>, <paramref name="stride"/> (0 = kernel), zero padding
    /// of <paramref name="padding"/> (at most kernel / 2). With <paramref name="countIncludePad"/> (PyTorch's default)
    /// every window divides by kernel^2; otherwise by the number of real inputs under it. The gradient spreads
    /// dy / divisor over the window. Deterministic (fixed per-thread slices of planes).
    /// </summary>
    public static Tensor AvgPool2d(TrainingContext ctx, Tensor x, int kernel, int stride = 0, int padding = 0, bool countIncludePad = true)
    {
        var g = PoolGeometry.Create("average pool", x, kernel, stride, padding);
        var y = Tensor.Create(ctx, false, g.N, g.C, g.Ho, g.Wo);
        var xd = x.Data;
        var yd = y.Data;
        ForPlanes(ctx, g, plane =>
        {
            int inBase = plane * g.H * g.W;
            int outBase = plane * g.Ho * g.Wo;
            for (int oy = 0; oy < g.Ho; oy++)
            {
                var (y0, y1) = g.Rows(oy);
                for (int ox = 0; ox < g.Wo; ox++)
                {
                    var (x0, x1) = g.Cols(ox);
                    float sum = 0f;
                    for (int iy = y0; iy < y1; iy++)
                    {
                        sum += System.Numerics.Tensors.TensorPrimitives.Sum(new ReadOnlySpan<float>(xd, inBase + iy * g.W + x0, x1 - x0));
                    }
                    yd[outBase + oy * g.Wo + ox] = sum / g.Divisor(y0, y1, x0, x1, countIncludePad);
                }
            }
        });
        y.AttachGrad(ctx, [x], output =>
        {
            var dy = output.Grad!;
            var dx = x.EnsureGrad(ctx);
            ForPlanes(ctx, g, plane =>
            {
                int inBase = plane * g.H * g.W;
                int outBase = plane * g.Ho * g.Wo;
                for (int oy = 0; oy < g.Ho; oy++)
                {
                    var (y0, y1) = g.Rows(oy);
                    for (int ox = 0; ox < g.Wo; ox++)
                    {
                        var (x0, x1) = g.Cols(ox);
                        float share = dy[outBase + oy * g.Wo + ox] / g.Divisor(y0, y1, x0, x1, countIncludePad);
                        for (int iy = y0; iy < y1; iy++)
                        {
                            var dst = new Span<float>(dx, inBase + iy * g.W + x0, x1 - x0);
                            System.Numerics.Tensors.TensorPrimitives.Add(dst, share, dst);
                        }
                    }
                }
            });
        });
        return y;
    }

    /// <summary>Runs body(plane) for every (n, c) plane, one fixed slice of planes per thread.</summary>
    private static void ForPlanes(TrainingContext ctx, PoolGeometry g, Action<int> body)
    {
        int planes = g.N * g.C;
        int parts = (long)planes * g.H * g.W < ParallelThreshold / 4 ? 1 : Math.Min(ctx.Threads, planes);
        ctx.ParallelForThreads(parts, t =>
        {
            var (s, e) = TrainingContext.Slice(planes, t, parts);
            for (int p = s; p < e; p++)
            {
                body(p);
            }
        });
    }

    private readonly record struct PoolGeometry(int N, int C, int H, int W, int Kernel, int Stride, int Pad, int Ho, int Wo)
    {
        public static PoolGeometry Create(string what, Tensor x, int kernel, int stride, int padding)
        {
            if (x.Rank != 4)
            {
                throw new ArgumentException($"{what}: needs an NCHW input, got {x}");
            }
            if (stride == 0)
            {
                stride = kernel;
            }
            if (kernel < 1 || stride < 1 || padding < 0 || padding > kernel / 2)
            {
                throw new ArgumentOutOfRangeException(nameof(kernel), $"{what}: kernel and stride must be >= 1 and 0 <= padding <= kernel / 2 (kernel {kernel}, stride {stride}, padding {padding})");
            }
            int h = x.Size(2), w = x.Size(3);
            int ho = (h + 2 * padding - kernel) / stride + 1;
            int wo = (w + 2 * padding - kernel) / stride + 1;
            if (h + 2 * padding < kernel || w + 2 * padding < kernel)
            {
                throw new ArgumentException($"{what}: kernel {kernel} larger than padded input {x}");
            }
            return new PoolGeometry(x.Size(0), x.Size(1), h, w, kernel, stride, padding, ho, wo);
        }

        /// <summary>Input rows [start, end) under output row <paramref name="oy"/>, clipped to the image.</summary>
        public (int Start, int End) Rows(int oy)
        {
            int s = oy * Stride - Pad;
            return (Math.Max(0, s), Math.Min(H, s + Kernel));
        }

        /// <summary>Input columns [start, end) under output column <paramref name="ox"/>, clipped to the image.</summary>
        public (int Start, int End) Cols(int ox)
        {
            int s = ox * Stride - Pad;
            return (Math.Max(0, s), Math.Min(W, s + Kernel));
        }

        /// <summary>kernel^2, or the number of real inputs in the window.</summary>
        public float Divisor(int y0, int y1, int x0, int x1, bool countIncludePad) =>
            countIncludePad ? Kernel * Kernel : (y1 - y0) * (x1 - x0);
    }
}
