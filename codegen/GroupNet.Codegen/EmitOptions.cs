namespace GroupNet.Codegen;

/// <summary>Options of <see cref="ModelEmitter"/>. Part of the provenance banner, so they must be
/// deterministic (no paths, no times).</summary>
/// <param name="TestImages">Images written to gn_test_data.c, each the model's input size. When empty,
/// one all-zero image is written instead (C has no empty arrays) and the header says so.</param>
/// <param name="ReuseBuffers">Share static activation buffers between tensors whose lifetimes do not
/// overlap; when false every levels tensor gets its own buffer.</param>
public sealed record EmitOptions(IReadOnlyList<byte[]> TestImages, bool ReuseBuffers = true)
{
    public static EmitOptions Default { get; } = new([]);

    /// <summary>Fast kernels chosen per layer shape (default), or the portable reference kernels only.</summary>
    public KernelChoice Kernels { get; init; } = KernelChoice.Fast;

    /// <summary>The options as written in the banners.</summary>
    public string Describe() =>
        $"test_images={TestImages.Count}, reuse_buffers={(ReuseBuffers ? "on" : "off")}, kernels={(Kernels == KernelChoice.Fast ? "fast" : "reference")}";
}
