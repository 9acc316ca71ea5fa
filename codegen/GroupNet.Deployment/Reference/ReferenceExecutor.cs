using System.Runtime.InteropServices;
using GroupNet.Deployment.Model;

namespace GroupNet.Deployment.Reference;

/// <summary>
/// The managed reference: runs a <see cref="DeploymentModel"/> exactly as docs/integer-arithmetic.md
/// defines it and as the generated C does. Plain loops, written for clarity; the C kernels are
/// swept against it. Thread-safe: each call allocates its own buffers (the padded weights are built once and only read).
/// </summary>
public sealed class ReferenceExecutor
{
    private readonly DeploymentModel _model;
    private readonly Dictionary<BinaryConvTerm, PaddedBinaryWeights> _padded = new(ReferenceEqualityComparer.Instance);

    public ReferenceExecutor(DeploymentModel model)
    {
        ModelValidator.Validate(model);
        _model = model;
        foreach (var term in model.Layers.SelectMany(l => l.Terms).OfType<BinaryConvTerm>())
        {
            _padded[term] = new PaddedBinaryWeights(term, model.Tensors[term.Input]);
        }
    }

    public DeploymentModel Model => _model;

    /// <summary>Runs one image (uint8, [H][W][C]) and returns the int32 logits.</summary>
    public int[] Infer(ReadOnlySpan<byte> image)
    {
        var input = _model.InputTensor;
        if (image.Length != input.ByteSize)
        {
            throw new ArgumentException($"image has {image.Length} bytes, model '{_model.Name}' expects {input.ByteSize} ({input.Height}x{input.Width}x{input.Channels})", nameof(image));
        }
        return RunHead(_model.Head, PooledFeatures(image));
    }

    /// <summary>Runs many images in parallel (output order = input order).</summary>
    public int[][] InferMany(IReadOnlyList<byte[]> images, int maxThreads = 2)
    {
        var results = new int[images.Count][];
        Parallel.For(0, images.Count, new ParallelOptions { MaxDegreeOfParallelism = maxThreads }, i => results[i] = Infer(images[i]));
        return results;
    }

    private object RunLayer(AccumulateLayer layer, object?[] buffers)
    {
        var output = _model.Tensors[layer.Output];
        var (outH, outW) = _model.OutputSize(layer);
        int cout = layer.OutChannels;
        var z = new int[cout];
        var acc = new int[cout];
        var levels = new int[cout];
        uint[]? packed = layer.Epilogue is ThresholdEpilogue ? new uint[output.LevelWords] : null;
        int[]? pooled = layer.Epilogue is PooledEpilogue ? new int[cout] : null;
        byte[]? bytes = layer.Epilogue is RequantizeEpilogue ? new byte[output.ByteSize] : null;
        int pixelWords = output.IsPacked ? output.Bits * output.Words : 0;

        for (int y = 0; y < outH; y++)
        {
            for (int x = 0; x < outW; x++)
            {
                Array.Clear(z);
                foreach (var term in layer.Terms.AsSpan())
                {
                    Accumulate(term, buffers[term.Input]!, y, x, acc);
                    var multipliers = term.Multipliers.AsSpan();
                    for (int o = 0; o < cout; o++)
                    {
                        z[o] += multipliers[o] * acc[o];
                    }
                }
                switch (layer.Epilogue)
                {
                    case ThresholdEpilogue te:
                        int per = te.ThresholdsPerChannel;
                        var thresholds = te.Thresholds.AsSpan();
                        for (int o = 0; o < cout; o++)
                        {
                            levels[o] = IntegerMath.Level(z[o], thresholds.Slice(o * per, per));
                        }
                        BitPacking.PackLevels(levels, te.Bits, packed.AsSpan((y * outW + x) * pixelWords, pixelWords));
                        break;
                    case PooledEpilogue:
                        for (int o = 0; o < cout; o++)
                        {
                            pooled![o] += z[o];
                        }
                        break;
                    case RequantizeEpilogue re:
                        for (int o = 0; o < cout; o++)
                        {
                            bytes![(y * outW + x) * cout + o] = IntegerMath.Requantize(z[o], re, o);
                        }
                        break;
                }
            }
        }
        return (object?)packed ?? (object?)bytes ?? pooled!;
    }


    private void Accumulate(Term term, object buffer, int y, int x, int[] acc)
    {
        var input = _model.Tensors[term.Input];
        int cout = acc.Length;
        Array.Clear(acc);
        switch (term)
        {
            case Int8ConvTerm c:
            {
                var image = (byte[])buffer;
                var g = c.Geometry;
                int cin = input.Channels;
                for (int o = 0; o < cout; o++)
                {
                    int sum = 0;
                    for (int ky = 0; ky < g.Kernel; ky++)
                    {
                        int iy = y * g.Stride - g.Padding + ky;
                        if (iy < 0 || iy >= input.Height) continue;
                        for (int kx = 0; kx < g.Kernel; kx++)
                        {
                            int ix = x * g.Stride - g.Padding + kx;
                            if (ix < 0 || ix >= input.Width) continue;
                            int wBase = ((o * g.Kernel + ky) * g.Kernel + kx) * cin;
                            int pBase = (iy * input.Width + ix) * cin;
                            for (int ci = 0; ci < cin; ci++)
                            {
                                sum += image[pBase + ci] * c.Weights[wBase + ci];
                            }
                        }
                    }
                    acc[o] = sum;
                }
                break;
            }
            case BinaryConvTerm c when input.Kind == TensorKind.Signs:
                SignConv(c, _padded[c], input, (uint[])buffer, y, x, acc);
                break;
            case BinaryConvTerm c:
            {
                // Gather the window once, plane by plane in the weights' [tap][word] order (out-of-bounds taps stay 0),
                // count each plane's activation bits once; per output channel only popcount(A & W) remains.
                var levels = (uint[])buffer;
                var g = c.Geometry;
                var padded = _padded[c];
                int words = input.Words, bits = input.Bits, longs = padded.LongsPerOutput;
                Span<ulong> window = stackalloc ulong[bits * longs];
                window.Clear();
                var window32 = MemoryMarshal.Cast<ulong, uint>(window);
                Span<int> planeCounts = stackalloc int[bits];
                planeCounts.Clear();
                for (int ky = 0; ky < g.Kernel; ky++)
                {
                    int iy = y * g.Stride - g.Padding + ky;
                    if (iy < 0 || iy >= input.Height) continue;
                    for (int kx = 0; kx < g.Kernel; kx++)
                    {
                        int ix = x * g.Stride - g.Padding + kx;
                        if (ix < 0 || ix >= input.Width) continue;
                        int pixel = (iy * input.Width + ix) * bits * words;
                        int tap = ky * g.Kernel + kx;
                        for (int b = 0; b < bits; b++)
                        {
                            for (int w = 0; w < words; w++)
                            {
                                uint word = levels[pixel + b * words + w];
                                window32[b * 2 * longs + tap * words + w] = word;
                                planeCounts[b] += IntegerMath.Popcount(word);
                            }
                        }
                    }
                }
                for (int o = 0; o < cout; o++)
                {
                    var weights = padded.Output(o);
                    int sum = 0;
                    for (int b = 0; b < bits; b++)
                    {
                        int matches = IntegerMath.AndPopcount(window.Slice(b * longs, longs), weights);
                        sum += (2 * matches - planeCounts[b]) << b;
                    }
                    acc[o] = sum;
                }
                break;
            }
            case IdentityTerm when input.Kind == TensorKind.Uint8:
            {
                var values = (byte[])buffer;
                int pixel = (y * input.Width + x) * input.Channels;
                for (int o = 0; o < cout; o++)
                {
                    acc[o] = values[pixel + o];
                }
                break;
            }
            case IdentityTerm:
            {
                var levels = (uint[])buffer;
                int words = input.Words, bits = input.Bits;
                var pixel = levels.AsSpan((y * input.Width + x) * bits * words, bits * words);
                bool signs = input.Kind == TensorKind.Signs;
                for (int o = 0; o < cout; o++)
                {
                    int level = BitPacking.UnpackLevel(pixel, bits, words, o);
                    acc[o] = signs ? 2 * level - 1 : level;
                }
                break;
            }
            default:
                throw new InvalidOperationException($"unknown term {term.GetType().Name}");
        }
    }

    /// <summary>Binary conv on +/-1 activations: each in-bounds tap contributes
    /// C - 2 * popcount(A xor W) (padding bits are 0 in both, so they never differ); out-of-bounds taps
    /// are the trainer's zero padding and contribute 0. The window holds zeros there, so popcount(A xor W) over the
    /// whole window counts popcount(W) of those taps too, which is taken off again.</summary>
    private static void SignConv(BinaryConvTerm c, PaddedBinaryWeights padded, TensorSpec input, uint[] signs, int y, int x, int[] acc)
    {
        var g = c.Geometry;
        int words = input.Words, taps = g.Kernel * g.Kernel, longs = padded.LongsPerOutput;
        Span<ulong> window = stackalloc ulong[longs];
        window.Clear();
        var window32 = MemoryMarshal.Cast<ulong, uint>(window);
        Span<bool> outside = stackalloc bool[taps];
        int inside = 0;
        for (int ky = 0; ky < g.Kernel; ky++)
        {
            int iy = y * g.Stride - g.Padding + ky;
            for (int kx = 0; kx < g.Kernel; kx++)
            {
                int ix = x * g.Stride - g.Padding + kx;
                int tap = ky * g.Kernel + kx;
                outside[tap] = iy < 0 || iy >= input.Height || ix < 0 || ix >= input.Width;
                if (outside[tap]) continue;
                inside++;
                for (int w = 0; w < words; w++)
                {
                    window32[tap * words + w] = signs[(iy * input.Width + ix) * words + w];
                }
            }
        }
        for (int o = 0; o < acc.Length; o++)
        {
            int differ = IntegerMath.XorPopcount(window, padded.Output(o));
            if (inside < taps)
            {
                for (int t = 0; t < taps; t++)
                {
                    differ -= outside[t] ? padded.TapPopcounts[o * taps + t] : 0;
                }
            }
            acc[o] = inside * input.Channels - 2 * differ;
        }
    }

    private static int[] RunHead(LinearHead head, int[] pooled)
    {
        var x8 = new int[head.InFeatures];
        for (int c = 0; c < head.InFeatures; c++)
        {
            long v = (long)pooled[c] * head.RequantMultipliers[c] + head.RequantOffsets[c];
            x8[c] = IntegerMath.Clamp8(IntegerMath.RoundShift(v, head.RequantShift));
        }
        var logits = new int[head.OutFeatures];
        for (int j = 0; j < head.OutFeatures; j++)
        {
            int sum = head.Bias[j];
            for (int c = 0; c < head.InFeatures; c++)
            {
                sum += head.Weights[j * head.InFeatures + c] * x8[c];
            }
            logits[j] = sum;
        }
        return logits;
    }

    /// <summary>The pooled int32 features of one image (for calibration of the head).</summary>
    public int[] PooledFeatures(ReadOnlySpan<byte> image)
    {
        var buffers = new object?[_model.Tensors.Length];
        buffers[0] = image.ToArray();
        foreach (var layer in _model.Layers)
        {
            buffers[layer.Output] = RunLayer(layer, buffers);
        }
        return (int[])buffers[_model.Head.Input]!;
    }
}
