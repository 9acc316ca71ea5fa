using GroupNet.Trainer.Modules;
using GroupNet.Trainer.Ops;
using GroupNet.Trainer.Tensors;

namespace GroupNet.Trainer.Models;

/// <summary>
/// The tiny residual Group-Net v1 for 28x28 inputs:
/// Stem (3x3 conv 1->16) - StemBn - ReLU, three <see cref="GroupBlock"/>s (16 s1, 32 s2, 64 s2), global
/// average pooling and a Linear classifier (no nonlinearity before it). Stem and classifier stay full
/// precision. Input pixels are p / 255 (no mean subtraction), NCHW.
/// </summary>
public sealed class GroupNetV1 : Module
{
    /// <summary>Builds the network; weights are drawn from the context's generator.</summary>
    public GroupNetV1(TrainingContext context, GroupNetV1Config config)
        : base(context)
    {
        config.Validate();
        Config = config;
        Stem = RegisterModule("Stem", new Conv2d(context, config.InputChannels, GroupNetV1Config.StemChannels, 3, 1, 1));
        StemBn = RegisterModule("StemBn", new BatchNorm2d(context, GroupNetV1Config.StemChannels));
        var groups = new List<GroupBlock>();
        int cin = GroupNetV1Config.StemChannels;
        foreach (var (cout, stride) in GroupNetV1Config.GroupLayout)
        {
            groups.Add(new GroupBlock(context, cin, cout, stride, config.Bases, config.ActivationBits, !config.IsFullPrecision));
            cin = cout;
        }
        Groups = RegisterModule("Groups", new ModuleList<GroupBlock>(context, groups));
        Classifier = RegisterModule("Classifier", new Linear(context, cin, config.NumClasses));
    }

    /// <summary>The configuration.</summary>
    public GroupNetV1Config Config { get; }

    /// <summary>Full-precision 3x3 stem convolution.</summary>
    public Conv2d Stem { get; }

    /// <summary>BN after the stem (followed by ReLU).</summary>
    public BatchNorm2d StemBn { get; }

    /// <summary>The three groups.</summary>
    public ModuleList<GroupBlock> Groups { get; }

    /// <summary>Linear(64 -> classes) with bias.</summary>
    public Linear Classifier { get; }

    /// <summary>Pooled features [N, 64] before the classifier.</summary>
    public Tensor ForwardFeatures(Tensor input)
    {
        var x = Functional.Relu(Context, StemBn.Forward(Stem.Forward(input)));
        foreach (var g in Groups)
        {
            x = g.Forward(x);
        }
        return Functional.GlobalAvgPool2d(Context, x);
    }

    /// <summary>Logits [N, classes].</summary>
    public override Tensor Forward(Tensor input) => Classifier.Forward(ForwardFeatures(input));
}
