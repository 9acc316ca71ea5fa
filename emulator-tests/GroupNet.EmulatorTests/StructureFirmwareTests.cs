using FluentAssertions;
using GroupNet.Deployment.Model;
using GroupNet.Firmware;
using GroupNet.Trainer.Data;
using GroupNet.Trainer.Export;
using GroupNet.Trainer.Models;
using GroupNet.Trainer.Training;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace GroupNet.EmulatorTests;

/// <summary>
/// Every Group-Net structure the exporter folds runs bit-exactly on the device: a seeded, untrained
/// <see cref="GroupNetModel"/> (bit-exactness needs no trained weights) with batch-norm statistics measured on the
/// test images and then perturbed (negative gammas, shifts), exported, generated, built and run in QEMU on 64
/// images in one run, on each of the six cores; every logit equals the managed reference. 16x16 inputs keep each run
/// short and let the tiny network fit the 16 KiB Cortex-M0.
/// </summary>
public class StructureFirmwareTests
{
    private const int Images = 64;
    private const int Side = 16;

    /// <summary>Structures: Layerwise, v2, v3, the plain network and the baseline; K = 1, 3, 5; 1-bit (signs), 2- and
    /// 4-bit activations; fp32 and int8 first/last layers (network, structure, K, activation bits, first/last).</summary>
    private static readonly (NetworkKind Network, StructureKind Structure, int K, int Bits, LayerPrecision FirstLast)[] Structures =
    [
        (NetworkKind.Tiny, StructureKind.Layerwise, 3, 2, LayerPrecision.Float32),
        (NetworkKind.Tiny, StructureKind.V2, 5, 1, LayerPrecision.Float32),
        (NetworkKind.Plain, StructureKind.V1, 3, 1, LayerPrecision.Float32),
        (NetworkKind.Tiny, StructureKind.Baseline, 1, 2, LayerPrecision.Float32),
        (NetworkKind.Tiny, StructureKind.V3, 3, 4, LayerPrecision.Int8),
    ];

    /// <summary>Every structure on every core (board, network, structure, K, activation bits, first/last layer precision).</summary>
    public static TheoryData<string, NetworkKind, StructureKind, int, int, LayerPrecision> Configurations()
    {
        var data = new TheoryData<string, NetworkKind, StructureKind, int, int, LayerPrecision>();
        foreach (var board in Boards.All)
        {
            foreach (var (network, structure, k, bits, firstLast) in Structures)
            {
                data.Add(board.Name, network, structure, k, bits, firstLast);
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Configurations))]
    public void Firmware_logits_equal_the_managed_reference(string boardName, NetworkKind network, StructureKind structure, int k, int bits, LayerPrecision firstLast)
    {
        // The 4-bit v3 network (three trunks of 4-bit tensors) needs 8x8 inputs to fit the micro:bit's 16 KiB.
        int side = boardName == "microbit" && bits == 4 ? 8 : Side;
        var config = new ModelConfig(network, structure, k, 1, bits, firstLast, 10, 1, side, side);
        int seed = 7 + (int)network * 100 + (int)structure * 10 + k + bits;
        var images = TestImages.Make(Images, side * side, seed);
        using var model = RandomModel(config, images, seed, side);
        string name = $"{structure}_k{k}a{bits}".ToLowerInvariant();
        var deployed = new GroupNetExporter().Export(model, name, config.Describe(), images);
        if (bits == 1)
        {
            deployed.Tensors.Should().Contain(t => t.Kind == TensorKind.Signs);
        }
        var board = Boards.Get(boardName);
        string work = RepositoryPaths.Scratch($"structure-{boardName}-{network}-{name}".ToLowerInvariant());

        var result = new FirmwareAgreement(RepositoryPaths.Root).Run(deployed, board, images, work);

        result.Run.ExitCode.Should().Be(0);
        result.Mismatches.Should().BeEmpty($"core {board.Core}, {config.Describe()}, image {result.ElfPath}: {LogitMismatch.Describe(result.Mismatches)}");
        result.IdenticalImages.Should().Be(Images);
    }

    /// <summary>Seeded weights; batch-norm statistics from the images, then random gammas (a sixth negative),
    /// shifts and mean offsets, so thresholds are spread and falling step functions occur.</summary>
    private static GroupNetModel RandomModel(ModelConfig config, IReadOnlyList<byte[]> images, int seed, int side)
    {
        var model = ModelFactory.Create(config, new TrainingContext(seed, threads: 1));
        var data = new ImageDataset(images.SelectMany(i => i).ToArray(), new byte[images.Count], 1, side, side, config.NumClasses);
        GroupNet.Trainer.Training.Trainer.ReestimateBatchNorm(model, data, batches: 1, batchSize: images.Count);
        var rng = new Random(seed);
        using var noGrad = no_grad();
        foreach (var bn in model.modules().OfType<BatchNorm2d>())
        {
            using var scope = NewDisposeScope();
            int channels = (int)bn.num_features;
            var variance = TensorValues.Floats(bn.running_var!);
            var mean = TensorValues.Floats(bn.running_mean!);
            var gamma = new float[channels];
            var beta = new float[channels];
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
        return model;
    }
}
