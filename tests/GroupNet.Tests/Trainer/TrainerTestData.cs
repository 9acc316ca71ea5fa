using GroupNet.Trainer.Data;
using GroupNet.Trainer.Models;
using GroupNet.Trainer.Modules;
using GroupNet.Trainer.Tensors;

namespace GroupNet.Tests.Trainer;

/// <summary>Small synthetic data and helpers shared by the trainer tests (no download needed).</summary>
internal static class TrainerTestData
{
    /// <summary>Side of the synthetic images (small, so a training step takes milliseconds).</summary>
    public const int Side = 12;

    /// <summary>Number of synthetic classes.</summary>
    public const int Classes = 4;

    /// <summary>A tiny Group-Net v1 on <see cref="Side"/> x <see cref="Side"/> one-channel images with <see cref="Classes"/> classes.</summary>
    public static GroupNetV1Config Config(int bases, int bits) => new(bases, bits, Classes, 1, Side, Side);

    /// <summary>
    /// Translation-invariant, linearly separable texture classes: 0 horizontal stripes, 1 vertical stripes,
    /// 2 diagonal stripes, 3 checkerboard; random phase, random contrast and uniform noise of +/- <paramref name="noise"/> grey levels. A 3x3 convolution
    /// tells them apart and global average pooling keeps the difference.
    /// </summary>
    public static ImageDataset Textures(int count, int seed, int side = Side, int noise = 40)
    {
        var random = new Random(seed);
        var pixels = new byte[count * side * side];
        var labels = new byte[count];
        for (int i = 0; i < count; i++)
        {
            int label = random.Next(Classes);
            labels[i] = (byte)label;
            int phase = random.Next(4);
            int period = 2 + random.Next(2); // 2 or 3 pixels
            int high = 150 + random.Next(100), low = random.Next(60);
            for (int y = 0; y < side; y++)
            {
                for (int x = 0; x < side; x++)
                {
                    bool on = label switch
                    {
                        0 => (y + phase) / period % 2 == 0,
                        1 => (x + phase) / period % 2 == 0,
                        2 => (x + y + phase) / period % 2 == 0,
                        _ => ((x + phase) / period + (y + phase) / period) % 2 == 0,
                    };
                    int v = (on ? high : low) + random.Next(-noise, noise + 1);
                    pixels[(i * side + y) * side + x] = (byte)Math.Clamp(v, 0, 255);
                }
            }
        }
        return new ImageDataset(pixels, labels, 1, side, side, Classes);
    }

    /// <summary>A leaf tensor with uniform values in [lo, hi).</summary>
    public static Tensor Uniform(Random random, bool requiresGrad, float lo, float hi, params int[] shape)
    {
        var t = Tensor.Zeros(shape);
        for (int i = 0; i < t.Count; i++)
        {
            t.Data[i] = (float)(lo + (hi - lo) * random.NextDouble());
        }
        t.RequiresGrad = requiresGrad;
        return t;
    }

    /// <summary>Every parameter and buffer value, in state-dict order, as one array.</summary>
    public static float[] Flatten(Module model) => model.StateDict().SelectMany(e => e.Value.Data).ToArray();

    /// <summary>A fresh temporary directory; delete it with <see cref="Directory.Delete(string, bool)"/>.</summary>
    public static string TempDirectory(string prefix)
    {
        var dir = Path.Combine(Path.GetTempPath(), $"{prefix}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        return dir;
    }

    /// <summary>Index of the first bit-level difference of two float arrays, or -1; compares bit patterns, so NaN == NaN.</summary>
    public static int FirstBitDifference(float[] a, float[] b)
    {
        if (a.Length != b.Length)
        {
            return Math.Min(a.Length, b.Length);
        }
        for (int i = 0; i < a.Length; i++)
        {
            if (BitConverter.SingleToInt32Bits(a[i]) != BitConverter.SingleToInt32Bits(b[i]))
            {
                return i;
            }
        }
        return -1;
    }

    /// <summary>Arg-max of each row (first on ties).</summary>
    public static int ArgMax(ReadOnlySpan<float> row)
    {
        int best = 0;
        for (int j = 1; j < row.Length; j++)
        {
            if (row[j] > row[best])
            {
                best = j;
            }
        }
        return best;
    }

    /// <summary>Arg-max of an int row (first on ties).</summary>
    public static int ArgMax(ReadOnlySpan<int> row)
    {
        int best = 0;
        for (int j = 1; j < row.Length; j++)
        {
            if (row[j] > row[best])
            {
                best = j;
            }
        }
        return best;
    }
}
