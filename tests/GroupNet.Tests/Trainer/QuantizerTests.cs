using FluentAssertions;
using GroupNet.Trainer.Modules;
using GroupNet.Trainer.Quantization;
using GroupNet.Trainer.Tensors;

namespace GroupNet.Tests.Trainer;

public class QuantizerTests
{
    private static readonly TrainingContext Context = new(seed: 1, threads: 2);

    /// <summary>
    /// Runs the quantiser on a 37-element tensor filled with <paramref name="x"/> (so both the 16-wide vector
    /// loop and the scalar tail see the value) and returns the outputs.
    /// </summary>
    private static float[] Quantize(int bits, float x)
    {
        var q = new ActivationQuantizer(Context, bits);
        var input = new Tensor(Enumerable.Repeat(x, 37).ToArray(), 37);
        return q.Forward(input).Data;
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
        var y = Quantize(bits, x);
        for (int i = 0; i < y.Length; i++)
        {
            y[i].Should().Be(expected, $"Forward({x:R}) with {bits} bits at element {i} (level {expectedLevel} of {levels})");
        }
    }

    [Fact]
    public void Activation_quantizer_with_32_bits_only_clips()
    {
        var y = Quantize(32, 0.123456f);
        y.Should().AllBeEquivalentTo(0.123456f);
        Quantize(32, -2f).Should().AllBeEquivalentTo(0f);
        Quantize(32, 3f).Should().AllBeEquivalentTo(1f);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(17)]
    [InlineData(0)]
    [InlineData(31)]
    public void Activation_quantizer_rejects_unsupported_bit_widths(int bits)
    {
        var act = () => new ActivationQuantizer(Context, bits);
        act.Should().Throw<ArgumentOutOfRangeException>();
    }

    [Theory]
    [InlineData(2)]
    [InlineData(4)]
    [InlineData(32)]
    public void Activation_quantizer_gradient_is_straight_through_inside_0_1_and_zero_outside(int bits)
    {
        // 21 values (vector loop + tail), from well below 0 to well above 1, including both clip edges.
        float[] x = [-2f, -0.5f, -1e-6f, 0f, 1e-6f, 0.1f, 0.2f, 0.3f, 0.4f, 0.5f, 0.6f, 0.7f, 0.8f, 0.9f, 0.999f, 1f, 1.000001f, 1.5f, 3f, -0.1f, 0.05f];
        var input = new Tensor((float[])x.Clone(), x.Length) { RequiresGrad = true };
        var q = new ActivationQuantizer(Context, bits);
        var y = q.Forward(input);
        var upstream = Enumerable.Range(0, x.Length).Select(i => 0.25f + i).ToArray();
        y.Grad = (float[])upstream.Clone();
        y.BackwardFromGrad(Context);
        input.Grad.Should().NotBeNull();
        for (int i = 0; i < x.Length; i++)
        {
            float expected = x[i] >= 0f && x[i] <= 1f ? upstream[i] : 0f;
            input.Grad![i].Should().Be(expected, $"dL/dx at x = {x[i]:R} (element {i})");
        }
    }

    [Fact]
    public void Binary_weights_are_mean_absolute_value_times_sign_per_output_filter_with_sign_of_zero_plus_one()
    {
        // Three filters of four weights: mixed signs, one with a zero, one all negative.
        float[] w = [0.5f, -1.5f, 0.25f, -0.75f, 0f, 0.2f, -0.2f, 0.4f, -0.1f, -0.3f, -0.5f, -0.1f];
        var weight = new Parameter((float[])w.Clone(), 3, 1, 2, 2);
        var alphas = BinaryWeightQuantizer.Alphas(weight);
        alphas.Should().Equal([0.75f, 0.2f, 0.25f]);
        var wb = new BinaryWeightQuantizer().Forward(Context, weight);
        float[] expected = [0.75f, -0.75f, 0.75f, -0.75f, 0.2f, 0.2f, -0.2f, 0.2f, -0.25f, -0.25f, -0.25f, -0.25f];
        wb.Data.Should().Equal(expected, "alpha * sign(W), sign(0) = +1 (element 4)");
        BinaryWeightQuantizer.Sign(0f).Should().Be(1f);
        BinaryWeightQuantizer.Sign(-0f).Should().Be(1f, "negative zero is zero, so +1 too");
        BinaryWeightQuantizer.Sign(-1e-30f).Should().Be(-1f);
        weight.Data.Should().Equal(w, "the latent weights are not modified");
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Binary_weight_gradient_is_straight_through_and_clipped_where_abs_w_exceeds_one(bool clipGradient)
    {
        float[] w = [0.5f, -1.5f, 1f, -1f, 1.0001f, 0f, -0.3f, 2f];
        var weight = new Parameter((float[])w.Clone(), 2, 4);
        var wb = new BinaryWeightQuantizer(clipGradient).Forward(Context, weight);
        float[] upstream = [1f, 2f, 3f, 4f, 5f, 6f, 7f, 8f];
        wb.Grad = (float[])upstream.Clone();
        wb.BackwardFromGrad(Context);
        for (int i = 0; i < w.Length; i++)
        {
            float expected = !clipGradient || MathF.Abs(w[i]) <= 1f ? upstream[i] : 0f;
            weight.Grad![i].Should().Be(expected, $"dL/dW at W = {w[i]:R} (element {i}, clip {clipGradient})");
        }
    }
}
