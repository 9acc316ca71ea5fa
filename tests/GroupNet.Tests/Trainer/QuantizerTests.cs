using FluentAssertions;
using GroupNet.Trainer.Quantization;
using static TorchSharp.torch;

namespace GroupNet.Tests.Trainer;

/// <summary>Forward semantics of the quantisers (their gradients: <see cref="GradientCheckTests"/>).</summary>
public class QuantizerTests
{
    /// <summary>
    /// Runs the quantiser on a 37-element tensor filled with <paramref name="x"/> (so both LibTorch's vectorised loop
    /// and its scalar tail see the value), without and with autograd (the two forward paths), and returns both outputs.
    /// </summary>
    private static (float[] Plain, float[] Autograd) Quantize(int bits, float x)
    {
        using var scope = NewDisposeScope();
        var q = new ActivationQuantizer(bits);
        var values = Enumerable.Repeat(x, 37).ToArray();
        float[] plain;
        using (no_grad())
        {
            plain = TrainerTestData.Floats(q.forward(tensor(values)));
        }
        var leaf = tensor(values).requires_grad_(true);
        var trained = TrainerTestData.Floats(q.forward(leaf));
        return (plain, trained);
    }

    [Theory]
    // bits, x, expected level. Round half UP: the boundary between levels L and L + 1 is (L + 0.5) / (2^k - 1).
    [InlineData(2, 0f, 0)]
    [InlineData(2, 0.5f / 3f, 1)]          // exactly on the 0/1 boundary -> up
    [InlineData(2, 0.5f / 3f - 1e-6f, 0)]  // just below
    [InlineData(2, 0.5f / 3f + 1e-6f, 1)]
    [InlineData(2, 0.5f, 2)]               // 1.5/3: the 1/2 boundary -> up
    [InlineData(2, 0.5f - 1e-6f, 1)]
    [InlineData(2, 2.5f / 3f, 3)]          // 2/3 boundary -> up
    [InlineData(2, 2.5f / 3f - 1e-6f, 2)]
    [InlineData(2, 1f, 3)]
    [InlineData(4, 0.5f / 15f, 1)]
    [InlineData(4, 0.5f / 15f - 1e-6f, 0)]
    [InlineData(4, 0.1f, 2)]               // 1.5/15
    [InlineData(4, 0.1f - 1e-6f, 1)]
    [InlineData(4, 0.5f, 8)]               // 7.5/15 -> up
    [InlineData(4, 0.5f - 1e-6f, 7)]
    [InlineData(4, 14.5f / 15f, 15)]
    [InlineData(4, 14.5f / 15f - 1e-6f, 14)]
    // Clipping outside [0, 1].
    [InlineData(2, -0.3f, 0)]
    [InlineData(2, -1e30f, 0)]
    [InlineData(2, 1.7f, 3)]
    [InlineData(4, -0.01f, 0)]
    [InlineData(4, 5f, 15)]
    public void Activation_quantizer_rounds_half_up_and_clips(int bits, float x, int expectedLevel)
    {
        int levels = (1 << bits) - 1;
        ActivationQuantizer.Level(x, bits).Should().Be(expectedLevel, $"Level({x:R}, {bits})");
        float expected = (float)expectedLevel / levels;
        var (plain, trained) = Quantize(bits, x);
        for (int i = 0; i < plain.Length; i++)
        {
            plain[i].Should().Be(expected, $"forward({x:R}) with {bits} bits, no grad, element {i} (level {expectedLevel} of {levels})");
            trained[i].Should().Be(expected, $"forward({x:R}) with {bits} bits, autograd, element {i} (level {expectedLevel} of {levels})");
        }
    }

    [Fact]
    public void Activation_quantizer_with_32_bits_only_clips()
    {
        foreach (var (x, expected) in new[] { (0.123456f, 0.123456f), (-2f, 0f), (3f, 1f), (1f, 1f), (0f, 0f) })
        {
            var (plain, trained) = Quantize(32, x);
            plain.Should().AllBeEquivalentTo(expected, $"clip({x:R}), no grad");
            trained.Should().AllBeEquivalentTo(expected, $"clip({x:R}), autograd");
        }
        new ActivationQuantizer(32).Levels.Should().Be(0);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(17)]
    [InlineData(0)]
    [InlineData(31)]
    public void Activation_quantizer_rejects_unsupported_bit_widths(int bits)
    {
        var act = () => new ActivationQuantizer(bits);
        act.Should().Throw<ArgumentOutOfRangeException>();
    }

    [Fact]
    public void Binary_weights_are_mean_absolute_value_times_sign_per_output_filter_with_sign_of_zero_plus_one()
    {
        using var scope = NewDisposeScope();
        // Three filters of four weights (dyadic, so every mean is exact): mixed signs, one with a zero and a negative zero,
        // one all negative.
        float[] w = [0.5f, -1.5f, 0.25f, -0.75f, 0f, 0.25f, -0.25f, -0f, -0.125f, -0.375f, -0.5f, -0.25f];
        var weight = tensor(w, [3, 1, 2, 2]).requires_grad_(true);
        TrainerTestData.Floats(BinaryWeightQuantizer.Alphas(weight)).Should().Equal([0.75f, 0.125f, 0.3125f]);
        BinaryWeightQuantizer.Alphas(weight).shape.Should().Equal([3L, 1, 1, 1]);
        float[] expected = [0.75f, -0.75f, 0.75f, -0.75f, 0.125f, 0.125f, -0.125f, 0.125f, -0.3125f, -0.3125f, -0.3125f, -0.3125f];
        foreach (bool clip in new[] { true, false })
        {
            TrainerTestData.Floats(new BinaryWeightQuantizer(clip).Forward(weight)).Should().Equal(expected, "alpha * sign(W), sign(0) = sign(-0) = +1 (elements 4 and 7)");
            using (no_grad())
            {
                TrainerTestData.Floats(new BinaryWeightQuantizer(clip).Forward(weight)).Should().Equal(expected, "the same without autograd");
            }
        }
        TrainerTestData.Floats(BinaryWeightQuantizer.Sign(tensor(new[] { 0f, -0f, -1e-30f, 1e-30f, -3f }))).Should().Equal([1f, 1f, -1f, 1f, -1f]);
        BinaryWeightQuantizer.Sign(0f).Should().Be(1f);
        BinaryWeightQuantizer.Sign(-0f).Should().Be(1f, "negative zero is zero, so +1 too");
        BinaryWeightQuantizer.Sign(-1e-30f).Should().Be(-1f);
        TrainerTestData.Floats(weight).Should().Equal(w, "the latent weights are not modified");
    }

    /// <summary>Rows chosen so that W / s is exact: max |W| = 127 gives s = 1, max |W| = 63.5 gives s = 0.5.</summary>
    [Fact]
    public void Int8_weights_round_half_away_from_zero_per_row_and_keep_zero_rows()
    {
        using var scope = NewDisposeScope();
        float[] w =
        [
            127f, 2.5f, -2.5f, 0.5f, -0.5f, 126.5f, 1.4999999f, -1.5f,  // s = 1: exact halves go away from zero
            -63.5f, 1.25f, -1.25f, 0.25f, 0.75f, 63.5f, 0.2499999f, 0f, // s = 0.5: v = 2w
            0f, 0f, -0f, 0f, 0f, 0f, 0f, 0f,                             // zero row: s = 1, stays zero
        ];
        float[] expected =
        [
            127f, 3f, -3f, 1f, -1f, 127f, 1f, -2f,
            -63.5f, 1.5f, -1.5f, 0.5f, 1f, 63.5f, 0f, 0f,
            0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f,
        ];
        var weight = tensor(w, [3, 2, 2, 2]).requires_grad_(true);
        var q = TrainerTestData.Floats(Int8WeightQuantizer.Forward(weight));
        for (int i = 0; i < w.Length; i++)
        {
            q[i].Should().Be(expected[i], $"element {i}: W = {w[i]:R}");
        }
        TrainerTestData.Floats(weight).Should().Equal(w, "the latent weights are not modified");
    }

    [Fact]
    public void Int8_weights_match_a_scalar_reference_on_random_rows()
    {
        using var scope = NewDisposeScope();
        var random = new Random(12);
        const int rows = 9, size = 27;
        var w = TrainerTestData.UniformValues(random, -2f, 2f, rows * size);
        for (int i = 0; i < 20; i++)
        {
            // Values on exact half steps of their row's scale, as far as float allows.
            int row = random.Next(rows);
            float max = Enumerable.Range(0, size).Max(j => MathF.Abs(w[row * size + j]));
            w[row * size + random.Next(size)] = (random.Next(2) * 2 - 1) * (random.Next(100) + 0.5f) * (max / 127f);
        }
        var q = TrainerTestData.Floats(Int8WeightQuantizer.Forward(tensor(w, [rows, 3, 3, 3])));
        for (int r = 0; r < rows; r++)
        {
            var row = w.AsSpan(r * size, size);
            float max = 0f;
            foreach (float v in row)
            {
                max = MathF.Max(max, MathF.Abs(v));
            }
            float s = max > 0f ? max / 127f : 1f;
            for (int j = 0; j < size; j++)
            {
                float expected = Math.Clamp(MathF.Round(row[j] / s, MidpointRounding.AwayFromZero), -127f, 127f) * s;
                q[r * size + j].Should().Be(expected, $"row {r}, element {j}: W = {row[j]:R}, s = {s:R}");
            }
        }
    }

    [Fact]
    public void Int8_fake_quantisation_keeps_rows_whose_largest_weight_is_negative()
    {
        using var scope = NewDisposeScope();
        var q = TrainerTestData.Floats(Int8WeightQuantizer.Forward(tensor(new[] { 0.5f, -1.0f, 0.25f, 1.0f, -0.5f, 0.0f }, [2, 3])));
        q.Select(v => Math.Round(v * 127)).Should().Equal([64, -127, 32, 127, -64, 0]);
    }
}
