using GroupNet.Trainer.Ops;
using GroupNet.Trainer.Tensors;

namespace GroupNet.Trainer.Modules;

/// <summary>2-D max pooling (PyTorch's <c>nn.MaxPool2d</c>, floor mode); see <see cref="Functional.MaxPool2d"/>.</summary>
public sealed class MaxPool2d : Module
{
    /// <summary>Creates the layer; <paramref name="stride"/> 0 means the kernel size (PyTorch's default).</summary>
    public MaxPool2d(TrainingContext context, int kernelSize, int stride = 0, int padding = 0)
        : base(context)
    {
        stride = stride == 0 ? kernelSize : stride;
        if (kernelSize < 1 || stride < 1 || padding < 0 || padding > kernelSize / 2)
        {
            throw new ArgumentOutOfRangeException(nameof(kernelSize), "max pool needs kernel and stride >= 1 and 0 <= padding <= kernel / 2");
        }
        KernelSize = kernelSize;
        Stride = stride;
        Padding = padding;
    }

    /// <summary>Window height and width.</summary>
    public int KernelSize { get; }

    /// <summary>Step between windows.</summary>
    public int Stride { get; }

    /// <summary>Implicit -infinity padding on every side.</summary>
    public int Padding { get; }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => Functional.MaxPool2d(Context, input, KernelSize, Stride, Padding);
}
