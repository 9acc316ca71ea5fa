namespace GroupNet.Codegen;

/// <summary>Which binary conv kernels the generator may use.</summary>
public enum KernelChoice
{
    /// <summary>Per term, the fastest kernel known for its shape (see
    /// <see cref="Emitters.BinaryConvTermEmitter"/>), falling back to the portable reference.</summary>
    Fast,

    /// <summary>Only the portable reference kernels of gn_kernels.h (the documentation of the arithmetic).</summary>
    Reference,
}
