using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace GroupNet.Deployment.Reference;

/// <summary>The rounding and shift rules of docs/integer-arithmetic.md, implemented once for C#.</summary>
public static class IntegerMath
{
    /// <summary>floor(u / 2^shift) without shifting a negative value (mirrors the C helper).</summary>
    public static long FloorShift(long u, int shift) =>
        u >= 0 ? u >> shift : -((-u - 1) >> shift) - 1;

    /// <summary>floor(v / 2^shift + 1/2): round half up, for any sign.</summary>
    public static long RoundShift(long v, int shift) =>
        shift == 0 ? v : FloorShift(v + (1L << (shift - 1)), shift);

    public static int Clamp8(long v) => (int)Math.Clamp(v, -127L, 127L);

    /// <summary>The requantize epilogue: clamp(round_shift((int64)z * M[o] + O[o], S), Low[o], High[o]).</summary>
    public static byte Requantize(int z, GroupNet.Deployment.Model.RequantizeEpilogue re, int o) =>
        (byte)Math.Clamp(RoundShift((long)z * re.Multipliers[o] + re.Offsets[o], re.Shift), re.Low[o], re.High[o]);

    public static int Popcount(uint v) => BitOperations.PopCount(v);

    /// <summary>sum of popcount(a[i] &amp; b[i]) over a's length; b at least as long as a.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int AndPopcount(ReadOnlySpan<ulong> a, ReadOnlySpan<ulong> b) => CombinedPopcount<And>(a, b);

    /// <summary>sum of popcount(a[i] ^ b[i]) over a's length; b at least as long as a.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int XorPopcount(ReadOnlySpan<ulong> a, ReadOnlySpan<ulong> b) => CombinedPopcount<Xor>(a, b);

    /// <summary>sum of popcount(TWord.Combine(a[i], b[i])) over a's length.</summary>
    /// <remarks>The reference's innermost loop (hundreds of thousands of calls per image, a handful of words each), so
    /// it is inlined, specialised per word operation (a struct type argument), and reads through references once the
    /// lengths are checked.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int CombinedPopcount<TWord>(ReadOnlySpan<ulong> a, ReadOnlySpan<ulong> b)
        where TWord : struct, IWordOperation
    {
        if (b.Length < a.Length)
        {
            throw new ArgumentException("b is shorter than a", nameof(b));
        }
        ref ulong ra = ref MemoryMarshal.GetReference(a);
        ref ulong rb = ref MemoryMarshal.GetReference(b);
        int count = 0;
        for (int i = 0; i < a.Length; i++)
        {
            count += BitOperations.PopCount(TWord.Combine(Unsafe.Add(ref ra, i), Unsafe.Add(ref rb, i)));
        }
        return count;
    }

    private interface IWordOperation
    {
        static abstract ulong Combine(ulong a, ulong b);
    }

    private readonly struct And : IWordOperation
    {
        public static ulong Combine(ulong a, ulong b) => a & b;
    }

    private readonly struct Xor : IWordOperation
    {
        public static ulong Combine(ulong a, ulong b) => a ^ b;
    }

    /// <summary>Number of thresholds z reaches (thresholds non-decreasing).</summary>
    public static int Level(int z, ReadOnlySpan<int> thresholds)
    {
        int level = 0;
        foreach (int t in thresholds)
        {
            level += z >= t ? 1 : 0;
        }
        return level;
    }
}
