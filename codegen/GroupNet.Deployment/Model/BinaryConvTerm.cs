namespace GroupNet.Deployment.Model;

/// <summary>Convolution of a levels or signs tensor with +/-1 weights packed uint32[Cout][kh][kw][words]
/// (bit 1 = +1, padding bits 0). On levels |acc| &lt;= (2^k-1)*kh*kw*C; on signs (k = 1) |acc| &lt;= kh*kw*C.</summary>
public sealed record BinaryConvTerm(int Input, ConvGeometry Geometry, EquatableArray<uint> Weights, EquatableArray<int> Multipliers)
    : Term(Input, Multipliers)
{
    public override long AccumulatorBound(TensorSpec input) =>
        ((1L << input.Bits) - 1) * Geometry.Kernel * Geometry.Kernel * input.Channels;

    public override (int Height, int Width) OutputSize(TensorSpec input) =>
        (Geometry.OutputSize(input.Height), Geometry.OutputSize(input.Width));
}
