using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace GroupNet.Trainer.Ops;

/// <summary>
/// Copies one NCHW image into the zero-padded phase planes of <see cref="DirectConv3x3Geometry"/>, and
/// conv weights into the microkernel's order. Only interior positions of the planes are written: the
/// padding ring is zeroed when the scratch is rented and stays zero, so packing costs one pass over the input.
/// </summary>
internal static unsafe class DirectConv3x3Packer
{
    public static void PackImage(in DirectConv3x3Geometry g, float* image, float* planes)
    {
        if (g.Stride == 1)
        {
            PackStride1(g, image, planes);
        }
        else if (Avx512F.IsSupported)
        {
            PackStride2Avx512(g, image, planes);
        }
        else
        {
            PackStride2Scalar(g, image, planes);
        }
    }

    /// <summary>[Cout, Cin, 3, 3] -> [Cout / 4][Cin][tap][4]: the 4 weights one microkernel step broadcasts are adjacent.</summary>
    public static void PackWeights(int cout, int cin, float* w, float* packed)
    {
        for (int o = 0; o < cout; o++)
        {
            for (int c = 0; c < cin; c++)
            {
                float* src = w + (o * cin + c) * 9;
                float* dst = packed + ((o >> 2) * cin + c) * 36 + (o & 3);
                for (int t = 0; t < 9; t++)
                {
                    dst[t * 4] = src[t];
                }
            }
        }
    }

    private static void PackStride1(in DirectConv3x3Geometry g, float* image, float* planes)
    {
        for (int c = 0; c < g.Cin; c++)
        {
            float* src = image + (long)c * g.H * g.W;
            float* dst = planes + (long)c * g.ChannelStride + g.PhaseWidth + 1; // padded (1, 1)
            for (int y = 0; y < g.H; y++)
            {
                new ReadOnlySpan<float>(src + y * g.W, g.W).CopyTo(new Span<float>(dst + y * g.PhaseWidth, g.W));
            }
        }
    }

    /// <summary>
    /// Input (y, x) is padded (y + 1, x + 1), so it lands in phase ((y + 1) % 2, (x + 1) % 2) at
    /// ((y + 1) / 2, (x + 1) / 2): even x go to phase column 1, odd x to phase column 0, i.e. de-interleaving
    /// each row. A scalar loop here costs as much as the convolution itself at Cout = 2 Cin, hence the
    /// two-source permute: 32 input columns -> 16 even + 16 odd.
    /// </summary>
    private static void PackStride2Avx512(in DirectConv3x3Geometry g, float* image, float* planes)
    {
        var evenIdx = Vector512.Create(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
        var oddIdx = evenIdx + Vector512<int>.One;
        float* row = stackalloc float[32];
        int ps = g.PlaneStride, pw = g.PhaseWidth;
        for (int c = 0; c < g.Cin; c++)
        {
            float* src = image + (long)c * g.H * g.W;
            float* ch = planes + (long)c * g.ChannelStride;
            for (int y = 0; y < g.H; y++)
            {
                int py = (y + 1) & 1, i = (y + 1) >> 1;
                float* evenDst = ch + (py * 2 + 1) * ps + i * pw; // even x -> phase column parity 1
                float* oddDst = ch + (py * 2 + 0) * ps + i * pw + 1; // odd x -> phase column parity 0, starting at column 1
                for (int x0 = 0; x0 < g.W; x0 += 32)
                {
                    int n = Math.Min(32, g.W - x0);
                    // Zero tail: the full-vector stores below then write zeros past the row's end, which land on
                    // padding (must be zero) or on the next row's data (not yet written; rows go in order).
                    new ReadOnlySpan<float>(src + y * g.W + x0, n).CopyTo(new Span<float>(row, 32));
                    new Span<float>(row + n, 32 - n).Clear();
                    var lo = Vector512.Load(row);
                    var hi = Vector512.Load(row + 16);
                    Avx512F.PermuteVar16x32x2(lo, evenIdx, hi).Store(evenDst + x0 / 2);
                    Avx512F.PermuteVar16x32x2(lo, oddIdx, hi).Store(oddDst + x0 / 2);
                }
            }
        }
    }

    private static void PackStride2Scalar(in DirectConv3x3Geometry g, float* image, float* planes)
    {
        int ps = g.PlaneStride, pw = g.PhaseWidth;
        for (int c = 0; c < g.Cin; c++)
        {
            float* src = image + (long)c * g.H * g.W;
            float* ch = planes + (long)c * g.ChannelStride;
            for (int y = 0; y < g.H; y++)
            {
                int r = y + 1;
                for (int x = 0; x < g.W; x++)
                {
                    int col = x + 1;
                    ch[((r & 1) * 2 + (col & 1)) * ps + (r >> 1) * pw + (col >> 1)] = src[y * g.W + x];
                }
            }
        }
    }
}
