using System.Runtime.InteropServices;
using GroupNet.Deployment.Model;

namespace GroupNet.Deployment.Reference;

/// <summary>
/// A binary term's weights laid out for the reference's inner loop: each output channel's taps x words (the term's
/// [o][tap][word] order, unchanged) padded with a zero word to an even count, so that the window of one activation plane
/// and one output's weights are compared 64 bits at a time. The zero padding meets zero padding in the window, so it
/// adds nothing to any popcount: the arithmetic is the one docs/integer-arithmetic.md defines, only the loop is wider.
/// </summary>
internal sealed class PaddedBinaryWeights
{
    public PaddedBinaryWeights(BinaryConvTerm term, TensorSpec input)
    {
        int taps = term.Geometry.Kernel * term.Geometry.Kernel;
        int words = input.Words;
        int perOutput = taps * words;
        int outputs = term.Weights.Length / perOutput;
        LongsPerOutput = (perOutput + 1) / 2;
        Weights = new ulong[outputs * LongsPerOutput];
        TapPopcounts = new int[outputs * taps];
        var source = term.Weights.AsSpan();
        var padded = MemoryMarshal.Cast<ulong, uint>(Weights.AsSpan());
        for (int o = 0; o < outputs; o++)
        {
            source.Slice(o * perOutput, perOutput).CopyTo(padded.Slice(o * 2 * LongsPerOutput));
            for (int t = 0; t < taps; t++)
            {
                foreach (uint w in source.Slice((o * taps + t) * words, words))
                {
                    TapPopcounts[o * taps + t] += IntegerMath.Popcount(w);
                }
            }
        }
    }

    /// <summary>64-bit words per output channel: ceil(taps x words / 2).</summary>
    public int LongsPerOutput { get; }

    /// <summary>[o][LongsPerOutput]: the weight bits of output o, zero-padded.</summary>
    public ulong[] Weights { get; }

    /// <summary>[o][tap]: set weight bits per tap (what a zeroed out-of-bounds tap adds to popcount(A xor W)).</summary>
    public int[] TapPopcounts { get; }

    /// <summary>Output o's padded weights.</summary>
    public ReadOnlySpan<ulong> Output(int o) => Weights.AsSpan(o * LongsPerOutput, LongsPerOutput);
}
