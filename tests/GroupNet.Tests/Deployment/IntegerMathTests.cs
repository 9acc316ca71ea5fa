using System.Numerics;
using FluentAssertions;
using GroupNet.Deployment.Reference;

namespace GroupNet.Tests.Deployment;

public class IntegerMathTests
{
    [Fact]
    public void FloorShift_matches_floor_division_for_random_values_of_both_signs()
    {
        var rng = new Random(1);
        for (int i = 0; i < 100_000; i++)
        {
            long v = rng.NextInt64(-(1L << 62), 1L << 62);
            int s = rng.Next(0, 40);
            var expected = BigInteger.Divide(v, BigInteger.One << s);
            if (v < 0 && expected * (BigInteger.One << s) != v)
            {
                expected -= 1; // BigInteger division truncates; floor goes down for negatives
            }
            IntegerMath.FloorShift(v, s).Should().Be((long)expected, $"floor({v} / 2^{s})");
        }
    }

    [Theory]
    [InlineData(5, 1, 3)]    // 2.5 -> 3 (half up)
    [InlineData(-5, 1, -2)]  // -2.5 -> -2 (half up)
    [InlineData(-6, 1, -3)]
    [InlineData(7, 2, 2)]    // 1.75 -> 2
    [InlineData(-7, 2, -2)]  // -1.75 -> -2
    [InlineData(6, 2, 2)]    // 1.5 -> 2
    [InlineData(-6, 2, -1)]  // -1.5 -> -1
    [InlineData(123, 0, 123)]
    public void RoundShift_rounds_half_up(long v, int shift, long expected) =>
        IntegerMath.RoundShift(v, shift).Should().Be(expected);

    [Fact]
    public void RoundShift_equals_floor_of_exact_quotient_plus_half()
    {
        var rng = new Random(2);
        for (int i = 0; i < 100_000; i++)
        {
            long v = rng.NextInt64(-(1L << 61), 1L << 61);
            int s = rng.Next(1, 40);
            // floor(v / 2^s + 1/2) = floor((2v + 2^s) / 2^(s+1))
            var num = 2 * (BigInteger)v + (BigInteger.One << s);
            var den = BigInteger.One << (s + 1);
            var q = BigInteger.Divide(num, den);
            if (num < 0 && q * den != num)
            {
                q -= 1;
            }
            IntegerMath.RoundShift(v, s).Should().Be((long)q);
        }
    }

    [Fact]
    public void Level_counts_reached_thresholds_including_sentinels()
    {
        int[] t = [int.MinValue, 0, int.MaxValue];
        IntegerMath.Level(-5, t).Should().Be(1);
        IntegerMath.Level(0, t).Should().Be(2);
        IntegerMath.Level(int.MaxValue - 1, t).Should().Be(2);
    }
}
