using FluentAssertions;
using GroupNet.Trainer.Models;
using GroupNet.Trainer.Ops;
using GroupNet.Trainer.Quantization;
using GroupNet.Trainer.Tensors;
using static GroupNet.Tests.Trainer.TrainerTestData;

namespace GroupNet.Tests.Trainer;

/// <summary>k = 1 activations: y = mean(|x|) per sample * sign(x), sign(0) = +1, straight-through inside |x| &lt;= 1.</summary>
public class SignActivationQuantizerTests
{
    private static readonly TrainingContext Context = new(seed: 3, threads: 2);

    /// <summary>Sample 0 of 37 values (vector loop + tail) holds zeros, negative zero, tiny and large values; sample 1 is sample 0 times 3.</summary>
    private static float[] Values()
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
        var x = Values();
        var input = new Tensor((float[])x.Clone(), 2, 37);
        var y = new SignActivationQuantizer(Context).Forward(input);
        for (int n = 0; n < 2; n++)
        {
            double beta = x.Skip(n * 37).Take(37).Sum(v => Math.Abs((double)v)) / 37;
            for (int i = n * 37; i < (n + 1) * 37; i++)
            {
                float expected = (x[i] >= 0f ? 1f : -1f) * (float)beta;
                y.Data[i].Should().BeApproximately(expected, 1e-6f * (float)beta, $"element {i} (x = {x[i]:R})");
                Math.Sign(y.Data[i]).Should().Be(x[i] == 0f || x[i] > 0f ? 1 : -1, $"sign at element {i} (x = {x[i]:R}), sign(0) = sign(-0) = +1");
            }
        }
        SignActivationQuantizer.Sign(0f).Should().Be(1f);
        SignActivationQuantizer.Sign(-0f).Should().Be(1f);
        SignActivationQuantizer.Sign(-1e-30f).Should().Be(-1f);
        input.Data.Should().Equal(x, "the input is not modified");
    }

    [Fact]
    public void Activation_quantizer_with_one_bit_is_the_scaled_sign()
    {
        var x = Values();
        var a = new ActivationQuantizer(Context, 1).Forward(new Tensor((float[])x.Clone(), 2, 37));
        var b = new SignActivationQuantizer(Context).Forward(new Tensor((float[])x.Clone(), 2, 37));
        a.Data.Should().Equal(b.Data);
        new ActivationQuantizer(Context, 1).Levels.Should().Be(1);
    }

    /// <summary>
    /// Upstream gradients chosen so that sum_i g_i * sign(x_i) = 0 in each sample: the scale term vanishes and
    /// dL/dx must be exactly beta * g inside |x| &lt;= 1 (both edges included) and exactly 0 outside.
    /// </summary>
    [Fact]
    public void Gradient_is_straight_through_inside_abs_x_at_most_one_and_zero_outside()
    {
        // 20 values: pairs (v, -v) so that g = 1 on both cancels in sum g * sign(x). Includes 0 / -0, the edges +-1 and just outside.
        float[] half = [0f, 0.5f, 1f, 1.0000001f, 3f, 0.999f, 0.25f, 2f, 1e-3f, 1.5f];
        float[] x = [.. half, .. half.Select(v => -v)];
        x[10] = -1e-30f; // pair of +0: sign(+0) = +1 and sign(-1e-30) = -1 still cancel
        float[] g = Enumerable.Repeat(1f, 20).ToArray();
        var input = new Tensor((float[])x.Clone(), 1, 20) { RequiresGrad = true };
        var y = new SignActivationQuantizer(Context).Forward(input);
        y.Grad = (float[])g.Clone();
        y.BackwardFromGrad(Context);
        float beta = x.Sum(MathF.Abs) / 20f;
        for (int i = 0; i < x.Length; i++)
        {
            float expected = MathF.Abs(x[i]) <= 1f ? beta : 0f;
            input.Grad![i].Should().BeApproximately(expected, 1e-6f, $"dL/dx at x = {x[i]:R} (element {i})");
        }
    }

    [Fact]
    public void Gradient_with_a_general_upstream_matches_the_documented_formula()
    {
        var random = new Random(4);
        var input = Uniform(random, true, -2, 2, 3, 2, 3, 5);
        var y = new SignActivationQuantizer(Context).Forward(input);
        var g = Enumerable.Range(0, y.Count).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
        y.Grad = (float[])g.Clone();
        y.BackwardFromGrad(Context);
        const int m = 30;
        for (int n = 0; n < 3; n++)
        {
            var x = input.Data.Skip(n * m).Take(m).ToArray();
            double beta = x.Sum(v => Math.Abs((double)v)) / m;
            double s = Enumerable.Range(0, m).Sum(i => g[n * m + i] * (x[i] >= 0 ? 1.0 : -1.0));
            for (int i = 0; i < m; i++)
            {
                double expected = (Math.Abs(x[i]) <= 1 ? beta * g[n * m + i] : 0) + (x[i] >= 0 ? 1 : -1) * s / m;
                input.Grad![n * m + i].Should().BeApproximately((float)expected, 1e-5f, $"sample {n}, element {i}");
            }
        }
    }

    /// <summary>Where every |x| &gt; 1 the straight-through term is zero and the analytic gradient is the true
    /// derivative of beta(x) * sign(x) (sign is locally constant), so finite differences must agree.</summary>
    [Fact]
    public void Scale_gradient_matches_finite_differences_where_the_straight_through_term_is_off()
    {
        var random = new Random(5);
        var x = Uniform(random, true, 1.1f, 2f, 2, 3, 4, 4);
        for (int i = 0; i < x.Count; i += 3)
        {
            x.Data[i] = -x.Data[i];
        }
        var q = new SignActivationQuantizer(Context);
        double error = GradientCheck.MaxError(Context, () => q.Forward(x), [x], 1e-2, 60);
        error.Should().BeLessThan(1e-2);
    }

    [Fact]
    public void Results_do_not_depend_on_the_thread_count()
    {
        var data = Uniform(new Random(6), false, -2, 2, 8, 16, 16, 16).Data;
        float[] Run(int threads)
        {
            var ctx = new TrainingContext(seed: 0, threads: threads);
            var x = new Tensor((float[])data.Clone(), 8, 16, 16, 16) { RequiresGrad = true };
            var y = new SignActivationQuantizer(ctx).Forward(x);
            y.Grad = Enumerable.Range(0, y.Count).Select(i => (float)Math.Cos(i)).ToArray();
            y.BackwardFromGrad(ctx);
            return [.. y.Data, .. x.Grad!];
        }
        FirstBitDifference(Run(1), Run(2)).Should().Be(-1);
    }

    [Fact]
    public void A_group_net_with_one_bit_activations_trains_end_to_end()
    {
        var ctx = new TrainingContext(seed: 7, threads: 2);
        var model = new GroupNetV1(ctx, Config(2, 1));
        var x = Uniform(new Random(8), false, 0, 1, 2, 1, Side, Side);
        var loss = Functional.CrossEntropy(ctx, model.Forward(x), [0, 1]);
        float.IsFinite(loss.Item()).Should().BeTrue();
        loss.Backward(ctx);
        model.NamedParameters().Where(p => p.Value.Grad is null).Select(p => p.Key).Should().BeEmpty();
        model.Parameters().Sum(p => p.Grad!.Sum(MathF.Abs)).Should().BeGreaterThan(0f);
    }

    [Fact]
    public void Eval_mode_uses_the_estimated_scale_for_every_sample_and_training_keeps_per_sample_scales()
    {
        var x = Values();
        var q = new SignActivationQuantizer(Context) { EstimatedScale = 0.75f };
        q.Eval();
        var y = q.Forward(new Tensor((float[])x.Clone(), 2, 37));
        y.Data.Take(74).Select(MathF.Abs).Should().OnlyContain(v => v == 0.75f, "eval mode with an estimated scale uses it for both samples");
        q.Train();
        var t = q.Forward(new Tensor((float[])x.Clone(), 2, 37));
        MathF.Abs(t.Data[37]).Should().BeApproximately(3f * MathF.Abs(t.Data[0]), 1e-5f, "training mode keeps each sample's own mean |x|");
        new SignActivationQuantizer(Context) { EstimatedScale = 0f }.Eval().Forward(new Tensor((float[])x.Clone(), 2, 37))
            .Data[37].Should().NotBe(0.75f, "an unset (0) scale falls back to the per-sample scale");
        var act = () => q.EstimatedScale = float.NaN;
        act.Should().Throw<ArgumentOutOfRangeException>();
    }

    [Fact]
    public void Reestimation_sets_each_sign_quantiser_to_its_mean_per_sample_scale_in_forward_order()
    {
        var ctx = new TrainingContext(seed: 5, threads: 1);
        var model = new GroupNetModel(ctx, new ModelConfig(NetworkKind.Tiny, StructureKind.V1, 2, 1, 1, LayerPrecision.Float32, Classes, 1, Side, Side));
        var data = Textures(64, seed: 9);
        GroupNet.Trainer.Training.Trainer.ReestimateBatchNorm(model, data, batches: 2, batchSize: 32);
        var signs = model.Modules().OfType<SignActivationQuantizer>().ToList();
        signs.Should().NotBeEmpty();
        signs.Should().OnlyContain(s => s.EstimatedScale > 0f && float.IsFinite(s.EstimatedScale));

        // The last quantiser's constant equals its mean per-sample scale over the same batches, measured with every
        // upstream layer (batch norms and sign quantisers) already in its final eval state.
        var last = signs[^1];
        float estimated = last.EstimatedScale;
        last.EstimatedScale = 0f;
        last.ResetObservedScale();
        using (ctx.NoGrad())
        {
            foreach (var batch in new GroupNet.Trainer.Data.DataLoader(data, 32, shuffle: true, 0).Epoch(ctx, 0).Take(2))
            {
                model.Forward(batch.Images);
            }
        }
        ((float)last.MeanObservedScale).Should().BeApproximately(estimated, 1e-5f * estimated);
    }

    [Fact]
    public void Checkpoints_written_before_the_estimated_scale_existed_still_load_strictly()
    {
        var ctx = new TrainingContext(seed: 5, threads: 1);
        var config = new ModelConfig(NetworkKind.Tiny, StructureKind.V1, 1, 1, 1, LayerPrecision.Float32, Classes, 1, Side, Side);
        var source = new GroupNetModel(ctx, config);
        var old = source.StateDict().Where(e => !e.Key.EndsWith(".EstimatedScale", StringComparison.Ordinal)).ToList();
        old.Count.Should().BeLessThan(source.StateDict().Count, "a 1-bit model has estimated-scale buffers");
        var target = new GroupNetModel(new TrainingContext(seed: 6, threads: 1), config);
        target.LoadStateDict(old);
        target.Modules().OfType<SignActivationQuantizer>().Should().OnlyContain(s => s.EstimatedScale == 0f);
        var missingWeight = old.Where(e => !e.Key.EndsWith("Conv1.Weight", StringComparison.Ordinal)).ToList();
        var act = () => target.LoadStateDict(missingWeight);
        act.Should().Throw<KeyNotFoundException>().WithMessage("*missing*");
    }
}
