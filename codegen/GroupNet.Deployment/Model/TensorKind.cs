namespace GroupNet.Deployment.Model;

/// <summary>How a tensor's elements are stored; see docs/integer-arithmetic.md.</summary>
public enum TensorKind
{
    /// <summary>uint8 pixels, row-major [H][W][C].</summary>
    Image,

    /// <summary>k-bit unsigned levels in bit-planes, uint32[H][W][k][ceil(C/32)].</summary>
    Levels,

    /// <summary>int32 per channel, summed over all pixels of a layer's output.</summary>
    Pooled,
}
