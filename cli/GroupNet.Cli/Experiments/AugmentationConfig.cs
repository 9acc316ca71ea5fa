namespace GroupNet.Cli.Experiments;

/// <summary>Training augmentation: random shift of up to <paramref name="Shift"/> pixels, random left-right <paramref name="Flip"/>.</summary>
public sealed record AugmentationConfig(int Shift = 0, bool Flip = false);
