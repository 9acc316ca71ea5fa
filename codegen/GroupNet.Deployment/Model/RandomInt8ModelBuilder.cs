namespace GroupNet.Deployment.Model;

/// <summary>
/// Builds a seeded random int8 network of the tiny residual shape (docs/integer-arithmetic.md, "int8 networks"),
/// for tests of the reference, the file format and the generated C:
/// image -> int8 3x3 stem (requantize) -> per group g: conv1 3x3 stride Strides[g] (requantize), then a sum
/// layer of conv2 3x3 plus an identity on the group input (same shape) or a 1x1 stride-s int8 conv (projection);
/// the last sum layer pools, then the 8-bit linear head. Requantisation maps the estimated spread of z onto
/// about 64 output steps around a random offset, so outputs vary and some saturate. Passes
/// <see cref="ModelValidator.Validate"/>.
/// </summary>
public sealed class RandomInt8ModelBuilder
{
    public int Seed { get; init; } = 1;

    public string Name { get; init; } = "random_int8";

    /// <summary>Output channels of each group; the stem produces Channels[0].</summary>
    public IReadOnlyList<int> Channels { get; init; } = [16, 32, 64];

    public int NumClasses { get; init; } = 10;

    public int ImageSize { get; init; } = 28;

    public DeploymentModel Build()
    {
        var rng = new Random(Seed);
        var tensors = new List<TensorSpec>();
        var layers = new List<AccumulateLayer>();
        TensorSpec Add(string name, TensorKind kind, int h, int c, int bits)
        {
            var t = new TensorSpec(tensors.Count, name, kind, h, h, c, bits);
            tensors.Add(t);
            return t;
        }
        // A term and the spread of its accumulator (uniform uint8 inputs, uniform int8 weights).
        (Term Term, double Spread) Conv(TensorSpec input, int cout, ConvGeometry g, int[] mult)
        {
            var w = Enumerable.Range(0, cout * g.Kernel * g.Kernel * input.Channels).Select(_ => (sbyte)rng.Next(-127, 128)).ToArray();
            double spread = Math.Sqrt(g.Kernel * g.Kernel * input.Channels * (255.0 * 255 / 3) * (127.0 * 127 / 3));
            return (new Int8ConvTerm(input.Id, g, new EquatableArray<sbyte>(w), new EquatableArray<int>(mult)), spread);
        }
        int[] Ones(int c) => Enumerable.Repeat(1, c).ToArray();
        int[] Small(int c) => Enumerable.Range(0, c).Select(_ => rng.Next(1, 9) * (rng.Next(4) == 0 ? -1 : 1)).ToArray();
        Epilogue Requantize(int cout, double spread)
        {
            int shift = (int)Math.Clamp(Math.Round(Math.Log2(spread * (3 << 19) / 64.0)), 1, 56);
            var m = Enumerable.Range(0, cout).Select(_ => (int)rng.NextInt64(1 << 19, (1 << 20) + 1)).ToArray();
            var off = Enumerable.Range(0, cout).Select(_ => (long)(rng.NextDouble() * 160 - 16) << shift).ToArray();
            var low = Enumerable.Range(0, cout).Select(_ => rng.Next(4) == 0 ? rng.Next(0, 30) : 0).ToArray();
            var high = Enumerable.Range(0, cout).Select(_ => rng.Next(4) == 0 ? rng.Next(180, 256) : 255).ToArray();
            return new RequantizeEpilogue(new EquatableArray<int>(m), new EquatableArray<long>(off), shift,
                new EquatableArray<int>(low), new EquatableArray<int>(high));
        }

        var image = Add("image", TensorKind.Image, ImageSize, 1, 8);
        int c0 = Channels[0];
        var (stem, stemSpread) = Conv(image, c0, new ConvGeometry(3, 1, 1), Ones(c0));
        var current = Add("stem_out", TensorKind.Uint8, ImageSize, c0, 8);
        layers.Add(new AccumulateLayer(LayerNames.Stem, current.Id, c0, new EquatableArray<Term>([stem]), Requantize(c0, stemSpread)));
        double pooledSpread = 1;
        for (int g = 0; g < Channels.Count; g++)
        {
            int cout = Channels[g], stride = g == 0 ? 1 : 2;
            var conv3 = new ConvGeometry(3, stride, 1);
            int size = conv3.OutputSize(current.Height);
            var (conv1, s1) = Conv(current, cout, conv3, Ones(cout));
            var hidden = Add($"g{g}_h", TensorKind.Uint8, size, cout, 8);
            layers.Add(new AccumulateLayer(LayerNames.Of($"g{g}.conv1"), hidden.Id, cout, new EquatableArray<Term>([conv1]), Requantize(cout, s1)));
            bool last = g == Channels.Count - 1;
            // The pooled layer's bound is multiplied by H*W: unit multipliers keep it within int32.
            int[] Mult(int c) => last ? Ones(c) : Small(c);
            var (conv2, s2) = Conv(hidden, cout, new ConvGeometry(3, 1, 1), Mult(cout));
            var terms = new List<Term> { conv2 };
            double spread = s2 * 4;
            if (stride == 1 && current.Channels == cout)
            {
                terms.Add(new IdentityTerm(current.Id, new EquatableArray<int>(Enumerable.Range(0, cout).Select(_ => rng.Next(-4000, 4001)).ToArray())));
            }
            else
            {
                var (shortcut, ss) = Conv(current, cout, new ConvGeometry(1, stride, 0), Mult(cout));
                terms.Add(shortcut);
                spread += ss * 4;
            }
            var output = last ? Add("pooled", TensorKind.Pooled, 1, cout, 32) : Add($"g{g}_out", TensorKind.Uint8, size, cout, 8);
            layers.Add(new AccumulateLayer(LayerNames.Sum($"g{g}"), output.Id, cout, new EquatableArray<Term>(terms),
                last ? new PooledEpilogue() : Requantize(cout, spread)));
            if (last)
            {
                // Activations are non-negative, so z has a per-channel mean of the order of its spread: the
                // pooled sum grows with the pixel count, not its square root.
                pooledSpread = spread * size * size;
            }
            current = output;
        }

        int features = current.Channels;
        var provisional = new LinearHead(LayerNames.Head, current.Id, features, NumClasses,
            new EquatableArray<int>(Enumerable.Repeat(1, features).ToArray()), new EquatableArray<long>(new long[features]), 1,
            new EquatableArray<sbyte>(Enumerable.Range(0, features * NumClasses).Select(_ => (sbyte)rng.Next(-127, 128)).ToArray()),
            new EquatableArray<int>(Enumerable.Range(0, NumClasses).Select(_ => rng.Next(-20000, 20001)).ToArray()));
        var model = new DeploymentModel(Name, $"random int8 network, seed {Seed}",
            new EquatableArray<TensorSpec>(tensors), new EquatableArray<AccumulateLayer>(layers), provisional, 1.0 / 1024);
        model = model with { Head = CalibratedHead(model, rng) };
        ModelValidator.Validate(model);
        return model;
    }

    /// <summary>Calibrates the head's requantisation on blob images (as an exporter calibrates on training
    /// images): the pooled features of random images differ from each other far less than their
    /// magnitude, so each channel's observed range is mapped onto about 200 of the 255 int8 steps.</summary>
    private LinearHead CalibratedHead(DeploymentModel model, Random rng)
    {
        var reference = new Reference.ReferenceExecutor(model);
        var input = model.InputTensor;
        int features = model.Head.InFeatures;
        var min = Enumerable.Repeat(long.MaxValue, features).ToArray();
        var max = Enumerable.Repeat(long.MinValue, features).ToArray();
        for (int i = 0; i < 8; i++)
        {
            var image = new byte[input.ByteSize];
            int cy = rng.Next(input.Height), cx = rng.Next(input.Width), r = rng.Next(2, Math.Max(3, input.Height / 3));
            for (int p = 0; p < image.Length; p++)
            {
                int y = p / input.Channels / input.Width, x = p / input.Channels % input.Width;
                image[p] = (byte)((y - cy) * (y - cy) + (x - cx) * (x - cx) <= r * r ? rng.Next(180, 256) : rng.Next(0, 24));
            }
            var pooled = reference.PooledFeatures(image);
            for (int c = 0; c < features; c++)
            {
                min[c] = Math.Min(min[c], pooled[c]);
                max[c] = Math.Max(max[c], pooled[c]);
            }
        }
        long widest = Enumerable.Range(0, features).Max(c => max[c] - min[c]) + 1;
        // Mq = 2^S * 200 / range lies in [2^22, 2^23] for the widest channel.
        int shift = (int)Math.Clamp(Math.Floor(Math.Log2((double)widest * (1 << 23) / 200)), 1, 56);
        var mq = new int[features];
        var oq = new long[features];
        for (int c = 0; c < features; c++)
        {
            double scale = Math.Pow(2, shift) * 200 / (max[c] - min[c] + 1);
            mq[c] = (int)Math.Clamp(Math.Round(scale), 1, int.MaxValue);
            oq[c] = -(long)Math.Round((min[c] + max[c]) / 2.0 * mq[c]);
        }
        return model.Head with { RequantMultipliers = new EquatableArray<int>(mq), RequantOffsets = new EquatableArray<long>(oq), RequantShift = shift };
    }
}
