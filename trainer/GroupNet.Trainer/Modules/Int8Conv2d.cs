using GroupNet.Trainer.Ops;
using GroupNet.Trainer.Quantization;
using GroupNet.Trainer.Tensors;

namespace GroupNet.Trainer.Modules;

/// <summary>
/// A convolution that trains with fake-quantised 8-bit weights (<see cref="Int8WeightQuantizer"/>), for a first
/// layer that runs as int8 on the device. The stored <see cref="Conv2d.Weight"/> stays the latent float weight,
/// so the parameter names and shapes equal those of a full-precision <see cref="Conv2d"/>.
/// </summary>
public sealed class Int8Conv2d : Conv2d
{
    /// <summary>Creates the layer.</summary>
    public Int8Conv2d(TrainingContext context, int inChannels, int outChannels, int kernelSize, int stride = 1, int padding = 0)
        : base(context, inChannels, outChannels, kernelSize, stride, padding)
    {
    }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input)
    {
        var y = Functional.Conv2d(Context, input, Int8WeightQuantizer.Forward(Context, Weight), Stride, Padding);
        LastOutputShape = y.ShapeArray();
        return y;
    }
}
