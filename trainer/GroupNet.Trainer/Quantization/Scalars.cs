using TorchSharp;
using static TorchSharp.torch;

namespace GroupNet.Trainer.Quantization;

/// <summary>
/// The constant LibTorch scalars of the quantisers, created once and kept for the process. TorchSharp turns every
/// float argument (<c>x.add_(0.5f)</c>) into a native scalar that only a finalizer frees: thousands per training step
/// were left between the activation buffers and fragmented the native heap, and a finalizer can free such a scalar
/// while another thread's call still reads it. Constants here are never finalized; per-call values (the number of
/// levels) are made with <c>using var s = value.ToScalar()</c>, so they outlive their call and are freed right after.
/// <para>The same holds for the scalars TorchSharp makes on its own: <c>add_(other)</c> passes a fresh <c>alpha = 1</c>
/// that nothing keeps alive during the native call, and a collection on another thread let its finalizer free it
/// mid-call (LibTorch then failed in <c>Scalar::toFloat</c>, seen once in the parallel test host). Every
/// <c>add_</c> here names its alpha (<see cref="One"/>), and a scalar subtraction is an addition of its negation.</para>
/// </summary>
internal static class Scalars
{
    public static readonly Scalar Zero = 0f.ToScalar();
    public static readonly Scalar One = 1f.ToScalar();
    public static readonly Scalar MinusOne = (-1f).ToScalar();
    public static readonly Scalar Half = 0.5f.ToScalar();
    public static readonly Scalar Two = 2f.ToScalar();
    public static readonly Scalar Int8Max = ((float)Int8WeightQuantizer.MaxLevel).ToScalar();
    public static readonly Scalar MinusInt8Max = (-(float)Int8WeightQuantizer.MaxLevel).ToScalar();
}
