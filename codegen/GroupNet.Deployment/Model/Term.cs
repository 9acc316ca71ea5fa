namespace GroupNet.Deployment.Model;

/// <summary>One integer accumulator of an <see cref="AccumulateLayer"/>, scaled per output channel by
/// <see cref="Multipliers"/> before the terms are summed.</summary>
public abstract record Term(int Input, EquatableArray<int> Multipliers)
{
    /// <summary>Largest |acc| this term can produce for an input tensor of the given shape.</summary>
    public abstract long AccumulatorBound(TensorSpec input);

    /// <summary>Output height and width for an input tensor of the given shape.</summary>
    public abstract (int Height, int Width) OutputSize(TensorSpec input);
}
