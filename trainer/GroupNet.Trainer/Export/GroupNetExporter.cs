using GroupNet.Deployment.Model;
using GroupNet.Deployment.Reference;
using GroupNet.Trainer.Data;
using GroupNet.Trainer.Models;
using GroupNet.Trainer.Modules;
using GroupNet.Trainer.Quantization;
using GroupNet.Trainer.Training;
using TorchSharp.Modules;
using static TorchSharp.torch;
using Conv2d = GroupNet.Trainer.Modules.Conv2d;
using DataLoader = GroupNet.Trainer.Data.DataLoader;
using Linear = GroupNet.Trainer.Modules.Linear;

namespace GroupNet.Trainer.Export;

/// <summary>
/// Folds a trained <see cref="GroupNetModel"/> of any structure (baseline, Layerwise, v1, v2, v3), network (tiny,
/// small, plain), K and activation bits (1, 2, 4) into the integer program of docs/integer-arithmetic.md. Every
/// real-valued tensor of the float model that feeds a quantiser (or the pooling) is an affine function of integer
/// accumulators, <c>r[o] = sum_t a_t[o] * acc_t[o] + b[o]</c> (a <see cref="RealValue"/>); batch-norm, the
/// per-filter weight scale, the learned base scales, the residual add and the dequantisation of the input fold into
/// <c>a_t</c> and <c>b</c>. Each quantiser becomes one accumulate layer with thresholds found by bisection; the last
/// real value is pooled and feeds the 8-bit head.
/// </summary>
public sealed class GroupNetExporter
{
    /// <summary>Largest power of two used to scale the multipliers of a multi-term layer.</summary>
    public const int MaxFractionBits = 24;

    /// <summary>Images of the calibration set used to measure the 1-bit activation scales beta.</summary>
    public const int ScaleCalibrationImages = 256;

    /// <summary>Head multipliers stay below 2^30 so pooled * Mq stays below 2^61.</summary>
    private const double HeadMultiplierLimit = 1 << 30;

    /// <summary>One accumulator of a real value: how to build the term once its multipliers are known, its real
    /// value per accumulator unit a[o], and its worst-case |acc|.</summary>
    private sealed record TermSpec(Func<EquatableArray<int>, Term> Make, double[] Scale, long Bound);

    /// <summary>r[o] = sum_t a_t[o] * acc_t[o] + Bias[o], then ReLU where <see cref="Relu"/> (the stem).</summary>
    private sealed record RealValue(List<TermSpec> Terms, double[] Bias, bool Relu, int Height, int Width)
    {
        public int Channels => Bias.Length;

        public RealValue Scaled(double lambda) => this with
        {
            Terms = Terms.Select(t => t with { Scale = t.Scale.Select(v => v * lambda).ToArray() }).ToList(),
            Bias = Bias.Select(v => v * lambda).ToArray(),
        };

        public static RealValue Sum(IReadOnlyList<RealValue> parts) => new(
            parts.SelectMany(p => p.Terms).ToList(),
            Enumerable.Range(0, parts[0].Channels).Select(o => parts.Sum(p => p.Bias[o])).ToArray(),
            false, parts[0].Height, parts[0].Width);
    }

    /// <summary>A quantised tensor of the program and the real value of one accumulator unit of it
    /// (1 / (2^k - 1) for levels, beta for signs).</summary>
    private sealed record Quantized(TensorSpec Tensor, double Unit);

    /// <summary>Exports <paramref name="model"/>; <paramref name="calibrationImages"/> (uint8 [H][W][C]) scale the
    /// 8-bit classifier input and, for 1-bit activations, measure beta.</summary>
    public DeploymentModel Export(GroupNetModel model, string name, string description, IReadOnlyList<byte[]> calibrationImages)
    {
        var config = model.Config;
        if (config.ActivationBits == 32)
        {
            throw new ExportException("a model with full-precision activations (activation bits 32) has no integer program; "
                + "train one with activation bits 1, 2 or 4 (activationBits in the configuration, --bits for `groupnet train`), "
                + "for instance starting from this model as the parent");
        }
        if (config.WeightBits != 1)
        {
            throw new ExportException($"weight bits {config.WeightBits}: only binary weights have an integer program; train with weightBits: 1");
        }
        if (calibrationImages.Count == 0)
        {
            throw new ExportException("at least one calibration image is needed to scale the 8-bit classifier input");
        }
        var builder = new ProgramBuilder(config.ActivationBits);
        builder.AddTensor("image", TensorKind.Image, config.InputHeight, config.InputWidth, config.InputChannels, 8);
        var scales = config.ActivationBits == 1 ? MeasureSignScales(model, calibrationImages) : null;
        builder.SignScales = scales;

        var stem = StemValue(model, config);
        // Layers are named after what they compute (LayerNames): a group's input quantiser is the layer that computes
        // what came before it, the stem or the previous group's sum.
        RealValue features;
        string featuresLayer;
        if (model.Trunks is { } trunks)
        {
            var outputs = new List<RealValue>();
            for (int k = 0; k < trunks.Count; k++)
            {
                var x = stem;
                string computedBy = LayerNames.Of($"t{k}.{LayerNames.Stem}");
                for (int g = 0; g < trunks[k].Groups.Count; g++)
                {
                    x = builder.Group(trunks[k].Groups[g], x, $"t{k}.g{g}", computedBy);
                    computedBy = LayerNames.Sum(LayerNames.Of($"t{k}.g{g}"));
                }
                outputs.Add(x.Scaled(TensorValues.At(model.TrunkScales!, k)));
            }
            features = RealValue.Sum(outputs);
            featuresLayer = LayerNames.Sum("trunks");
        }
        else
        {
            features = stem;
            featuresLayer = LayerNames.Stem;
            for (int g = 0; g < model.Groups!.Count; g++)
            {
                features = builder.Group(model.Groups[g], features, $"g{g}", featuresLayer);
                featuresLayer = LayerNames.Sum(LayerNames.Of($"g{g}"));
            }
        }
        var (pooled, pooledUnit) = builder.Pool(features, featuresLayer);
        var (weights, bias) = ClassifierWeights(model.Classifier);
        return builder.Finish(name, description, pooled, pooledUnit, features.Bias, weights, bias, config.NumClasses, calibrationImages);
    }

    /// <summary>ReLU(StemBn(conv(p / 255))): the int8 conv's accumulator times s_w[o] / 255, through the BN.</summary>
    private static RealValue StemValue(GroupNetModel model, ModelConfig config)
    {
        var conv = ConvOf(model.Stem);
        var (weights, scales) = QuantizeInt8PerFilter(conv);
        var bn = BnOf(model.StemBn);
        var geometry = new ConvGeometry(conv.Kernel, conv.Stride, conv.Padding);
        var a = Enumerable.Range(0, conv.OutChannels).Select(o => bn.Scale(o) * scales[o] / 255.0).ToArray();
        var b = Enumerable.Range(0, conv.OutChannels).Select(bn.Shift).ToArray();
        var term = new TermSpec(m => new Int8ConvTerm(0, geometry, new EquatableArray<sbyte>(weights), m), a, 255L * 127L * conv.Kernel * conv.Kernel * conv.InChannels);
        return new RealValue([term], b, true, geometry.OutputSize(config.InputHeight), geometry.OutputSize(config.InputWidth));
    }

    /// <summary>Each sign quantiser's constant beta: its <see cref="SignActivationQuantizer.EstimatedScale"/> when
    /// training estimated one (the model's own eval semantics), else its mean beta over the first calibration images
    /// with the float model in eval mode.</summary>
    private static Dictionary<SignActivationQuantizer, double> MeasureSignScales(GroupNetModel model, IReadOnlyList<byte[]> images)
    {
        var config = model.Config;
        var signs = model.modules().OfType<ActivationQuantizer>().Select(q => q.SignQuantizer).OfType<SignActivationQuantizer>().ToList();
        foreach (var s in signs)
        {
            s.ResetObservedScale();
            s.ObserveScales = true;
        }
        int n = Math.Min(images.Count, ScaleCalibrationImages);
        var pixels = images.Take(n).SelectMany(i => i).ToArray();
        var data = new ImageDataset(pixels, new byte[n], config.InputChannels, config.InputHeight, config.InputWidth, config.NumClasses);
        bool training = model.training;
        var device = model.parameters().First().device;
        model.eval();
        using (no_grad())
        using (var scope = NewDisposeScope())
        {
            foreach (var batch in new DataLoader(data, 64, shuffle: false).Epoch(0, device))
            {
                model.forward(batch.Images);
            }
        }
        model.train(training);
        foreach (var s in signs)
        {
            s.ObserveScales = false;
        }
        return signs.ToDictionary(s => s, s => s.EstimatedScale > 0f ? s.EstimatedScale : s.MeanObservedScale);
    }

    private static (float[] Weights, float[] Bias) ClassifierWeights(Linear classifier) => classifier switch
    {
        // The fake-int8 classifier computes with its quantised weights; the head re-quantises those.
        Int8Linear q => (FakeInt8(TensorValues.Floats(q.Weight), q.OutFeatures), TensorValues.Floats(q.Bias)),
        _ => (TensorValues.Floats(classifier.Weight), TensorValues.Floats(classifier.Bias)),
    };

    private static float[] FakeInt8(float[] w, int rows)
    {
        int size = w.Length / rows;
        var q = new float[w.Length];
        for (int o = 0; o < rows; o++)
        {
            var row = w.AsSpan(o * size, size);
            float max = 0;
            foreach (float v in row)
            {
                max = Math.Max(max, Math.Abs(v));
            }
            float s = max > 0f ? max / Int8WeightQuantizer.MaxLevel : 1f;
            for (int i = 0; i < size; i++)
            {
                q[o * size + i] = Math.Clamp(MathF.Round(row[i] / s, MidpointRounding.AwayFromZero), -Int8WeightQuantizer.MaxLevel, Int8WeightQuantizer.MaxLevel) * s;
            }
        }
        return q;
    }

    /// <summary>The program under construction: tensors, layers, and the fold of one module at a time.</summary>
    private sealed class ProgramBuilder(int bits)
    {
        private readonly List<TensorSpec> _tensors = [];
        private readonly List<AccumulateLayer> _layers = [];
        private int _pooledFractionBits;
        private long _pooledPixels = 1;

        public Dictionary<SignActivationQuantizer, double>? SignScales { get; set; }

        public TensorSpec AddTensor(string name, TensorKind kind, int h, int w, int c, int tensorBits)
        {
            var t = new TensorSpec(_tensors.Count, name, kind, h, w, c, tensorBits);
            _tensors.Add(t);
            return t;
        }

        /// <summary>A group: q0 = InputQuant(InputBn(x)), output sum_k lambda_k base_k(q0); <paramref name="inputLayer"/>
        /// names the layer that computes q0 (after what computed x).</summary>
        public RealValue Group(BaseGroup group, RealValue input, string name, string inputLayer)
        {
            var q0 = Quantize(input, BnOf(group.InputBn), group.InputQuant, $"{name}.q0", inputLayer);
            var outputs = new List<RealValue>();
            for (int k = 0; k < group.Bases.Count; k++)
            {
                outputs.Add(Base(group.Bases[k], q0, $"{name}.b{k}").Scaled(TensorValues.At(group.Scales, k)));
            }
            return RealValue.Sum(outputs);
        }

        private RealValue Base(nn.Module module, Quantized q0, string name) => module switch
        {
            ResidualBlock r => Residual(r, q0, name),
            PlainBlock p => Plain(p, q0, name),
            BlockChain chain => Chain(chain, q0, name),
            _ => throw new ExportException($"{name}: base type {module.GetType().Name} cannot be exported"),
        };

        private RealValue Chain(BlockChain chain, Quantized q0, string name)
        {
            var x = Base(chain.Blocks[0], q0, $"{name}.k0");
            for (int j = 1; j < chain.Blocks.Count; j++)
            {
                var q = Quantize(x, BnOf(chain.Norms[j - 1]), chain.Quants[j - 1], $"{name}.k{j}.q0", LayerNames.Sum(LayerNames.Of($"{name}.k{j - 1}")));
                x = Base(chain.Blocks[j], q, $"{name}.k{j}");
            }
            return x;
        }

        private RealValue Plain(PlainBlock block, Quantized q0, string name)
        {
            var h = Quantize(ConvBn(block.Conv1, BnOf(block.Bn1), q0, name + ".conv1"), null, block.Quant1, $"{name}.h", LayerNames.Of(name));
            return ConvBn(block.Conv2, BnOf(block.Bn2), h, name + ".conv2");
        }

        private RealValue Residual(ResidualBlock block, Quantized q0, string name)
        {
            var h = Quantize(ConvBn(block.Conv1, BnOf(block.Bn1), q0, name + ".conv1"), null, block.Quant1, $"{name}.h", LayerNames.Of(name));
            var f = ConvBn(block.Conv2, BnOf(block.Bn2), h, name + ".conv2");
            RealValue shortcut;
            if (block.ShortcutConv is { } sc)
            {
                shortcut = ConvBn(sc, BnOf(block.ShortcutBn!), q0, name + ".shortcut");
            }
            else
            {
                if (q0.Tensor.Channels != f.Channels || q0.Tensor.Height != f.Height || q0.Tensor.Width != f.Width)
                {
                    throw new ExportException($"{name}: an identity shortcut needs the input's shape ({q0.Tensor.Height}x{q0.Tensor.Width}x{q0.Tensor.Channels} vs {f.Height}x{f.Width}x{f.Channels})");
                }
                int input = q0.Tensor.Id;
                var a = Enumerable.Repeat(q0.Unit, f.Channels).ToArray();
                shortcut = new RealValue([new TermSpec(m => new IdentityTerm(input, m), a, (1L << q0.Tensor.Bits) - 1)], new double[f.Channels], false, f.Height, f.Width);
            }
            return RealValue.Sum([f, shortcut]);
        }

        /// <summary>BN(conv(q)) of a binary conv (one term) or a Layerwise conv (one term per branch).</summary>
        private RealValue ConvBn(nn.Module conv, BatchNormParams bn, Quantized input, string name)
        {
            List<(Conv2d Conv, double Lambda)> branches = conv switch
            {
                LayerwiseConv2d lw => lw.Branches.Select((c, k) => (c, (double)TensorValues.At(lw.Scales, k))).ToList(),
                Conv2d c => [(c, 1.0)],
                _ => throw new ExportException($"{name}: {conv.GetType().Name} cannot be exported"),
            };
            var terms = new List<TermSpec>();
            int cout = bn.Channels, oh = 0, ow = 0;
            foreach (var (c, lambda) in branches)
            {
                if (c is not BinaryConv2d)
                {
                    throw new ExportException($"{name}: a float convolution ({c.GetType().Name}) has no integer program; train with weightBits: 1");
                }
                var p = ConvOf(c);
                var geometry = new ConvGeometry(p.Kernel, p.Stride, p.Padding);
                var weights = PackBinary(p);
                var a = Enumerable.Range(0, cout).Select(o => lambda * bn.Scale(o) * p.MeanAbs(o) * input.Unit).ToArray();
                int inputId = input.Tensor.Id;
                long bound = ((1L << input.Tensor.Bits) - 1) * p.FilterSize;
                terms.Add(new TermSpec(m => new BinaryConvTerm(inputId, geometry, new EquatableArray<uint>(weights), m), a, bound));
                oh = geometry.OutputSize(input.Tensor.Height);
                ow = geometry.OutputSize(input.Tensor.Width);
            }
            // The BN follows the (weighted) sum of the branches, so its shift is added once.
            var bias = Enumerable.Range(0, cout).Select(bn.Shift).ToArray();
            return new RealValue(terms, bias, false, oh, ow);
        }

        /// <summary>One accumulate layer computing quantiser(after(relu?(r))) as a levels or signs tensor.</summary>
        /// <remarks>The tensor is called <paramref name="name"/> (a module path, <c>g1.q0</c>), the layer <paramref name="layer"/>.</remarks>
        public Quantized Quantize(RealValue r, BatchNormParams? after, ActivationQuantizer quantizer, string name, string layer)
        {
            if (quantizer.Bits != bits)
            {
                throw new ExportException($"{name}: {quantizer.Bits}-bit activations in a {bits}-bit model");
            }
            int cout = r.Channels;
            var d = Enumerable.Range(0, cout).Select(o => after is null ? 1 : Sign(after.Scale(o))).ToArray();
            var (terms, units, bound) = ScaleTerms(r.Terms, d, 1, cout, name);
            bool signs = bits == 1;
            var tensor = AddTensor(name, signs ? TensorKind.Signs : TensorKind.Levels, r.Height, r.Width, cout, bits);
            int levels = (1 << bits) - 1;
            var thresholds = new List<int>();
            for (int o = 0; o < cout; o++)
            {
                int oo = o, dd = d[o];
                double unit = units[o];
                Func<long, int> level = z =>
                {
                    double v = dd * z * unit + r.Bias[oo];
                    if (r.Relu)
                    {
                        v = Math.Max(0.0, v);
                    }
                    if (after is not null)
                    {
                        v = after.Apply(oo, v);
                    }
                    return signs ? (v >= 0 ? 1 : 0) : ThresholdSearch.QuantizeLevel(v, bits);
                };
                thresholds.AddRange(ThresholdSearch.Find(level, bound, levels));
            }
            _layers.Add(new AccumulateLayer(layer, tensor.Id, cout, terms, new ThresholdEpilogue(bits, new EquatableArray<int>(thresholds))));
            double valueUnit = signs ? SignScale(quantizer, name) : 1.0 / levels;
            return new Quantized(tensor, valueUnit);
        }

        private double SignScale(ActivationQuantizer quantizer, string name)
        {
            double beta = SignScales is not null && quantizer.SignQuantizer is { } s && SignScales.TryGetValue(s, out double v) ? v : double.NaN;
            if (!double.IsFinite(beta))
            {
                throw new ExportException($"{name}: no 1-bit activation scale was measured on the calibration images");
            }
            return beta;
        }

        /// <summary>The pooled layer: sum over pixels of z = sum_t round(a_t * 2^F) acc_t; returns its tensor and
        /// the real mean feature per pooled unit.</summary>
        public (TensorSpec Tensor, double Unit) Pool(RealValue r, string layer)
        {
            int cout = r.Channels;
            _pooledPixels = (long)r.Height * r.Width;
            var d = Enumerable.Repeat(1, cout).ToArray();
            var (terms, _, _) = ScaleTerms(r.Terms, d, _pooledPixels, cout, layer, forceFraction: true);
            var tensor = AddTensor("pooled", TensorKind.Pooled, 1, 1, cout, 32);
            _layers.Add(new AccumulateLayer(layer, tensor.Id, cout, terms, new PooledEpilogue()));
            return (tensor, 1.0 / (_pooledPixels * Math.Pow(2, _pooledFractionBits)));
        }

        /// <summary>M_t[o] = round(a_t[o] * 2^F) * d[o] for the largest F &lt;= 24 keeping the bound (unit 2^-F), or
        /// for a single term M = +/-1 with the exact unit |a[o]|; returns the terms, each channel's real value per z
        /// unit (before d) and the worst-case |z| of one pixel.</summary>
        private (EquatableArray<Term> Terms, double[] Units, long Bound) ScaleTerms(List<TermSpec> terms, int[] d, long pixels, int channels, string name, bool forceFraction = false)
        {
            if (terms.Count == 1 && !forceFraction)
            {
                var t = terms[0];
                var m = Enumerable.Range(0, channels).Select(o => (t.Scale[o] < 0 ? -1 : 1) * d[o]).ToArray();
                var units = t.Scale.Select(Math.Abs).ToArray();
                return (new EquatableArray<Term>([t.Make(new EquatableArray<int>(m))]), units, Math.Max(t.Bound, 1));
            }
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
                _pooledFractionBits = f;
                return (new EquatableArray<Term>(built), Enumerable.Repeat(1.0 / factor, channels).ToArray(), Math.Max(worst, 1));
            }
            throw new ExportException($"{name}: the scales are too large to keep the accumulator within int32 even without fraction bits");
        }

        public DeploymentModel Finish(string name, string description, TensorSpec pooled, double pooledUnit, double[] bias,
            float[] classifierWeight, float[] classifierBias, int classes, IReadOnlyList<byte[]> calibrationImages)
        {
            int features = pooled.Channels;
            var placeholder = new LinearHead(LayerNames.Head, pooled.Id, features, classes,
                new EquatableArray<int>(new int[features]), new EquatableArray<long>(new long[features]), 1,
                new EquatableArray<sbyte>(new sbyte[features * classes]), new EquatableArray<int>(new int[classes]));
            var draft = new DeploymentModel(name, description, new EquatableArray<TensorSpec>(_tensors), new EquatableArray<AccumulateLayer>(_layers), placeholder, 1.0);
            try
            {
                ModelValidator.Validate(draft);
            }
            catch (ModelValidationException e)
            {
                throw new ExportException($"the exported program is invalid: {e.Message}");
            }

            // Calibrate the classifier input scale on real images through the integer program itself.
            var executor = new ReferenceExecutor(draft);
            double maxAbs = 0;
            object gate = new();
            Parallel.ForEach(calibrationImages, new ParallelOptions { MaxDegreeOfParallelism = 2 }, image =>
            {
                var p = executor.PooledFeatures(image);
                double local = 0;
                for (int c = 0; c < features; c++)
                {
                    local = Math.Max(local, Math.Abs(p[c] * pooledUnit + bias[c]));
                }
                lock (gate)
                {
                    maxAbs = Math.Max(maxAbs, local);
                }
            });
            double sx = maxAbs > 0 ? maxAbs / 127.0 : 1.0;
            var head = BuildHead(pooled.Id, features, classes, pooledUnit, bias, sx, classifierWeight, classifierBias, out double logitScale);
            return draft with { Head = head, LogitScale = logitScale };
        }
    }

    private static LinearHead BuildHead(int pooledTensor, int features, int classes, double pooledUnit, double[] bias, double sx,
        float[] classifierWeight, float[] classifierBias, out double logitScale)
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
        float maxW = classifierWeight.Max(Math.Abs);
        double sw = maxW > 0 ? maxW / 127.0 : 1.0;
        var w8 = classifierWeight.Select(v => (sbyte)Math.Clamp(Math.Round(v / sw), -127, 127)).ToArray();
        var b32 = classifierBias.Select(v =>
        {
            double q = Math.Round(v / (sx * sw));
            if (Math.Abs(q) > int.MaxValue / 2)
            {
                throw new ExportException($"classifier bias {v} is too large for int32 at input scale {sx:G4} and weight scale {sw:G4}");
            }
            return (int)q;
        }).ToArray();
        logitScale = sx * sw;
        return new LinearHead(LayerNames.Head, pooledTensor, features, classes,
            new EquatableArray<int>(mq), new EquatableArray<long>(oq), shift,
            new EquatableArray<sbyte>(w8), new EquatableArray<int>(b32));
    }

    private static ConvParams ConvOf(Conv2d conv) =>
        new(TensorValues.Floats(conv.Weight), conv.OutChannels, conv.InChannels, conv.KernelSize, conv.Stride, conv.Padding);

    private static BatchNormParams BnOf(BatchNorm2d bn) =>
        new(TensorValues.Floats(bn.weight!), TensorValues.Floats(bn.bias!), TensorValues.Floats(bn.running_mean!), TensorValues.Floats(bn.running_var!), (float)bn.eps);

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

    /// <summary>Symmetric per-filter int8 as <see cref="Int8WeightQuantizer"/> computes it: w8 = round(w / s) (half
    /// away from zero), s = max|w| / 127; layout [Cout][kh][kw][Cin].</summary>
    public static (sbyte[] Weights, double[] Scales) QuantizeInt8PerFilter(ConvParams c)
    {
        var weights = new sbyte[c.OutChannels * c.Kernel * c.Kernel * c.InChannels];
        var scales = new double[c.OutChannels];
        for (int o = 0; o < c.OutChannels; o++)
        {
            float max = 0;
            for (int i = 0; i < c.FilterSize; i++)
            {
                max = Math.Max(max, Math.Abs(c.Weight[o * c.FilterSize + i]));
            }
            float s = max > 0f ? max / Int8WeightQuantizer.MaxLevel : 1f;
            scales[o] = s;
            for (int ky = 0; ky < c.Kernel; ky++)
            {
                for (int kx = 0; kx < c.Kernel; kx++)
                {
                    for (int ci = 0; ci < c.InChannels; ci++)
                    {
                        weights[((o * c.Kernel + ky) * c.Kernel + kx) * c.InChannels + ci] =
                            (sbyte)Math.Clamp(MathF.Round(c.At(o, ci, ky, kx) / s, MidpointRounding.AwayFromZero), -127, 127);
                    }
                }
            }
        }
        return (weights, scales);
    }
}
