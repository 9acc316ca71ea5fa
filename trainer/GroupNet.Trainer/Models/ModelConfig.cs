namespace GroupNet.Trainer.Models;

/// <summary>
/// Everything that decides a model's structure: backbone, Group-Net structure, K bases, weight bits (1 = binary
/// Eq. 1, 32 = float), activation bits (Eq. 2: 1 = scaled sign, 2, 4, or 32 = clip only) and the precision of the
/// first and last layers. <see cref="ModelFactory.Create"/> builds it. The full-precision parent is
/// (<see cref="StructureKind.Baseline"/>, K = 1, W32, A32).
/// </summary>
public sealed record ModelConfig(
    NetworkKind Network = NetworkKind.Tiny,
    StructureKind Structure = StructureKind.V1,
    int Bases = 1,
    int WeightBits = 1,
    int ActivationBits = 2,
    LayerPrecision FirstLast = LayerPrecision.Float32,
    int NumClasses = 10,
    int InputChannels = 1,
    int InputHeight = 28,
    int InputWidth = 28)
{
    /// <summary>Supported activation bit widths.</summary>
    public static IReadOnlyList<int> SupportedActivationBits { get; } = [1, 2, 4, 32];

    /// <summary>Supported weight bit widths.</summary>
    public static IReadOnlyList<int> SupportedWeightBits { get; } = [1, 32];

    /// <summary>True for float weights and float (clipped) activations.</summary>
    public bool IsFullPrecision => WeightBits == 32 && ActivationBits == 32;

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first bad field.</summary>
    public void Validate()
    {
        if (!Enum.IsDefined(Network))
        {
            throw new ArgumentOutOfRangeException(nameof(Network), Network, "unknown network");
        }
        if (!Enum.IsDefined(Structure))
        {
            throw new ArgumentOutOfRangeException(nameof(Structure), Structure, "unknown structure");
        }
        if (Bases < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(Bases), Bases, "K must be >= 1");
        }
        if (Structure == StructureKind.Baseline && Bases != 1)
        {
            throw new ArgumentOutOfRangeException(nameof(Bases), Bases, "the baseline is direct quantization and has exactly K = 1");
        }
        if (!SupportedWeightBits.Contains(WeightBits))
        {
            throw new ArgumentOutOfRangeException(nameof(WeightBits), WeightBits, "weight bits must be 1 or 32");
        }
        if (!SupportedActivationBits.Contains(ActivationBits))
        {
            throw new ArgumentOutOfRangeException(nameof(ActivationBits), ActivationBits, "activation bits must be 1, 2, 4 or 32");
        }
        if (!Enum.IsDefined(FirstLast))
        {
            throw new ArgumentOutOfRangeException(nameof(FirstLast), FirstLast, "unknown first/last layer precision");
        }
        if (NumClasses < 2 || InputChannels < 1 || InputHeight < 8 || InputWidth < 8)
        {
            throw new ArgumentOutOfRangeException(nameof(NumClasses), "classes >= 2, channels >= 1, input at least 8x8");
        }
    }

    /// <summary>Short description, e.g. "tiny v1 K=5 W1A2".</summary>
    public string Describe() =>
        $"{Network.ToString().ToLowerInvariant()} {Structure.ToString().ToLowerInvariant()} K={Bases} W{WeightBits}A{ActivationBits}"
        + (FirstLast == LayerPrecision.Int8 ? " int8 first/last" : "");
}
