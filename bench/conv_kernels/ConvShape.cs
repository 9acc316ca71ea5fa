using GroupNet.Trainer.Ops;

namespace ConvKernels;

/// <summary>One convolution of the tiny reference network (padding = kernel / 2).</summary>
internal sealed record ConvShape(int Cin, int Cout, int H, int Stride, int Kernel)
{
    public int Padding => Kernel / 2;

    public int Ho => (H + 2 * Padding - Kernel) / Stride + 1;

    /// <summary>Whether the engine's <see cref="DirectConv3x3"/> covers it (1x1 is measured for im2col only).</summary>
    public bool HasDirect => DirectConv3x3.Supports(Cin, Cout, Kernel, Kernel, Stride, Padding);

    /// <summary>Whether <see cref="Functional.Conv2d"/> picks the direct kernel on its own (<see cref="ConvAlgorithm.Auto"/>).</summary>
    public bool AutoUsesDirect => DirectConv3x3.IsPreferred(Cin, Cout, Kernel, Kernel, Stride, Padding);

    /// <summary>Multiply-adds x 2 for a batch.</summary>
    public double Flops(int batch) => 2.0 * batch * Cout * Ho * Ho * Cin * Kernel * Kernel;

    public override string ToString() => $"{Kernel}x{Kernel} {Cin}->{Cout} {H}x{H} s{Stride}";

    /// <summary>The tiny network's convs: stem, the three stages' 3x3s (the first of stages 2 and 3 striding)
    /// and the stride-2 1x1 shortcuts.</summary>
    public static IReadOnlyList<ConvShape> TinyNetwork { get; } =
    [
        new(1, 16, 28, 1, 3),
        new(16, 16, 28, 1, 3),
        new(16, 32, 28, 2, 3),
        new(32, 32, 14, 1, 3),
        new(32, 64, 14, 2, 3),
        new(64, 64, 7, 1, 3),
        new(16, 32, 28, 2, 1),
        new(32, 64, 14, 2, 1),
    ];
}
