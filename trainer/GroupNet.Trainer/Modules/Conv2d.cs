using GroupNet.Trainer.Ops;
using GroupNet.Trainer.Quantization;
using GroupNet.Trainer.Tensors;

namespace GroupNet.Trainer.Modules;

/// <summary>
/// 2-D convolution without bias, weight [Cout, Cin, k, k], initialised Kaiming-normal (fan-out, ReLU gain,
/// as torchvision's ResNet). When <see cref="WeightQuantizer"/> is set the convolution uses the quantised
/// weight (see <see cref="BinaryConv2d"/>); the stored <see cref="Weight"/> stays the latent float weight.
/// </summary>
public class Conv2d : Module
{
    /// <summary>Creates a square-kernel convolution.</summary>
    public Conv2d(TrainingContext context, int inChannels, int outChannels, int kernelSize, int stride = 1, int padding = 0)
        : base(context)
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
        var w = new float[outChannels * inChannels * kernelSize * kernelSize];
        Init.Normal(w, Math.Sqrt(2.0 / (outChannels * kernelSize * kernelSize)), context.Random);
        Weight = RegisterParameter("Weight", new Parameter(w, outChannels, inChannels, kernelSize, kernelSize));
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
    public Parameter Weight { get; }

    /// <summary>Quantiser applied to <see cref="Weight"/> in forward, or null for a full-precision convolution.</summary>
    public BinaryWeightQuantizer? WeightQuantizer { get; protected init; }

    /// <summary>The weight the convolution actually uses (quantised when a quantiser is set).</summary>
    public Tensor EffectiveWeight() => WeightQuantizer is null ? Weight : WeightQuantizer.Forward(Context, Weight);

    /// <summary>Shape [N, Cout, Hout, Wout] of the latest forward output, or null before the first (cost reports
    /// read the spatial size from it).</summary>
    public int[]? LastOutputShape { get; protected set; }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input)
    {
        var y = Functional.Conv2d(Context, input, EffectiveWeight(), Stride, Padding);
        LastOutputShape = y.ShapeArray();
        return y;
    }
}
