using GroupNet.Trainer.Models;
using GroupNet.Trainer.Modules;
using TorchSharp.Modules;
using static TorchSharp.torch;
using Conv2d = GroupNet.Trainer.Modules.Conv2d;
using Linear = GroupNet.Trainer.Modules.Linear;

namespace GroupNet.Trainer.Export;

/// <summary>
/// Reads the int8 exporter's plain description out of a trained full-precision parent: a K = 1 residual
/// <see cref="GroupNetModel"/> (baseline or v1 structure) with float first and last layers.
/// </summary>
public static class ParentParams
{
    public static GroupNetParams From(GroupNetModel model)
    {
        var config = model.Config;
        var classifier = model.Classifier;
        if (config.WeightBits != 32)
        {
            throw new ExportException($"the int8 exporter takes a full-precision parent (weight bits 32); this model is {config.Describe()}, "
                + "whose binary weights have their own integer program (groupnet export)");
        }
        if (model.Groups is null || model.Stem is Int8Conv2d || classifier is Int8Linear)
        {
            throw new ExportException($"the int8 exporter takes a residual parent with float first and last layers and one base per group; this model is {config.Describe()}");
        }
        return new GroupNetParams(
            config.InputHeight,
            config.InputWidth,
            config.InputChannels,
            config.ActivationBits,
            Conv(model.Stem),
            Bn(model.StemBn),
            model.Groups.Select(g => new GroupParams(
                Bn(g.InputBn),
                g.Bases.Select(b => b is ResidualBlock r
                    ? new BaseParams(
                        Conv(r.Conv1),
                        Bn(r.Bn1),
                        Conv(r.Conv2),
                        Bn(r.Bn2),
                        r.ShortcutConv is null ? null : Conv(r.ShortcutConv),
                        r.ShortcutBn is null ? null : Bn(r.ShortcutBn))
                    : throw new ExportException($"the int8 exporter takes residual blocks; this model's bases are {b.GetType().Name}")).ToArray(),
                TensorValues.Floats(g.Scales))).ToArray(),
            TensorValues.Floats(classifier.Weight),
            TensorValues.Floats(classifier.Bias),
            config.NumClasses);
    }

    private static ConvParams Conv(nn.Module module) => module is Conv2d conv
        ? new(TensorValues.Floats(conv.Weight), conv.OutChannels, conv.InChannels, conv.KernelSize, conv.Stride, conv.Padding)
        : throw new ExportException($"the int8 exporter takes float convolutions; found {module.GetType().Name}");

    private static BatchNormParams Bn(BatchNorm2d bn) =>
        new(TensorValues.Floats(bn.weight!), TensorValues.Floats(bn.bias!), TensorValues.Floats(bn.running_mean!), TensorValues.Floats(bn.running_var!), (float)bn.eps);
}
