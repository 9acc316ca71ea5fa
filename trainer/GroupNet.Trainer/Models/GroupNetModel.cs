using GroupNet.Trainer.Modules;
using GroupNet.Trainer.Ops;
using GroupNet.Trainer.Tensors;

namespace GroupNet.Trainer.Models;

/// <summary>
/// Every structure of <see cref="ModelConfig"/> on every <see cref="NetworkLayout"/>:
/// Stem (3x3, float or fake-int8) - StemBn - ReLU, the body, global average pooling, Classifier (float or fake-int8
/// Linear with bias, no nonlinearity before it). The body is
/// <list type="bullet">
/// <item>Baseline / V1: one <see cref="BaseGroup"/> per block, K bases each (a <see cref="ResidualBlock"/> or <see cref="PlainBlock"/>);</item>
/// <item>Layerwise: one base per block whose convolutions are <see cref="LayerwiseConv2d"/> with K branches;</item>
/// <item>V2: one group per two consecutive blocks, each base a <see cref="BlockChain"/> of both;</item>
/// <item>V3: K <see cref="Trunk"/>s (one-base groups), outputs summed with TrunkScales before pooling.</item>
/// </list>
/// For (tiny, v1 or baseline, float first/last) member names and the seeded initialisation equal <see cref="GroupNetV1"/>'s,
/// which <see cref="ModelFactory"/> builds in that case so the integer exporter keeps working.
/// </summary>
public sealed class GroupNetModel : Module
{
    /// <summary>Builds the model; weights are drawn from the context's generator.</summary>
    public GroupNetModel(TrainingContext context, ModelConfig config)
        : base(context)
    {
        config.Validate();
        Config = config;
        Layout = NetworkLayout.Of(config.Network);
        int stem = Layout.StemChannels;
        Stem = RegisterModule("Stem", config.FirstLast == LayerPrecision.Int8
            ? new Int8Conv2d(context, config.InputChannels, stem, 3, 1, 1)
            : new Conv2d(context, config.InputChannels, stem, 3, 1, 1));
        StemBn = RegisterModule("StemBn", new BatchNorm2d(context, stem));
        if (config.Structure == StructureKind.V3)
        {
            Trunks = RegisterModule("Trunks", new ModuleList<Trunk>(context,
                Enumerable.Range(0, config.Bases).Select(_ => new Trunk(context, BuildGroups(context, config, Layout, StructureKind.Baseline))).ToList()));
            var s = new float[config.Bases];
            Array.Fill(s, 1f / config.Bases);
            TrunkScales = RegisterParameter("TrunkScales", new Parameter(s, config.Bases));
        }
        else
        {
            Groups = RegisterModule("Groups", new ModuleList<BaseGroup>(context, BuildGroups(context, config, Layout, config.Structure)));
        }
        int features = Layout.FeatureChannels;
        Classifier = RegisterModule<Module>("Classifier", config.FirstLast == LayerPrecision.Int8
            ? new Int8Linear(context, features, config.NumClasses)
            : new Linear(context, features, config.NumClasses));
    }

    /// <summary>The configuration.</summary>
    public ModelConfig Config { get; }

    /// <summary>The backbone's channel plan.</summary>
    public NetworkLayout Layout { get; }

    /// <summary>First layer (float or fake-int8).</summary>
    public Conv2d Stem { get; }

    /// <summary>BN after the stem (followed by ReLU).</summary>
    public BatchNorm2d StemBn { get; }

    /// <summary>The groups (every structure but V3).</summary>
    public ModuleList<BaseGroup>? Groups { get; }

    /// <summary>The K whole binary bodies (V3 only).</summary>
    public ModuleList<Trunk>? Trunks { get; }

    /// <summary>lambda_k of the V3 bodies (V3 only).</summary>
    public Parameter? TrunkScales { get; }

    /// <summary>Last layer: <see cref="Linear"/> or <see cref="Int8Linear"/>.</summary>
    public Module Classifier { get; }

    /// <summary>Pooled features [N, C] before the classifier.</summary>
    public Tensor ForwardFeatures(Tensor input)
    {
        var x = Functional.Relu(Context, StemBn.Forward(Stem.Forward(input)));
        if (Trunks is not null)
        {
            var outputs = new Tensor[Trunks.Count];
            for (int k = 0; k < outputs.Length; k++)
            {
                outputs[k] = Trunks[k].Forward(x);
            }
            x = Functional.WeightedSum(Context, TrunkScales!, outputs);
        }
        else
        {
            foreach (var g in Groups!)
            {
                x = g.Forward(x);
            }
        }
        return Functional.GlobalAvgPool2d(Context, x);
    }

    /// <summary>Logits [N, classes].</summary>
    public override Tensor Forward(Tensor input) => Classifier.Forward(ForwardFeatures(input));

    private static List<BaseGroup> BuildGroups(TrainingContext context, ModelConfig config, NetworkLayout layout, StructureKind structure)
    {
        int bits = config.ActivationBits;
        ConvFactory single = (cin, cout, k, s, p) => config.WeightBits == 1
            ? new BinaryConv2d(context, cin, cout, k, s, p)
            : new Conv2d(context, cin, cout, k, s, p);
        ConvFactory conv = structure == StructureKind.Layerwise
            ? (cin, cout, k, s, p) => new LayerwiseConv2d(context, config.Bases, () => (Conv2d)single(cin, cout, k, s, p))
            : single;
        Module Block(int cin, int cout, int stride) => layout.Residual
            ? new ResidualBlock(context, cin, cout, stride, bits, conv)
            : new PlainBlock(context, cin, cout, stride, bits, conv);

        var inputs = new List<int>();
        int c = layout.StemChannels;
        foreach (var (cout, _) in layout.Blocks)
        {
            inputs.Add(c);
            c = cout;
        }
        var groups = new List<BaseGroup>();
        int perGroup = structure == StructureKind.V2 ? 2 : 1;
        int bases = structure is StructureKind.V1 or StructureKind.V2 ? config.Bases : 1;
        for (int start = 0; start < layout.Blocks.Count; start += perGroup)
        {
            int end = Math.Min(start + perGroup, layout.Blocks.Count);
            int first = start;
            groups.Add(new BaseGroup(context, inputs[start], bases, bits, () =>
            {
                if (perGroup == 1)
                {
                    return Block(inputs[first], layout.Blocks[first].OutChannels, layout.Blocks[first].Stride);
                }
                var blocks = Enumerable.Range(first, end - first)
                    .Select(j => Block(inputs[j], layout.Blocks[j].OutChannels, layout.Blocks[j].Stride)).ToList();
                return new BlockChain(context, blocks, inputs.GetRange(first, end - first), bits);
            }));
        }
        return groups;
    }
}
