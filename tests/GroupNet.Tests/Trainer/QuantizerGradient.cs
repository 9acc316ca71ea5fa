using FluentAssertions;
using static TorchSharp.torch;

namespace GroupNet.Tests.Trainer;

/// <summary>Runs one quantiser forward and backward on given values.</summary>
internal static class QuantizerGradient
{
    /// <summary>Forward values and dL/dx for L = sum(f(x) * upstream), x a float32 leaf of <paramref name="shape"/>.</summary>
    public static (float[] Forward, float[] Gradient) Run(Func<Tensor, Tensor> f, float[] x, long[] shape, float[] upstream)
    {
        using var scope = NewDisposeScope();
        var input = tensor(x, shape).requires_grad_(true);
        var y = f(input);
        y.shape.Should().Equal(shape);
        y.backward([tensor(upstream, shape)]);
        input.grad.Should().NotBeNull("the input requires a gradient and must receive one");
        return (TrainerTestData.Floats(y), TrainerTestData.Floats(input.grad!));
    }

    /// <summary>Distinct upstream gradients 0.25, 1.25, 2.25, ...</summary>
    public static float[] Upstream(int count) => Enumerable.Range(0, count).Select(i => 0.25f + i).ToArray();
}
