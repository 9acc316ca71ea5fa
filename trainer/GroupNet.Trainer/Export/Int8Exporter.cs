using GroupNet.Deployment.Model;
using GroupNet.Deployment.Reference;

namespace GroupNet.Trainer.Export;

/// <summary>
/// Quantises a trained full-precision parent (W32A32, K = 1) to an int8 network (docs/integer-arithmetic.md,
/// "int8 networks"): per-output-channel symmetric int8 weights, batch-norm, the group scale and the next group's
/// input batch-norm folded into each layer's term multipliers and requantize epilogue.
/// <para>Activation scales: every tensor the parent passes between layers is clip(v, 0, 1) (its A32 "quantiser")
/// or the ReLU'd stem folded into the next clip, so those tensors are uint8 with the exact scale 1/255. The last
/// group's output y is not clipped: it is stored with a per-channel scale and zero point 128 spanning the
/// batch-norm statistics' mean +/- 4 standard deviations, summed by a pooling layer, and the classifier input is
/// calibrated on training images through the integer program itself (as the binary exporter does).</para>
/// </summary>
public sealed class Int8Exporter
{
    /// <summary>Requantize multipliers stay below 2^30 (|z * M| &lt; 2^61).</summary>
    private const double MultiplierLimit = 1 << 30;

    /// <summary>Requantize offsets stay below 2^60 (the validator allows 2^61).</summary>
    private const double OffsetLimit = 1L << 60;

    /// <summary>Standard deviations either side of the mean that the last group's uint8 output spans.</summary>
    private const double LastOutputSigmas = 4;

    private sealed record TermSpec(Func<EquatableArray<int>, Term> Make, double[] Alpha, long Bound);

    public DeploymentModel Export(GroupNetParams p, string name, string description, IReadOnlyList<byte[]> calibrationImages)
    {
        if (p.ActivationBits != 32)
        {
            throw new ExportException($"the int8 exporter takes the full-precision parent (activation bits 32), this model has {p.ActivationBits}-bit activations; use `groupnet export` for Group-Net models");
        }
        if (p.Groups.Count == 0 || p.Groups.Any(g => g.Bases.Count != 1))
        {
            throw new ExportException("the int8 exporter takes the K = 1 parent: every group must have exactly one base");
        }
        if (calibrationImages.Count == 0)
        {
            throw new ExportException("at least one calibration image is needed to scale the 8-bit classifier input");
        }
        var tensors = new List<TensorSpec> { new(0, "image", TensorKind.Image, p.InputHeight, p.InputWidth, p.InputChannels, 8) };
        var layers = new List<AccumulateLayer>();
        int AddTensor(string tensorName, TensorKind kind, int h, int w, int c)
        {
            tensors.Add(new TensorSpec(tensors.Count, tensorName, kind, h, w, c, kind == TensorKind.Pooled ? 32 : 8));
            return tensors.Count - 1;
        }

        // Stem: q0 = clip(a * ReLU(v) + b, 0, 1), v = A * acc + B. For a >= 0 that is clip(a*v + b, clip(b), 1),
        // for a < 0 clip(a*v + b, 0, clip(b)): the ReLU becomes a per-channel bound of the requantisation.
        var stem = p.Stem;
        var (stemWeights, stemScales) = GroupNetExporter.QuantizeInt8PerFilter(stem);
        var stemGeometry = Geometry(stem);
        int h0 = stemGeometry.OutputSize(p.InputHeight), w0 = stemGeometry.OutputSize(p.InputWidth);
        var inBn = p.Groups[0].InputBn;
        int current = AddTensor("g0.q0", TensorKind.Uint8, h0, w0, stem.OutChannels);
        {
            int c = stem.OutChannels;
            var gain = new double[c];
            var offset = new double[c];
            var low = new int[c];
            var high = new int[c];
            for (int o = 0; o < c; o++)
            {
                double a = inBn.Scale(o), b = inBn.Shift(o);
                double bigA = p.StemBn.Scale(o) * stemScales[o] / 255.0, bigB = p.StemBn.Shift(o);
                gain[o] = 255 * a * bigA;
                offset[o] = 255 * (a * bigB + b);
                int edge = (int)Math.Round(255 * Math.Clamp(b, 0, 1));
                (low[o], high[o]) = a >= 0 ? (edge, 255) : (0, edge);
            }
            layers.Add(new AccumulateLayer(LayerNames.Stem, current, c,
                new EquatableArray<Term>([new Int8ConvTerm(0, stemGeometry, new EquatableArray<sbyte>(stemWeights), Ones(c))]),
                Requantize(gain, offset, low, high)));
        }

        double[] lastScale = [], lastMean = [];
        int lastPixels = 1;
        for (int g = 0; g < p.Groups.Count; g++)
        {
            var group = p.Groups[g];
            var b0 = group.Bases[0];
            double lambda = group.Scales[0];
            var groupInput = tensors[current];
            int cout = b0.Conv1.OutChannels;

            // conv1: h = clip(Bn1(s1/255 * acc), 0, 1).
            var (w1, s1) = GroupNetExporter.QuantizeInt8PerFilter(b0.Conv1);
            var g1 = Geometry(b0.Conv1);
            int oh = g1.OutputSize(groupInput.Height), ow = g1.OutputSize(groupInput.Width);
            int hidden = AddTensor($"g{g}.h", TensorKind.Uint8, oh, ow, cout);
            layers.Add(new AccumulateLayer(LayerNames.Of($"g{g}.conv1"), hidden, cout,
                new EquatableArray<Term>([new Int8ConvTerm(current, g1, new EquatableArray<sbyte>(w1), Ones(cout))]),
                Requantize(
                    Enumerable.Range(0, cout).Select(o => b0.Bn1.Scale(o) * s1[o]).ToArray(),
                    Enumerable.Range(0, cout).Select(o => 255 * b0.Bn1.Shift(o)).ToArray(),
                    new int[cout], Enumerable.Repeat(255, cout).ToArray())));

            // Sum: y = lambda * (Bn2(s2/255 * acc2) + shortcut), shortcut = q0 = u/255 or ShortcutBn(ssc/255 * acc).
            var (w2, s2) = GroupNetExporter.QuantizeInt8PerFilter(b0.Conv2);
            int hiddenId = hidden, inputId = current;
            var specs = new List<TermSpec>
            {
                new(m => new Int8ConvTerm(hiddenId, Geometry(b0.Conv2), new EquatableArray<sbyte>(w2), m),
                    Enumerable.Range(0, cout).Select(o => lambda * b0.Bn2.Scale(o) * s2[o] / 255.0).ToArray(), 255L * 127 * b0.Conv2.Kernel * b0.Conv2.Kernel * b0.Conv2.InChannels),
            };
            var beta = Enumerable.Range(0, cout).Select(o => lambda * b0.Bn2.Shift(o)).ToArray();
            var sigma = Enumerable.Range(0, cout).Select(o => Math.Abs(lambda * b0.Bn2.Gamma[o])).ToArray();
            if (b0.ShortcutConv is null)
            {
                specs.Add(new(m => new IdentityTerm(inputId, m), Enumerable.Repeat(lambda / 255.0, cout).ToArray(), 255));
                for (int o = 0; o < cout; o++)
                {
                    sigma[o] += Math.Abs(lambda) * 0.5; // a value in [0, 1]
                }
            }
            else
            {
                var sc = b0.ShortcutConv;
                var sbn = b0.ShortcutBn!;
                var (ws, ss) = GroupNetExporter.QuantizeInt8PerFilter(sc);
                specs.Add(new(m => new Int8ConvTerm(inputId, Geometry(sc), new EquatableArray<sbyte>(ws), m),
                    Enumerable.Range(0, cout).Select(o => lambda * sbn.Scale(o) * ss[o] / 255.0).ToArray(), 255L * 127 * sc.Kernel * sc.Kernel * sc.InChannels));
                for (int o = 0; o < cout; o++)
                {
                    beta[o] += lambda * sbn.Shift(o);
                    sigma[o] += Math.Abs(lambda * sbn.Gamma[o]);
                }
            }
            var (terms, perZ) = ScaleTerms(specs, cout);

            bool last = g == p.Groups.Count - 1;
            // out = clamp(round(G * y + H)): the next group's 255 * clip(InputBn(y)), or the last group's
            // (y - mean) / scale + 128.
            var gain = new double[cout];
            var offset = new double[cout];
            var lowBound = new int[cout];
            var highBound = Enumerable.Repeat(255, cout).ToArray();
            if (last)
            {
                lastMean = new double[cout];
                lastScale = new double[cout];
            }
            for (int o = 0; o < cout; o++)
            {
                double G, H;
                if (last)
                {
                    double mean = beta[o] + (b0.ShortcutConv is null ? lambda * 0.5 : 0);
                    lastMean[o] = mean;
                    lastScale[o] = Math.Max(2 * LastOutputSigmas * sigma[o] / 255.0, 1e-6);
                    G = 1 / lastScale[o];
                    H = 128 - mean / lastScale[o];
                }
                else
                {
                    var next = p.Groups[g + 1].InputBn;
                    G = 255 * next.Scale(o);
                    H = 255 * next.Shift(o);
                }
                gain[o] = G * perZ[o];
                offset[o] = G * beta[o] + H;
            }
            int output = AddTensor(last ? $"g{g}.y" : $"g{g + 1}.q0", TensorKind.Uint8, oh, ow, cout);
            layers.Add(new AccumulateLayer(LayerNames.Sum($"g{g}"), output, cout, terms, Requantize(gain, offset, lowBound, highBound)));
            current = output;
            lastPixels = oh * ow;
        }

        // Global average pooling: sum the last uint8 tensor over its pixels.
        int features = tensors[current].Channels;
        int pooledTensor = AddTensor("pooled", TensorKind.Pooled, 1, 1, features);
        int lastId = current;
        layers.Add(new AccumulateLayer(LayerNames.Pool, pooledTensor, features, new EquatableArray<Term>([new IdentityTerm(lastId, Ones(features))]), new PooledEpilogue()));

        // mean y[c] = scale[c] * pooled / P + (mean[c] - 128 * scale[c]); calibrate its int8 scale sx.
        var perPooled = Enumerable.Range(0, features).Select(c => lastScale[c] / lastPixels).ToArray();
        var bias = Enumerable.Range(0, features).Select(c => lastMean[c] - 128 * lastScale[c]).ToArray();
        var placeholder = new LinearHead(LayerNames.Head, pooledTensor, features, p.NumClasses,
            new EquatableArray<int>(new int[features]), new EquatableArray<long>(new long[features]), 1,
            new EquatableArray<sbyte>(new sbyte[features * p.NumClasses]), new EquatableArray<int>(new int[p.NumClasses]));
        var draft = new DeploymentModel(name, description, new EquatableArray<TensorSpec>(tensors), new EquatableArray<AccumulateLayer>(layers), placeholder, 1.0);
        var executor = new ReferenceExecutor(draft);
        double maxAbs = 0;
        object gate = new();
        Parallel.ForEach(calibrationImages, new ParallelOptions { MaxDegreeOfParallelism = 2 }, image =>
        {
            var pooled = executor.PooledFeatures(image);
            double local = 0;
            for (int c = 0; c < features; c++)
            {
                local = Math.Max(local, Math.Abs(pooled[c] * perPooled[c] + bias[c]));
            }
            lock (gate)
            {
                maxAbs = Math.Max(maxAbs, local);
            }
        });
        double sx = maxAbs > 0 ? maxAbs / 127.0 : 1.0;
        var head = BuildHead(p, pooledTensor, features, perPooled, bias, sx, out double logitScale);
        var model = draft with { Head = head, LogitScale = logitScale };
        ModelValidator.Validate(model);
        return model;
    }

    /// <summary>Per channel, M_t[o] = round(alpha_t[o] * K[o]) with K[o] as large as the int32 bound allows, so
    /// the relative precision between terms is as fine as possible; returns the real value of one unit of z
    /// (1 / K[o]).</summary>
    private static (EquatableArray<Term> Terms, double[] PerZ) ScaleTerms(List<TermSpec> terms, int channels)
    {
        var m = terms.Select(_ => new int[channels]).ToArray();
        var perZ = new double[channels];
        for (int o = 0; o < channels; o++)
        {
            double weighted = terms.Sum(t => Math.Abs(t.Alpha[o]) * t.Bound);
            double k = weighted > 0 ? 0.999 * int.MaxValue / weighted : 1;
            while (true)
            {
                long worst = 0;
                for (int t = 0; t < terms.Count; t++)
                {
                    m[t][o] = checked((int)Math.Round(terms[t].Alpha[o] * k));
                    worst += Math.Abs((long)m[t][o]) * terms[t].Bound;
                }
                if (worst <= int.MaxValue)
                {
                    break;
                }
                k *= 0.99;
            }
            perZ[o] = 1 / k;
        }
        return (new EquatableArray<Term>(terms.Select((t, i) => t.Make(new EquatableArray<int>(m[i]))).ToArray()), perZ);
    }

    /// <summary>out = clamp(round(gain * z + offset), low, high) as M, O and the largest shift that keeps
    /// |M| and |O| within their limits.</summary>
    private static RequantizeEpilogue Requantize(double[] gain, double[] offset, int[] low, int[] high)
    {
        double maxGain = gain.Max(Math.Abs), maxOffset = offset.Max(Math.Abs);
        int shift = 62;
        while (shift > 1 && (maxGain * Math.Pow(2, shift) > MultiplierLimit || maxOffset * Math.Pow(2, shift) > OffsetLimit))
        {
            shift--;
        }
        double f = Math.Pow(2, shift);
        return new RequantizeEpilogue(
            new EquatableArray<int>(gain.Select(v => checked((int)Math.Round(v * f))).ToArray()),
            new EquatableArray<long>(offset.Select(v => checked((long)Math.Round(v * f))).ToArray()),
            shift,
            new EquatableArray<int>(low),
            new EquatableArray<int>(high));
    }

    private static LinearHead BuildHead(GroupNetParams p, int pooledTensor, int features, double[] perPooled, double[] bias, double sx, out double logitScale)
    {
        double maxPer = perPooled.Max(Math.Abs) / sx, maxBias = bias.Max(Math.Abs) / sx;
        int shift = 62;
        while (shift > 1 && (maxPer * Math.Pow(2, shift) > MultiplierLimit || maxBias * Math.Pow(2, shift) >= OffsetLimit))
        {
            shift--;
        }
        double f = Math.Pow(2, shift);
        var mq = perPooled.Select(v => checked((int)Math.Round(v / sx * f))).ToArray();
        var oq = bias.Select(v => checked((long)Math.Round(v / sx * f))).ToArray();
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
        return new LinearHead(LayerNames.Head, pooledTensor, features, p.NumClasses,
            new EquatableArray<int>(mq), new EquatableArray<long>(oq), shift, new EquatableArray<sbyte>(w8), new EquatableArray<int>(b32));
    }

    private static EquatableArray<int> Ones(int n) => new(Enumerable.Repeat(1, n).ToArray());

    private static ConvGeometry Geometry(ConvParams c) => new(c.Kernel, c.Stride, c.Padding);
}
