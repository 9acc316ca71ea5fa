using GroupNet.Trainer.Tensors;

namespace GroupNet.Trainer.Modules;

/// <summary>A learnable tensor (PyTorch's <c>nn.Parameter</c>): a leaf that requires a gradient and owns its arrays.</summary>
public sealed class Parameter : Tensor
{
    /// <summary>Wraps <paramref name="data"/> (not copied) with the given shape.</summary>
    public Parameter(float[] data, params int[] shape)
        : base(data, shape)
    {
        RequiresGrad = true;
    }
}
