using GroupNet.Trainer.Quantization;
using GroupNet.Trainer.Tensors;

namespace GroupNet.Trainer.Modules;

/// <summary>
/// Convolution with binary weights (Eq. 1): keeps a latent float weight and convolves with
/// alpha * sign(W) per output filter, trained through the straight-through estimator of
/// <see cref="BinaryWeightQuantizer"/>.
/// </summary>
public sealed class BinaryConv2d : Conv2d
{
    /// <summary>Creates a binary-weight convolution.</summary>
    public BinaryConv2d(TrainingContext context, int inChannels, int outChannels, int kernelSize, int stride = 1, int padding = 0, bool clipGradient = true)
        : base(context, inChannels, outChannels, kernelSize, stride, padding)
    {
        WeightQuantizer = new BinaryWeightQuantizer(clipGradient);
    }
}
