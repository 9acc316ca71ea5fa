using FluentAssertions;
using GroupNet.Codegen.Emitters;
using GroupNet.Deployment.Model;
using GroupNet.Deployment.Reference;

namespace GroupNet.Tests.Codegen;

/// <summary>
/// The fused stem's table (<see cref="FusedStemTable"/>) read back as gn_int8_small_threshold_pixel reads it, against
/// the reference's z = M * acc and level = #(z &gt;= T), on random multipliers (zero and negative among them),
/// thresholds (the int32 extremes among them) and windows: C# only, before any C is compiled.
/// </summary>
public sealed class FusedStemTableTests
{
    /// <summary>The kernel's comparison: sign(M) * acc, flipped by 2^31, against the table's flipped threshold, unsigned.</summary>
    private static bool KernelCompares(int sign, int acc, uint tableThreshold) =>
        ((uint)(sign * acc) ^ 0x80000000u) >= tableThreshold;

    [Fact]
    public void Folded_thresholds_compare_as_the_reference_on_every_sum_a_small_window_reaches()
    {
        var random = new Random(11);
        int[] specialT = [int.MinValue, int.MinValue + 1, -1, 0, 1, int.MaxValue - 1, int.MaxValue];
        int[] specialM = [0, 1, -1, 7, -7, 1 << 14, -(1 << 14)];
        int checkedCount = 0;
        for (int trial = 0; trial < 200_000; trial++)
        {
            int m = trial < specialM.Length * 8 ? specialM[trial % specialM.Length] : random.Next(-(1 << 11), 1 << 11);
            int t = trial % 5 == 0 ? specialT[random.Next(specialT.Length)] : random.Next(int.MinValue, int.MaxValue);
            int acc = random.Next(-2_500_000, 2_500_001);
            long z = (long)m * acc;
            if (z is < int.MinValue or > int.MaxValue)
            {
                continue; // the model validator bounds z to int32: such a pair never reaches a kernel
            }
            var (sign, folded) = FusedStemTable.Fold(m, t);
            folded.Should().BeInRange(-FusedStemTable.Limit, FusedStemTable.Limit);
            bool expected = IntegerMath.Level((int)z, [t]) == 1;
            KernelCompares(sign, acc, (uint)folded ^ 0x80000000u).Should().Be(expected, $"M={m} T={t} acc={acc}");
            checkedCount++;
        }
        checkedCount.Should().BeGreaterThan(150_000);
    }

    [Theory]
    [InlineData(1, true)]
    [InlineData(2, true)]
    [InlineData(1, false)]
    [InlineData(2, false)]
    public void Rows_give_the_reference_levels_for_every_channel(int bits, bool pairs)
    {
        const int cout = 16, n = 9;
        var random = new Random(bits * 10 + (pairs ? 1 : 0));
        int per = (1 << bits) - 1;
        var weights = Enumerable.Range(0, cout * n).Select(_ => (sbyte)random.Next(-128, 128)).ToArray();
        weights[0] = -128; // negated by a negative multiplier: 128 fits the widened weight
        var multipliers = Enumerable.Range(0, cout).Select(o => o switch { 0 => -3, 1 => 0, _ => random.Next(-900, 900) }).ToArray();
        var thresholds = Enumerable.Range(0, cout).SelectMany(_ =>
            Enumerable.Range(0, per).Select(_ => random.Next(-60_000_000, 60_000_000)).Order()).ToArray();
        var term = new Int8ConvTerm(0, new ConvGeometry(3, 1, 1), new EquatableArray<sbyte>(weights), new EquatableArray<int>(multipliers));
        var epilogue = new ThresholdEpilogue(bits, new EquatableArray<int>(thresholds));
        var rows = FusedStemTable.Rows(term, epilogue, n, pairs);
        int rowWords = FusedStemTable.RowWords(n, per, pairs), values = pairs ? (n + 1) / 2 : n;
        rows.Length.Should().Be(cout * rowWords);
        rowWords.Should().Be(pairs ? (bits == 1 ? 6 : 8) : (bits == 1 ? 10 : 12));

        for (int image = 0; image < 300; image++)
        {
            var window = Enumerable.Range(0, n).Select(_ => image == 0 ? 255 : random.Next(0, 256)).ToArray();
            for (int r = 0; r < cout; r++)
            {
                int o = cout - 1 - r;
                var row = rows.AsSpan(r * rowWords, rowWords);
                int sum = 0, acc = 0;
                for (int i = 0; i < n; i++)
                {
                    int w = pairs ? (short)(row[i / 2] >> (16 * (i % 2))) : (int)row[i];
                    sum += window[i] * w;
                    acc += window[i] * weights[o * n + i];
                }
                int level = 0;
                for (int k = 0; k < per; k++)
                {
                    level += KernelCompares(1, sum, row[values + k]) ? 1 : 0;
                }
                level.Should().Be(IntegerMath.Level(multipliers[o] * acc, thresholds.AsSpan(o * per, per)), $"channel {o}, window {image}");
            }
        }
    }

    [Fact]
    public void Only_single_small_int8_terms_with_one_packed_word_of_sorted_thresholds_run_fused()
    {
        var binary = new RandomModelBuilder { Seed = 2, Channels = [16, 32], Strides = [1, 2] }.Build();
        FusedStemTable.Eligible(binary, 0).Should().BeTrue("the stem of a binary network: one small int8 term, 16 channels, thresholds");
        Enumerable.Range(1, binary.Layers.Count - 1).Should().OnlyContain(i => !FusedStemTable.Eligible(binary, i), "binary layers are not int8 terms");

        var stem = binary.Layers[0];
        var te = (ThresholdEpilogue)stem.Epilogue;
        int per = te.ThresholdsPerChannel;
        if (per > 1)
        {
            var unsorted = te.Thresholds.ToArray();
            (unsorted[0], unsorted[1]) = (unsorted[1] + 1, unsorted[0]);
            var changed = binary with { Layers = new EquatableArray<AccumulateLayer>(binary.Layers.Select((l, i) => i == 0 ? l with { Epilogue = te with { Thresholds = new EquatableArray<int>(unsorted) } } : l)) };
            FusedStemTable.Eligible(changed, 0).Should().BeFalse("the plane encoding needs T1 <= T2 <= T3");
        }
    }
}
