namespace GroupNet.Trainer.Data;

/// <summary>How a <see cref="DataLoader"/> batches, shuffles, augments and normalises.</summary>
public sealed record DataLoaderOptions
{
    /// <summary>Images per batch (the last batch of an epoch may be smaller).</summary>
    public int BatchSize { get; init; } = 128;

    /// <summary>Whether each epoch is shuffled (a permutation seeded by (Seed, epoch)).</summary>
    public bool Shuffle { get; init; }

    /// <summary>Base seed of shuffling and augmentation.</summary>
    public int Seed { get; init; }

    /// <summary>Random shift in pixels per axis, uniform in [-MaxShift, MaxShift], filled with zero pixels;
    /// the same as zero-padding by MaxShift and taking a random crop of the original size. 0 = off.</summary>
    public int MaxShift { get; init; }

    /// <summary>Mirror each image left-right with probability 1/2 (sensible for Fashion-MNIST, not for digits). Off by default.</summary>
    public bool HorizontalFlip { get; init; }

    /// <summary>Optional mean/std normalisation; null (the default) gives p / 255, which the integer exporter relies on.</summary>
    public Normalization? Normalization { get; init; }

    /// <summary>Prepare the next batch on a background task while the current one trains (on by default). The
    /// batches are the same either way.</summary>
    public bool Prefetch { get; init; } = true;

    /// <summary>Throws when a value is out of range.</summary>
    public void Validate()
    {
        if (BatchSize < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(BatchSize), BatchSize, "batch size must be >= 1");
        }
        if (MaxShift < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxShift), MaxShift, "shift must be >= 0");
        }
        Normalization?.Validate();
    }
}
