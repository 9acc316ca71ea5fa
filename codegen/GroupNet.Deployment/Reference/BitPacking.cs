namespace GroupNet.Deployment.Reference;

/// <summary>Packing of levels into bit-planes and of +/-1 weights into words
/// (bit c%32 of word c/32; weight bit 1 = +1; padding bits 0).</summary>
public static class BitPacking
{
    public static int Words(int channels) => (channels + 31) / 32;

    /// <summary>Packs one pixel's levels into planes: dst[b*words + w].</summary>
    public static void PackLevels(ReadOnlySpan<int> levels, int bits, Span<uint> dst)
    {
        int words = Words(levels.Length);
        dst[..(bits * words)].Clear();
        for (int c = 0; c < levels.Length; c++)
        {
            int level = levels[c];
            for (int b = 0; b < bits; b++)
            {
                if (((level >> b) & 1) != 0)
                {
                    dst[b * words + (c >> 5)] |= 1u << (c & 31);
                }
            }
        }
    }

    /// <summary>Reads channel c's level back from one pixel's planes.</summary>
    public static int UnpackLevel(ReadOnlySpan<uint> pixel, int bits, int words, int c)
    {
        int level = 0;
        for (int b = 0; b < bits; b++)
        {
            level |= (int)((pixel[b * words + (c >> 5)] >> (c & 31)) & 1u) << b;
        }
        return level;
    }

    /// <summary>Packs signs (+1 for value &gt;= 0, the project's sign(0) = +1 rule) of one filter row.</summary>
    public static void PackSigns(ReadOnlySpan<float> values, Span<uint> dst)
    {
        int words = Words(values.Length);
        dst[..words].Clear();
        for (int c = 0; c < values.Length; c++)
        {
            if (values[c] >= 0f)
            {
                dst[c >> 5] |= 1u << (c & 31);
            }
        }
    }
}
