using GroupNet.Trainer.Tensors;

namespace ConvKernels;

/// <summary>
/// Direct 3x3 convolution forward, NCHW float32, padding 1, stride 1 or 2, no bias (the engine's
/// <c>Functional.Conv2d</c> semantics). One instance per shape: it keeps each thread's scratch between calls,
/// as the engine's buffer pool does for its im2col buffers. Per image: pack the input into phase planes
/// (<see cref="InputPacker"/>), run <see cref="Microkernel.Block4x64"/> over every (4-channel, 64-output)
/// block, copy the valid columns out. The batch is split into one fixed slice per thread.
/// </summary>
internal sealed unsafe class DirectConv3x3
{
    private readonly DirectGeometry _g;
    private readonly float[] _packedWeights;
    private readonly float[][] _inputScratch;
    private readonly float[][] _outputScratch;

    public DirectConv3x3(DirectGeometry geometry, int threads)
    {
        _g = geometry;
        _packedWeights = new float[geometry.Cout * geometry.Cin * 9];
        // new float[] is zeroed: that is the padding ring, which packing never overwrites.
        _inputScratch = Enumerable.Range(0, threads).Select(_ => new float[geometry.Cin * geometry.ChannelStride]).ToArray();
        _outputScratch = Enumerable.Range(0, threads).Select(_ => new float[geometry.Cout * geometry.OutLength]).ToArray();
    }

    /// <summary>y[N, Cout, Ho, Wo] = conv(x[N, Cin, H, W], w[Cout, Cin, 3, 3]).</summary>
    public void Forward(TrainingContext ctx, int batch, float[] x, float[] w, float[] y)
    {
        // Weights change every training step, so packing them is part of the forward cost.
        PackWeights(w);
        int threads = Math.Min(_inputScratch.Length, batch);
        ctx.ParallelForThreads(threads, t =>
        {
            var (n0, n1) = TrainingContext.Slice(batch, t, threads);
            fixed (float* px = x, pw = _packedWeights, py = y, pin = _inputScratch[t], pout = _outputScratch[t])
            fixed (int* taps = _g.TapOffsets)
            {
                for (int n = n0; n < n1; n++)
                {
                    Image(px + (long)n * _g.Cin * _g.H * _g.W, pw, pin, pout, taps, py + (long)n * _g.Cout * _g.Ho * _g.Wo);
                }
            }
        });
    }

    private void Image(float* x, float* weights, float* planes, float* scratch, int* taps, float* y)
    {
        var g = _g;
        InputPacker.Pack(g, x, planes);
        int blocks = (g.OutLength + DirectGeometry.Block - 1) / DirectGeometry.Block;
        for (int ob = 0; ob < g.Cout / 4; ob++)
        {
            float* wb = weights + (long)ob * g.Cin * 36;
            float* ob0 = scratch + (long)ob * 4 * g.OutLength;
            for (int b = 0; b < blocks; b++)
            {
                // The last block overlaps the one before rather than running a narrower tail kernel: the
                // overlap is recomputed to the same values, and the kernel stays a single 4x4-register shape.
                int q0 = Math.Min(b * DirectGeometry.Block, g.OutLength - DirectGeometry.Block);
                Microkernel.Block4x64(planes + q0, g.ChannelStride, g.Cin, taps, wb, ob0 + q0, g.OutLength);
            }
        }
        // Drop the junk columns ox >= Wo (see DirectGeometry).
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

    /// <summary>[Cout, Cin, 3, 3] -> [Cout / 4][Cin][tap][4]: the 4 weights one microkernel step broadcasts are adjacent.</summary>
    private void PackWeights(float[] w)
    {
        int cin = _g.Cin;
        for (int o = 0; o < _g.Cout; o++)
        {
            for (int c = 0; c < cin; c++)
            {
                for (int t = 0; t < 9; t++)
                {
                    _packedWeights[(((o >> 2) * cin + c) * 9 + t) * 4 + (o & 3)] = w[(o * cin + c) * 9 + t];
                }
            }
        }
    }
}
