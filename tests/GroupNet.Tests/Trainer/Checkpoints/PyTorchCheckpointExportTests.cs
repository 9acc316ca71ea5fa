using System.Buffers.Binary;
using System.Text.Json;
using FluentAssertions;
using GroupNet.Cli.Commands;
using GroupNet.Deployment.Data;
using GroupNet.Deployment.Format;
using GroupNet.Deployment.Model;
using GroupNet.Tests.Reliability;
using GroupNet.Trainer.Training;
using static GroupNet.Tests.Trainer.TrainerTestData;
using static TorchSharp.torch;

namespace GroupNet.Tests.Trainer.Checkpoints;

/// <summary>
/// A checkpoint saved by PyTorch with interop/pytorch's module set (<c>save_checkpoint</c>: state dict plus the model
/// configuration as metadata) is what `groupnet export` takes from a model trained elsewhere: the configuration
/// rebuilds the same model, the weights give PyTorch's eval-mode logits, and export, inspect and infer run on it.
/// Fixture: Trainer/Golden/pytorch-checkpoint-baseline-w1a2.{pt,json}, written by interop/pytorch/make_fixture.py.
/// </summary>
[Collection(ConsoleCollection.Name)]
public sealed class PyTorchCheckpointExportTests : IDisposable
{
    private const string Name = "pytorch-checkpoint-baseline-w1a2";
    private readonly string _dir = TempDirectory("gn-pytorch-export");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string Golden(string file) => Path.Combine(AppContext.BaseDirectory, "Trainer", "Golden", file);

    private static JsonElement Json() => JsonDocument.Parse(File.ReadAllText(Golden(Name + ".json"))).RootElement;

    private static byte[][] Images() => [.. Json().GetProperty("images").EnumerateArray().Select(i => i.EnumerateArray().Select(p => (byte)p.GetInt32()).ToArray())];

    [Fact]
    public void The_configuration_PyTorch_wrote_rebuilds_the_model_and_its_logits_are_PyTorchs()
    {
        var json = Json();
        json.GetProperty("margin").GetDouble().Should().BeGreaterThan(1e-5, "the images keep away from the quantisers' steps");
        using var context = new TrainingContext(seed: 1, threads: 1);
        using var model = ModelCheckpoint.Load(Golden(Name + ".pt"), context);
        model.Config.Describe().Should().Be("tiny baseline K=1 W1A2");

        var images = Images();
        var expected = json.GetProperty("logits").EnumerateArray().Select(r => r.EnumerateArray().Select(e => e.GetDouble()).ToArray()).ToArray();
        using var scope = NewDisposeScope();
        var input = tensor(images.SelectMany(i => i.Select(p => p / 255f)).ToArray(), [images.Length, 1, 28, 28]);
        model.eval();
        float[] logits;
        using (no_grad())
        {
            logits = Floats(model.forward(input));
        }
        for (int n = 0; n < expected.Length; n++)
        {
            for (int c = 0; c < expected[n].Length; c++)
            {
                logits[n * expected[n].Length + c].Should().BeApproximately((float)expected[n][c], 1e-4f, $"image {n} class {c}");
            }
        }
    }

    [Fact]
    public void Groupnet_export_takes_the_PyTorch_checkpoint()
    {
        string data = SyntheticMnistFolder.Write(Path.Combine(_dir, "data"), trainCount: 64, testCount: 16, seed: 9);
        string model = Path.Combine(_dir, "torch.gndm");
        var export = InProcessCli.Run(_dir, "export", Golden(Name + ".pt"), "--data", data, "--calibration", "64", "--name", "torch", "--out", model);
        export.ExitCode.Should().Be(0, export.ToString());
        export.Stdout.Should().StartWith("exported torch: ");

        var deployed = ModelFile.Load(model);
        deployed.Description.Should().Be("Group-Net tiny baseline K=1 W1A2");
        deployed.Layers.Select(l => l.Name).Should().Equal("stem", "g0_b0", "g0_sum", "g1_b0", "g1_sum", "g2_b0", "g2_sum");

        string idx = Path.Combine(_dir, "images.idx");
        var images = Images();
        var bytes = new byte[16 + images.Length * 784];
        BinaryPrimitives.WriteInt32BigEndian(bytes, IdxFile.ImagesMagic);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4), images.Length);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(8), 28);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(12), 28);
        for (int i = 0; i < images.Length; i++)
        {
            images[i].CopyTo(bytes, 16 + i * 784);
        }
        File.WriteAllBytes(idx, bytes);
        var infer = InProcessCli.Run(_dir, "infer", model, "--images", idx);
        infer.ExitCode.Should().Be(0, infer.ToString());
        infer.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Should().HaveCount(images.Length);
    }
}
