using FluentAssertions;
using GroupNet.Trainer.Ops;
using GroupNet.Trainer.Tensors;
using static GroupNet.Tests.Trainer.TrainerTestData;

namespace GroupNet.Tests.Trainer;

/// <summary>
/// The direct 3x3 convolution forward (<see cref="DirectConv3x3"/>) against the im2col + GEMM path it
/// replaces in <see cref="Functional.Conv2d"/>: outputs must be bit-identical (same fused multiply-adds in
/// the same order), independent of the thread count, and the gradients unchanged.
/// </summary>
public class DirectConvTests
{
    /// <summary>
    /// cin, cout, h, w, stride: the tiny reference network's 3x3 convs at 28x28 (stem, stages 1-3, the first
    /// of stages 2 and 3 striding), the same at the tests' 12x12, and odd shapes: odd / non-square / 1-pixel
    /// images, rows wider than the stride-2 packer's 32-column chunk, Cin not a multiple of anything,
    /// a single 4-channel block, outputs fewer than one 64-wide block.
    /// </summary>
    public static TheoryData<int, int, int, int, int> Shapes => new()
    {
        { 1, 16, 28, 28, 1 },
        { 16, 16, 28, 28, 1 },
        { 16, 32, 28, 28, 2 },
        { 32, 32, 14, 14, 1 },
        { 32, 64, 14, 14, 2 },
        { 64, 64, 7, 7, 1 },
        { 16, 16, 12, 12, 1 },
        { 16, 32, 12, 12, 2 },
        { 32, 64, 6, 6, 2 },
        { 64, 64, 3, 3, 1 },
        { 16, 8, 13, 13, 2 },
        { 17, 12, 9, 5, 1 },
        { 16, 4, 5, 9, 2 },
        { 16, 4, 1, 1, 1 },
        { 16, 4, 1, 1, 2 },
        { 20, 8, 2, 3, 2 },
        { 16, 4, 33, 35, 2 },
        { 16, 4, 31, 70, 2 },
        { 24, 8, 40, 7, 1 },
        { 3, 4, 9, 9, 1 },
        { 5, 12, 10, 11, 2 },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Direct_forward_is_bit_identical_to_im2col(int cin, int cout, int h, int w, int stride)
    {
        var random = new Random(((cin * 31 + cout) * 31 + h) * 31 + w + stride);
        var x = Uniform(random, false, -2, 2, 3, cin, h, w); // batch 3: uneven split over 2 threads
        var weight = Uniform(random, false, -1, 1, cout, cin, 3, 3);
        foreach (int threads in new[] { 1, 2 })
        {
            var ctx = new TrainingContext(seed: 1, threads: threads);
            var reference = Forward(ctx, x, weight, stride, ConvAlgorithm.Im2ColGemm);
            var direct = Forward(ctx, x, weight, stride, ConvAlgorithm.Direct3x3);
            AssertBitIdentical(direct, reference, $"{cin}->{cout} {h}x{w} s{stride}, {threads} threads");
            // Again, now that the pool holds the first call's (dirty) scratch buffers.
            var again = Forward(ctx, x, weight, stride, ConvAlgorithm.Direct3x3);
            AssertBitIdentical(again, reference, $"{cin}->{cout} {h}x{w} s{stride}, {threads} threads, second call");
        }
    }

    [Theory]
    [InlineData(16, 32, 28, 28, 2)]
    [InlineData(32, 32, 14, 14, 1)]
    [InlineData(64, 64, 7, 7, 1)]
    public void Direct_forward_is_the_same_on_1_and_2_threads(int cin, int cout, int h, int w, int stride)
    {
        var random = new Random(cin + cout + h);
        var x = Uniform(random, false, -2, 2, 5, cin, h, w);
        var weight = Uniform(random, false, -1, 1, cout, cin, 3, 3);
        var one = Forward(new TrainingContext(seed: 1, threads: 1), x, weight, stride, ConvAlgorithm.Auto);
        var two = Forward(new TrainingContext(seed: 1, threads: 2), x, weight, stride, ConvAlgorithm.Auto);
        AssertBitIdentical(two, one, "2 threads against 1");
    }

    [Fact]
    public void Special_values_propagate_identically()
    {
        // Zeros (incl. negative zero), infinities and NaN: both paths run the same FMAs, padding taps included.
        var random = new Random(5);
        var x = Uniform(random, false, -1, 1, 2, 16, 6, 6);
        var weight = Uniform(random, false, -1, 1, 8, 16, 3, 3);
        x.Data[7] = float.PositiveInfinity;
        x.Data[100] = -0f;
        x.Data[200] = float.NaN;
        weight.Data[3] = -0f;
        weight.Data[40] = 0f;
        var ctx = new TrainingContext(seed: 1, threads: 2);
        AssertBitIdentical(Forward(ctx, x, weight, 1, ConvAlgorithm.Direct3x3), Forward(ctx, x, weight, 1, ConvAlgorithm.Im2ColGemm), "special values s1");
        AssertBitIdentical(Forward(ctx, x, weight, 2, ConvAlgorithm.Direct3x3), Forward(ctx, x, weight, 2, ConvAlgorithm.Im2ColGemm), "special values s2");
    }

    [Fact]
    public void Eligibility()
    {
        DirectConv3x3.Supports(16, 16, 3, 3, 1, 1).Should().BeTrue();
        DirectConv3x3.Supports(1, 16, 3, 3, 2, 1).Should().BeTrue();
        DirectConv3x3.Supports(16, 18, 3, 3, 1, 1).Should().BeFalse("Cout must be a multiple of 4");
        DirectConv3x3.Supports(16, 16, 1, 1, 2, 0).Should().BeFalse("1x1");
        DirectConv3x3.Supports(16, 16, 3, 3, 3, 1).Should().BeFalse("stride 3");
        DirectConv3x3.Supports(16, 16, 3, 3, 1, 0).Should().BeFalse("padding 0");
        DirectConv3x3.Supports(16, 16, 3, 5, 1, 1).Should().BeFalse("3x5");
        DirectConv3x3.IsPreferred(15, 16, 3, 3, 1, 1).Should().BeFalse("fewer than 16 input channels");
        DirectConv3x3.IsPreferred(1, 16, 3, 3, 1, 1).Should().BeFalse("the stem");
        DirectConv3x3.IsPreferred(16, 16, 3, 3, 1, 1).Should().Be(System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated);

        var ctx = new TrainingContext(seed: 1, threads: 1);
        var x = Tensor.Zeros(1, 16, 5, 5);
        var act = () => Functional.Conv2d(ctx, x, Tensor.Zeros(6, 16, 3, 3), 1, 1, ConvAlgorithm.Direct3x3);
        act.Should().Throw<ArgumentException>();
        act = () => Functional.Conv2d(ctx, x, Tensor.Zeros(8, 16, 1, 1), 1, 0, ConvAlgorithm.Direct3x3);
        act.Should().Throw<ArgumentException>();
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Gradients_do_not_depend_on_the_forward_algorithm(int stride)
    {
        var random = new Random(10 + stride);
        var x = Uniform(random, true, -1, 1, 3, 16, 7, 7);
        var weight = Uniform(random, true, -1, 1, 8, 16, 3, 3);
        var ctx = new TrainingContext(seed: 1, threads: 2);
        var (yAuto, gxAuto, gwAuto) = ForwardBackward(ctx, x, weight, stride, ConvAlgorithm.Auto);
        var (yRef, gxRef, gwRef) = ForwardBackward(ctx, x, weight, stride, ConvAlgorithm.Im2ColGemm);
        AssertBitIdentical(yAuto, yRef, "output");
        AssertBitIdentical(gxAuto, gxRef, "input gradient");
        AssertBitIdentical(gwAuto, gwRef, "weight gradient");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Conv2d_gradient_matches_finite_differences_on_the_direct_path(int stride)
    {
        var ctx = new TrainingContext(seed: 2, threads: 2);
        var random = new Random(20 + stride);
        var x = Uniform(random, true, -1, 1, 2, 16, 7, 7);
        var weight = Uniform(random, true, -1, 1, 8, 16, 3, 3);
        double error = GradientCheck.MaxError(ctx, () => Functional.Conv2d(ctx, x, weight, stride, 1, ConvAlgorithm.Direct3x3), [x, weight], 1e-2, 40);
        error.Should().BeLessThan(1e-2);
    }

    private static float[] Forward(TrainingContext ctx, Tensor x, Tensor w, int stride, ConvAlgorithm algorithm)
    {
        using var noGrad = ctx.NoGrad();
        using var scope = ctx.BeginScope();
        return Functional.Conv2d(ctx, x, w, stride, 1, algorithm).Data.ToArray();
    }

    private static (float[] Y, float[] Gx, float[] Gw) ForwardBackward(TrainingContext ctx, Tensor x, Tensor w, int stride, ConvAlgorithm algorithm)
    {
        x.Grad = null;
        w.Grad = null;
        float[] y;
        using (var scope = ctx.BeginScope())
        {
            var output = Functional.Conv2d(ctx, x, w, stride, 1, algorithm);
            y = output.Data.ToArray();
            // dy = a fixed random r
            var r = output.EnsureGrad(ctx);
            var random = new Random(99);
            for (int i = 0; i < r.Length; i++)
            {
                r[i] = (float)(random.NextDouble() * 2 - 1);
            }
            output.BackwardFromGrad(ctx);
        }
        return (y, x.Grad!.ToArray(), w.Grad!.ToArray());
    }

    private static void AssertBitIdentical(float[] actual, float[] expected, string what)
    {
        actual.Length.Should().Be(expected.Length, what);
        for (int i = 0; i < expected.Length; i++)
        {
            if (BitConverter.SingleToInt32Bits(actual[i]) != BitConverter.SingleToInt32Bits(expected[i]))
            {
                throw new Xunit.Sdk.XunitException($"{what}: element {i} is {actual[i]:R} (0x{BitConverter.SingleToInt32Bits(actual[i]):X8}), expected {expected[i]:R} (0x{BitConverter.SingleToInt32Bits(expected[i]):X8})");
            }
        }
    }
}
