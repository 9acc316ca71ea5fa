using System.Numerics;
using FluentAssertions;
using GroupNet.Deployment.Format;
using GroupNet.Deployment.Model;
using GroupNet.Deployment.Reference;

namespace GroupNet.Tests.Deployment;

/// <summary>int8 networks (uint8 tensors, requantize epilogue): the reference against a naive
/// computation that shares no code with it, the file format and the validator's field names.</summary>
public sealed class Int8NetworkTests
{
    [Theory]
    [InlineData(1, new[] { 16, 32, 64 })]
    [InlineData(2, new[] { 5, 33, 65 })]
    [InlineData(3, new[] { 4, 7, 3 })]
    public void Reference_equals_naive_int8_arithmetic(int seed, int[] channels)
    {
        var model = new RandomInt8ModelBuilder { Seed = seed, Channels = channels }.Build();
        var reference = new ReferenceExecutor(model);
        var distinct = new HashSet<string>();
        var images = Codegen.GeneratedCBitExactTests.Images(seed, model.InputBytes);
        for (int i = 0; i < 6; i++)
        {
            var image = images[i];
            var expected = NaiveInt8(model, image);
            reference.Infer(image).Should().Equal(expected, $"image {i}");
            distinct.Add(string.Join(",", expected));
        }
        distinct.Count.Should().BeGreaterThan(3, "different images must give different logits");
    }

    [Fact]
    public void Requantized_tensors_use_the_whole_uint8_range_and_the_clamps()
    {
        var model = new RandomInt8ModelBuilder { Seed = 5 }.Build();
        var image = new byte[model.InputBytes];
        new Random(5).NextBytes(image);
        var values = NaiveActivations(model, image);
        var stem = values[model.Layers[0].Output];
        stem.Should().Contain(v => v == 0).And.Contain(v => v > 100 && v < 255);
    }

    [Fact]
    public void File_round_trip_keeps_an_int8_model()
    {
        var model = new RandomInt8ModelBuilder { Seed = 4, Channels = [8, 16] }.Build();
        ModelFile.Deserialize(ModelFile.Serialize(model)).Should().Be(model);
    }

    [Fact]
    public void Validator_names_the_requantize_field()
    {
        var model = new RandomInt8ModelBuilder { Seed = 6, Channels = [8, 16] }.Build();
        var layer = model.Layers[0];
        var re = (RequantizeEpilogue)layer.Epilogue;
        var low = re.Low.ToArray();
        var high = re.High.ToArray();
        low[3] = 10;
        high[3] = 5;
        var bad = model with
        {
            Layers = new EquatableArray<AccumulateLayer>(model.Layers.Select((l, i) => i == 0 ? l with { Epilogue = re with { Low = new EquatableArray<int>(low), High = new EquatableArray<int>(high) } } : l)),
        };
        var act = () => ModelValidator.Validate(bad);
        act.Should().Throw<ModelValidationException>().Where(e => e.Field == "layers[0].epilogue.high");

        var shifted = model with
        {
            Layers = new EquatableArray<AccumulateLayer>(model.Layers.Select((l, i) => i == 0 ? l with { Epilogue = re with { Shift = 0 } } : l)),
        };
        ((Action)(() => ModelValidator.Validate(shifted))).Should().Throw<ModelValidationException>().Where(e => e.Field == "layers[0].epilogue.shift");
    }

    [Fact]
    public void Validator_rejects_a_requantize_epilogue_on_a_levels_tensor()
    {
        var model = new RandomInt8ModelBuilder { Seed = 7, Channels = [8, 16] }.Build();
        int output = model.Layers[0].Output;
        var bad = model with
        {
            Tensors = new EquatableArray<TensorSpec>(model.Tensors.Select(t => t.Id == output ? t with { Kind = TensorKind.Levels, Bits = 2 } : t)),
        };
        ((Action)(() => ModelValidator.Validate(bad))).Should().Throw<ModelValidationException>();
    }

    [Fact]
    public void Bound_of_an_int8_conv_on_uint8_activations_is_255_times_127_per_tap_and_channel()
    {
        var t = new Int8ConvTerm(1, new ConvGeometry(3, 1, 1), EquatableArray<sbyte>.Empty, EquatableArray<int>.Empty);
        t.AccumulatorBound(new TensorSpec(1, "a", TensorKind.Uint8, 14, 14, 32, 8)).Should().Be(255L * 127 * 9 * 32);
        new IdentityTerm(1, EquatableArray<int>.Empty).AccumulatorBound(new TensorSpec(1, "a", TensorKind.Uint8, 14, 14, 32, 8)).Should().Be(255);
    }

    /// <summary>Logits computed with 64-bit sums and BigInteger rounding (floor((v + 2^(S-1)) / 2^S)).</summary>
    internal static int[] NaiveInt8(DeploymentModel model, byte[] image)
    {
        var values = NaiveActivations(model, image);
        var h = model.Head;
        var pooled = values[h.Input];
        var logits = new int[h.OutFeatures];
        var x8 = new long[h.InFeatures];
        for (int c = 0; c < h.InFeatures; c++)
        {
            x8[c] = Math.Clamp(Floor((BigInteger)pooled[c] * h.RequantMultipliers[c] + h.RequantOffsets[c], h.RequantShift), -127, 127);
        }
        for (int j = 0; j < h.OutFeatures; j++)
        {
            long sum = h.Bias[j];
            for (int c = 0; c < h.InFeatures; c++)
            {
                sum += h.Weights[j * h.InFeatures + c] * x8[c];
            }
            logits[j] = checked((int)sum);
        }
        return logits;
    }

    private static long Floor(BigInteger v, int shift)
    {
        var d = BigInteger.One << shift;
        var q = BigInteger.DivRem(v + (d >> 1), d, out var r);
        return (long)(r.Sign < 0 ? q - 1 : q);
    }

    private static long[][] NaiveActivations(DeploymentModel model, byte[] image)
    {
        var values = new long[model.Tensors.Length][];
        values[0] = image.Select(p => (long)p).ToArray();
        foreach (var layer in model.Layers)
        {
            var (oh, ow) = model.OutputSize(layer);
            int cout = layer.OutChannels;
            var z = new long[oh * ow * cout];
            foreach (var term in layer.Terms)
            {
                var input = model.Tensors[term.Input];
                var x = values[term.Input];
                for (int y = 0; y < oh; y++)
                for (int xx = 0; xx < ow; xx++)
                for (int o = 0; o < cout; o++)
                {
                    long acc = 0;
                    if (term is Int8ConvTerm c)
                    {
                        var g = c.Geometry;
                        for (int ky = 0; ky < g.Kernel; ky++)
                        for (int kx = 0; kx < g.Kernel; kx++)
                        for (int ci = 0; ci < input.Channels; ci++)
                        {
                            int iy = y * g.Stride - g.Padding + ky, ix = xx * g.Stride - g.Padding + kx;
                            long v = iy >= 0 && iy < input.Height && ix >= 0 && ix < input.Width ? x[(iy * input.Width + ix) * input.Channels + ci] : 0;
                            acc += v * c.Weights[((o * g.Kernel + ky) * g.Kernel + kx) * input.Channels + ci];
                        }
                    }
                    else
                    {
                        acc = x[(y * input.Width + xx) * input.Channels + o];
                    }
                    z[(y * ow + xx) * cout + o] += term.Multipliers[o] * acc;
                }
            }
            z.Should().OnlyContain(v => Math.Abs(v) <= int.MaxValue, "the validator's bound keeps z in int32");
            switch (layer.Epilogue)
            {
                case RequantizeEpilogue re:
                    values[layer.Output] = z.Select((v, i) => Math.Clamp(Floor((BigInteger)v * re.Multipliers[i % cout] + re.Offsets[i % cout], re.Shift),
                        re.Low[i % cout], re.High[i % cout])).ToArray();
                    break;
                case PooledEpilogue:
                    var pooled = new long[cout];
                    for (int i = 0; i < z.Length; i++)
                    {
                        pooled[i % cout] += z[i];
                    }
                    values[layer.Output] = pooled;
                    break;
                default:
                    throw new InvalidOperationException("not an int8 network");
            }
        }
        return values;
    }
}
