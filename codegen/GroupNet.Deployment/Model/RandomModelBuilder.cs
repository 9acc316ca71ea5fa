namespace GroupNet.Deployment.Model;

/// <summary>
/// Builds a seeded random <see cref="DeploymentModel"/> of the Group-Net v1 shape, for tests of the
/// reference, the file format and the generated C:
/// image 28x28x1 -> int8 3x3 stem (Cout = Channels[0], threshold epilogue) -> per group g:
/// <see cref="Branches"/> binary 3x3 conv layers (stride Strides[g], each its own output tensor) and
/// one sum layer with one 3x3 stride-1 binary conv term per branch plus either an identity term on
/// the group input (stride 1 and equal channels) or one 1x1 binary conv term per branch on the group
/// input (the downsampling shortcut); the last sum layer pools, then an 8-bit linear head.
/// Multipliers are random; thresholds are spread around the estimated spread of z so that levels vary;
/// with <see cref="ExtremeMultipliers"/> each channel's worst-case |z| is pushed close to 2^31-1.
/// The result passes <see cref="ModelValidator.Validate"/>.
/// </summary>
public sealed class RandomModelBuilder
{
    public int Seed { get; init; } = 1;

    /// <summary>Name of the model (a C identifier fragment).</summary>
    public string Name { get; init; } = "random";

    /// <summary>K, the number of binary branches per group (>= 1).</summary>
    public int Branches { get; init; } = 2;

    /// <summary>Bits of every activation tensor: 1 (signs tensors), 2 or 4 (levels tensors).</summary>
    public int ActivationBits { get; init; } = 2;

    /// <summary>Output channels of each group; the stem produces Channels[0].</summary>
    public IReadOnlyList<int> Channels { get; init; } = [16, 32, 64];

    /// <summary>Stride of each group's first convolutions (1 or 2); defaults to 1, 2, 2, ...</summary>
    public IReadOnlyList<int>? Strides { get; init; }

    public int NumClasses { get; init; } = 10;

    public int ImageSize { get; init; } = 28;

    /// <summary>Pushes multipliers so each channel's worst-case |z| is close to 2^31-1.</summary>
    public bool ExtremeMultipliers { get; init; }

    public DeploymentModel Build()
    {
        if (Branches < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(Branches), Branches, "at least one branch");
        }
        if (ActivationBits is not (1 or 2 or 4))
        {
            throw new ArgumentOutOfRangeException(nameof(ActivationBits), ActivationBits, "1, 2 or 4");
        }
        var activations = ActivationBits == 1 ? TensorKind.Signs : TensorKind.Levels;
        if (Channels.Count < 1)
        {
            throw new ArgumentException("at least one group", nameof(Channels));
        }
        var strides = Strides ?? Enumerable.Range(0, Channels.Count).Select(g => g == 0 ? 1 : 2).ToArray();
        if (strides.Count != Channels.Count)
        {
            throw new ArgumentException($"{strides.Count} strides for {Channels.Count} groups", nameof(Strides));
        }

        var state = new BuildState(new Random(Seed), ActivationBits, ExtremeMultipliers);
        var image = state.AddTensor("image", TensorKind.Image, ImageSize, ImageSize, 1, 8);

        // Stem: uint8 x int8, |acc| spread ~ sqrt(9 * E[p^2] * E[w^2]).
        int c0 = Channels[0];
        var stemGeom = new ConvGeometry(3, 1, 1);
        var stemWeights = Enumerable.Range(0, c0 * 9).Select(_ => (sbyte)state.Rng.Next(-127, 128)).ToArray();
        var stemTerm = new PendingTerm(image, c0, 255L * 127 * 9, Math.Sqrt(9 * (255.0 * 255 / 3) * (127.0 * 127 / 3)),
            m => new Int8ConvTerm(image.Id, stemGeom, new EquatableArray<sbyte>(stemWeights), m));
        var current = state.AddTensor("stem_out", activations, ImageSize, ImageSize, c0, ActivationBits);
        state.AddLayer(LayerNames.Stem, current, [stemTerm], pooled: false, pixels: ImageSize * ImageSize);

        for (int g = 0; g < Channels.Count; g++)
        {
            int cout = Channels[g], stride = strides[g];
            if (stride is not (1 or 2))
            {
                throw new ArgumentOutOfRangeException(nameof(Strides), stride, "strides are 1 or 2");
            }
            var groupIn = current;
            var conv3 = new ConvGeometry(3, stride, 1);
            int outSize = conv3.OutputSize(groupIn.Height);
            var branches = new List<TensorSpec>();
            for (int k = 0; k < Branches; k++)
            {
                var branchOut = state.AddTensor($"g{g}_b{k}_out", activations, outSize, outSize, cout, ActivationBits);
                state.AddLayer(LayerNames.Of($"g{g}.b{k}"), branchOut, [state.BinaryConv(groupIn, cout, conv3)], pooled: false, pixels: outSize * outSize);
                branches.Add(branchOut);
            }
            var terms = branches.Select(b => state.BinaryConv(b, cout, new ConvGeometry(3, 1, 1))).ToList();
            if (stride == 1 && groupIn.Channels == cout)
            {
                terms.Add(state.Identity(groupIn, cout));
            }
            else
            {
                for (int k = 0; k < Branches; k++)
                {
                    terms.Add(state.BinaryConv(groupIn, cout, new ConvGeometry(1, stride, 0)));
                }
            }
            bool last = g == Channels.Count - 1;
            var sumOut = last
                ? state.AddTensor("pooled", TensorKind.Pooled, 1, 1, cout, 32)
                : state.AddTensor($"g{g}_out", activations, outSize, outSize, cout, ActivationBits);
            state.AddLayer(LayerNames.Sum($"g{g}"), sumOut, terms, pooled: last, pixels: outSize * outSize);
            current = sumOut;
        }

        var head = state.Head(current, NumClasses);
        var model = new DeploymentModel(Name, $"random Group-Net v1 model, seed {Seed}, K={Branches}, {ActivationBits}-bit{(ActivationBits == 1 ? " signs" : "")}",
            new EquatableArray<TensorSpec>(state.Tensors), new EquatableArray<AccumulateLayer>(state.Layers), head, 1.0 / 1024);
        ModelValidator.Validate(model);
        return model;
    }

    /// <summary>A term whose multipliers are chosen once the whole layer is known.</summary>
    private sealed record PendingTerm(TensorSpec Input, int OutChannels, long Bound, double AccSpread, Func<EquatableArray<int>, Term> Make);

    private sealed class BuildState(Random rng, int bits, bool extreme)
    {
        public Random Rng { get; } = rng;

        public List<TensorSpec> Tensors { get; } = [];

        public List<AccumulateLayer> Layers { get; } = [];

        /// <summary>Estimated spread of the last pooled layer's z, for the head's requantisation.</summary>
        private double _pooledSpread = 1;

        public TensorSpec AddTensor(string name, TensorKind kind, int h, int w, int c, int tensorBits)
        {
            var t = new TensorSpec(Tensors.Count, name, kind, h, w, c, tensorBits);
            Tensors.Add(t);
            return t;
        }

        public PendingTerm BinaryConv(TensorSpec input, int cout, ConvGeometry geom)
        {
            int words = input.Words, taps = geom.Kernel * geom.Kernel;
            var weights = new uint[cout * taps * words];
            for (int i = 0; i < weights.Length; i++)
            {
                weights[i] = (uint)Rng.NextInt64(0, 1L << 32);
                int tail = input.Channels % 32;
                if (tail != 0 && i % words == words - 1)
                {
                    weights[i] &= (1u << tail) - 1;
                }
            }
            double maxLevel = (1 << input.Bits) - 1;
            // uniform levels 0..max; +/-1 signs have mean square 1
            double meanSquare = input.Kind == TensorKind.Signs ? 1 : maxLevel * (2 * maxLevel + 1) / 6;
            long bound = (long)maxLevel * taps * input.Channels;
            return new PendingTerm(input, cout, bound, Math.Sqrt(taps * input.Channels * meanSquare),
                m => new BinaryConvTerm(input.Id, geom, new EquatableArray<uint>(weights), m));
        }

        public PendingTerm Identity(TensorSpec input, int cout)
        {
            double maxLevel = (1 << input.Bits) - 1;
            double spread = input.Kind == TensorKind.Signs ? 1 : maxLevel / 2;
            return new PendingTerm(input, cout, (long)maxLevel, spread, m => new IdentityTerm(input.Id, m));
        }

        public void AddLayer(string name, TensorSpec output, IReadOnlyList<PendingTerm> pending, bool pooled, int pixels)
        {
            int cout = output.Channels;
            long limit = int.MaxValue / (pooled ? (long)pixels : 1);
            var multipliers = pending.Select(_ => new int[cout]).ToArray();
            var spread = new double[cout];
            for (int o = 0; o < cout; o++)
            {
                long boundSum = pending.Sum(p => p.Bound);
                double variance = 0;
                for (int t = 0; t < pending.Count; t++)
                {
                    long m;
                    if (extreme)
                    {
                        long top = limit / boundSum;
                        m = Math.Max(1, top - Rng.NextInt64(0, Math.Max(1, top / 16)));
                    }
                    else
                    {
                        long cap = Math.Max(1, Math.Min(64, limit / boundSum));
                        m = Rng.NextInt64(1, cap + 1);
                    }
                    if (Rng.Next(4) == 0)
                    {
                        m = -m;
                    }
                    multipliers[t][o] = (int)m;
                    variance += (double)m * m * pending[t].AccSpread * pending[t].AccSpread;
                }
                spread[o] = Math.Sqrt(variance);
            }
            var terms = pending.Select((p, t) => p.Make(new EquatableArray<int>(multipliers[t]))).ToArray();
            Epilogue epilogue;
            if (pooled)
            {
                epilogue = new PooledEpilogue();
                _pooledSpread = Math.Max(1, spread.Average() * Math.Sqrt(pixels) * 2);
            }
            else
            {
                int per = (1 << bits) - 1;
                var thresholds = new int[cout * per];
                for (int o = 0; o < cout; o++)
                {
                    var row = new long[per];
                    for (int i = 0; i < per; i++)
                    {
                        // Spread over about +/-1.2 sigma of z; now and then a saturated channel.
                        double u = (Rng.NextDouble() * 2 - 1) * 1.2 * spread[o];
                        row[i] = (long)Math.Round(u);
                    }
                    Array.Sort(row);
                    if (Rng.Next(40) == 0)
                    {
                        row[0] = int.MinValue;
                    }
                    if (Rng.Next(40) == 0)
                    {
                        row[per - 1] = int.MaxValue;
                    }
                    for (int i = 0; i < per; i++)
                    {
                        thresholds[o * per + i] = (int)Math.Clamp(row[i], int.MinValue, int.MaxValue);
                    }
                }
                epilogue = new ThresholdEpilogue(bits, new EquatableArray<int>(thresholds));
            }
            Layers.Add(new AccumulateLayer(name, output.Id, cout, new EquatableArray<Term>(terms), epilogue));
        }

        public LinearHead Head(TensorSpec pooled, int classes)
        {
            int c = pooled.Channels;
            var mq = new int[c];
            var oq = new long[c];
            // |Mq| in [2^22, 2^23]; S chosen so that spread * Mq / 2^S is about 64.
            int shift = (int)Math.Clamp(Math.Round(Math.Log2(_pooledSpread * (3 << 21) / 64.0)), 1, 56);
            for (int i = 0; i < c; i++)
            {
                mq[i] = (int)Rng.NextInt64(1 << 22, (1 << 23) + 1) * (Rng.Next(4) == 0 ? -1 : 1);
                oq[i] = Rng.NextInt64(-(1L << (shift + 4)), (1L << (shift + 4)) + 1);
            }
            var weights = Enumerable.Range(0, c * classes).Select(_ => (sbyte)Rng.Next(-127, 128)).ToArray();
            var bias = Enumerable.Range(0, classes).Select(_ => Rng.Next(-20000, 20001)).ToArray();
            return new LinearHead(LayerNames.Head, pooled.Id, c, classes, new EquatableArray<int>(mq), new EquatableArray<long>(oq), shift,
                new EquatableArray<sbyte>(weights), new EquatableArray<int>(bias));
        }
    }
}
