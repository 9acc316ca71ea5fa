namespace GroupNet.Deployment.Model;

/// <summary>Convolution of a uint8 tensor (the image or uint8 activations) with int8 weights stored [Cout][kh][kw][Cin].</summary>
public sealed record Int8ConvTerm(int Input, ConvGeometry Geometry, EquatableArray<sbyte> Weights, EquatableArray<int> Multipliers)
    : Term(Input, Multipliers)
{
    public override long AccumulatorBound(TensorSpec input) =>
        255L * 127L * Geometry.Kernel * Geometry.Kernel * input.Channels;

    public override (int Height, int Width) OutputSize(TensorSpec input) =>
        (Geometry.OutputSize(input.Height), Geometry.OutputSize(input.Width));
}
