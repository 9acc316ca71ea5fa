using GroupNet.Trainer.Tensors;

namespace GroupNet.Trainer.Data;

/// <summary>
/// Iterates an <see cref="ImageDataset"/> in mini-batches (the last one may be smaller). With shuffling,
/// epoch e uses a permutation drawn from a generator seeded by (seed, e), so a resumed run sees the same
/// order. Optional augmentation shifts each image by a random offset in [-MaxShift, MaxShift] per axis,
/// filling with zeros. Pixels become p / 255.
/// </summary>
public sealed class DataLoader
{
    /// <summary>Creates a loader.</summary>
    public DataLoader(ImageDataset dataset, int batchSize, bool shuffle, int seed = 0, int maxShift = 0)
    {
        if (batchSize < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "batch size must be >= 1");
        }
        if (maxShift < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(maxShift), maxShift, "shift must be >= 0");
        }
        Dataset = dataset;
        BatchSize = batchSize;
        Shuffle = shuffle;
        Seed = seed;
        MaxShift = maxShift;
    }

    /// <summary>The data.</summary>
    public ImageDataset Dataset { get; }

    /// <summary>Images per batch.</summary>
    public int BatchSize { get; }

    /// <summary>Whether each epoch is shuffled.</summary>
    public bool Shuffle { get; }

    /// <summary>Base seed of shuffling and augmentation.</summary>
    public int Seed { get; }

    /// <summary>Largest random shift in pixels (0 = no augmentation).</summary>
    public int MaxShift { get; }

    /// <summary>Batches per epoch.</summary>
    public int BatchCount => (Dataset.Count + BatchSize - 1) / BatchSize;

    /// <summary>The batches of epoch <paramref name="epoch"/>. Image tensors are created in the context's
    /// current scope when one is active at the time each batch is produced.</summary>
    public IEnumerable<Batch> Epoch(TrainingContext context, int epoch)
    {
        var order = new int[Dataset.Count];
        for (int i = 0; i < order.Length; i++)
        {
            order[i] = i;
        }
        // A fixed mix, not HashCode.Combine (randomised per process): a resumed run must replay the same order.
        var random = new Random((int)(((uint)Seed * 2654435761u) ^ ((uint)epoch * 40503u) ^ 0x5eedu) & int.MaxValue);
        if (Shuffle)
        {
            for (int i = order.Length - 1; i > 0; i--)
            {
                int j = random.Next(i + 1);
                (order[i], order[j]) = (order[j], order[i]);
            }
        }
        for (int start = 0; start < order.Length; start += BatchSize)
        {
            int n = Math.Min(BatchSize, order.Length - start);
            yield return MakeBatch(context, order.AsSpan(start, n), random);
        }
    }

    private Batch MakeBatch(TrainingContext context, ReadOnlySpan<int> indices, Random random)
    {
        int c = Dataset.Channels, h = Dataset.Height, w = Dataset.Width, size = Dataset.ImageSize;
        var images = Tensor.Create(context, true, indices.Length, c, h, w);
        var labels = new int[indices.Length];
        const float scale = 1f / 255f;
        for (int i = 0; i < indices.Length; i++)
        {
            int src = indices[i] * size;
            labels[i] = Dataset.Labels[indices[i]];
            int dy = 0, dx = 0;
            if (MaxShift > 0)
            {
                dy = random.Next(-MaxShift, MaxShift + 1);
                dx = random.Next(-MaxShift, MaxShift + 1);
            }
            for (int ch = 0; ch < c; ch++)
            {
                for (int y = 0; y < h; y++)
                {
                    int sy = y - dy;
                    if ((uint)sy >= (uint)h)
                    {
                        continue;
                    }
                    int dst = ((i * c + ch) * h + y) * w;
                    int srow = src + (ch * h + sy) * w;
                    for (int x = 0; x < w; x++)
                    {
                        int sx = x - dx;
                        if ((uint)sx < (uint)w)
                        {
                            images.Data[dst + x] = Dataset.Pixels[srow + sx] * scale;
                        }
                    }
                }
            }
        }
        return new Batch(images, labels);
    }
}
