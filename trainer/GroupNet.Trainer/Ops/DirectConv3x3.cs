using System.Runtime.Intrinsics;
using GroupNet.Trainer.Tensors;

namespace GroupNet.Trainer.Ops;

/// <summary>
/// Direct 3x3 convolution forward, NCHW float32, padding 1, stride 1 or 2, no bias: the forward pass of
/// <see cref="Functional.Conv2d"/> for those shapes (<see cref="ConvAlgorithm"/>). Per image: pack the
/// input into zero-padded phase planes (<see cref="DirectConv3x3Packer"/>), run
/// <see cref="DirectConv3x3Microkernel.Block4x64"/> over every (4-channel, 64-output) block, copy the valid
/// columns out. The batch is split into one fixed slice per thread; scratch comes from the context's pool.
/// Outputs are bit-identical to im2col + GEMM (same fused multiply-adds, same order), so the choice of
/// algorithm never changes a result, and they do not depend on the thread count.
/// <para>Measured on the tiny network at batch 128, 2 threads (bench/conv_kernels): 1.6-2.2x faster than
/// im2col + GEMM with 16 or more input channels, about equal for the 1-channel stem.</para>
/// </summary>
public static unsafe class DirectConv3x3
{
    /// <summary>Smallest input-channel count for which <see cref="ConvAlgorithm.Auto"/> picks the direct kernel.</summary>
    public const int MinPreferredInputChannels = 16;

    /// <summary>Whether the kernel computes this convolution: 3x3, padding 1, stride 1 or 2, Cout a multiple of 4.</summary>
    public static bool Supports(int cin, int cout, int kh, int kw, int stride, int padding) =>
        kh == 3 && kw == 3 && padding == 1 && (stride == 1 || stride == 2) && cin >= 1 && cout >= 4 && cout % 4 == 0;

    /// <summary>Whether <see cref="ConvAlgorithm.Auto"/> uses it: supported, at least
    /// <see cref="MinPreferredInputChannels"/> input channels (below that im2col is as fast) and AVX-512
    /// (where it was measured; elsewhere Vector512 is emulated and its 16 accumulators would spill).</summary>
    public static bool IsPreferred(int cin, int cout, int kh, int kw, int stride, int padding) =>
        Supports(cin, cout, kh, kw, stride, padding) && cin >= MinPreferredInputChannels && Vector512.IsHardwareAccelerated;

    /// <summary>y[N, Cout, Ho, Wo] = conv(x[N, Cin, H, W], w[Cout, Cin, 3, 3]) (see <see cref="Supports"/>).</summary>
    internal static void Forward(TrainingContext ctx, int n, int cin, int h, int w, int cout, int stride, float[] x, float[] weights, float[] y)
    {
        var g = new DirectConv3x3Geometry(cin, cout, h, w, stride);
        // Weights change every training step, so packing them is part of the forward cost.
        var packed = ctx.Pool.Rent(cout * cin * 9, false);
        fixed (float* pw = weights, pp = packed)
        {
            DirectConv3x3Packer.PackWeights(cout, cin, pw, pp);
        }
        int threads = Math.Min(ctx.Threads, n);
        ctx.ParallelForThreads(threads, t =>
        {
            var (n0, n1) = TrainingContext.Slice(n, t, threads);
            // Cleared: the zero padding ring, which packing never overwrites.
            var planes = ctx.Pool.Rent(g.InputScratchLength, true);
            var scratch = ctx.Pool.Rent(g.OutputScratchLength, false);
            int* taps = stackalloc int[9];
            g.TapOffsets(taps);
            fixed (float* px = x, pw = packed, py = y, pin = planes, pout = scratch)
            {
                for (int i = n0; i < n1; i++)
                {
                    Image(g, px + (long)i * cin * h * w, pw, pin, pout, taps, py + (long)i * cout * g.Ho * g.Wo);
                }
            }
            ctx.Pool.Return(planes);
            ctx.Pool.Return(scratch);
        });
        ctx.Pool.Return(packed);
    }

    private static void Image(in DirectConv3x3Geometry g, float* x, float* weights, float* planes, float* scratch, int* taps, float* y)
    {
        DirectConv3x3Packer.PackImage(g, x, planes);
        const int block = DirectConv3x3Geometry.Block;
        int blocks = (g.OutLength + block - 1) / block;
        for (int ob = 0; ob < g.Cout / 4; ob++)
        {
            float* wb = weights + (long)ob * g.Cin * 36;
            float* ob0 = scratch + (long)ob * 4 * g.OutLength;
            for (int b = 0; b < blocks; b++)
            {
                // The last block overlaps the one before rather than running a narrower tail kernel: the
                // overlap is recomputed to the same values, and the kernel stays a single 4x4-register shape.
                int q0 = Math.Min(b * block, g.OutLength - block);
                DirectConv3x3Microkernel.Block4x64(planes + q0, g.ChannelStride, g.Cin, taps, wb, ob0 + q0, g.OutLength);
            }
        }
        // Drop the junk columns ox >= Wo (see DirectConv3x3Geometry).
        int hwo = g.Ho * g.Wo;
        for (int o = 0; o < g.Cout; o++)
        {
            float* src = scratch + (long)o * g.OutLength;
            float* dst = y + (long)o * hwo;
            for (int oy = 0; oy < g.Ho; oy++)
            {
                new ReadOnlySpan<float>(src + oy * g.PhaseWidth, g.Wo).CopyTo(new Span<float>(dst + oy * g.Wo, g.Wo));
            }
        }
    }
}
