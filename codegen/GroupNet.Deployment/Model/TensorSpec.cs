namespace GroupNet.Deployment.Model;

/// <summary>A tensor of the integer program. <see cref="Bits"/> is the level width for
/// <see cref="TensorKind.Levels"/>, 1 for <see cref="TensorKind.Signs"/>, 8 for images and 32 for pooled tensors.</summary>
public sealed record TensorSpec(int Id, string Name, TensorKind Kind, int Height, int Width, int Channels, int Bits)
{
    /// <summary>32-bit words per pixel and plane in a levels tensor.</summary>
    public int Words => (Channels + 31) / 32;

    /// <summary>True for the bit-packed kinds (levels and signs) that binary convs and identity terms read.</summary>
    public bool IsPacked => Kind is TensorKind.Levels or TensorKind.Signs;

    /// <summary>Number of uint32 words a levels or signs tensor occupies.</summary>
    public int LevelWords => Height * Width * Bits * Words;

    /// <summary>Bytes the tensor occupies on the device.</summary>
    public int ByteSize => Kind switch
    {
        TensorKind.Image => Height * Width * Channels,
        TensorKind.Levels or TensorKind.Signs => LevelWords * 4,
        TensorKind.Pooled => Channels * 4,
        _ => throw new InvalidOperationException($"unknown tensor kind {Kind}"),
    };
}
