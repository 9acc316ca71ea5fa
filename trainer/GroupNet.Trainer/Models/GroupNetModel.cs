using GroupNet.Trainer.Modules;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using Conv2d = GroupNet.Trainer.Modules.Conv2d;
using Linear = GroupNet.Trainer.Modules.Linear;

namespace GroupNet.Trainer.Models;

/// <summary>
/// Every structure of <see cref="ModelConfig"/> on every <see cref="NetworkLayout"/>, built once:
/// <c>stem</c> (3x3, float or fake-int8) - <c>stem_bn</c> - ReLU, the body, global average pooling, <c>classifier</c>
/// (float or fake-int8 linear with bias, no nonlinearity before it). The body is
/// <list type="bullet">
/// <item>Baseline / V1: <c>groups</c>, one <see cref="BaseGroup"/> per block, K bases each (a <see cref="ResidualBlock"/> or <see cref="PlainBlock"/>);</item>
/// <item>Layerwise: one base per block whose convolutions are <see cref="LayerwiseConv2d"/> with K branches;</item>
/// <item>V2: one group per two consecutive blocks, each base a <see cref="BlockChain"/> of both;</item>
/// <item>V3: <c>trunks</c>, K <see cref="Trunk"/>s (one-base groups), outputs summed with <c>trunk_scales</c> before pooling.</item>
/// </list>
/// The state dict's names (e.g. <c>groups.1.bases.0.conv1.weight</c>, <c>stem_bn.running_var</c>) are the contract with
/// PyTorch and the exporter: a PyTorch module with the same names loads the same checkpoint.
/// </summary>
public sealed class GroupNetModel : nn.Module<Tensor, Tensor>
{
    private readonly Conv2d stem;
    private readonly BatchNorm2d stem_bn;
    private readonly ModuleList<BaseGroup>? groups;
    private readonly ModuleList<Trunk>? trunks;
    private readonly Parameter? trunk_scales;
    private readonly Linear classifier;

    /// <summary>Builds the model; weights are drawn from <paramref name="generator"/> (LibTorch's default one when null).</summary>
    public GroupNetModel(ModelConfig config, Generator? generator = null)
        : base(nameof(GroupNetModel))
    {
        config.Validate();
        Config = config;
        Layout = NetworkLayout.Of(config.Network);
        int stemChannels = Layout.StemChannels;
        stem = config.FirstLast == LayerPrecision.Int8
            ? new Int8Conv2d(config.InputChannels, stemChannels, 3, 1, 1, generator)
            : new Conv2d(config.InputChannels, stemChannels, 3, 1, 1, generator);
        stem_bn = nn.BatchNorm2d(stemChannels);
        register_module(nameof(stem), stem);
        register_module(nameof(stem_bn), stem_bn);
        if (config.Structure == StructureKind.V3)
        {
            trunks = new ModuleList<Trunk>(Enumerable.Range(0, config.Bases)
                .Select(_ => new Trunk(BuildGroups(config, Layout, StructureKind.Baseline, generator))).ToArray());
            trunk_scales = new Parameter(full(config.Bases, 1f / config.Bases));
            register_module(nameof(trunks), trunks);
            register_parameter(nameof(trunk_scales), trunk_scales);
        }
        else
        {
            groups = new ModuleList<BaseGroup>(BuildGroups(config, Layout, config.Structure, generator).ToArray());
            register_module(nameof(groups), groups);
        }
        int features = Layout.FeatureChannels;
        classifier = config.FirstLast == LayerPrecision.Int8
            ? new Int8Linear(features, config.NumClasses, generator)
            : new Linear(features, config.NumClasses, generator);
        register_module(nameof(classifier), classifier);
    }

    /// <summary>The configuration.</summary>
    public ModelConfig Config { get; }

    /// <summary>The backbone's channel plan.</summary>
    public NetworkLayout Layout { get; }

    /// <summary>First layer (float or fake-int8).</summary>
    public Conv2d Stem => stem;

    /// <summary>BN after the stem (followed by ReLU).</summary>
    public BatchNorm2d StemBn => stem_bn;

    /// <summary>The groups (every structure but V3).</summary>
    public IReadOnlyList<BaseGroup>? Groups => groups?.AsReadOnly();

    /// <summary>The K whole binary bodies (V3 only).</summary>
    public IReadOnlyList<Trunk>? Trunks => trunks?.AsReadOnly();

    /// <summary>lambda_k of the V3 bodies (V3 only).</summary>
    public Parameter? TrunkScales => trunk_scales;

    /// <summary>Last layer: <see cref="Linear"/> or <see cref="Int8Linear"/>.</summary>
    public Linear Classifier => classifier;

    /// <summary>Pooled features [N, C] before the classifier.</summary>
    public Tensor ForwardFeatures(Tensor input)
    {
        using var scope = NewDisposeScope();
        var x = nn.functional.relu(BatchNormForward.Of(stem_bn, stem.forward(input)));
        if (trunks is not null)
        {
            x = WeightedSum.Of(trunk_scales!, trunks.Select(t => t.forward(x)));
        }
        else
        {
            foreach (var g in groups!)
            {
                x = g.forward(x);
            }
        }
        return x.mean([2, 3]).MoveToOuterDisposeScope();
    }

    /// <summary>Logits [N, classes].</summary>
    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        return classifier.forward(ForwardFeatures(input)).MoveToOuterDisposeScope();
    }

    private static List<BaseGroup> BuildGroups(ModelConfig config, NetworkLayout layout, StructureKind structure, Generator? generator)
    {
        int bits = config.ActivationBits;
        ConvFactory single = (cin, cout, k, s, p) => config.WeightBits == 1
            ? new BinaryConv2d(cin, cout, k, s, p, generator)
            : new Conv2d(cin, cout, k, s, p, generator);
        ConvFactory conv = structure == StructureKind.Layerwise
            ? (cin, cout, k, s, p) => new LayerwiseConv2d(config.Bases, () => (Conv2d)single(cin, cout, k, s, p))
            : single;
        nn.Module<Tensor, Tensor> Block(int cin, int cout, int stride) => layout.Residual
            ? new ResidualBlock(cin, cout, stride, bits, conv)
            : new PlainBlock(cin, cout, stride, bits, conv);

        var inputs = new List<int>();
        int c = layout.StemChannels;
        foreach (var (cout, _) in layout.Blocks)
        {
            inputs.Add(c);
            c = cout;
        }
        var result = new List<BaseGroup>();
        int perGroup = structure == StructureKind.V2 ? 2 : 1;
        int bases = structure is StructureKind.V1 or StructureKind.V2 ? config.Bases : 1;
        for (int start = 0; start < layout.Blocks.Count; start += perGroup)
        {
            int end = Math.Min(start + perGroup, layout.Blocks.Count);
            int first = start;
            result.Add(new BaseGroup(inputs[start], bases, bits, () =>
            {
                if (perGroup == 1)
                {
                    return Block(inputs[first], layout.Blocks[first].OutChannels, layout.Blocks[first].Stride);
                }
                var chained = Enumerable.Range(first, end - first)
                    .Select(j => Block(inputs[j], layout.Blocks[j].OutChannels, layout.Blocks[j].Stride)).ToList();
                return new BlockChain(chained, inputs.GetRange(first, end - first), bits);
            }));
        }
        return result;
    }
}
