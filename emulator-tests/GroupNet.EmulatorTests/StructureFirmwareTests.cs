using FluentAssertions;
using GroupNet.Deployment.Model;
using GroupNet.Firmware;
using GroupNet.Trainer.Data;
using GroupNet.Trainer.Export;
using GroupNet.Trainer.Models;
using GroupNet.Trainer.Modules;
using GroupNet.Trainer.Tensors;

namespace GroupNet.EmulatorTests;

/// <summary>
/// Every Group-Net structure the exporter folds runs bit-exactly on the device: a seeded, untrained
/// <see cref="GroupNetModel"/> (bit-exactness needs no trained weights) with batch-norm statistics measured on the
/// test images and then perturbed (negative gammas, shifts), exported, generated, built and run in QEMU on 64
/// images in one run; every logit equals the managed reference. 16x16 inputs keep each run short and let the
/// tiny network fit the 16 KiB Cortex-M0.
/// </summary>
public class StructureFirmwareTests
{
    private const int Images = 64;
    private const int Side = 16;

    /// <summary>Board, network, structure, K, activation bits, first/last layer precision: Layerwise, v2, v3, the plain
    /// network and the baseline; K = 1, 3, 5; 1-bit (signs), 2- and 4-bit activations; Cortex-M4, M0 and M33.</summary>
    public static TheoryData<string, NetworkKind, StructureKind, int, int, LayerPrecision> Configurations() => new()
    {
        { "mps2-an386", NetworkKind.Tiny, StructureKind.Layerwise, 3, 2, LayerPrecision.Float32 },
        { "mps2-an386", NetworkKind.Tiny, StructureKind.V2, 5, 1, LayerPrecision.Float32 },
        { "mps2-an386", NetworkKind.Plain, StructureKind.V1, 3, 1, LayerPrecision.Float32 },
        { "microbit", NetworkKind.Tiny, StructureKind.Baseline, 1, 2, LayerPrecision.Float32 },
        { "mps2-an505", NetworkKind.Tiny, StructureKind.V3, 3, 4, LayerPrecision.Int8 },
    };

    [Theory]
    [MemberData(nameof(Configurations))]
    public void Firmware_logits_equal_the_managed_reference(string boardName, NetworkKind network, StructureKind structure, int k, int bits, LayerPrecision firstLast)
    {
        var config = new ModelConfig(network, structure, k, 1, bits, firstLast, 10, 1, Side, Side);
        int seed = 7 + (int)network * 100 + (int)structure * 10 + k + bits;
        var images = TestImages.Make(Images, Side * Side, seed);
        var model = RandomModel(config, images, seed);
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
    private static GroupNetModel RandomModel(ModelConfig config, IReadOnlyList<byte[]> images, int seed)
    {
        var model = new GroupNetModel(new TrainingContext(seed, threads: 1), config);
        var data = new ImageDataset(images.SelectMany(i => i).ToArray(), new byte[images.Count], 1, Side, Side, config.NumClasses);
        GroupNet.Trainer.Training.Trainer.ReestimateBatchNorm(model, data, batches: 1, batchSize: images.Count);
        var rng = new Random(seed);
        foreach (var bn in model.Modules().OfType<BatchNorm2d>())
        {
            for (int c = 0; c < bn.Channels; c++)
            {
                float sd = MathF.Sqrt(bn.RunningVar.Data[c] + bn.Eps);
                bn.Weight.Data[c] = (float)(0.5 + rng.NextDouble()) * (rng.Next(6) == 0 ? -1 : 1);
                bn.Bias.Data[c] = (float)(rng.NextDouble() - 0.3);
                bn.RunningMean.Data[c] += (float)((rng.NextDouble() - 0.5) * 0.2 * sd);
            }
        }
        return model;
    }
}
