namespace GroupNet.Trainer.Models;

/// <summary>
/// Configuration of <see cref="GroupNetV1"/>: <paramref name="Bases"/> = K homogeneous binary bases per group,
/// <paramref name="ActivationBits"/> = k of Eq. 2 (1 = scaled sign activations, training only: the exporter
/// supports 2 and 4; 32 = full-precision parent: full-precision convolutions
/// and no activation quantisation).
/// </summary>
public sealed record GroupNetV1Config(int Bases = 2, int ActivationBits = 2, int NumClasses = 10, int InputChannels = 1, int InputHeight = 28, int InputWidth = 28)
{
    /// <summary>Output channels and stride of the three groups.</summary>
    public static IReadOnlyList<(int OutChannels, int Stride)> GroupLayout { get; } = [(16, 1), (32, 2), (64, 2)];

    /// <summary>Stem output channels.</summary>
    public const int StemChannels = 16;

    /// <summary>True for the full-precision parent (32-bit activations, float weights).</summary>
    public bool IsFullPrecision => ActivationBits == 32;

    /// <summary>Throws when a value is out of range.</summary>
    public void Validate()
    {
        if (Bases < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(Bases), Bases, "K must be >= 1");
        }
        if (ActivationBits != 32 && (ActivationBits < 1 || ActivationBits > 16))
        {
            throw new ArgumentOutOfRangeException(nameof(ActivationBits), ActivationBits, "activation bits must be 1 (scaled sign), 2..16 or 32");
        }
        if (NumClasses < 2 || InputChannels < 1 || InputHeight < 4 || InputWidth < 4)
        {
            throw new ArgumentOutOfRangeException(nameof(NumClasses), "classes >= 2, channels >= 1, input at least 4x4");
        }
    }
}
