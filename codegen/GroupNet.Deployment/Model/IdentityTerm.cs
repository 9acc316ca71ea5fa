namespace GroupNet.Deployment.Model;

/// <summary>The input level (or uint8 value) of the same pixel and channel (a residual shortcut); on a
/// signs tensor the sign, +1 or -1.</summary>
public sealed record IdentityTerm(int Input, EquatableArray<int> Multipliers) : Term(Input, Multipliers)
{
    /// <remarks>A uint8 tensor has Bits = 8, so its bound is 255.</remarks>
    public override long AccumulatorBound(TensorSpec input) => (1L << input.Bits) - 1;

    public override (int Height, int Width) OutputSize(TensorSpec input) => (input.Height, input.Width);
}
