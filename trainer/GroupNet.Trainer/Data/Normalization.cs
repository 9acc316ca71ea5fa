namespace GroupNet.Trainer.Data;

/// <summary>
/// Input normalisation x = (p / 255 - <paramref name="Mean"/>) / <paramref name="Std"/>, the same for every
/// channel. <b>Off by default</b> in <see cref="DataLoaderOptions"/>: the integer exporter and the firmware take
/// raw uint8 pixels and fold only the 1/255 into the stem, and they pad convolutions with raw zeros, so a
/// model trained on normalised inputs does not export faithfully. Use it for float-only experiments.
/// </summary>
public sealed record Normalization(float Mean, float Std)
{
    /// <summary>Throws when <see cref="Std"/> is not positive or a value is not finite.</summary>
    public void Validate()
    {
        if (!float.IsFinite(Mean) || !(Std > 0f) || !float.IsFinite(Std))
        {
            throw new ArgumentOutOfRangeException(nameof(Std), $"normalisation needs a finite mean and a positive std (mean {Mean}, std {Std})");
        }
    }

    /// <summary>Mean and (population) standard deviation of p / 255 over every pixel of <paramref name="dataset"/>.</summary>
    public static Normalization Of(ImageDataset dataset)
    {
        long sum = 0, sumSquares = 0;
        foreach (byte p in dataset.Pixels)
        {
            sum += p;
            sumSquares += p * p;
        }
        double n = Math.Max(1, dataset.Pixels.Length);
        double mean = sum / n;
        double variance = Math.Max(0, sumSquares / n - mean * mean);
        return new Normalization((float)(mean / 255), (float)Math.Max(Math.Sqrt(variance) / 255, 1e-6));
    }
}
