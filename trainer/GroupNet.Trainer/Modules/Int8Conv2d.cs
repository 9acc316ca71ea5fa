using GroupNet.Trainer.Quantization;
using static TorchSharp.torch;

namespace GroupNet.Trainer.Modules;

/// <summary>
/// A convolution that trains with fake-quantised 8-bit weights (<see cref="Int8WeightQuantizer"/>), for a first
/// layer that runs as int8 on the device. Parameter names and shapes equal those of a float <see cref="Conv2d"/>.
/// </summary>
public sealed class Int8Conv2d(int inChannels, int outChannels, int kernelSize, int stride, int padding, Generator? generator)
    : Conv2d(inChannels, outChannels, kernelSize, stride, padding, generator)
{
    /// <inheritdoc/>
    public override Tensor EffectiveWeight() => Int8WeightQuantizer.Forward(Weight);
}
