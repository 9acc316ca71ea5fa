using TorchSharp;
using static TorchSharp.torch;

namespace GroupNet.Trainer.Quantization;

/// <summary>
/// The constant LibTorch scalars of the quantisers, created once and kept for the process. TorchSharp turns every
/// float argument (<c>x.add_(0.5f)</c>) into a native scalar that only a finalizer frees: thousands per training step
/// were left between the activation buffers and fragmented the native heap, and a finalizer can free such a scalar
/// while another thread's call still reads it. Constants here are never finalized; per-call values (the number of
/// levels) are made with <c>using var s = value.ToScalar()</c>, so they outlive their call and are freed right after.
/// </summary>
internal static class Scalars
{
    public static readonly Scalar Zero = 0f.ToScalar();
    public static readonly Scalar One = 1f.ToScalar();
    public static readonly Scalar MinusOne = (-1f).ToScalar();
    public static readonly Scalar Half = 0.5f.ToScalar();
    public static readonly Scalar Two = 2f.ToScalar();
}
