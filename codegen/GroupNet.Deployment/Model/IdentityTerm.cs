namespace GroupNet.Deployment.Model;

/// <summary>The input level of the same pixel and channel (a residual shortcut); on a signs tensor
/// the sign, +1 or -1.</summary>
public sealed record IdentityTerm(int Input, EquatableArray<int> Multipliers) : Term(Input, Multipliers)
{
    public override long AccumulatorBound(TensorSpec input) => (1L << input.Bits) - 1;

    public override (int Height, int Width) OutputSize(TensorSpec input) => (input.Height, input.Width);
}
