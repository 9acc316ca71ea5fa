using FluentAssertions;
using GroupNet.Trainer.Models;
using GroupNet.Trainer.Quantization;
using GroupNet.Trainer.Training;
using TorchSharp;
using static GroupNet.Tests.Trainer.QuantizerGradient;
using static GroupNet.Tests.Trainer.TrainerTestData;
using static TorchSharp.torch;

namespace GroupNet.Tests.Trainer;

/// <summary>
/// The quantisers' forward passes and straight-through gradients against the equations of MISSION.md ("The method"),
/// element by element: Eq. 2 k-bit activations (and the 32-bit clip), Eq. 1 binary weights and the int8 fake-quantised
/// first/last layers (1-bit sign activations: <see cref="SignActivationQuantizerTests"/>). Where the gradient is the
/// true derivative (a full-precision model) it is checked against central finite differences in float64 (step 1e-6:
/// truncation ~1e-12, rounding ~1e-10, so 1e-6 relative catches any wrong term, which shows up at order 1).
/// </summary>
public class GradientCheckTests
{
    /// <summary>Every level's value, the half steps between levels (the rounding boundaries), their float neighbours,
    /// both clip edges and values outside [0, 1] (-0 and tiny values included).</summary>
    private static float[] LevelProbes(int levels)
    {
        var values = new List<float> { 0f, -0f, 1f, -1e-30f, 1e-30f, -0.25f, 1.0000001f, 1.5f, -3f, 7f, 0.9999999f };
        for (int l = 0; l <= levels; l++)
        {
            float at = (float)l / levels;
            float half = (l + 0.5f) / levels;
            values.AddRange([at, half, MathF.BitDecrement(half), MathF.BitIncrement(half)]);
        }
        return values.ToArray();
    }

    [Theory]
    [InlineData(2)]
    [InlineData(4)]
    public void K_bit_activation_forward_is_Eq_2_exactly_and_its_gradient_is_straight_through_on_0_1(int bits)
    {
        int levels = (1 << bits) - 1;
        var x = LevelProbes(levels);
        var g = Upstream(x.Length);
        var q = new ActivationQuantizer(bits);
        var (y, dx) = Run(q.forward, x, [x.Length], g);
        int errors = 0;
        for (int i = 0; i < x.Length; i++)
        {
            float expected = MathF.Floor(Math.Clamp(x[i], 0f, 1f) * levels + 0.5f) / levels;
            float expectedGrad = x[i] >= 0f && x[i] <= 1f ? g[i] : 0f;
            if (y[i] != expected || dx[i] != expectedGrad)
            {
                errors++;
            }
            y[i].Should().Be(expected, $"forward at index {i}, x = {x[i]:R} ({bits} bits): actual {y[i]:R}, expected {expected:R}");
            dx[i].Should().Be(expectedGrad, $"dL/dx at index {i}, x = {x[i]:R}: actual {dx[i]:R}, expected {expectedGrad:R}");
        }
        errors.Should().Be(0);
        y.Should().Contain(1f / levels, "a half step rounds up to the next level").And.Contain(0f).And.Contain(1f);
    }

    [Fact]
    public void Full_precision_activation_is_the_clip_with_the_same_gradient()
    {
        var x = LevelProbes(3);
        var g = Upstream(x.Length);
        var (y, dx) = Run(new ActivationQuantizer(32).forward, x, [x.Length], g);
        for (int i = 0; i < x.Length; i++)
        {
            float expected = Math.Clamp(x[i], 0f, 1f);
            y[i].Should().Be(expected, $"forward at index {i}, x = {x[i]:R}");
            dx[i].Should().Be(x[i] >= 0f && x[i] <= 1f ? g[i] : 0f, $"dL/dx at index {i}, x = {x[i]:R}");
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Binary_weight_gradient_is_straight_through_and_clipped_where_abs_w_exceeds_one(bool clipGradient)
    {
        float[] w = [0.5f, -1.5f, 1f, -1f, 1.0000001f, 0f, -0.3f, 2f, -0f, 0.999f, -1.0000001f, 0.25f];
        var g = Upstream(w.Length);
        var (wb, dw) = Run(new BinaryWeightQuantizer(clipGradient).Forward, w, [3, 4], g);
        for (int i = 0; i < w.Length; i++)
        {
            float expected = !clipGradient || MathF.Abs(w[i]) <= 1f ? g[i] : 0f;
            dw[i].Should().Be(expected, $"dL/dW at index {i}, W = {w[i]:R} (clip {clipGradient}): actual {dw[i]:R}, expected {expected:R}");
        }
        for (int o = 0; o < 3; o++)
        {
            float alpha = w.Skip(4 * o).Take(4).Sum(MathF.Abs) / 4f;
            for (int i = 4 * o; i < 4 * o + 4; i++)
            {
                wb[i].Should().BeApproximately(BinaryWeightQuantizer.Sign(w[i]) * alpha, 1e-6f, $"W_b at index {i}");
            }
        }
    }

    [Fact]
    public void Int8_weight_gradient_is_straight_through()
    {
        var random = new Random(8);
        var w = UniformValues(random, -3, 3, 4 * 18);
        for (int i = 18; i < 36; i++)
        {
            w[i] = 0f; // a zero row
        }
        w[40] = 2.5f * 3f / 127f;
        var g = UniformValues(random, -1, 1, w.Length);
        var (_, dw) = Run(Int8WeightQuantizer.Forward, w, [4, 2, 3, 3], g);
        for (int i = 0; i < w.Length; i++)
        {
            dw[i].Should().Be(g[i], $"dL/dW at index {i}, W = {w[i]:R}: the scale is a constant, rounding passes the gradient");
        }
    }

    /// <summary>
    /// A whole full-precision tiny Group-Net v1 (K = 2, 8x8 input, batch 3, batch norm in training mode, clip
    /// activations, shortcuts, group scales, classifier) in float64 through the loss, for sampled coordinates of every
    /// parameter: our modules' composition (weighted sums, quantiser autograd functions, forward wiring) gives LibTorch
    /// the right graph. Kinks (ReLU, clip edges) are crossed by a 1e-6 step with negligible probability.
    /// </summary>
    [Fact]
    public void Full_precision_model_gradient_through_the_loss_matches_finite_differences()
    {
        using var context = new TrainingContext(seed: 3, threads: 1);
        using var model = ModelFactory.Create(Config(2, 32) with { InputHeight = 8, InputWidth = 8 }, context);
        model.to(ScalarType.Float64);
        model.train();
        using var scope = NewDisposeScope();
        var x = tensor(UniformValues(new Random(11), 0, 1, 3 * 64).Select(v => (double)v).ToArray(), [3, 1, 8, 8], ScalarType.Float64);
        var labels = tensor(new long[] { 1, 3, 0 });
        var parameters = model.named_parameters().ToList();
        double error = FiniteDifferences.MaxRelativeError(() => nn.functional.cross_entropy(model.forward(x), labels),
            parameters.Select(p => (Tensor)p.Item2).ToList(), step: 1e-6, samplesPerInput: 3, new Random(2));
        parameters.Where(p => p.Item2.grad is null).Select(p => p.Item1).Should().BeEmpty("every parameter receives a gradient");
        error.Should().BeLessThan(1e-6, "max relative error over sampled coordinates of every parameter");
    }
}
