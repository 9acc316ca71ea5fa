using GroupNet.Trainer.Models;
using GroupNet.Trainer.Modules;

namespace GroupNet.Trainer.Export;

/// <summary>Reads the exporter's plain description out of a trained <see cref="GroupNetV1"/>.</summary>
public static class GroupNetV1Params
{
    public static GroupNetParams From(GroupNetV1 model)
    {
        var config = model.Config;
        return new GroupNetParams(
            config.InputHeight,
            config.InputWidth,
            config.InputChannels,
            config.ActivationBits,
            Conv(model.Stem),
            Bn(model.StemBn),
            model.Groups.Select(g => new GroupParams(
                Bn(g.InputBn),
                g.Bases.Select(b => new BaseParams(
                    Conv(b.Conv1),
                    Bn(b.Bn1),
                    Conv(b.Conv2),
                    Bn(b.Bn2),
                    b.ShortcutConv is null ? null : Conv(b.ShortcutConv),
                    b.ShortcutBn is null ? null : Bn(b.ShortcutBn))).ToArray(),
                (float[])g.Scales.Data.Clone())).ToArray(),
            (float[])model.Classifier.Weight.Data.Clone(),
            model.Classifier.Bias is { } bias ? (float[])bias.Data.Clone() : new float[model.Classifier.OutFeatures],
            config.NumClasses);
    }

    private static ConvParams Conv(Conv2d conv) =>
        new((float[])conv.Weight.Data.Clone(), conv.OutChannels, conv.InChannels, conv.KernelSize, conv.Stride, conv.Padding);

    private static BatchNormParams Bn(BatchNorm2d bn) =>
        new((float[])bn.Weight.Data.Clone(), (float[])bn.Bias.Data.Clone(), (float[])bn.RunningMean.Data.Clone(), (float[])bn.RunningVar.Data.Clone(), bn.Eps);
}
