namespace GroupNet.Deployment.Model;

/// <summary>Kernel size, stride and zero padding of a square convolution.</summary>
public sealed record ConvGeometry(int Kernel, int Stride, int Padding)
{
    public int OutputSize(int inputSize) => (inputSize + 2 * Padding - Kernel) / Stride + 1;
}
