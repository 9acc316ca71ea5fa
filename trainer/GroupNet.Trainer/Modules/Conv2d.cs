using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace GroupNet.Trainer.Modules;

/// <summary>
/// 2-D convolution without bias, <c>weight</c> [Cout, Cin, k, k], initialised Kaiming-normal (fan-out, ReLU gain,
/// as torchvision's ResNet) from the given generator. Subclasses convolve with a quantised weight
/// (<see cref="BinaryConv2d"/>, <see cref="Int8Conv2d"/>); the stored <see cref="Weight"/> stays the latent float
/// weight, so every variant has the same parameter names and shapes (a state dict of one loads into another).
/// </summary>
public class Conv2d : nn.Module<Tensor, Tensor>
{
    private readonly Parameter weight;

    /// <summary>Creates a square-kernel convolution.</summary>
    public Conv2d(int inChannels, int outChannels, int kernelSize, int stride, int padding, Generator? generator)
        : base(nameof(Conv2d))
    {
        if (inChannels < 1 || outChannels < 1 || kernelSize < 1 || stride < 1 || padding < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(inChannels), "conv2d needs positive channels, kernel and stride, non-negative padding");
        }
        InChannels = inChannels;
        OutChannels = outChannels;
        KernelSize = kernelSize;
        Stride = stride;
        Padding = padding;
        double std = Math.Sqrt(2.0 / (outChannels * kernelSize * kernelSize));
        weight = new Parameter(normal(0, std, [outChannels, inChannels, kernelSize, kernelSize], generator: generator));
        register_parameter(nameof(weight), weight);
    }

    /// <summary>Input channels.</summary>
    public int InChannels { get; }

    /// <summary>Output channels.</summary>
    public int OutChannels { get; }

    /// <summary>Kernel height and width.</summary>
    public int KernelSize { get; }

    /// <summary>Stride in both directions.</summary>
    public int Stride { get; }

    /// <summary>Zero padding on every side.</summary>
    public int Padding { get; }

    /// <summary>Latent float weight [Cout, Cin, k, k].</summary>
    public Parameter Weight => weight;

    /// <summary>True when the convolution uses binary weights (Eq. 1).</summary>
    public virtual bool IsBinary => false;

    /// <summary>The weight the convolution actually uses (quantised in subclasses).</summary>
    public virtual Tensor EffectiveWeight() => weight;

    /// <summary>Spatial size of the output for an input of <paramref name="size"/> pixels.</summary>
    public int OutputSize(int size) => (size + 2 * Padding - KernelSize) / Stride + 1;

    /// <inheritdoc/>
    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        return nn.functional.conv2d(input, EffectiveWeight(), strides: [Stride, Stride], padding: [Padding, Padding]).MoveToOuterDisposeScope();
    }
}
