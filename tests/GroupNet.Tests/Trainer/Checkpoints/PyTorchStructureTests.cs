using System.Buffers.Binary;
using System.Text.Json;
using System.Text.Json.Serialization;
using FluentAssertions;
using GroupNet.Cli.Commands;
using GroupNet.Deployment.Data;
using GroupNet.Deployment.Format;
using GroupNet.Tests.Reliability;
using GroupNet.Trainer.Models;
using GroupNet.Trainer.Quantization;
using GroupNet.Trainer.Training;
using static GroupNet.Tests.Trainer.TrainerTestData;
using static TorchSharp.torch;

namespace GroupNet.Tests.Trainer.Checkpoints;

/// <summary>
/// interop/pytorch's module set builds every structure and option of the trainer with the trainer's state-dict names.
/// Fixtures in Trainer/Golden, written by interop/pytorch/make_structure_fixtures.py with PyTorch 1.13:
/// <list type="bullet">
/// <item><c>pytorch-structure-names.json</c>: the names and shapes of PyTorch's state dict for every network x structure x
/// activation bits and some weight-bit and first/last variants; each must be exactly the C# model's (no missing, no extra,
/// same shapes);</item>
/// <item><c>pytorch-structure-&lt;name&gt;.pt</c> (save_checkpoint of one seeded model per structure, sampling the plain
/// network, 1- and 4-bit activations, int8 first/last layers and float weights) with its <c>.json</c>: the file's state
/// is the C# model's, loads value for value, gives PyTorch's eval-mode logits to 1e-4, and `groupnet export` (or
/// `export-int8` for the full-precision parent) takes it.</item>
/// </list>
/// </summary>
[Collection(ConsoleCollection.Name)]
public sealed class PyTorchStructureTests : IDisposable
{
    private static readonly JsonSerializerOptions ConfigJson = new() { Converters = { new JsonStringEnumConverter() } };

    private readonly string _dir = TempDirectory("gn-pytorch-structures");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>The checkpoints of make_structure_fixtures.py's FIXTURES.</summary>
    public static TheoryData<string> Fixtures() => new(
        "baseline-w1a1-int8", "layerwise-k2-w1a4", "v1-k2-w1a1", "v2-k2-w1a2-int8", "v3-k2-w1a2", "plain-v2-k1-w1a1", "baseline-w32a32");

    /// <summary>The configurations of pytorch-structure-names.json, by their metadata.</summary>
    public static TheoryData<string> NamedConfigurations() => new(NamesJson().GetProperty("models").EnumerateArray().Select(m => m.GetProperty("metadata").GetString()!));

    private static string Golden(string file) => Path.Combine(AppContext.BaseDirectory, "Trainer", "Golden", file);

    private static JsonElement NamesJson() => JsonDocument.Parse(File.ReadAllText(Golden("pytorch-structure-names.json"))).RootElement;

    private static JsonElement FixtureJson(string name) => JsonDocument.Parse(File.ReadAllText(Golden($"pytorch-structure-{name}.json"))).RootElement;

    private static ModelConfig ConfigOf(string metadata) => JsonSerializer.Deserialize<ModelConfig>(metadata, ConfigJson)!;

    /// <summary>"name 16,1,3,3" lines of a state dict, as the names file writes them.</summary>
    private static List<string> StateLines(IEnumerable<KeyValuePair<string, Tensor>> state) =>
        [.. state.Select(kv => $"{kv.Key} {string.Join(",", kv.Value.shape)}")];

    private static void ShouldBeTheSameState(List<string> actual, List<string> expected, string what)
    {
        var missing = expected.Except(actual).ToList();
        var extra = actual.Except(expected).ToList();
        (missing.Count + extra.Count).Should().Be(0,
            $"{what}: PyTorch has {expected.Count} entries, TorchSharp {actual.Count}; PyTorch only (first 8 of {missing.Count}): "
            + $"{string.Join("; ", missing.Take(8))}; TorchSharp only (first 8 of {extra.Count}): {string.Join("; ", extra.Take(8))}");
        actual.Should().OnlyHaveUniqueItems();
    }

    [Fact]
    public void The_names_file_covers_every_network_structure_and_activation_width()
    {
        var configs = NamesJson().GetProperty("models").EnumerateArray().Select(m => ConfigOf(m.GetProperty("metadata").GetString()!)).ToList();
        var covered = configs.Select(c => (c.Network, c.Structure, c.ActivationBits)).ToHashSet();
        foreach (var network in Enum.GetValues<NetworkKind>())
        {
            foreach (var structure in Enum.GetValues<StructureKind>())
            {
                foreach (int bits in ModelConfig.SupportedActivationBits)
                {
                    covered.Should().Contain((network, structure, bits));
                }
            }
        }
        configs.Should().Contain(c => c.WeightBits == 32).And.Contain(c => c.FirstLast == LayerPrecision.Int8);
        configs.Should().Contain(c => c.Structure != StructureKind.Baseline && c.Bases == 3);
    }

    [Theory]
    [MemberData(nameof(NamedConfigurations))]
    public void PyTorchs_state_names_and_shapes_are_the_trainers(string metadata)
    {
        var entry = NamesJson().GetProperty("models").EnumerateArray().Single(m => m.GetProperty("metadata").GetString() == metadata);
        var expected = entry.GetProperty("state").EnumerateArray().Select(e => e.GetString()!).ToList();
        var config = ConfigOf(metadata);
        config.Describe().Should().Be(entry.GetProperty("describe").GetString());
        using var context = new TrainingContext(seed: 1, threads: 1);
        using var model = ModelFactory.Create(config, context);
        ShouldBeTheSameState(StateLines(model.state_dict()), expected, config.Describe());
    }

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void The_PyTorch_checkpoint_holds_the_trainers_state_and_loads_value_for_value(string name)
    {
        var json = FixtureJson(name);
        var data = Checkpoint.Read(Golden($"pytorch-structure-{name}.pt"));
        data.Metadata.Should().Be(json.GetProperty("metadata").GetString());
        data.Epoch.Should().Be(3);
        using var context = new TrainingContext(seed: 1, threads: 1);
        var config = ModelCheckpoint.ModelConfigOf(data, name);
        config.Describe().Should().Be(json.GetProperty("describe").GetString());
        using var fresh = ModelFactory.Create(config, context);
        ShouldBeTheSameState(StateLines(data.ModelState), StateLines(fresh.state_dict()), name);

        using var model = ModelCheckpoint.Load(Golden($"pytorch-structure-{name}.pt"), context);
        StateDifferences(Snapshot(model), data.ModelState).Should().BeEmpty("every parameter and buffer (statistics, counters, 1-bit scales) loads as PyTorch saved it");
        var signs = model.modules().OfType<SignActivationQuantizer>().Select(s => s.EstimatedScale).ToList();
        var expectedSigns = json.GetProperty("estimated_scales").EnumerateArray().Select(e => (float)e.GetDouble()).ToList();
        signs.Should().Equal(expectedSigns, "the 1-bit quantisers come in the same order, with PyTorch's estimated scales");
        if (config.ActivationBits == 1)
        {
            signs.Should().Contain(s => s > 0f).And.Contain(0f, "the fixture exercises both the estimated and the per-sample scale");
        }
    }

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void The_C_sharp_model_computes_PyTorchs_logits(string name)
    {
        var json = FixtureJson(name);
        json.GetProperty("margin").GetDouble().Should().BeGreaterThan(1e-5, "the images keep away from the quantisers' steps");
        using var context = new TrainingContext(seed: 1, threads: 1);
        using var model = ModelCheckpoint.Load(Golden($"pytorch-structure-{name}.pt"), context);
        using var fresh = ModelFactory.Create(model.Config, context);
        var images = Images(json);
        var expected = json.GetProperty("logits").EnumerateArray().Select(r => r.EnumerateArray().Select(e => (float)e.GetDouble()).ToArray()).ToArray();
        expected.Should().OnlyContain(row => row.Max() - row.Min() > 0.1f, "the logits are not degenerate");

        var logits = Logits(model, images);
        var mismatches = new List<string>();
        for (int n = 0; n < expected.Length; n++)
        {
            for (int c = 0; c < expected[n].Length; c++)
            {
                float actual = logits[n * expected[n].Length + c];
                if (!(Math.Abs(actual - expected[n][c]) <= 1e-4f))
                {
                    mismatches.Add($"image {n} class {c}: {actual} vs PyTorch {expected[n][c]}");
                }
            }
        }
        mismatches.Should().BeEmpty($"{mismatches.Count} logits differ from PyTorch's by more than 1e-4 (first 8: {string.Join("; ", mismatches.Take(8))})");

        // The weights decide the logits: a model of the same configuration without them computes something else.
        var other = Logits(fresh, images);
        other.Zip(logits, (a, b) => Math.Abs(a - b)).Max().Should().BeGreaterThan(1e-2f);
    }

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void The_straight_through_gradients_are_PyTorchs(string name)
    {
        var json = FixtureJson(name);
        using var context = new TrainingContext(seed: 1, threads: 1);
        using var model = ModelCheckpoint.Load(Golden($"pytorch-structure-{name}.pt"), context);
        var images = Images(json);
        var labels = json.GetProperty("labels").EnumerateArray().Select(e => e.GetInt64()).ToArray();
        var expected = json.GetProperty("gradients").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.EnumerateArray().Select(e => e.GetDouble()).ToArray());
        var c = model.Config;
        var actual = new Dictionary<string, double[]>();
        using (var scope = NewDisposeScope())
        {
            // Eval mode with gradients on, as the fixture script: the logits above, through the straight-through estimators.
            model.eval();
            model.zero_grad();
            var input = tensor(images.SelectMany(i => i.Select(p => p / 255f)).ToArray(), [images.Length, c.InputChannels, c.InputHeight, c.InputWidth]);
            nn.functional.cross_entropy(model.forward(input), tensor(labels)).backward();
            foreach (var (parameter, p) in model.named_parameters())
            {
                var g = p.grad!.to(ScalarType.Float64);
                actual[parameter] = [g.sum().item<double>(), g.abs().sum().item<double>()];
            }
        }
        actual.Keys.Should().BeEquivalentTo(expected.Keys);
        expected.Values.Select(v => v[1]).Max().Should().BeGreaterThan(1e-3, "the gradients are not all zero");
        var mismatches = expected
            .Where(kv => kv.Value.Zip(actual[kv.Key], (e, a) => Math.Abs(a - e) <= 1e-5 + 1e-3 * Math.Abs(e)).Any(ok => !ok))
            .Select(kv => $"{kv.Key}: sum {actual[kv.Key][0]:G6} |sum| {actual[kv.Key][1]:G6} vs PyTorch {kv.Value[0]:G6} {kv.Value[1]:G6}")
            .ToList();
        mismatches.Should().BeEmpty($"{mismatches.Count} of {expected.Count} gradients differ from PyTorch's (first 8: {string.Join("; ", mismatches.Take(8))})");
    }

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void Groupnet_export_takes_the_PyTorch_checkpoint(string name)
    {
        var json = FixtureJson(name);
        var config = ConfigOf(json.GetProperty("metadata").GetString()!);
        string checkpoint = Golden($"pytorch-structure-{name}.pt");
        string data = SyntheticMnistFolder.Write(Path.Combine(_dir, "data"), trainCount: 64, testCount: 16, seed: 9);
        string model = Path.Combine(_dir, "torch.gndm");
        if (config.IsFullPrecision)
        {
            var refused = InProcessCli.Run(_dir, "export", checkpoint, "--data", data, "--calibration", "64", "--out", model);
            refused.ExitCode.Should().NotBe(0, refused.ToString());
            refused.Stderr.Should().Contain("activation bits 32");
            var int8 = InProcessCli.Run(_dir, "export-int8", checkpoint, "--data", data, "--calibration", "64", "--name", "torch", "--out", model);
            int8.ExitCode.Should().Be(0, int8.ToString());
            int8.Stdout.Should().StartWith("exported torch: ");
        }
        else
        {
            var export = InProcessCli.Run(_dir, "export", checkpoint, "--data", data, "--calibration", "64", "--name", "torch", "--out", model);
            export.ExitCode.Should().Be(0, export.ToString());
            export.Stdout.Should().StartWith("exported torch: ");
            ModelFile.Load(model).Description.Should().Be($"Group-Net {config.Describe()}");
        }

        string idx = Path.Combine(_dir, "images.idx");
        var images = Images(json);
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

    private static byte[][] Images(JsonElement json) =>
        [.. json.GetProperty("images").EnumerateArray().Select(i => i.EnumerateArray().Select(p => (byte)p.GetInt32()).ToArray())];

    private static float[] Logits(GroupNetModel model, byte[][] images)
    {
        using var scope = NewDisposeScope();
        var c = model.Config;
        var input = tensor(images.SelectMany(i => i.Select(p => p / 255f)).ToArray(), [images.Length, c.InputChannels, c.InputHeight, c.InputWidth]);
        model.eval();
        using (no_grad())
        {
            return Floats(model.forward(input));
        }
    }
}
