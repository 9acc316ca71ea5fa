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

    /// <summary>+/-1 activations (1-bit, XNOR-Net), one plane uint32[H][W][1][ceil(C/32)]: bit 1 = +1,
    /// bit 0 = -1, padding bits 0.</summary>
    Signs,
}
