using GroupNet.Deployment.Model;
using GroupNet.Deployment.Reference;

namespace GroupNet.Trainer.Export;

/// <summary>
/// Folds a trained Group-Net v1 into the integer program of docs/integer-arithmetic.md: binary
/// weights packed to bits, batch-norm, per-filter weight scales, base scales and shortcuts folded into
/// per-channel multipliers and thresholds, 8-bit stem and classifier.
/// </summary>
public sealed class GroupNetExporter
{
    /// <summary>Largest power of two used to scale the multipliers of a multi-term layer.</summary>
    public const int MaxFractionBits = 24;

    /// <summary>Head multipliers stay below 2^30 so pooled * Mq stays below 2^61.</summary>
    private const double HeadMultiplierLimit = 1 << 30;

    private sealed record TermSpec(Func<EquatableArray<int>, Term> Make, double[] Scale, long Bound);

    public DeploymentModel Export(GroupNetParams p, string name, string description, IReadOnlyList<byte[]> calibrationImages)
    {
        int bits = p.ActivationBits;
        if (bits is not (2 or 4))
        {
            throw new ExportException(bits == 32
                ? "a full-precision model (activation bits 32) has no integer program; train with 2 or 4 activation bits, starting from this model as the parent"
                : $"activation bits {bits} cannot be exported yet; use 2 or 4");
        }
        if (p.Groups.Count == 0)
        {
            throw new ExportException("the model has no groups");
        }
        if (calibrationImages.Count == 0)
        {
            throw new ExportException("at least one calibration image is needed to scale the 8-bit classifier input");
        }
        int levelMax = (1 << bits) - 1;
        var tensors = new List<TensorSpec> { new(0, "image", TensorKind.Image, p.InputHeight, p.InputWidth, p.InputChannels, 8) };
        var layers = new List<AccumulateLayer>();

        int AddLevels(string tensorName, int h, int w, int c)
        {
            tensors.Add(new TensorSpec(tensors.Count, tensorName, TensorKind.Levels, h, w, c, bits));
            return tensors.Count - 1;
        }

        // Stem: int8 conv, BN, ReLU, then the first group's input BN and quantiser.
        var stem = p.Stem;
        var stemGeometry = new ConvGeometry(stem.Kernel, stem.Stride, stem.Padding);
        int h0 = stemGeometry.OutputSize(p.InputHeight), w0 = stemGeometry.OutputSize(p.InputWidth);
        var (stemWeights, stemScales) = QuantizeInt8PerFilter(stem);
        var firstInputBn = p.Groups[0].InputBn;
        int current = AddLevels("g0.q0", h0, w0, stem.OutChannels);
        {
            long bound = 255L * 127L * stem.Kernel * stem.Kernel * stem.InChannels;
            var d = new int[stem.OutChannels];
            var thresholds = new List<int>();
            for (int o = 0; o < stem.OutChannels; o++)
            {
                d[o] = Sign(p.StemBn.Scale(o)) * Sign(firstInputBn.Scale(o));
                int oo = o, dd = d[o];
                double realPerAcc = stemScales[o] / 255.0;
                thresholds.AddRange(ThresholdSearch.Find(
                    z => ThresholdSearch.QuantizeLevel(firstInputBn.Apply(oo, Math.Max(0.0, p.StemBn.Apply(oo, realPerAcc * dd * z))), bits),
                    bound, levelMax));
            }
            layers.Add(new AccumulateLayer("stem", current, stem.OutChannels,
                new EquatableArray<Term>([new Int8ConvTerm(0, stemGeometry, new EquatableArray<sbyte>(stemWeights), new EquatableArray<int>(d))]),
                new ThresholdEpilogue(bits, new EquatableArray<int>(thresholds))));
        }

        int pooledTensor = -1;
        int lastFractionBits = 0;
        double[] lastBias = [];
        for (int g = 0; g < p.Groups.Count; g++)
        {
            var group = p.Groups[g];
            var groupInput = tensors[current];
            int cout = group.Bases[0].Conv1.OutChannels;
            var geometry1 = Geometry(group.Bases[0].Conv1);
            int oh = geometry1.OutputSize(groupInput.Height), ow = geometry1.OutputSize(groupInput.Width);

            // conv1 of each base: one binary term, exact thresholds (M = +/-1).
            var hidden = new int[group.Bases.Count];
            for (int k = 0; k < group.Bases.Count; k++)
            {
                var b = group.Bases[k];
                hidden[k] = AddLevels($"g{g}.b{k}.h", oh, ow, cout);
                var weights = PackBinary(b.Conv1);
                long bound = (long)levelMax * b.Conv1.FilterSize;
                var d = new int[cout];
                var thresholds = new List<int>();
                for (int o = 0; o < cout; o++)
                {
                    double alpha = b.Conv1.MeanAbs(o) / levelMax;
                    d[o] = Sign(b.Bn1.Scale(o));
                    int oo = o, dd = d[o];
                    thresholds.AddRange(ThresholdSearch.Find(z => ThresholdSearch.QuantizeLevel(b.Bn1.Apply(oo, alpha * dd * z), bits), bound, levelMax));
                }
                int input = current;
                layers.Add(new AccumulateLayer($"g{g}.b{k}.conv1", hidden[k], cout,
                    new EquatableArray<Term>([new BinaryConvTerm(input, geometry1, new EquatableArray<uint>(weights), new EquatableArray<int>(d))]),
                    new ThresholdEpilogue(bits, new EquatableArray<int>(thresholds))));
            }

            // The group sum: conv2 of each base, each base's shortcut, scaled by lambda_k.
            var terms = new List<TermSpec>();
            var bias = new double[cout];
            for (int k = 0; k < group.Bases.Count; k++)
            {
                var b = group.Bases[k];
                double lambda = group.Scales[k];
                var a2 = new double[cout];
                for (int o = 0; o < cout; o++)
                {
                    a2[o] = lambda * b.Bn2.Scale(o) * b.Conv2.MeanAbs(o) / levelMax;
                    bias[o] += lambda * b.Bn2.Shift(o);
                }
                var w2 = PackBinary(b.Conv2);
                var g2 = Geometry(b.Conv2);
                int input2 = hidden[k];
                terms.Add(new TermSpec(m => new BinaryConvTerm(input2, g2, new EquatableArray<uint>(w2), m), a2, (long)levelMax * b.Conv2.FilterSize));
                if (b.ShortcutConv is { } sc && b.ShortcutBn is { } scBn)
                {
                    var asc = new double[cout];
                    for (int o = 0; o < cout; o++)
                    {
                        asc[o] = lambda * scBn.Scale(o) * sc.MeanAbs(o) / levelMax;
                        bias[o] += lambda * scBn.Shift(o);
                    }
                    var wsc = PackBinary(sc);
                    var gsc = Geometry(sc);
                    int inputSc = current;
                    terms.Add(new TermSpec(m => new BinaryConvTerm(inputSc, gsc, new EquatableArray<uint>(wsc), m), asc, (long)levelMax * sc.FilterSize));
                }
            }
            if (group.Bases[0].ShortcutConv is null)
            {
                if (groupInput.Channels != cout || geometry1.Stride != 1)
                {
                    throw new ExportException($"group {g}: an identity shortcut needs equal channels and stride 1 ({groupInput.Channels}->{cout}, stride {geometry1.Stride})");
                }
                double lambdaSum = group.Scales.Sum(v => (double)v);
                var aid = Enumerable.Repeat(lambdaSum / levelMax, cout).ToArray();
                int inputId = current;
                terms.Add(new TermSpec(m => new IdentityTerm(inputId, m), aid, levelMax));
            }

            bool last = g == p.Groups.Count - 1;
            long pixels = last ? (long)oh * ow : 1;
            if (!last)
            {
                var nextBn = p.Groups[g + 1].InputBn;
                var d = Enumerable.Range(0, cout).Select(o => Sign(nextBn.Scale(o))).ToArray();
                var (scaled, f, bound) = ScaleTerms(terms, d, pixels, cout);
                int output = AddLevels($"g{g + 1}.q0", oh, ow, cout);
                var thresholds = new List<int>();
                double unit = Math.Pow(2, -f);
                for (int o = 0; o < cout; o++)
                {
                    int oo = o, dd = d[o];
                    thresholds.AddRange(ThresholdSearch.Find(z => ThresholdSearch.QuantizeLevel(nextBn.Apply(oo, dd * z * unit + bias[oo]), bits), bound, levelMax));
                }
                layers.Add(new AccumulateLayer($"g{g}.sum", output, cout, scaled, new ThresholdEpilogue(bits, new EquatableArray<int>(thresholds))));
                current = output;
            }
            else
            {
                var (scaled, f, _) = ScaleTerms(terms, Enumerable.Repeat(1, cout).ToArray(), pixels, cout);
                tensors.Add(new TensorSpec(tensors.Count, "pooled", TensorKind.Pooled, 1, 1, cout, 32));
                pooledTensor = tensors.Count - 1;
                layers.Add(new AccumulateLayer($"g{g}.sum", pooledTensor, cout, scaled, new PooledEpilogue()));
                lastFractionBits = f;
                lastBias = bias;
                current = pooledTensor;
            }
        }

        int features = tensors[pooledTensor].Channels;
        var lastLayer = layers[^1];
        var (lastH, lastW) = lastLayer.Terms[0].OutputSize(tensors[lastLayer.Terms[0].Input]);
        long pooledPixels = (long)lastH * lastW;
        double pooledUnit = 1.0 / (pooledPixels * Math.Pow(2, lastFractionBits)); // real mean feature per pooled unit

        // Calibrate the classifier input scale on real images through the integer program itself.
        var placeholderHead = new LinearHead("classifier", pooledTensor, features, p.NumClasses,
            new EquatableArray<int>(new int[features]), new EquatableArray<long>(new long[features]), 1,
            new EquatableArray<sbyte>(new sbyte[features * p.NumClasses]), new EquatableArray<int>(new int[p.NumClasses]));
        var draft = new DeploymentModel(name, description, new EquatableArray<TensorSpec>(tensors), new EquatableArray<AccumulateLayer>(layers), placeholderHead, 1.0);
        var executor = new ReferenceExecutor(draft);
        double maxAbs = 0;
        object gate = new();
        Parallel.ForEach(calibrationImages, new ParallelOptions { MaxDegreeOfParallelism = 2 }, image =>
        {
            var pooled = executor.PooledFeatures(image);
            double local = 0;
            for (int c = 0; c < features; c++)
            {
                local = Math.Max(local, Math.Abs(pooled[c] * pooledUnit + lastBias[c]));
            }
            lock (gate)
            {
                maxAbs = Math.Max(maxAbs, local);
            }
        });
        double sx = maxAbs > 0 ? maxAbs / 127.0 : 1.0;

        var head = BuildHead(p, pooledTensor, features, pooledUnit, lastBias, sx, out double logitScale);
        return draft with { Head = head, LogitScale = logitScale };
    }

    private static LinearHead BuildHead(GroupNetParams p, int pooledTensor, int features, double pooledUnit, double[] bias, double sx, out double logitScale)
    {
        // x8 = round(pooled * pooledUnit / sx + bias / sx); choose the largest shift keeping Mq <= 2^30.
        double perPooled = pooledUnit / sx;
        int shift = 62;
        while (shift > 1 && perPooled * Math.Pow(2, shift) > HeadMultiplierLimit)
        {
            shift--;
        }
        double maxBias = bias.Length == 0 ? 0 : bias.Max(v => Math.Abs(v / sx));
        while (shift > 1 && maxBias * Math.Pow(2, shift) >= Math.Pow(2, 60))
        {
            shift--;
        }
        var mq = new int[features];
        var oq = new long[features];
        for (int c = 0; c < features; c++)
        {
            mq[c] = checked((int)Math.Round(perPooled * Math.Pow(2, shift)));
            oq[c] = checked((long)Math.Round(bias[c] / sx * Math.Pow(2, shift)));
        }
        float maxW = p.ClassifierWeight.Max(Math.Abs);
        double sw = maxW > 0 ? maxW / 127.0 : 1.0;
        var w8 = p.ClassifierWeight.Select(v => (sbyte)Math.Clamp(Math.Round(v / sw), -127, 127)).ToArray();
        var b32 = p.ClassifierBias.Select(v =>
        {
            double q = Math.Round(v / (sx * sw));
            if (Math.Abs(q) > int.MaxValue / 2)
            {
                throw new ExportException($"classifier bias {v} is too large for int32 at input scale {sx:G4} and weight scale {sw:G4}");
            }
            return (int)q;
        }).ToArray();
        logitScale = sx * sw;
        return new LinearHead("classifier", pooledTensor, features, p.NumClasses,
            new EquatableArray<int>(mq), new EquatableArray<long>(oq), shift,
            new EquatableArray<sbyte>(w8), new EquatableArray<int>(b32));
    }

    /// <summary>Chooses the layer's fraction bits F and returns the terms with M = round(a * 2^F) * d,
    /// and the worst-case |z|.</summary>
    private static (EquatableArray<Term> Terms, int FractionBits, long Bound) ScaleTerms(List<TermSpec> terms, int[] d, long pixels, int channels)
    {
        for (int f = MaxFractionBits; f >= 0; f--)
        {
            double factor = Math.Pow(2, f);
            long worst = 0;
            for (int o = 0; o < channels; o++)
            {
                long sum = 0;
                foreach (var t in terms)
                {
                    sum += (long)Math.Abs(Math.Round(t.Scale[o] * factor)) * t.Bound;
                }
                worst = Math.Max(worst, sum);
            }
            if (worst * pixels > int.MaxValue)
            {
                continue;
            }
            var built = terms.Select(t => t.Make(new EquatableArray<int>(
                Enumerable.Range(0, channels).Select(o => checked((int)Math.Round(t.Scale[o] * factor)) * d[o]).ToArray()))).ToArray();
            return (new EquatableArray<Term>(built), f, Math.Max(worst, 1));
        }
        throw new ExportException("the scales of a group are too large to keep its accumulator within int32 even without fraction bits");
    }


    private static ConvGeometry Geometry(ConvParams c) => new(c.Kernel, c.Stride, c.Padding);

    private static int Sign(double v) => v < 0 ? -1 : 1;

    /// <summary>Packs sign(W) (sign(0) = +1) to uint32[Cout][kh][kw][words].</summary>
    public static uint[] PackBinary(ConvParams c)
    {
        int words = BitPacking.Words(c.InChannels);
        var packed = new uint[c.OutChannels * c.Kernel * c.Kernel * words];
        var row = new float[c.InChannels];
        for (int o = 0; o < c.OutChannels; o++)
        {
            for (int ky = 0; ky < c.Kernel; ky++)
            {
                for (int kx = 0; kx < c.Kernel; kx++)
                {
                    for (int ci = 0; ci < c.InChannels; ci++)
                    {
                        row[ci] = c.At(o, ci, ky, kx);
                    }
                    BitPacking.PackSigns(row, packed.AsSpan(((o * c.Kernel + ky) * c.Kernel + kx) * words, words));
                }
            }
        }
        return packed;
    }

    /// <summary>Symmetric per-filter int8: w8 = round(w / s), s = max|w| / 127; layout [Cout][kh][kw][Cin].</summary>
    public static (sbyte[] Weights, double[] Scales) QuantizeInt8PerFilter(ConvParams c)
    {
        var weights = new sbyte[c.OutChannels * c.Kernel * c.Kernel * c.InChannels];
        var scales = new double[c.OutChannels];
        for (int o = 0; o < c.OutChannels; o++)
        {
            double max = 0;
            for (int i = 0; i < c.FilterSize; i++)
            {
                max = Math.Max(max, Math.Abs(c.Weight[o * c.FilterSize + i]));
            }
            double s = max > 0 ? max / 127.0 : 1.0;
            scales[o] = s;
            for (int ky = 0; ky < c.Kernel; ky++)
            {
                for (int kx = 0; kx < c.Kernel; kx++)
                {
                    for (int ci = 0; ci < c.InChannels; ci++)
                    {
                        weights[((o * c.Kernel + ky) * c.Kernel + kx) * c.InChannels + ci] = (sbyte)Math.Clamp(Math.Round(c.At(o, ci, ky, kx) / s), -127, 127);
                    }
                }
            }
        }
        return (weights, scales);
    }
}
