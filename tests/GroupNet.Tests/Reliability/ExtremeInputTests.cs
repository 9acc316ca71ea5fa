using FluentAssertions;
using GroupNet.Deployment.Data;
using GroupNet.Deployment.Model;
using GroupNet.Deployment.Reference;
using GroupNet.Firmware;
using GroupNet.Tests.Codegen;
using GroupNet.Tests.Deployment;

namespace GroupNet.Tests.Reliability;

/// <summary>
/// Extreme inputs (all 0, all 255, checkerboards, noise, stem-extreme images) and the saturating
/// construction (<see cref="SaturatingModel"/>: every accumulator at its worst-case bound): the managed
/// reference equals the naive executor and the host-built generated C, bit for bit.
/// </summary>
public sealed class ExtremeInputTests
{
    private static DeploymentModel Random(int seed, int k, int bits, int[] channels, bool extreme) => new RandomModelBuilder
    {
        Name = $"x{seed}",
        Seed = seed,
        Branches = k,
        ActivationBits = bits,
        Channels = channels,
        ExtremeMultipliers = extreme,
    }.Build();

    [Theory]
    [InlineData(2, 2, new[] { 16, 32, 64 })]
    [InlineData(1, 4, new[] { 5, 33, 65 })]
    [InlineData(3, 2, new[] { 31, 32, 33 })]
    public void All_255_drives_every_accumulator_of_the_saturated_model_to_its_worst_case_bound(int k, int bits, int[] channels)
    {
        var model = SaturatingModel.From(Random(40 + k, k, bits, channels, extreme: true));
        var image = Enumerable.Repeat((byte)255, model.InputBytes).ToArray();
        var seen = new List<(AccumulateLayer Layer, int Term, long MaxAbs)>();

        var naive = NaiveExecutor.Infer(model, image, (layer, term, maxAbs) => seen.Add((layer, term, maxAbs)));

        seen.Should().HaveCount(model.Layers.Sum(l => l.Terms.Length + 1));
        foreach (var (layer, term, maxAbs) in seen)
        {
            if (term >= 0)
            {
                var t = layer.Terms[term];
                maxAbs.Should().Be(t.AccumulatorBound(model.Tensors[t.Input]), $"layer {layer.Name} term {term} reaches the bound");
            }
            else
            {
                long interior = SaturatingModel.InteriorMagnitude(model, layer);
                maxAbs.Should().Be(interior, $"layer {layer.Name}: |z| reaches m * B");
                long b = layer.Terms.Sum(t => t.AccumulatorBound(model.Tensors[t.Input]));
                if (layer.Epilogue is ThresholdEpilogue)
                {
                    interior.Should().BeGreaterThan(int.MaxValue - b, $"layer {layer.Name}: within one B of 2^31-1").And.BeLessThanOrEqualTo(int.MaxValue);
                }
            }
        }
        new ReferenceExecutor(model).Infer(image).Should().Equal(naive);
    }

    [Fact]
    public void Extreme_inputs_are_the_documented_set()
    {
        var model = Random(50, 1, 2, [16, 32, 64], extreme: false);
        var inputs = ExtremeInputs.For(model);

        inputs.Select(i => i.Name).Should().Contain(["all 0", "all 255", "checkerboard 1px", "inverse checkerboard 7px", "uniform noise", "stem channel 0 maximum", "stem channel 3 minimum"]);
        inputs.Should().OnlyContain(i => i.Pixels.Length == model.InputBytes);
        inputs.Single(i => i.Name == "all 255").Pixels.Should().OnlyContain(p => p == 255);
        // The stem-maximum image reaches 255 * (sum of the positive weights) at the centre pixel: the most any image can.
        var stem = (Int8ConvTerm)model.Layers[0].Terms[0];
        int positive = Enumerable.Range(0, 9).Sum(t => Math.Max(0, (int)stem.Weights[t]));
        var seen = new List<long>();
        NaiveExecutor.Infer(model, inputs.Single(i => i.Name == "stem channel 0 maximum").Pixels, (layer, term, maxAbs) =>
        {
            if (layer.Name == "stem" && term == 0)
            {
                seen.Add(maxAbs);
            }
        });
        seen.Single().Should().BeGreaterThanOrEqualTo(255L * positive);
    }

    public static TheoryData<string> HostModels() => new() { "random_extreme", "saturated" };

    [Theory]
    [MemberData(nameof(HostModels))]
    public void Host_C_equals_the_reference_and_the_naive_executor_on_extreme_inputs(string which)
    {
        var random = Random(60, 2, 2, [16, 32, 64], extreme: true);
        var model = which == "saturated" ? SaturatingModel.From(random) : random;
        var inputs = ExtremeInputs.For(model, seed: 3, stemChannels: 8);
        var images = inputs.Select(i => i.Pixels).ToArray();
        string work = CCompiler.TempDir("extreme-" + which);
        // UBSan traps any signed overflow the bounds should rule out.
        var exe = HostStreamRunner.Build(model, work, "-fsanitize=undefined -fno-sanitize-recover=all");
        var file = HostStreamRunner.WriteImages(work, images);

        var output = new HostRunner { Timeout = TimeSpan.FromSeconds(60) }.Run(exe, [file]);

        var expected = new ReferenceExecutor(model).InferMany(images);
        output.Logits.Should().HaveCount(images.Length);
        for (int i = 0; i < images.Length; i++)
        {
            output.Logits[i].Should().Equal(expected[i], $"input '{inputs[i].Name}' (image {i}) of model {model.Name}");
        }
        // The naive executor is slow; it checks the reference on the four plainest extremes.
        foreach (var name in new[] { "all 0", "all 255", "checkerboard 1px", "uniform noise" })
        {
            int i = Array.FindIndex(inputs.ToArray(), x => x.Name == name);
            NaiveExecutor.Infer(model, images[i]).Should().Equal(expected[i], $"naive executor, input '{name}'");
        }
    }
}
