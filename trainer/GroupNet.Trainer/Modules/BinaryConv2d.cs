using GroupNet.Trainer.Quantization;
using static TorchSharp.torch;

namespace GroupNet.Trainer.Modules;

/// <summary>
/// Convolution with binary weights (Eq. 1): keeps a latent float weight and convolves with alpha * sign(W) per
/// output filter, trained through the straight-through estimator of <see cref="BinaryWeightQuantizer"/>.
/// </summary>
public sealed class BinaryConv2d(int inChannels, int outChannels, int kernelSize, int stride, int padding, Generator? generator, bool clipGradient = true)
    : Conv2d(inChannels, outChannels, kernelSize, stride, padding, generator)
{
    /// <summary>The weight quantiser.</summary>
    public BinaryWeightQuantizer WeightQuantizer { get; } = new(clipGradient);

    /// <inheritdoc/>
    public override bool IsBinary => true;

    /// <inheritdoc/>
    public override Tensor EffectiveWeight() => WeightQuantizer.Forward(Weight);
}
