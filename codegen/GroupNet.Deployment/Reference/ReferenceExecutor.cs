using GroupNet.Deployment.Model;

namespace GroupNet.Deployment.Reference;

/// <summary>
/// The managed reference: runs a <see cref="DeploymentModel"/> exactly as docs/integer-arithmetic.md
/// defines it and as the generated C does. Plain loops, written for clarity; the C kernels are
/// swept against it. Thread-safe: each call allocates its own buffers.
/// </summary>
public sealed class ReferenceExecutor
{
    private readonly DeploymentModel _model;

    public ReferenceExecutor(DeploymentModel model)
    {
        ModelValidator.Validate(model);
        _model = model;
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
        int pixelWords = output.IsPacked ? output.Bits * output.Words : 0;

        for (int y = 0; y < outH; y++)
        {
            for (int x = 0; x < outW; x++)
            {
                Array.Clear(z);
                foreach (var term in layer.Terms)
                {
                    Accumulate(term, buffers[term.Input]!, y, x, acc);
                    for (int o = 0; o < cout; o++)
                    {
                        z[o] += term.Multipliers[o] * acc[o];
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
                }
            }
        }
        return (object?)packed ?? pooled!;
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
                SignConv(c, input, (uint[])buffer, y, x, acc);
                break;
            case BinaryConvTerm c:
            {
                // Gather the window once (out-of-bounds taps stay 0), count each plane's activation
                // bits once, then per output channel only popcount(A & W) remains.
                var levels = (uint[])buffer;
                var g = c.Geometry;
                int words = input.Words, bits = input.Bits, taps = g.Kernel * g.Kernel;
                Span<uint> window = stackalloc uint[taps * bits * words];
                window.Clear();
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
                        var pixel = levels.AsSpan((iy * input.Width + ix) * bits * words, bits * words);
                        pixel.CopyTo(window.Slice((ky * g.Kernel + kx) * bits * words));
                        for (int b = 0; b < bits; b++)
                        {
                            for (int w = 0; w < words; w++)
                            {
                                planeCounts[b] += IntegerMath.Popcount(pixel[b * words + w]);
                            }
                        }
                    }
                }
                var weights = c.Weights.AsSpan();
                for (int o = 0; o < cout; o++)
                {
                    int sum = 0;
                    for (int b = 0; b < bits; b++)
                    {
                        int matches = 0;
                        for (int t = 0; t < taps; t++)
                        {
                            var a = window.Slice((t * bits + b) * words, words);
                            var wt = weights.Slice((o * taps + t) * words, words);
                            for (int w = 0; w < words; w++)
                            {
                                matches += IntegerMath.Popcount(a[w] & wt[w]);
                            }
                        }
                        sum += (2 * matches - planeCounts[b]) << b;
                    }
                    acc[o] = sum;
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
    /// are the trainer's zero padding and contribute 0.</summary>
    private static void SignConv(BinaryConvTerm c, TensorSpec input, uint[] signs, int y, int x, int[] acc)
    {
        var g = c.Geometry;
        int words = input.Words, taps = g.Kernel * g.Kernel;
        var weights = c.Weights.AsSpan();
        for (int o = 0; o < acc.Length; o++)
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
                    var a = signs.AsSpan((iy * input.Width + ix) * words, words);
                    var wt = weights.Slice((o * taps + ky * g.Kernel + kx) * words, words);
                    int differ = 0;
                    for (int w = 0; w < words; w++)
                    {
                        differ += IntegerMath.Popcount(a[w] ^ wt[w]);
                    }
                    sum += input.Channels - 2 * differ;
                }
            }
            acc[o] = sum;
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
