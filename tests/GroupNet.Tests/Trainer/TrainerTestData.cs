using GroupNet.Trainer.Data;
using GroupNet.Trainer.Export;
using GroupNet.Trainer.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace GroupNet.Tests.Trainer;

/// <summary>Small synthetic data and helpers shared by the trainer tests (no download needed).</summary>
internal static class TrainerTestData
{
    /// <summary>Side of the synthetic images (small, so a training step takes milliseconds).</summary>
    public const int Side = 12;

    /// <summary>Number of synthetic classes.</summary>
    public const int Classes = 4;

    /// <summary>A tiny Group-Net v1 (the baseline for K = 1; the W32A32 parent for 32 bits) on <see cref="Side"/> x
    /// <see cref="Side"/> one-channel images with <see cref="Classes"/> classes.</summary>
    public static ModelConfig Config(int bases, int bits) => new(
        NetworkKind.Tiny,
        bases == 1 ? StructureKind.Baseline : StructureKind.V1,
        bases,
        bits == 32 ? 32 : 1,
        bits,
        LayerPrecision.Float32,
        Classes,
        1,
        Side,
        Side);

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

    /// <summary>Uniform values in [lo, hi) drawn from <paramref name="random"/>.</summary>
    public static float[] UniformValues(Random random, float lo, float hi, int count) =>
        Enumerable.Range(0, count).Select(_ => (float)(lo + (hi - lo) * random.NextDouble())).ToArray();

    /// <summary>A float32 leaf tensor with uniform values in [lo, hi) (in the caller's dispose scope).</summary>
    public static Tensor Uniform(Random random, bool requiresGrad, float lo, float hi, params long[] shape)
    {
        int count = (int)shape.Aggregate(1L, (a, b) => a * b);
        return tensor(UniformValues(random, lo, hi, count), shape).requires_grad_(requiresGrad);
    }

    /// <summary>The values of a tensor as floats (row-major, on the CPU).</summary>
    public static float[] Floats(Tensor t) => TensorValues.Floats(t);

    /// <summary>A detached copy of every state-dict entry of <paramref name="model"/> (outlives any dispose scope).</summary>
    public static Dictionary<string, Tensor> Snapshot(nn.Module model)
    {
        var copy = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var (name, t) in model.state_dict())
        {
            copy[name] = t.detach().cpu().clone().DetachFromDisposeScope();
        }
        return copy;
    }

    /// <summary>
    /// Empty when both state dicts hold the same names and, for every name, tensors of the same dtype and shape that
    /// <c>torch.equal</c> calls equal; else one line per difference (at most <paramref name="max"/>), each naming the
    /// entry and its first differing index with both values, and a count.
    /// </summary>
    public static List<string> StateDifferences(IReadOnlyDictionary<string, Tensor> actual, IReadOnlyDictionary<string, Tensor> expected, int max = 8)
    {
        var lines = new List<string>();
        foreach (var name in expected.Keys.Where(k => !actual.ContainsKey(k)))
        {
            lines.Add($"{name}: missing");
        }
        foreach (var name in actual.Keys.Where(k => !expected.ContainsKey(k)))
        {
            lines.Add($"{name}: unexpected");
        }
        foreach (var (name, e) in expected)
        {
            if (!actual.TryGetValue(name, out var a))
            {
                continue;
            }
            if (TensorDifference(a, e) is { } d)
            {
                lines.Add($"{name}: {d}");
            }
        }
        int count = lines.Count;
        var shown = lines.Take(max).ToList();
        if (count > max)
        {
            shown.Add($"... {count} differences in all");
        }
        return shown;
    }

    /// <summary>Null when <c>torch.equal(actual, expected)</c> with the same dtype; else the first differing index, the
    /// values there and how many elements differ.</summary>
    public static string? TensorDifference(Tensor actual, Tensor expected)
    {
        using var scope = NewDisposeScope();
        if (actual.dtype != expected.dtype)
        {
            return $"dtype {actual.dtype} vs {expected.dtype}";
        }
        if (!actual.shape.SequenceEqual(expected.shape))
        {
            return $"shape [{string.Join(", ", actual.shape)}] vs [{string.Join(", ", expected.shape)}]";
        }
        var a = actual.detach().cpu();
        var e = expected.detach().cpu();
        if (a.Equals(e)) // torch.equal
        {
            return null;
        }
        var differs = a.ne(e).flatten();
        long count = differs.sum().item<long>();
        long first = differs.nonzero()[0, 0].item<long>();
        var af = a.flatten().to(ScalarType.Float64);
        var ef = e.flatten().to(ScalarType.Float64);
        return $"{count} of {a.numel()} elements differ, first at flat index {first}: actual {af[first].item<double>():R}, expected {ef[first].item<double>():R}";
    }

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

    /// <summary>Float logits [N][classes] of <paramref name="model"/> in eval mode on <paramref name="data"/> (in order).</summary>
    public static float[][] EvalLogits(nn.Module<Tensor, Tensor> model, ImageDataset data)
    {
        model.eval();
        var rows = new List<float[]>();
        using (no_grad())
        {
            using var e = new DataLoader(data, 100, shuffle: false).Epoch(0).GetEnumerator();
            while (true)
            {
                using var scope = NewDisposeScope();
                if (!e.MoveNext())
                {
                    break;
                }
                var logits = model.forward(e.Current.Images);
                var values = Floats(logits);
                int k = (int)logits.shape[1];
                for (int i = 0; i < logits.shape[0]; i++)
                {
                    rows.Add(values.AsSpan(i * k, k).ToArray());
                }
            }
        }
        return rows.ToArray();
    }
}
