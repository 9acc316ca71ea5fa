using FluentAssertions;
using GroupNet.Deployment.Reference;

namespace GroupNet.Tests.Deployment;

public class BitPackingTests
{
    public static TheoryData<int, int> SizesAroundWordBoundaries()
    {
        var data = new TheoryData<int, int>();
        foreach (int c in new[] { 1, 31, 32, 33, 63, 64, 65 })
        {
            foreach (int bits in new[] { 2, 4 })
            {
                data.Add(c, bits);
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(SizesAroundWordBoundaries))]
    public void Levels_round_trip_and_padding_bits_stay_zero(int channels, int bits)
    {
        var rng = new Random(channels * 10 + bits);
        int words = BitPacking.Words(channels);
        var levels = Enumerable.Range(0, channels).Select(_ => rng.Next(1 << bits)).ToArray();
        var packed = new uint[bits * words];
        BitPacking.PackLevels(levels, bits, packed);
        for (int c = 0; c < channels; c++)
        {
            BitPacking.UnpackLevel(packed, bits, words, c).Should().Be(levels[c]);
        }
        int tail = channels % 32;
        if (tail != 0)
        {
            for (int b = 0; b < bits; b++)
            {
                (packed[b * words + words - 1] >> tail).Should().Be(0u, "padding bits hold 0");
            }
        }
    }

    [Theory]
    [MemberData(nameof(SizesAroundWordBoundaries))]
    public void Xnor_popcount_identity_equals_the_plus_minus_one_dot_product(int channels, int bits)
    {
        var rng = new Random(channels * 7 + bits);
        int words = BitPacking.Words(channels);
        for (int trial = 0; trial < 200; trial++)
        {
            var levels = Enumerable.Range(0, channels).Select(_ => rng.Next(1 << bits)).ToArray();
            var weights = Enumerable.Range(0, channels).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
            if (trial == 0)
            {
                weights[0] = 0f; // sign(0) = +1
            }
            var a = new uint[bits * words];
            var w = new uint[words];
            BitPacking.PackLevels(levels, bits, a);
            BitPacking.PackSigns(weights, w);
            int expected = 0;
            for (int c = 0; c < channels; c++)
            {
                expected += levels[c] * (weights[c] >= 0 ? 1 : -1);
            }
            int actual = 0;
            for (int b = 0; b < bits; b++)
            {
                int plane = 0;
                for (int j = 0; j < words; j++)
                {
                    plane += 2 * IntegerMath.Popcount(a[b * words + j] & w[j]) - IntegerMath.Popcount(a[b * words + j]);
                }
                actual += plane << b;
            }
            actual.Should().Be(expected);
        }
    }

    [Fact]
    public void Sign_of_zero_is_plus_one()
    {
        var w = new uint[1];
        BitPacking.PackSigns([0f, -0f, -1e-30f, 1e-30f], w);
        // -0f >= 0 is true in IEEE comparison, so -0 is +1 as well
        w[0].Should().Be(0b1011u);
    }
}
