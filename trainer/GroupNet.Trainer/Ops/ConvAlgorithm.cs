namespace GroupNet.Trainer.Ops;

/// <summary>
/// How <see cref="Functional.Conv2d"/> computes its forward pass. Both algorithms give bit-identical outputs
/// (the same fused multiply-adds in the same order); the backward pass is im2col + GEMM either way.
/// </summary>
public enum ConvAlgorithm
{
    /// <summary><see cref="Direct3x3"/> where <see cref="DirectConv3x3.IsPreferred"/> holds, else <see cref="Im2ColGemm"/>.</summary>
    Auto,

    /// <summary>im2col + blocked GEMM (any kernel, stride and padding).</summary>
    Im2ColGemm,

    /// <summary>The direct kernel (<see cref="DirectConv3x3"/>); throws where <see cref="DirectConv3x3.Supports"/> does not hold.</summary>
    Direct3x3,
}
