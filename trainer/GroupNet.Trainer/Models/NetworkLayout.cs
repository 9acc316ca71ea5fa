namespace GroupNet.Trainer.Models;

/// <summary>
/// Channel plan of a backbone: the stem's output channels and one (output channels, stride) entry per block.
/// A residual block is two 3x3 convolutions plus a shortcut (1x1 projection where the shape changes); a plain
/// block is two 3x3 convolutions without a skip (the paper's "two subsequent layers as a group").
/// </summary>
public sealed record NetworkLayout(int StemChannels, IReadOnlyList<(int OutChannels, int Stride)> Blocks, bool Residual)
{
    /// <summary>The layout of <paramref name="network"/>.</summary>
    public static NetworkLayout Of(NetworkKind network) => network switch
    {
        NetworkKind.Tiny => new(16, [(16, 1), (32, 2), (64, 2)], true),
        NetworkKind.Small => new(32, [(32, 1), (64, 2), (128, 2)], true),
        NetworkKind.Plain => new(16, [(16, 1), (32, 2), (64, 2)], false),
        _ => throw new ArgumentOutOfRangeException(nameof(network), network, "unknown network"),
    };

    /// <summary>Channels of the pooled features that feed the classifier.</summary>
    public int FeatureChannels => Blocks[^1].OutChannels;
}
