using GroupNet.Trainer.Tensors;

namespace GroupNet.Trainer.Ops;

/// <summary>
/// Autograd operations (PyTorch's <c>torch.nn.functional</c>): each builds its output in forward and records
/// a backward function that adds into the inputs' gradients. Ops are stateless; the
/// <see cref="TrainingContext"/> supplies threads, buffers and grad mode.
/// </summary>
public static unsafe partial class Functional
{
    /// <summary>Target number of output columns (images x pixels) per GEMM call.</summary>
    private const int ColumnsPerChunk = 1024;

    /// <summary>
    /// 2-D convolution without bias (cross-correlation, like PyTorch): x [N, Cin, H, W], w [Cout, Cin, kh, kw]
    /// -> [N, Cout, Ho, Wo] with Ho = (H + 2 pad - kh) / stride + 1. Implemented as im2col + blocked GEMM over
    /// chunks of images; the batch is split into one fixed slice per thread and weight-gradient partials are
    /// summed in thread order, so results are deterministic for a given thread count. The forward pass of
    /// 3x3 / padding 1 / stride 1 or 2 convolutions with 16 or more input channels runs the faster
    /// <see cref="DirectConv3x3"/> instead, which gives bit-identical outputs (<paramref name="algorithm"/>
    /// forces one or the other, for tests and benchmarks); the backward pass is always im2col + GEMM.
    /// </summary>
    public static Tensor Conv2d(TrainingContext ctx, Tensor x, Tensor w, int stride = 1, int padding = 0, ConvAlgorithm algorithm = ConvAlgorithm.Auto)
    {
        if (x.Rank != 4 || w.Rank != 4 || x.Size(1) != w.Size(1))
        {
            throw new ArgumentException($"conv2d: input {x} and weight {w} do not match (NCHW input, [Cout, Cin, kh, kw] weight)");
        }
        if (stride < 1 || padding < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(stride), "stride must be >= 1 and padding >= 0");
        }
        var g = new ConvGeometry(x.Size(0), x.Size(1), x.Size(2), x.Size(3), w.Size(0), w.Size(2), w.Size(3), stride, padding);
        if (g.Ho <= 0 || g.Wo <= 0)
        {
            throw new ArgumentException($"conv2d: kernel larger than padded input {x}");
        }
        bool direct = algorithm switch
        {
            ConvAlgorithm.Auto => DirectConv3x3.IsPreferred(g.Cin, g.Cout, g.Kh, g.Kw, stride, padding),
            ConvAlgorithm.Im2ColGemm => false,
            ConvAlgorithm.Direct3x3 => DirectConv3x3.Supports(g.Cin, g.Cout, g.Kh, g.Kw, stride, padding)
                ? true
                : throw new ArgumentException($"conv2d: the direct kernel needs 3x3, padding 1, stride 1 or 2 and Cout a multiple of 4 (input {x}, weight {w}, stride {stride}, padding {padding})"),
            _ => throw new ArgumentOutOfRangeException(nameof(algorithm), algorithm, "unknown convolution algorithm"),
        };
        var y = Tensor.Create(ctx, false, g.N, g.Cout, g.Ho, g.Wo);
        if (direct)
        {
            DirectConv3x3.Forward(ctx, g.N, g.Cin, g.H, g.W, g.Cout, stride, x.Data, w.Data, y.Data);
        }
        else
        {
            Conv2dIm2ColForward(ctx, g, x.Data, w.Data, y.Data);
        }
        y.AttachGrad(ctx, [x, w], output => Conv2dBackward(ctx, g, x, w, output.Grad!));
        return y;
    }

    private static void Conv2dIm2ColForward(TrainingContext ctx, ConvGeometry g, float[] xd, float[] wd, float[] yd)
    {
        int threads = Math.Min(ctx.Threads, g.N);
        ctx.ParallelForThreads(threads, t =>
        {
            var (n0, n1) = TrainingContext.Slice(g.N, t, threads);
            var col = ctx.Pool.Rent(g.Kc * g.Ld, false);
            var outc = ctx.Pool.Rent(g.Cout * g.Ld, false);
            fixed (float* px = xd, pw = wd, py = yd, pcol = col, pout = outc)
            {
                for (int n = n0; n < n1; n += g.Chunk)
                {
                    int nb = Math.Min(g.Chunk, n1 - n);
                    Im2Col(g, px, n, nb, pcol);
                    Gemm.MatMul(g.Cout, g.Ld, g.Kc, pw, g.Kc, 1, pcol, g.Ld, pout, g.Ld, accumulate: false);
                    for (int o = 0; o < g.Cout; o++)
                    {
                        for (int i = 0; i < nb; i++)
                        {
                            new ReadOnlySpan<float>(pout + (long)o * g.Ld + i * g.HWo, g.HWo)
                                .CopyTo(new Span<float>(py + ((long)(n + i) * g.Cout + o) * g.HWo, g.HWo));
                        }
                    }
                }
            }
            ctx.Pool.Return(col);
            ctx.Pool.Return(outc);
        });
    }

    private static void Conv2dBackward(TrainingContext ctx, ConvGeometry g, Tensor x, Tensor w, float[] dy)
    {
        bool needX = x.RequiresGrad, needW = w.RequiresGrad;
        int threads = Math.Min(ctx.Threads, g.N);
        float[]? dx = needX ? x.EnsureGrad(ctx) : null;
        var partials = new float[threads][];
        var xd = x.Data;
        var wd = w.Data;
        ctx.ParallelForThreads(threads, t =>
        {
            var (n0, n1) = TrainingContext.Slice(g.N, t, threads);
            var col = ctx.Pool.Rent(g.Kc * g.Ld, false);
            var dyc = ctx.Pool.Rent(g.Cout * g.Ld, false);
            var dw = needW ? ctx.Pool.Rent(g.Cout * g.Kc, true) : Array.Empty<float>();
            fixed (float* px = xd, pw = wd, pdy = dy, pcol = col, pdyc = dyc, pdw = dw, pdx = dx)
            {
                for (int n = n0; n < n1; n += g.Chunk)
                {
                    int nb = Math.Min(g.Chunk, n1 - n);
                    for (int o = 0; o < g.Cout; o++)
                    {
                        for (int i = 0; i < nb; i++)
                        {
                            new ReadOnlySpan<float>(pdy + ((long)(n + i) * g.Cout + o) * g.HWo, g.HWo)
                                .CopyTo(new Span<float>(pdyc + (long)o * g.Ld + i * g.HWo, g.HWo));
                        }
                        new Span<float>(pdyc + (long)o * g.Ld + nb * g.HWo, g.Ld - nb * g.HWo).Clear();
                    }
                    if (needW)
                    {
                        Im2Col(g, px, n, nb, pcol);
                        Gemm.MatMulTransB(g.Cout, g.Kc, g.Ld, pdyc, g.Ld, pcol, g.Ld, pdw, g.Kc);
                    }
                    if (needX)
                    {
                        Gemm.MatMul(g.Kc, g.Ld, g.Cout, pw, 1, g.Kc, pdyc, g.Ld, pcol, g.Ld, accumulate: false);
                        Col2ImAdd(g, pcol, n, nb, pdx);
                    }
                }
            }
            partials[t] = dw;
            ctx.Pool.Return(col);
            ctx.Pool.Return(dyc);
        });
        if (needW)
        {
            var gw = w.EnsureGrad(ctx);
            for (int t = 0; t < threads; t++)
            {
                System.Numerics.Tensors.TensorPrimitives.Add(gw, partials[t], gw);
                ctx.Pool.Return(partials[t]);
            }
        }
    }

    /// <summary>
    /// Writes images [n0, n0 + nb) of x as columns: row r = (c, ky, kx) holds, for each image and output pixel,
    /// the input value under kernel tap (ky, kx), zero in the padding; columns [nb * HWo, Ld) are zero.
    /// </summary>
    private static void Im2Col(in ConvGeometry g, float* x, int n0, int nb, float* col)
    {
        int hw = g.H * g.W;
        for (int c = 0; c < g.Cin; c++)
        {
            for (int ky = 0; ky < g.Kh; ky++)
            {
                for (int kx = 0; kx < g.Kw; kx++)
                {
                    float* row = col + (long)((c * g.Kh + ky) * g.Kw + kx) * g.Ld;
                    // output columns whose input column is inside the image
                    int oxLo = Math.Max(0, CeilDiv(g.Pad - kx, g.Stride));
                    int oxHi = Math.Min(g.Wo, CeilDiv(g.W + g.Pad - kx, g.Stride));
                    for (int i = 0; i < nb; i++)
                    {
                        float* src = x + ((long)(n0 + i) * g.Cin + c) * hw;
                        float* dst = row + i * g.HWo;
                        for (int oy = 0; oy < g.Ho; oy++)
                        {
                            float* d = dst + oy * g.Wo;
                            int iy = oy * g.Stride - g.Pad + ky;
                            if ((uint)iy >= (uint)g.H || oxLo >= oxHi)
                            {
                                new Span<float>(d, g.Wo).Clear();
                                continue;
                            }
                            for (int ox = 0; ox < oxLo; ox++)
                            {
                                d[ox] = 0f;
                            }
                            float* s = src + iy * g.W - g.Pad + kx;
                            if (g.Stride == 1)
                            {
                                new ReadOnlySpan<float>(s + oxLo, oxHi - oxLo).CopyTo(new Span<float>(d + oxLo, oxHi - oxLo));
                            }
                            else
                            {
                                for (int ox = oxLo; ox < oxHi; ox++)
                                {
                                    d[ox] = s[ox * g.Stride];
                                }
                            }
                            for (int ox = oxHi; ox < g.Wo; ox++)
                            {
                                d[ox] = 0f;
                            }
                        }
                    }
                    new Span<float>(row + nb * g.HWo, g.Ld - nb * g.HWo).Clear();
                }
            }
        }
    }

    /// <summary>Adjoint of <see cref="Im2Col"/>: adds each column entry back into dx at its input position.</summary>
    private static void Col2ImAdd(in ConvGeometry g, float* col, int n0, int nb, float* dx)
    {
        int hw = g.H * g.W;
        for (int c = 0; c < g.Cin; c++)
        {
            for (int ky = 0; ky < g.Kh; ky++)
            {
                for (int kx = 0; kx < g.Kw; kx++)
                {
                    float* row = col + (long)((c * g.Kh + ky) * g.Kw + kx) * g.Ld;
                    int oxLo = Math.Max(0, CeilDiv(g.Pad - kx, g.Stride));
                    int oxHi = Math.Min(g.Wo, CeilDiv(g.W + g.Pad - kx, g.Stride));
                    if (oxLo >= oxHi)
                    {
                        continue;
                    }
                    for (int i = 0; i < nb; i++)
                    {
                        float* dst = dx + ((long)(n0 + i) * g.Cin + c) * hw;
                        float* src = row + i * g.HWo;
                        for (int oy = 0; oy < g.Ho; oy++)
                        {
                            int iy = oy * g.Stride - g.Pad + ky;
                            if ((uint)iy >= (uint)g.H)
                            {
                                continue;
                            }
                            float* sr = src + oy * g.Wo;
                            float* d = dst + iy * g.W - g.Pad + kx;
                            if (g.Stride == 1)
                            {
                                var span = new Span<float>(d + oxLo, oxHi - oxLo);
                                System.Numerics.Tensors.TensorPrimitives.Add(span, new ReadOnlySpan<float>(sr + oxLo, oxHi - oxLo), span);
                            }
                            else
                            {
                                for (int ox = oxLo; ox < oxHi; ox++)
                                {
                                    d[ox * g.Stride] += sr[ox];
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    private static int CeilDiv(int a, int b) => a >= 0 ? (a + b - 1) / b : -((-a) / b);

    private readonly struct ConvGeometry
    {
        public ConvGeometry(int n, int cin, int h, int w, int cout, int kh, int kw, int stride, int pad)
        {
            N = n; Cin = cin; H = h; W = w; Cout = cout; Kh = kh; Kw = kw; Stride = stride; Pad = pad;
            Ho = (h + 2 * pad - kh) / stride + 1;
            Wo = (w + 2 * pad - kw) / stride + 1;
            HWo = Ho * Wo;
            Kc = cin * kh * kw;
            Chunk = Math.Max(1, ColumnsPerChunk / Math.Max(1, HWo));
            Ld = (Chunk * HWo + 15) & ~15;
        }

        public int N { get; }
        public int Cin { get; }
        public int H { get; }
        public int W { get; }
        public int Cout { get; }
        public int Kh { get; }
        public int Kw { get; }
        public int Stride { get; }
        public int Pad { get; }
        public int Ho { get; }
        public int Wo { get; }
        public int HWo { get; }
        public int Kc { get; }
        public int Chunk { get; }
        public int Ld { get; }
    }
}
