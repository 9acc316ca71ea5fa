using GroupNet.Deployment.Model;

namespace GroupNet.Codegen.Emitters;

/// <summary>
/// The table of <c>gn_int8_small_threshold_pixel</c> (gn_int8_conv.h): a small-window int8 first layer and its
/// threshold epilogue in one pass, the multiplier folded into the thresholds. M * acc &gt;= T holds exactly when
/// sign(M) * acc &gt;= ceil(T / |M|) (and, for M = 0, when 0 &gt;= T: the weights become 0 and T stays), so each
/// row holds sign(M) * w and the thresholds on that sum, clamped to +/-2^30 (no small window's sum comes near
/// them), flipped by 2^31 for the kernel's unsigned comparison. Rows in descending channel order, each rounded up to an
/// even number of words.
/// docs/integer-arithmetic.md, "The int8 stem fused with its thresholds".
/// </summary>
public static class FusedStemTable
{
    /// <summary>Thresholds on the folded sum are clamped to +/- this: beyond every sum of a small window
    /// (at most 76 * 255 * 128), so the clamp changes no comparison.</summary>
    public const int Limit = 1 << 30;

    /// <summary>Whether layer <paramref name="index"/> runs fused: one small-window int8 conv term, a 1- or 2-bit
    /// threshold epilogue with non-decreasing thresholds, at most 32 output channels (one packed word).</summary>
    public static bool Eligible(DeploymentModel model, int index)
    {
        var layer = model.Layers[index];
        return layer.Terms.Length == 1
            && layer.Terms[0] is Int8ConvTerm term
            && Int8ConvTermEmitter.IsSmall(term, model.Tensors[term.Input])
            && layer.Epilogue is ThresholdEpilogue { Bits: 1 or 2 } epilogue
            && layer.OutChannels <= 32
            && NonDecreasing(epilogue);
    }

    private static bool NonDecreasing(ThresholdEpilogue epilogue)
    {
        int per = epilogue.ThresholdsPerChannel;
        var t = epilogue.Thresholds.AsSpan();
        for (int i = 0; i < t.Length; i++)
        {
            if (i % per != 0 && t[i] < t[i - 1])
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>The sign the weights of a channel with multiplier <paramref name="multiplier"/> take, and
    /// threshold <paramref name="threshold"/> on the sum of those weights, clamped to +/-<see cref="Limit"/>.</summary>
    public static (int Sign, int Threshold) Fold(int multiplier, int threshold)
    {
        if (multiplier == 0)
        {
            return (0, Math.Clamp(threshold, -Limit, Limit));
        }
        long m = Math.Abs((long)multiplier), t = threshold;
        long ceiling = t >= 0 ? (t + m - 1) / m : -(-t / m);
        return (Math.Sign(multiplier), (int)Math.Clamp(ceiling, -Limit, Limit));
    }

    /// <summary>Words per row: the weights (16-bit pairs when <paramref name="pairs"/>, else one per word), then the
    /// thresholds, rounded up to even.</summary>
    public static int RowWords(int windowValues, int thresholds, bool pairs) =>
        ((pairs ? (windowValues + 1) / 2 : windowValues) + thresholds + 1) & ~1;

    /// <summary>The rows, channel Cout - 1 first.</summary>
    public static uint[] Rows(Int8ConvTerm term, ThresholdEpilogue epilogue, int windowValues, bool pairs)
    {
        int cout = term.Multipliers.Count, per = epilogue.ThresholdsPerChannel, n = windowValues;
        int row = RowWords(n, per, pairs), values = pairs ? (n + 1) / 2 : n;
        var rows = new uint[cout * row];
        for (int r = 0; r < cout; r++)
        {
            int o = cout - 1 - r;
            var span = rows.AsSpan(r * row, row);
            int sign = Fold(term.Multipliers[o], 0).Sign;
            for (int i = 0; i < n; i++)
            {
                int w = sign * term.Weights[o * n + i];
                if (pairs)
                {
                    span[i / 2] |= (uint)(ushort)(short)w << (16 * (i % 2));
                }
                else
                {
                    span[i] = (uint)w;
                }
            }
            for (int k = 0; k < per; k++)
            {
                span[values + k] = (uint)Fold(term.Multipliers[o], epilogue.Thresholds[o * per + k]).Threshold ^ 0x80000000u;
            }
        }
        return rows;
    }
}
