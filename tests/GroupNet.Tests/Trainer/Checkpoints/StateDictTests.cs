using System.Collections;
using System.Text.RegularExpressions;
using FluentAssertions;
using GroupNet.Trainer.Models;
using GroupNet.Trainer.Quantization;
using GroupNet.Trainer.Training;
using TorchSharp.Modules;
using TorchSharp.PyBridge;
using static GroupNet.Tests.Trainer.TrainerTestData;
using static TorchSharp.torch;

namespace GroupNet.Tests.Trainer.Checkpoints;

/// <summary>
/// The state dict is the contract with PyTorch and the exporter: PyTorch-style names, chosen once. Every structure's
/// state round-trips through <see cref="Checkpoint"/> exactly; a plain state dict (what
/// <c>torch.save(model.state_dict())</c> writes: a pickled dict of tensors only) loads; a state dict that does not fit
/// the model is refused with an <see cref="InvalidDataException"/> naming the file and the entry.
/// </summary>
public partial class StateDictTests : IDisposable
{
    private readonly string _dir = TempDirectory("gn-state");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>(network, structure, K, activation bits, first/last, names that must exist, names that must not).</summary>
    public static TheoryData<NetworkKind, StructureKind, int, int, LayerPrecision, string[], string[]> Structures() => new()
    {
        {
            NetworkKind.Tiny, StructureKind.Baseline, 1, 2, LayerPrecision.Float32,
            ["stem.weight", "stem_bn.weight", "stem_bn.bias", "stem_bn.running_mean", "stem_bn.running_var", "stem_bn.num_batches_tracked",
             "groups.0.input_bn.weight", "groups.0.bases.0.conv1.weight", "groups.0.bases.0.bn1.running_var", "groups.0.bases.0.conv2.weight",
             "groups.0.scales", "groups.1.bases.0.shortcut_conv.weight", "groups.1.bases.0.shortcut_bn.running_mean", "groups.2.bases.0.bn2.bias",
             "classifier.weight", "classifier.bias"],
            ["groups.0.bases.0.shortcut_conv.weight", "groups.0.bases.1.conv1.weight", "groups.3.input_bn.weight"]
        },
        {
            NetworkKind.Tiny, StructureKind.V1, 2, 2, LayerPrecision.Float32,
            ["groups.0.bases.1.conv1.weight", "groups.1.bases.1.shortcut_conv.weight", "groups.2.bases.1.shortcut_bn.num_batches_tracked",
             "groups.2.scales", "classifier.bias"],
            ["groups.0.bases.2.conv1.weight", "groups.0.input_quant.sign.estimated_scale"]
        },
        {
            NetworkKind.Tiny, StructureKind.V1, 2, 1, LayerPrecision.Int8,
            ["stem.weight", "classifier.weight", "groups.0.input_quant.sign.estimated_scale", "groups.1.bases.1.quant1.sign.estimated_scale"],
            []
        },
        {
            NetworkKind.Tiny, StructureKind.Layerwise, 2, 2, LayerPrecision.Float32,
            ["groups.0.bases.0.conv1.branches.0.weight", "groups.0.bases.0.conv1.branches.1.weight", "groups.0.bases.0.conv1.scales",
             "groups.1.bases.0.shortcut_conv.branches.1.weight", "groups.1.bases.0.shortcut_conv.scales", "groups.2.scales"],
            ["groups.0.bases.1.conv1.branches.0.weight", "groups.0.bases.0.conv1.weight"]
        },
        {
            NetworkKind.Tiny, StructureKind.V2, 2, 1, LayerPrecision.Float32,
            ["groups.0.bases.1.blocks.0.conv1.weight", "groups.0.bases.1.blocks.1.conv2.weight", "groups.0.bases.0.norms.0.running_mean",
             "groups.0.bases.1.quants.0.sign.estimated_scale", "groups.1.bases.1.blocks.0.shortcut_conv.weight", "groups.0.scales"],
            ["groups.2.input_bn.weight", "groups.1.bases.0.norms.0.weight"]
        },
        {
            NetworkKind.Tiny, StructureKind.V3, 2, 4, LayerPrecision.Float32,
            ["trunks.0.groups.0.input_bn.running_var", "trunks.1.groups.2.bases.0.conv2.weight", "trunks.1.groups.1.bases.0.shortcut_bn.weight",
             "trunks.0.groups.0.scales", "trunk_scales", "stem.weight", "classifier.weight"],
            ["groups.0.input_bn.weight", "trunks.0.groups.0.bases.1.conv1.weight"]
        },
        {
            NetworkKind.Plain, StructureKind.V1, 3, 2, LayerPrecision.Float32,
            ["groups.2.bases.2.conv1.weight", "groups.1.bases.0.bn2.running_var"],
            ["groups.1.bases.0.shortcut_conv.weight"]
        },
        {
            NetworkKind.Small, StructureKind.Baseline, 1, 32, LayerPrecision.Float32,
            ["groups.2.bases.0.shortcut_conv.weight", "classifier.weight"],
            []
        },
    };

    [GeneratedRegex(@"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$")]
    private static partial Regex PyTorchName();

    /// <summary>Gives every buffer a value other than its initial one, so a round trip that dropped a buffer shows.</summary>
    private static void RandomiseBuffers(nn.Module model, int seed)
    {
        var random = new Random(seed);
        using var noGrad = no_grad();
        foreach (var bn in model.modules().OfType<BatchNorm2d>())
        {
            long c = bn.num_features;
            bn.running_mean!.copy_(tensor(UniformValues(random, -1, 1, (int)c)));
            bn.running_var!.copy_(tensor(UniformValues(random, 0.5f, 2, (int)c)));
            bn.num_batches_tracked!.fill_(random.Next(1, 1000));
        }
        foreach (var sign in model.modules().OfType<SignActivationQuantizer>())
        {
            sign.EstimatedScale = 0.1f + (float)random.NextDouble();
        }
    }

    [Theory]
    [MemberData(nameof(Structures))]
    public void Every_structure_round_trips_through_a_checkpoint_with_PyTorch_names(NetworkKind network, StructureKind structure, int k, int bits,
        LayerPrecision firstLast, string[] present, string[] absent)
    {
        var config = new ModelConfig(network, structure, k, bits == 32 ? 32 : 1, bits, firstLast, Classes, 1, Side, Side);
        using var source = ModelFactory.Create(config, new TrainingContext(seed: 3, threads: 1));
        RandomiseBuffers(source, 3);
        var expected = Snapshot(source);
        expected.Keys.Should().Contain(present);
        if (absent.Length > 0)
        {
            expected.Keys.Should().NotContain(absent);
        }
        expected.Keys.Where(n => !PyTorchName().IsMatch(n)).Should().BeEmpty("state-dict names are PyTorch style: lower case, dots and underscores");
        if (structure != StructureKind.V3)
        {
            expected[structure == StructureKind.V2 ? "groups.1.scales" : "groups.0.scales"].shape.Should().Equal([(long)(structure is StructureKind.V1 or StructureKind.V2 ? k : 1)]);
        }

        var path = Path.Combine(_dir, $"{structure}.ckpt");
        Checkpoint.Save(path, source, null, 4, ModelConfigJson(config));
        var data = Checkpoint.Read(path);
        data.Epoch.Should().Be(4);
        data.ModelState.Keys.Should().BeEquivalentTo(expected.Keys);
        var read = StateDifferences(data.ModelState, expected);
        read.Should().BeEmpty("the file holds every tensor exactly:\n" + string.Join("\n", read));

        using var target = ModelFactory.Create(config, new TrainingContext(seed: 4, threads: 1));
        StateDifferences(Snapshot(target), expected).Should().NotBeEmpty("another seed starts elsewhere");
        Checkpoint.Load(path, target, null);
        var loaded = StateDifferences(Snapshot(target), expected);
        loaded.Should().BeEmpty("loading restores every tensor exactly:\n" + string.Join("\n", loaded));
        target.modules().OfType<SignActivationQuantizer>().Select(s => s.EstimatedScale)
            .Should().Equal(source.modules().OfType<SignActivationQuantizer>().Select(s => s.EstimatedScale));
    }

    private static string ModelConfigJson(ModelConfig config) => GroupNet.Cli.Commands.ModelCheckpoint.Metadata(config);

    /// <summary>What <c>torch.save(model.state_dict(), path)</c> writes: the pickled name -&gt; tensor dict, nothing else.</summary>
    private string WritePlainStateDict(IEnumerable<KeyValuePair<string, Tensor>> entries, string name)
    {
        var table = new Hashtable();
        foreach (var (key, value) in entries)
        {
            table[key] = value;
        }
        var path = Path.Combine(_dir, name);
        PyTorchPickler.PickleStateDict(path, table);
        return path;
    }

    [Fact]
    public void A_plain_PyTorch_state_dict_reads_and_loads()
    {
        var config = Config(2, 1);
        using var source = ModelFactory.Create(config, new TrainingContext(seed: 5, threads: 1));
        RandomiseBuffers(source, 5);
        var expected = Snapshot(source);
        var path = WritePlainStateDict(expected, "plain.pt");

        var data = Checkpoint.Read(path);
        data.Epoch.Should().Be(0);
        data.Metadata.Should().BeEmpty();
        data.OptimizerState.Should().BeNull();
        data.GeneratorState.Should().BeNull();
        StateDifferences(data.ModelState, expected).Should().BeEmpty();

        using var target = ModelFactory.Create(config, new TrainingContext(seed: 6, threads: 1));
        Checkpoint.LoadModelState(path, target, data.ModelState);
        var diff = StateDifferences(Snapshot(target), expected);
        diff.Should().BeEmpty(string.Join("\n", diff));
        FluentActions.Invoking(() => GroupNet.Cli.Commands.ModelCheckpoint.ModelConfigOf(data, path))
            .Should().Throw<InvalidDataException>().WithMessage($"{path}*no model configuration*");
    }

    [Fact]
    public void A_state_dict_with_a_wrong_shape_is_refused_naming_the_entry()
    {
        using var model = ModelFactory.Create(Config(2, 2), new TrainingContext(seed: 5, threads: 1));
        var state = Snapshot(model);
        state["groups.1.bases.0.conv2.weight"] = zeros(32, 32, 3, 1);
        var path = WritePlainStateDict(state, "shape.pt");
        var before = Snapshot(model);
        FluentActions.Invoking(() => Checkpoint.Load(path, model, null)).Should().Throw<InvalidDataException>()
            .WithMessage($"{path}*groups.1.bases.0.conv2.weight*[32, 32, 3, 1]*[32, 32, 3, 3]*");
        StateDifferences(Snapshot(model), before).Should().BeEmpty("a refused state dict changes nothing");
    }

    [Fact]
    public void A_state_dict_with_a_missing_or_an_unexpected_name_is_refused_naming_the_entry()
    {
        using var model = ModelFactory.Create(Config(2, 1), new TrainingContext(seed: 5, threads: 1));
        var state = Snapshot(model);
        var missing = state.Where(e => e.Key != "groups.1.bases.0.conv1.weight");
        var path = WritePlainStateDict(missing, "missing.pt");
        FluentActions.Invoking(() => Checkpoint.LoadModelState(path, model, Checkpoint.Read(path).ModelState)).Should().Throw<InvalidDataException>()
            .WithMessage($"{path}*missing groups.1.bases.0.conv1.weight*");

        // A state dict without the sign quantisers' estimated scales (as an older writer would have produced) is refused too:
        // nine are missing, five are named.
        var unscaled = state.Where(e => !e.Key.EndsWith(".estimated_scale", StringComparison.Ordinal));
        path = WritePlainStateDict(unscaled, "unscaled.pt");
        FluentActions.Invoking(() => Checkpoint.Load(path, model, null)).Should().Throw<InvalidDataException>()
            .WithMessage($"{path}*missing *.sign.estimated_scale*(+4 more)*");

        var extra = state.Append(new KeyValuePair<string, Tensor>("groups.3.scales", ones(2)));
        path = WritePlainStateDict(extra, "extra.pt");
        FluentActions.Invoking(() => Checkpoint.Load(path, model, null)).Should().Throw<InvalidDataException>()
            .WithMessage($"{path}*unexpected groups.3.scales*");

        var renamed = state.Select(e => e.Key == "stem.weight" ? new KeyValuePair<string, Tensor>("Stem.Weight", e.Value) : e);
        path = WritePlainStateDict(renamed, "renamed.pt");
        FluentActions.Invoking(() => Checkpoint.Load(path, model, null)).Should().Throw<InvalidDataException>()
            .WithMessage($"{path}*missing stem.weight*unexpected Stem.Weight*");
    }

    [Fact]
    public void A_file_that_is_no_checkpoint_is_refused_naming_the_file()
    {
        // A new name for every file: Checkpoint.Read leaves a refused file open (see the report), and PyBridge's writer
        // opens its target exclusively.
        var garbage = Path.Combine(_dir, "garbage.pt");
        File.WriteAllBytes(garbage, [.. "GNCKPT01"u8, 1, 2, 3]);
        FluentActions.Invoking(() => Checkpoint.Read(garbage)).Should().Throw<InvalidDataException>().WithMessage($"{garbage}*");

        var foreign = Path.Combine(_dir, "foreign.pt");
        PyTorchPickler.PickleStateDict(foreign, new Hashtable { ["format"] = "groupnet-checkpoint-9", ["model"] = new Hashtable(), ["epoch"] = 1 });
        FluentActions.Invoking(() => Checkpoint.Read(foreign)).Should().Throw<InvalidDataException>().WithMessage($"{foreign}*groupnet-checkpoint-9*");

        var negative = Path.Combine(_dir, "negative.pt");
        PyTorchPickler.PickleStateDict(negative, new Hashtable { ["format"] = Checkpoint.Format, ["model"] = new Hashtable(), ["epoch"] = -1 });
        FluentActions.Invoking(() => Checkpoint.Read(negative)).Should().Throw<InvalidDataException>().WithMessage($"{negative}*negative epoch*");

        var noModel = Path.Combine(_dir, "no-model.pt");
        PyTorchPickler.PickleStateDict(noModel, new Hashtable { ["format"] = Checkpoint.Format, ["epoch"] = 1 });
        FluentActions.Invoking(() => Checkpoint.Read(noModel)).Should().Throw<InvalidDataException>().WithMessage($"{noModel}*no model state*");

        var notTensors = Path.Combine(_dir, "strings.pt");
        PyTorchPickler.PickleStateDict(notTensors, new Hashtable { ["stem.weight"] = "a string" });
        FluentActions.Invoking(() => Checkpoint.Read(notTensors)).Should().Throw<InvalidDataException>().WithMessage($"{notTensors}*stem.weight*not a named tensor*");
        FluentActions.Invoking(() => Checkpoint.Read(Path.Combine(_dir, "none.pt"))).Should().Throw<FileNotFoundException>();
    }
}
