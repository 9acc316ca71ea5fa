namespace GroupNet.Trainer.Export;

/// <summary>Finds the integer thresholds of a monotone (non-decreasing) step function by bisection,
/// as docs/integer-arithmetic.md describes.</summary>
public static class ThresholdSearch
{
    /// <summary>T_i = the smallest z in [-bound, bound] with level(z) &gt;= i, for i = 1..levels;
    /// int.MinValue when already reached at -bound, int.MaxValue when never reached.</summary>
    public static int[] Find(Func<long, int> level, long bound, int levels)
    {
        var thresholds = new int[levels];
        for (int i = 1; i <= levels; i++)
        {
            if (level(-bound) >= i)
            {
                thresholds[i - 1] = int.MinValue;
                continue;
            }
            if (level(bound) < i)
            {
                thresholds[i - 1] = int.MaxValue;
                continue;
            }
            long lo = -bound, hi = bound; // level(lo) < i <= level(hi)
            while (hi - lo > 1)
            {
                long mid = lo + (hi - lo) / 2;
                if (level(mid) >= i)
                {
                    hi = mid;
                }
                else
                {
                    lo = mid;
                }
            }
            thresholds[i - 1] = (int)hi;
        }
        // Float noise at a boundary could make a later threshold smaller; the program needs them sorted.
        for (int i = 1; i < levels; i++)
        {
            thresholds[i] = Math.Max(thresholds[i], thresholds[i - 1]);
        }
        return thresholds;
    }

    /// <summary>Eq. 2 as a level: floor(clip(v, 0, 1) * (2^bits - 1) + 1/2).</summary>
    public static int QuantizeLevel(double v, int bits)
    {
        int max = (1 << bits) - 1;
        double clipped = Math.Clamp(v, 0.0, 1.0);
        return (int)Math.Floor(clipped * max + 0.5);
    }
}
