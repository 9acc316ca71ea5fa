using TorchSharp;
using static TorchSharp.torch;

namespace GroupNet.Trainer.Data;

/// <summary>
/// Iterates an <see cref="ImageDataset"/> in mini-batches (the last one may be smaller).
/// <para><b>Order.</b> With shuffling, epoch e uses a permutation drawn from a generator seeded by (seed, e),
/// so a resumed run sees the same order.</para>
/// <para><b>Augmentation.</b> Optional random shift (zero padding + random crop) and horizontal flip. The
/// random draws of batch b of epoch e come from a generator seeded by (seed, e, b), so every batch is a pure
/// function of the data, the options, the epoch and its index: neither timing nor prefetching can change it.</para>
/// <para><b>Values.</b> p / 255 by default, zero where a shift uncovers the border (what the integer exporter
/// assumes); with <see cref="DataLoaderOptions.Normalization"/>, (p / 255 - mean) / std, and the border gets the
/// value of a zero pixel.</para>
/// <para><b>Overlap.</b> With <see cref="DataLoaderOptions.Prefetch"/> (the default), while the caller trains on
/// batch b a background task prepares batch b + 1 into a staging buffer of the loader's own; taking a batch
/// copies the staging buffer into a tensor created on the caller's thread, in its current dispose scope (LibTorch
/// is never called off that thread). Disposing the enumerator early waits for the task.</para>
/// </summary>
public sealed class DataLoader
{
    /// <summary>Creates a loader with shift augmentation only (no flip, no normalisation, prefetching on).</summary>
    public DataLoader(ImageDataset dataset, int batchSize, bool shuffle, int seed = 0, int maxShift = 0)
        : this(dataset, new DataLoaderOptions { BatchSize = batchSize, Shuffle = shuffle, Seed = seed, MaxShift = maxShift })
    {
    }

    /// <summary>Creates a loader.</summary>
    public DataLoader(ImageDataset dataset, DataLoaderOptions options)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        options.Validate();
        Dataset = dataset;
        Options = options;
    }

    /// <summary>The data.</summary>
    public ImageDataset Dataset { get; }

    /// <summary>The options.</summary>
    public DataLoaderOptions Options { get; }

    /// <summary>Images per batch.</summary>
    public int BatchSize => Options.BatchSize;

    /// <summary>Whether each epoch is shuffled.</summary>
    public bool Shuffle => Options.Shuffle;

    /// <summary>Base seed of shuffling and augmentation.</summary>
    public int Seed => Options.Seed;

    /// <summary>Largest random shift in pixels (0 = none).</summary>
    public int MaxShift => Options.MaxShift;

    /// <summary>Batches per epoch.</summary>
    public int BatchCount => (Dataset.Count + BatchSize - 1) / BatchSize;

    /// <summary>The order in which epoch <paramref name="epoch"/> visits the images.</summary>
    public int[] Order(int epoch)
    {
        var order = new int[Dataset.Count];
        for (int i = 0; i < order.Length; i++)
        {
            order[i] = i;
        }
        if (Shuffle)
        {
            // A fixed mix, not HashCode.Combine (randomised per process): a resumed run must replay the same order.
            var random = new Random((int)(((uint)Seed * 2654435761u) ^ ((uint)epoch * 40503u) ^ 0x5eedu) & int.MaxValue);
            for (int i = order.Length - 1; i > 0; i--)
            {
                int j = random.Next(i + 1);
                (order[i], order[j]) = (order[j], order[i]);
            }
        }
        return order;
    }

    /// <summary>The batches of epoch <paramref name="epoch"/> on <paramref name="device"/> (the CPU when null).
    /// Tensors are created in the dispose scope that is current when each batch is taken (MoveNext).</summary>
    public IEnumerable<Batch> Epoch(int epoch, Device? device = null) =>
        Options.Prefetch ? Overlapped(epoch, Order(epoch), device) : Synchronous(epoch, Order(epoch), device);

    private IEnumerable<Batch> Synchronous(int epoch, int[] order, Device? device)
    {
        var staging = new float[Math.Max(1, Rows(0)) * Dataset.ImageSize];
        for (int b = 0; b < BatchCount; b++)
        {
            var labels = Fill(order, b, staging, BatchRandom(epoch, b), new long[Rows(b)]);
            yield return ToBatch(staging, labels, device);
        }
    }

    private Batch ToBatch(float[] staging, long[] labels, Device? device)
    {
        int n = labels.Length;
        var images = tensor(staging.AsSpan(0, n * Dataset.ImageSize).ToArray(), [n, Dataset.Channels, Dataset.Height, Dataset.Width]);
        var targets = tensor(labels);
        return device is null || device.type == DeviceType.CPU ? new Batch(images, targets) : new Batch(images.to(device), targets.to(device));
    }

    private IEnumerable<Batch> Overlapped(int epoch, int[] order, Device? device)
    {
        int batches = BatchCount;
        if (batches == 0)
        {
            yield break;
        }
        var staging = new float[Rows(0) * Dataset.ImageSize];
        Task<long[]>? pending = StartFill(order, epoch, 0, staging);
        try
        {
            for (int b = 0; b < batches; b++)
            {
                var labels = pending!.GetAwaiter().GetResult();
                var batch = ToBatch(staging, labels, device);
                int next = b + 1;
                // The staging buffer is free again: the copy above is done before the next fill starts.
                pending = next < batches ? StartFill(order, epoch, next, staging) : null;
                yield return batch;
            }
        }
        finally
        {
            if (pending is not null)
            {
                try
                {
                    pending.Wait();
                }
                catch (AggregateException)
                {
                    // The batch was never taken; its failure has no one to report to.
                }
            }
        }
    }

    private int Rows(int batch) => Math.Min(BatchSize, Dataset.Count - batch * BatchSize);

    /// <summary>Fills batch <paramref name="batch"/> on a pool thread. Its generator and label array are made here, on
    /// the caller's thread, so that the pool thread allocates nothing: a collection it started could run while the
    /// caller is inside LibTorch, and TorchSharp does not keep the temporary scalars of a call alive (their finalizers
    /// would free them mid-call; see Quantization/Scalars.cs).</summary>
    private Task<long[]> StartFill(int[] order, int epoch, int batch, float[] staging)
    {
        var random = BatchRandom(epoch, batch);
        var labels = new long[Rows(batch)];
        return Task.Run(() => Fill(order, batch, staging, random, labels));
    }

    private Random BatchRandom(int epoch, int batch) => new(BatchSeed(Seed, epoch, batch));

    /// <summary>Writes batch <paramref name="batch"/> of an epoch (<paramref name="order"/>) into <paramref name="destination"/>
    /// ([n, C, H, W]) and its labels into <paramref name="labels"/>, which it returns; the augmentation draws come from
    /// <paramref name="random"/> (<see cref="BatchRandom"/>). Depends on nothing but its arguments and the options,
    /// and allocates nothing.</summary>
    private long[] Fill(int[] order, int batch, float[] destination, Random random, long[] labels)
    {
        int c = Dataset.Channels, h = Dataset.Height, w = Dataset.Width, size = Dataset.ImageSize;
        int start = batch * BatchSize, n = Rows(batch);
        var norm = Options.Normalization;
        float scale = norm is null ? 1f / 255f : 1f / (255f * norm.Std);
        float offset = norm is null ? 0f : -norm.Mean / norm.Std;
        int maxShift = Options.MaxShift;
        var pixels = Dataset.Pixels;
        for (int i = 0; i < n; i++)
        {
            int index = order[start + i];
            labels[i] = Dataset.Labels[index];
            int dy = 0, dx = 0;
            if (maxShift > 0)
            {
                dy = random.Next(-maxShift, maxShift + 1);
                dx = random.Next(-maxShift, maxShift + 1);
            }
            bool flip = Options.HorizontalFlip && random.Next(2) == 1;
            var dst = destination.AsSpan(i * size, size);
            if (dy != 0 || dx != 0)
            {
                dst.Fill(offset);
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
                    var row = dst.Slice((ch * h + y) * w, w);
                    int srow = index * size + (ch * h + sy) * w;
                    // Output column x shows column x - dx of the (possibly mirrored) source image.
                    int x0 = Math.Max(0, dx), x1 = Math.Min(w, w + dx);
                    for (int x = x0; x < x1; x++)
                    {
                        int sx = x - dx;
                        row[x] = pixels[srow + (flip ? w - 1 - sx : sx)] * scale + offset;
                    }
                }
            }
        }
        return labels;
    }

    /// <summary>Seed of batch <paramref name="batch"/>'s augmentation generator: a fixed mix (never
    /// HashCode.Combine, which is randomised per process).</summary>
    private static int BatchSeed(int seed, int epoch, int batch) =>
        (int)((((uint)seed * 2654435761u) ^ ((uint)epoch * 40503u) ^ ((uint)batch * 2246822519u) ^ 0xa5a5u) & int.MaxValue);
}
