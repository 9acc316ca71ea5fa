using FluentAssertions;
using GroupNet.Deployment.Model;
using GroupNet.Deployment.Reference;
using GroupNet.Trainer.Export;
using GroupNet.Trainer.Models;
using GroupNet.Trainer.Modules;
using GroupNet.Trainer.Quantization;
using GroupNet.Trainer.Training;
using TorchSharp.Modules;
using Xunit.Abstractions;
using static GroupNet.Tests.Trainer.TrainerTestData;
using static TorchSharp.torch;

namespace GroupNet.Tests.Trainer;

/// <summary>
/// Every structure x network x K x activation bits exports, and the integer program computes what the float
/// (fake-quantised) model computes. Seeded random initialisation with batch-norm statistics re-estimated on the
/// images and then perturbed (random gamma signs and shifts), so thresholds are non-trivial and negative-gamma
/// channels are exercised. An untrained random network amplifies any difference (one level flipped near a
/// threshold changes everything after it), so the float model is first given the deployment's own approximations:
/// an fp32 stem gets its int8 weights, and each sign activation the constant beta the exporter measured (the float
/// model's per-sample beta_n is the one thing the integer program cannot follow: docs/integer-arithmetic.md). What
/// remains is the fold itself (batch-norm, scales, base sums, residual adds into thresholds and multipliers), so
/// the check is tight: the integer logits times the logit scale against the float logits, relative to the float
/// logits' spread. Fidelity against the unmodified trained model is ExporterTests' and bench/fidelity's.
/// </summary>
public class StructureExportTests(ITestOutputHelper output)
{
    public static TheoryData<NetworkKind, StructureKind, int, int, LayerPrecision> Cases()
    {
        var data = new TheoryData<NetworkKind, StructureKind, int, int, LayerPrecision>();
        foreach (var network in new[] { NetworkKind.Tiny, NetworkKind.Small, NetworkKind.Plain })
        {
            foreach (var structure in new[] { StructureKind.Baseline, StructureKind.Layerwise, StructureKind.V1, StructureKind.V2, StructureKind.V3 })
            {
                foreach (int k in structure == StructureKind.Baseline ? new[] { 1 } : new[] { 1, 3 })
                {
                    foreach (int bits in new[] { 1, 2, 4 })
                    {
                        // 8-bit first and last layers on a third of the cases, spread over the grid.
                        data.Add(network, structure, k, bits, (k + bits + (int)structure) % 3 == 0 ? LayerPrecision.Int8 : LayerPrecision.Float32);
                    }
                }
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Exported_integer_logits_follow_the_float_model(NetworkKind network, StructureKind structure, int k, int bits, LayerPrecision firstLast)
    {
        var config = new ModelConfig(network, structure, k, 1, bits, firstLast,
            Classes, 1, Side, Side);
        int seed = 100 + (int)network * 50 + (int)structure * 10 + k + bits;
        using var model = ModelFactory.Create(config, new TrainingContext(seed, threads: 1));
        var images = Textures(64, seed: seed, noise: 60);
        RandomiseBatchNorm(model, images, seed);

        var exported = new GroupNetExporter().Export(model, "m", config.Describe(), images.ImageBytes(0, 64));
        if (bits == 1)
        {
            exported.Tensors.Should().Contain(t => t.Kind == TensorKind.Signs);
        }
        GiveDeployedApproximations(model);
        var test = images.Take(32);
        var floatLogits = ExporterTests.FloatLogits(model, test);
        var intLogits = new ReferenceExecutor(exported).InferMany(test.ImageBytes(0, test.Count), maxThreads: 1);

        double error = 0, spread = 0;
        int agree = 0;
        for (int i = 0; i < test.Count; i++)
        {
            double mean = floatLogits[i].Average();
            for (int j = 0; j < Classes; j++)
            {
                double e = intLogits[i][j] * exported.LogitScale - floatLogits[i][j];
                error += e * e;
                spread += (floatLogits[i][j] - mean) * (floatLogits[i][j] - mean);
            }
            agree += ArgMax(intLogits[i]) == ArgMax(floatLogits[i]) ? 1 : 0;
        }
        double relative = Math.Sqrt(error / Math.Max(spread, 1e-12));
        output.WriteLine($"{config.Describe()}: {exported.Layers.Length} layers, relative logit error {relative:F3}, arg-max agreement {agree}/{test.Count}");
        relative.Should().BeLessThan(0.1);
        agree.Should().BeGreaterThanOrEqualTo(test.Count * 7 / 8);

        // The generated C of one K = 3 model per structure, bits rotating, on the tiny and plain networks (a host
        // build with UBSan each, so only these): every logit equals the reference's.
        int hostBits = structure switch { StructureKind.V1 => 2, StructureKind.V3 => 4, _ => 1 };
        if (k == 3 && network != NetworkKind.Small && bits == hostBits)
        {
            GroupNet.Tests.Codegen.GeneratedCBitExactTests.AssertHostBuiltCMatches(exported, test.ImageBytes(0, 16),
                $"export_{network}_{structure}_k{k}_a{bits}".ToLowerInvariant(), GroupNet.Codegen.KernelChoice.Fast);
        }
    }

    /// <summary>The float model computes with the int8 stem weights and the constant betas the export used.</summary>
    private static void GiveDeployedApproximations(GroupNetModel model)
    {
        if (model.Stem is not Int8Conv2d)
        {
            using var noGrad = no_grad();
            using var scope = NewDisposeScope();
            model.Stem.Weight.copy_(Int8WeightQuantizer.Forward(model.Stem.Weight));
        }
        var quantizers = model.modules().OfType<ActivationQuantizer>().ToList();
        var signs = quantizers.Select(q => q.SignQuantizer).OfType<SignActivationQuantizer>().ToList();
        signs.Should().HaveCount(model.Config.ActivationBits == 1 ? quantizers.Count : 0);
        foreach (var sign in signs)
        {
            sign.FixedScale = (float)sign.MeanObservedScale;
        }
    }

    /// <summary>Batch-norm statistics from the images, then random gammas (a sixth negative), shifts and mean offsets.</summary>
    internal static void RandomiseBatchNorm(GroupNetModel model, GroupNet.Trainer.Data.ImageDataset images, int seed)
    {
        GroupNet.Trainer.Training.Trainer.ReestimateBatchNorm(model, images, batches: 1, batchSize: 64);
        var rng = new Random(seed);
        using var noGrad = no_grad();
        foreach (var bn in model.modules().OfType<BatchNorm2d>())
        {
            using var scope = NewDisposeScope();
            int channels = (int)bn.num_features;
            var variance = Floats(bn.running_var!);
            var gamma = new float[channels];
            var beta = new float[channels];
            var mean = Floats(bn.running_mean!);
            for (int c = 0; c < channels; c++)
            {
                float sd = MathF.Sqrt(variance[c] + (float)bn.eps);
                gamma[c] = (float)(0.5 + rng.NextDouble()) * (rng.Next(6) == 0 ? -1 : 1);
                beta[c] = (float)(rng.NextDouble() - 0.3);
                mean[c] += (float)((rng.NextDouble() - 0.5) * 0.2 * sd);
            }
            bn.weight!.copy_(tensor(gamma));
            bn.bias!.copy_(tensor(beta));
            bn.running_mean!.copy_(tensor(mean));
        }
    }
}
