namespace GroupNet.Trainer.Ops;

/// <summary>
/// Layout of the direct 3x3 kernel's per-thread scratch for one conv shape (padding 1, stride 1 or 2).
/// <para>Each image's input channel is copied, zero-padded, into <c>Stride * Stride</c> "phase planes":
/// phase (py, px) holds padded[r * S + py][c * S + px]. Then output (oy, ox) under tap (ky, kx) reads phase
/// (ky % S, kx % S) at row oy + ky / S, column ox + kx / S, so a stride-2 convolution becomes four stride-1
/// ones and every tap is a contiguous, unit-stride vector load. (Stride 1 has one phase: the padded image.)</para>
/// <para>Outputs are computed at flat index q = oy * PhaseWidth + ox, i.e. with the phase planes' row
/// pitch, so the tap (ky, kx) is the constant offset (ky / S) * PhaseWidth + kx / S from q and a whole plane
/// is one 1-D loop; the columns ox >= Wo are junk that the copy-out skips. This is what lets the kernel
/// vectorise along the output width even at W = 7.</para>
/// </summary>
internal readonly struct DirectConv3x3Geometry
{
    /// <summary>Outputs per microkernel call along q (4 vectors of 16).</summary>
    public const int Block = 64;

    public DirectConv3x3Geometry(int cin, int cout, int h, int w, int stride)
    {
        Cin = cin; Cout = cout; H = h; W = w; Stride = stride;
        Ho = (h + 2 - 3) / stride + 1;
        Wo = (w + 2 - 3) / stride + 1;
        PhaseHeight = (h + 2 + stride - 1) / stride;
        PhaseWidth = (w + 2 + stride - 1) / stride;
        // At least one full block so the last block can overlap the previous one instead of needing a tail kernel.
        OutLength = Math.Max(Block, RoundUp16(Ho * PhaseWidth));
        int maxTap = (2 / stride) * PhaseWidth + 2 / stride;
        // Room for the furthest tap read of the last block, and 16 floats of slack for the stride-2 packer's
        // full-vector stores past the end of a row.
        PlaneStride = RoundUp16(Math.Max(PhaseHeight * PhaseWidth + 16, OutLength + maxTap));
        ChannelStride = stride * stride * PlaneStride;
    }

    public int Cin { get; }
    public int Cout { get; }
    public int H { get; }
    public int W { get; }
    public int Stride { get; }
    public int Ho { get; }
    public int Wo { get; }
    public int PhaseHeight { get; }
    public int PhaseWidth { get; }

    /// <summary>Outputs computed per channel (flat q range, multiple of 16, >= one block).</summary>
    public int OutLength { get; }

    /// <summary>Floats per phase plane.</summary>
    public int PlaneStride { get; }

    /// <summary>Floats per packed input channel (all its phases).</summary>
    public int ChannelStride { get; }

    /// <summary>Floats of one thread's packed-input scratch (all channels).</summary>
    public int InputScratchLength => Cin * ChannelStride;

    /// <summary>Floats of one thread's output scratch (all channels, junk columns included).</summary>
    public int OutputScratchLength => Cout * OutLength;

    /// <summary>Writes, for tap ky * 3 + kx, its offset from an output's flat index within a packed input channel.</summary>
    public unsafe void TapOffsets(int* taps)
    {
        for (int ky = 0; ky < 3; ky++)
        {
            for (int kx = 0; kx < 3; kx++)
            {
                int phase = (ky % Stride) * Stride + kx % Stride;
                taps[ky * 3 + kx] = phase * PlaneStride + (ky / Stride) * PhaseWidth + kx / Stride;
            }
        }
    }

    private static int RoundUp16(int n) => (n + 15) & ~15;
}
