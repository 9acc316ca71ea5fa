using FluentAssertions;
using GroupNet.Trainer.Modules;
using GroupNet.Trainer.Ops;
using GroupNet.Trainer.Tensors;
using static GroupNet.Tests.Trainer.TrainerTestData;

namespace GroupNet.Tests.Trainer;

/// <summary>
/// Finite-difference checks of the ops and modules added for issue 3 (pooling, hard tanh, concat, scales,
/// label smoothing, batch-norm 1d), with the tolerance argument of <see cref="GradientCheckTests"/>: a correct op
/// stays well below 1e-2 at a step of 1e-2, a wrong one (missing term, wrong index, wrong divisor) is off by order 1.
/// Piecewise ops get inputs whose kinks (clip bounds, ties of a max) are farther than the step.
/// </summary>
public class NewOpGradientCheckTests
{
    private const double Step = 1e-2;
    private const double Tolerance = 1e-2;

    private static readonly TrainingContext Context = new(seed: 5, threads: 2);

    private static void Check(string what, Func<Tensor> forward, Tensor[] inputs, TrainingContext? context = null, int samples = 60)
    {
        double error = GradientCheck.MaxError(context ?? Context, forward, inputs, Step, samples);
        for (int i = 0; i < inputs.Length; i++)
        {
            inputs[i].Grad.Should().NotBeNull($"{what}: input {i} ({inputs[i]}) requires a gradient and must receive one");
        }
        error.Should().BeLessThan(Tolerance, $"{what}: max relative error of the analytic gradient");
    }

    /// <summary>Distinct values 0.05 apart in random order (no two within 2 steps, so no max changes under a step).</summary>
    private static Tensor Distinct(Random random, params int[] shape)
    {
        var t = Tensor.Zeros(shape);
        var order = Enumerable.Range(0, t.Count).OrderBy(_ => random.Next()).ToArray();
        for (int i = 0; i < t.Count; i++)
        {
            t.Data[i] = (order[i] - t.Count / 2) * 0.05f;
        }
        t.RequiresGrad = true;
        return t;
    }

    [Theory]
    [InlineData(2, 2, 0, 8)]   // the common 2x2 / 2
    [InlineData(3, 2, 1, 7)]   // overlapping windows with padding (ResNet's stem pool)
    [InlineData(3, 1, 1, 5)]   // stride 1, every input in up to 9 windows
    [InlineData(2, 3, 0, 7)]   // stride larger than the kernel: some inputs in no window
    public void Max_pool_gradient_matches_finite_differences(int kernel, int stride, int padding, int size)
    {
        var x = Distinct(new Random(kernel * 10 + stride), 2, 3, size, size);
        Check($"max pool k{kernel} s{stride} p{padding}", () => Functional.MaxPool2d(Context, x, kernel, stride, padding), [x]);
    }

    [Fact]
    public void Max_pool_forward_takes_the_window_maximum_and_pads_with_minus_infinity()
    {
        // 1x1x3x3, all negative: with padding 1 a zero pad would win every border window; -infinity padding must not.
        var x = new Tensor([-9f, -8f, -7f, -6f, -5f, -4f, -3f, -2f, -1f], 1, 1, 3, 3);
        var y = Functional.MaxPool2d(Context, x, 3, 2, 1);
        y.ShapeArray().Should().Equal([1, 1, 2, 2]);
        y.Data.Should().Equal([-5f, -4f, -2f, -1f]);
    }

    [Theory]
    [InlineData(2, 2, 0, 8, true)]
    [InlineData(3, 2, 1, 7, true)]
    [InlineData(3, 2, 1, 7, false)]
    [InlineData(3, 1, 1, 5, false)]
    public void Average_pool_gradient_matches_finite_differences(int kernel, int stride, int padding, int size, bool countIncludePad)
    {
        var x = Uniform(new Random(kernel + stride * 3), true, -1, 1, 2, 3, size, size);
        Check($"avg pool k{kernel} s{stride} p{padding} include pad {countIncludePad}",
            () => Functional.AvgPool2d(Context, x, kernel, stride, padding, countIncludePad), [x]);
    }

    [Fact]
    public void Average_pool_divisor_follows_count_include_pad()
    {
        // 1x1x2x2 of ones, 3x3 window, stride 2, padding 1: one output whose window holds 4 real inputs of 9.
        var x = new Tensor([1f, 1f, 1f, 1f], 1, 1, 2, 2);
        Functional.AvgPool2d(Context, x, 3, 2, 1, countIncludePad: true).Data.Should().Equal([4f / 9f]);
        Functional.AvgPool2d(Context, x, 3, 2, 1, countIncludePad: false).Data.Should().Equal([1f]);
    }

    [Fact]
    public void Hardtanh_gradient_matches_finite_differences_away_from_the_bounds()
    {
        var random = new Random(12);
        var x = Uniform(random, true, 0, 1, 3, 2, 5, 5);
        for (int i = 0; i < x.Count; i++)
        {
            // thirds: below -1, inside, above 1; every value at least 5 steps from a bound
            float u = x.Data[i];
            x.Data[i] = (i % 3) switch { 0 => -1.05f - u, 1 => -0.95f + 1.9f * u, _ => 1.05f + u };
        }
        Check("hardtanh", () => Functional.Hardtanh(Context, x), [x]);
        var y = Functional.Hardtanh(Context, x, -0.5f, 2f);
        y.Data.Should().OnlyContain(v => v >= -0.5f && v <= 2f);
    }

    [Fact]
    public void Concat_along_channels_gradient_matches_finite_differences_and_places_blocks()
    {
        var random = new Random(13);
        var a = Uniform(random, true, -1, 1, 2, 1, 3, 3);
        var b = Uniform(random, true, -1, 1, 2, 3, 3, 3);
        var c = Uniform(random, true, -1, 1, 2, 2, 3, 3);
        var y = Functional.Concat(Context, [a, b, c]);
        y.ShapeArray().Should().Equal([2, 6, 3, 3]);
        y.Data[(1 * 6 + 1) * 9 + 4].Should().Be(b.Data[(1 * 3 + 0) * 9 + 4], "sample 1, channel 1 is b's channel 0");
        y.Data[(1 * 6 + 5) * 9 + 8].Should().Be(c.Data[(1 * 2 + 1) * 9 + 8], "sample 1, channel 5 is c's channel 1");
        Check("concat NCHW", () => Functional.Concat(Context, [a, b, c]), [a, b, c]);

        var f = Uniform(random, true, -1, 1, 3, 4);
        var g = Uniform(random, true, -1, 1, 3, 2);
        Check("concat [N, F]", () => Functional.Concat(Context, [f, g]), [f, g]);
        var mismatch = () => Functional.Concat(Context, [a, Uniform(random, false, 0, 1, 2, 1, 4, 3)]);
        mismatch.Should().Throw<ArgumentException>();
    }

    [Fact]
    public void Channel_scale_gradient_matches_finite_differences()
    {
        var random = new Random(14);
        var x = Uniform(random, true, -1, 1, 3, 4, 5, 5);
        var s = Uniform(random, true, -2, 2, 4);
        Check("channel scale NCHW", () => Functional.ChannelScale(Context, x, s), [x, s]);
        var f = Uniform(random, true, -1, 1, 5, 3);
        var t = Uniform(random, true, -2, 2, 3);
        Check("channel scale [N, F]", () => Functional.ChannelScale(Context, f, t), [f, t]);
    }

    [Fact]
    public void Scalar_scale_gradient_matches_finite_differences()
    {
        var random = new Random(15);
        var x = Uniform(random, true, -1, 1, 2, 3, 4, 4);
        var s = Uniform(random, true, 0.5f, 1.5f, 1);
        Check("scalar scale", () => Functional.ScalarScale(Context, x, s), [x, s]);
        var wrong = () => Functional.ScalarScale(Context, x, Tensor.Zeros(2));
        wrong.Should().Throw<ArgumentException>();
    }

    [Theory]
    [InlineData(0.1f)]
    [InlineData(0.5f)]
    [InlineData(1f)]
    public void Label_smoothed_cross_entropy_gradient_matches_finite_differences(float smoothing)
    {
        var random = new Random(16);
        var logits = Uniform(random, true, -2, 2, 5, 4);
        int[] labels = [0, 3, 1, 2, 3];
        Check($"cross entropy, smoothing {smoothing}", () => Functional.CrossEntropy(Context, logits, labels, smoothing), [logits]);
    }

    [Fact]
    public void Label_smoothed_cross_entropy_matches_a_hand_computed_value()
    {
        // logits (ln 3, 0): softmax (3/4, 1/4). Smoothing 0.2 over 2 classes: target (0.9, 0.1) for label 0,
        // loss = -(0.9 ln 0.75 + 0.1 ln 0.25) = 0.397537...; without smoothing -ln 0.75 = 0.287682...
        var logits = new Tensor([MathF.Log(3f), 0f], 1, 2);
        double expected = -(0.9 * Math.Log(0.75) + 0.1 * Math.Log(0.25));
        Functional.CrossEntropy(Context, logits, [0], 0.2f).Item().Should().BeApproximately((float)expected, 1e-6f);
        Functional.CrossEntropy(Context, logits, [0]).Item().Should().BeApproximately((float)-Math.Log(0.75), 1e-6f);
        var bad = () => Functional.CrossEntropy(Context, logits, [0], 1.5f);
        bad.Should().Throw<ArgumentOutOfRangeException>();
    }

    [Theory]
    [InlineData(true, 2)]
    [InlineData(false, 2)]
    [InlineData(true, 3)]
    [InlineData(false, 3)]
    public void Batchnorm1d_gradient_matches_finite_differences(bool training, int rank)
    {
        var random = new Random(17 + rank);
        var x = rank == 2 ? Uniform(random, true, -1, 2, 6, 3) : Uniform(random, true, -1, 2, 4, 3, 5);
        var gamma = Uniform(random, true, 0.5f, 1.5f, 3);
        var beta = Uniform(random, true, -0.5f, 0.5f, 3);
        Check($"batchnorm1d rank {rank} training {training}",
            () => Functional.BatchNorm1d(Context, x, gamma, beta, [0.1f, -0.2f, 0.3f], [1f, 2f, 0.5f], training, 1e-5f), [x, gamma, beta]);
    }

    [Fact]
    public void Batchnorm1d_module_normalises_features_and_updates_running_statistics()
    {
        var ctx = new TrainingContext(seed: 1, threads: 2);
        var bn = new BatchNorm1d(ctx, 2);
        // feature 0: 1, 3 (mean 2, biased var 1, unbiased 2); feature 1: 10, 10 (mean 10, var 0)
        var x = new Tensor([1f, 10f, 3f, 10f], 2, 2);
        var y = bn.Forward(x);
        y.ShapeArray().Should().Equal([2, 2]);
        y.Data[0].Should().BeApproximately(-1f / MathF.Sqrt(1f + 1e-5f), 1e-6f);
        y.Data[2].Should().BeApproximately(1f / MathF.Sqrt(1f + 1e-5f), 1e-6f);
        y.Data[1].Should().BeApproximately(0f, 1e-3f, "a constant feature normalises to 0");
        bn.RunningMean.Data[0].Should().BeApproximately(0.2f, 1e-7f);
        bn.RunningMean.Data[1].Should().BeApproximately(1f, 1e-6f);
        bn.RunningVar.Data[0].Should().BeApproximately(0.9f + 0.1f * 2f, 1e-6f);
        bn.Eval();
        bn.Forward(x).Data[0].Should().BeApproximately((1f - 0.2f) / MathF.Sqrt(1.1f + 1e-5f), 1e-5f);
    }

    [Fact]
    public void New_modules_gradients_match_finite_differences()
    {
        var ctx = new TrainingContext(seed: 6, threads: 2);
        var random = new Random(18);

        var maxPool = new MaxPool2d(ctx, 3, 2, 1);
        var x = Distinct(random, 2, 2, 6, 6);
        Check("MaxPool2d module", () => maxPool.Forward(x), [x], ctx);

        var avgPool = new AvgPool2d(ctx, 2);
        var x2 = Uniform(random, true, -1, 1, 2, 2, 6, 6);
        Check("AvgPool2d module", () => avgPool.Forward(x2), [x2], ctx);
        avgPool.Forward(x2).ShapeArray().Should().Equal([2, 2, 3, 3], "stride defaults to the kernel");

        var hardtanh = new Hardtanh(ctx, 0f, 1f);
        var x3 = Uniform(random, true, 0.05f, 0.95f, 2, 2, 4, 4);
        Check("Hardtanh module", () => hardtanh.Forward(x3), [x3], ctx);

        var bn = new BatchNorm1d(ctx, 4);
        var x4 = Uniform(random, true, -1, 1, 5, 4);
        Check("BatchNorm1d module (training)", () => bn.Forward(x4), [x4, bn.Weight, bn.Bias], ctx);
        bn.Eval();
        Check("BatchNorm1d module (eval)", () => bn.Forward(x4), [x4, bn.Weight, bn.Bias], ctx);

        var flatten = new Flatten(ctx);
        var x5 = Uniform(random, true, -1, 1, 2, 3, 2, 2);
        flatten.Forward(x5).ShapeArray().Should().Equal([2, 12]);
        Check("Flatten module", () => Functional.Hardtanh(ctx, flatten.Forward(x5), -2f, 2f), [x5], ctx);

        var scale = new ChannelScale(ctx, 3, 0.5f);
        scale.Scale.Data.Should().AllBeEquivalentTo(0.5f);
        var x6 = Uniform(random, true, -1, 1, 2, 3, 4, 4);
        Check("ChannelScale module", () => scale.Forward(x6), [x6, scale.Scale], ctx);
    }

    [Fact]
    public void Pooling_results_do_not_depend_on_the_thread_count()
    {
        // large enough (2 x 16 x 32 x 32) for the parallel path
        var random = new Random(19);
        var data = Uniform(random, false, -1, 1, 2, 16, 32, 32).Data;
        float[] Run(int threads, bool max)
        {
            var ctx = new TrainingContext(seed: 0, threads: threads);
            var x = new Tensor((float[])data.Clone(), 2, 16, 32, 32) { RequiresGrad = true };
            var y = max ? Functional.MaxPool2d(ctx, x, 3, 2, 1) : Functional.AvgPool2d(ctx, x, 3, 2, 1);
            y.Grad = Enumerable.Range(0, y.Count).Select(i => (float)Math.Sin(i)).ToArray();
            y.BackwardFromGrad(ctx);
            return [.. y.Data, .. x.Grad!];
        }
        FirstBitDifference(Run(1, true), Run(2, true)).Should().Be(-1);
        FirstBitDifference(Run(1, false), Run(2, false)).Should().Be(-1);
    }
}
