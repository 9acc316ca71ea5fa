using GroupNet.Trainer.Ops;
using GroupNet.Trainer.Tensors;

namespace GroupNet.Trainer.Modules;

/// <summary>2-D average pooling (PyTorch's <c>nn.AvgPool2d</c>, floor mode); see <see cref="Functional.AvgPool2d"/>.</summary>
public sealed class AvgPool2d : Module
{
    /// <summary>Creates the layer; <paramref name="stride"/> 0 means the kernel size (PyTorch's default).</summary>
    public AvgPool2d(TrainingContext context, int kernelSize, int stride = 0, int padding = 0, bool countIncludePad = true)
        : base(context)
    {
        stride = stride == 0 ? kernelSize : stride;
        if (kernelSize < 1 || stride < 1 || padding < 0 || padding > kernelSize / 2)
        {
            throw new ArgumentOutOfRangeException(nameof(kernelSize), "average pool needs kernel and stride >= 1 and 0 <= padding <= kernel / 2");
        }
        KernelSize = kernelSize;
        Stride = stride;
        Padding = padding;
        CountIncludePad = countIncludePad;
    }

    /// <summary>Window height and width.</summary>
    public int KernelSize { get; }

    /// <summary>Step between windows.</summary>
    public int Stride { get; }

    /// <summary>Zero padding on every side.</summary>
    public int Padding { get; }

    /// <summary>Divide by kernel^2 even where the window covers padding (PyTorch's default), else by the real inputs.</summary>
    public bool CountIncludePad { get; }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => Functional.AvgPool2d(Context, input, KernelSize, Stride, Padding, CountIncludePad);
}
