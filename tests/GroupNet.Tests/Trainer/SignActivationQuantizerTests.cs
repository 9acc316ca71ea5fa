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
/// k = 1 activations: y = beta_n * s(x) with beta_n = mean |x| of sample n, s(0) = s(-0) = +1; backward
/// beta * g * [|x| &lt;= 1] + s(x) / M * sum(g * s(x)) per sample; in eval mode, once estimated, one constant beta.
/// </summary>
[Collection(TorchThreadsCollection.Name)]
public class SignActivationQuantizerTests
{
    /// <summary>Sample 0 of 37 values holds zeros, negative zero, tiny and large values; sample 1 is sample 0 times 3.</summary>
    private static float[] SignValues()
    {
        var one = new float[37];
        for (int i = 0; i < one.Length; i++)
        {
            one[i] = (i % 5) switch { 0 => 0f, 1 => -0f, 2 => -1e-30f, 3 => 0.25f * i, _ => -0.1f * i };
        }
        return [.. one, .. one.Select(v => v * 3f)];
    }

    [Fact]
    public void Sign_of_zero_is_plus_one_and_the_scale_is_the_mean_absolute_value_of_each_sample()
    {
        var x = SignValues();
        var (y, _) = Run(new SignActivationQuantizer().forward, x, [2, 37], new float[74]);
        using (no_grad())
        using (var scope = NewDisposeScope())
        {
            Floats(new SignActivationQuantizer().forward(tensor(x, [2, 37]))).Should().Equal(y, "the no-grad path computes the same values");
        }
        for (int n = 0; n < 2; n++)
        {
            double beta = x.Skip(n * 37).Take(37).Sum(v => Math.Abs((double)v)) / 37;
            for (int i = n * 37; i < (n + 1) * 37; i++)
            {
                float sign = x[i] >= 0f ? 1f : -1f; // -0 >= 0: +1
                y[i].Should().BeApproximately(sign * (float)beta, 1e-6f * (float)beta, $"index {i}, x = {x[i]:R}: actual {y[i]:R}, expected {sign * beta:R}");
                MathF.Sign(y[i]).Should().Be((int)sign, $"sign at index {i} (x = {x[i]:R}); sign(0) = sign(-0) = +1");
            }
        }
        SignActivationQuantizer.Sign(0f).Should().Be(1f);
        SignActivationQuantizer.Sign(-0f).Should().Be(1f);
        SignActivationQuantizer.Sign(-1e-30f).Should().Be(-1f);
    }

    /// <summary>
    /// Upstream gradients chosen so that sum_i g_i * s(x_i) = 0 in the sample: the scale term vanishes and dL/dx must
    /// be beta * g inside |x| &lt;= 1 (both edges included) and exactly 0 outside.
    /// </summary>
    [Fact]
    public void Gradient_is_straight_through_inside_abs_x_at_most_one_and_zero_outside()
    {
        // Pairs (v, -v) with g = 1 on both cancel in sum g * s(x). Includes 0 / -0, the edges +-1 and just outside.
        float[] half = [0f, 0.5f, 1f, 1.0000001f, 3f, 0.999f, 0.25f, 2f, 1e-3f, 1.5f];
        float[] x = [.. half, .. half.Select(v => -v)];
        x[10] = -1e-30f; // the partner of +0: s(+0) = +1 and s(-1e-30) = -1 still cancel
        var g = Enumerable.Repeat(1f, 20).ToArray();
        var (_, dx) = Run(new SignActivationQuantizer().forward, x, [1, 20], g);
        float beta = x.Sum(MathF.Abs) / 20f;
        for (int i = 0; i < x.Length; i++)
        {
            float expected = MathF.Abs(x[i]) <= 1f ? beta : 0f;
            dx[i].Should().BeApproximately(expected, 1e-6f, $"dL/dx at index {i}, x = {x[i]:R}: actual {dx[i]:R}, expected {expected:R}");
        }
        dx.Count(v => v == 0f).Should().Be(8, "the eight values with |x| > 1 get exactly nothing");
    }

    [Fact]
    public void Gradient_with_a_general_upstream_matches_the_documented_formula()
    {
        var random = new Random(4);
        const int samples = 3, m = 30;
        var x = UniformValues(random, -2, 2, samples * m);
        x[0] = 0f;
        x[1] = -0f;
        x[2] = 1f;
        x[3] = -1f;
        var g = UniformValues(random, -1, 1, samples * m);
        var (_, dx) = Run(new SignActivationQuantizer().forward, x, [samples, 2, 3, 5], g);
        for (int n = 0; n < samples; n++)
        {
            var xs = x.AsSpan(n * m, m).ToArray();
            double beta = xs.Sum(v => Math.Abs((double)v)) / m;
            double c = Enumerable.Range(0, m).Sum(i => g[n * m + i] * (xs[i] >= 0 ? 1.0 : -1.0));
            for (int i = 0; i < m; i++)
            {
                // beta * g * [|x| <= 1] + s(x) / M * sum(g * s(x))
                double expected = (Math.Abs(xs[i]) <= 1 ? beta * g[n * m + i] : 0) + (xs[i] >= 0 ? 1 : -1) * c / m;
                dx[n * m + i].Should().BeApproximately((float)expected, 1e-5f, $"sample {n}, index {i}, x = {xs[i]:R}: actual {dx[n * m + i]:R}, expected {expected:R}");
            }
        }
    }

    /// <summary>Where every |x| &gt; 1 the straight-through term is zero and the analytic gradient is the true
    /// derivative of beta(x) * s(x) (s is locally constant), so finite differences must agree.</summary>
    [Fact]
    public void Scale_gradient_matches_finite_differences_where_the_straight_through_term_is_off()
    {
        using var scope = NewDisposeScope();
        var random = new Random(5);
        var values = UniformValues(random, 1.1f, 2f, 2 * 3 * 4 * 4).Select((v, i) => i % 3 == 0 ? -(double)v : v).ToArray();
        var x = tensor(values, [2, 3, 4, 4], ScalarType.Float64).requires_grad_(true);
        var r = tensor(UniformValues(random, -1, 1, values.Length).Select(v => (double)v).ToArray(), [2, 3, 4, 4], ScalarType.Float64);
        var q = new SignActivationQuantizer();
        double error = FiniteDifferences.MaxRelativeError(() => (q.forward(x) * r).sum(), [x], step: 1e-6, samplesPerInput: values.Length, new Random(1));
        error.Should().BeLessThan(1e-6);
        // And the scale term is really there: without it the gradient would be exactly zero.
        Floats(x.grad!).Should().Contain(v => v != 0f);
    }

    [Fact]
    public void Eval_mode_uses_the_estimated_scale_for_every_sample_and_its_gradient_has_no_scale_term()
    {
        var x = SignValues();
        x[5] = 1.5f; // one value outside the straight-through range
        var g = Upstream(x.Length);
        var q = new SignActivationQuantizer { EstimatedScale = 0.75f };
        q.eval();
        var (y, dx) = Run(q.forward, x, [2, 37], g);
        for (int i = 0; i < x.Length; i++)
        {
            float s = x[i] >= 0f ? 1f : -1f;
            y[i].Should().Be(0.75f * s, $"forward at index {i}, x = {x[i]:R}");
            dx[i].Should().Be(MathF.Abs(x[i]) <= 1f ? 0.75f * g[i] : 0f, $"dL/dx at index {i}, x = {x[i]:R}: a constant beta has no derivative");
        }
        q.train();
        var (t, _) = Run(q.forward, x, [2, 37], g);
        t.Should().NotContain(0.75f, "training mode keeps each sample's own mean |x|");
        var unset = new SignActivationQuantizer();
        unset.eval();
        Run(unset.forward, x, [2, 37], g).Forward.Should().Equal(t, "an unset (0) scale falls back to the per-sample scale");
        var fixedScale = new SignActivationQuantizer { FixedScale = 0.5f };
        Run(fixedScale.forward, x, [2, 37], g).Forward.Select(MathF.Abs).Should().OnlyContain(v => v == 0.5f, "a fixed scale applies in training mode too");
        FluentActions.Invoking(() => q.EstimatedScale = float.NaN).Should().Throw<ArgumentOutOfRangeException>();
        FluentActions.Invoking(() => q.EstimatedScale = -1f).Should().Throw<ArgumentOutOfRangeException>();
    }

    [Fact]
    public void Activation_quantizer_with_one_bit_is_the_scaled_sign()
    {
        var x = SignValues();
        var one = new ActivationQuantizer(1);
        one.SignQuantizer.Should().NotBeNull();
        one.Levels.Should().Be(1);
        one.named_children().Select(c => c.name).Should().Equal(["sign"], "the state-dict path is ...quant.sign.estimated_scale");
        var g = Upstream(x.Length);
        var a = Run(one.forward, x, [2, 37], g);
        var b = Run(new SignActivationQuantizer().forward, x, [2, 37], g);
        a.Forward.Should().Equal(b.Forward);
        a.Gradient.Should().Equal(b.Gradient);
        new ActivationQuantizer(2).SignQuantizer.Should().BeNull();
    }

    [Fact]
    public void Results_do_not_depend_on_the_thread_count()
    {
        var data = UniformValues(new Random(6), -2, 2, 8 * 16 * 16 * 16);
        var g = Enumerable.Range(0, data.Length).Select(i => (float)Math.Cos(i)).ToArray();
        (float[], float[]) Once(int threads)
        {
            using var context = new TrainingContext(seed: 0, threads: threads);
            return Run(new SignActivationQuantizer().forward, data, [8, 16, 16, 16], g);
        }
        var (y1, g1) = Once(1);
        var (y2, g2) = Once(2);
        int diff = FirstBitDifference(y1, y2);
        diff.Should().Be(-1, diff < 0 ? "" : $"forward index {diff}: {y1[diff]:R} (1 thread) vs {y2[diff]:R} (2 threads)");
        diff = FirstBitDifference(g1, g2);
        diff.Should().Be(-1, diff < 0 ? "" : $"gradient index {diff}: {g1[diff]:R} (1 thread) vs {g2[diff]:R} (2 threads)");
    }

    [Fact]
    public void A_group_net_with_one_bit_activations_trains_end_to_end()
    {
        using var ctx = new TrainingContext(seed: 7, threads: 1);
        using var model = ModelFactory.Create(Config(2, 1), ctx);
        using var scope = NewDisposeScope();
        var x = Uniform(new Random(8), false, 0, 1, 2, 1, Side, Side);
        var loss = nn.functional.cross_entropy(model.forward(x), tensor(new long[] { 0, 1 }));
        float.IsFinite(loss.item<float>()).Should().BeTrue();
        loss.backward();
        model.named_parameters().Where(p => p.parameter.grad is null).Select(p => p.name).Should().BeEmpty();
        model.parameters().Sum(p => p.grad!.abs().sum().item<float>()).Should().BeGreaterThan(0f);
        model.modules().OfType<SignActivationQuantizer>().Should().NotBeEmpty();
    }

    [Fact]
    public void Reestimation_sets_each_sign_quantiser_to_its_mean_per_sample_scale_in_forward_order()
    {
        using var ctx = new TrainingContext(seed: 5, threads: 1);
        using var model = ModelFactory.Create(new ModelConfig(NetworkKind.Tiny, StructureKind.V1, 2, 1, 1, LayerPrecision.Float32, Classes, 1, Side, Side), ctx);
        var data = Textures(64, seed: 9);
        GroupNet.Trainer.Training.Trainer.ReestimateBatchNorm(model, data, batches: 2, batchSize: 32);
        model.training.Should().BeFalse("the model ends in eval mode");
        var signs = model.modules().OfType<SignActivationQuantizer>().ToList();
        signs.Should().NotBeEmpty();
        signs.Should().OnlyContain(s => s.EstimatedScale > 0f && float.IsFinite(s.EstimatedScale));

        // The last quantiser's constant equals its mean per-sample scale over the same batches, measured with every
        // upstream layer (batch norms and sign quantisers) already in its final eval state.
        var last = signs[^1];
        float estimated = last.EstimatedScale;
        last.EstimatedScale = 0f;
        last.ResetObservedScale();
        last.ObserveScales = true;
        using (no_grad())
        {
            foreach (var batch in new GroupNet.Trainer.Data.DataLoader(data, 32, shuffle: true, 0).Epoch(0).Take(2))
            {
                using var scope = NewDisposeScope();
                model.forward(batch.Images);
            }
        }
        last.ObserveScales = false;
        ((float)last.MeanObservedScale).Should().BeApproximately(estimated, 1e-5f * estimated);
    }
}
