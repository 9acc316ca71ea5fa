using GroupNet.Trainer.Quantization;
using static TorchSharp.torch;

namespace GroupNet.Trainer.Modules;

/// <summary>
/// Fully connected layer y = x Q(W)^T + b with fake-quantised 8-bit weights (<see cref="Int8WeightQuantizer"/>),
/// for a last layer that runs as int8 on the device. Parameter names and shapes equal those of <see cref="Linear"/>.
/// </summary>
public sealed class Int8Linear(int inFeatures, int outFeatures, Generator? generator) : Linear(inFeatures, outFeatures, generator)
{
    /// <inheritdoc/>
    public override Tensor EffectiveWeight() => Int8WeightQuantizer.Forward(Weight);
}
