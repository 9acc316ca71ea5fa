using GroupNet.Trainer.Modules;
using GroupNet.Trainer.Ops;
using GroupNet.Trainer.Quantization;
using GroupNet.Trainer.Tensors;

namespace GroupNet.Trainer.Models;

/// <summary>
/// One binary base of a group: f = Bn2(Conv2(Quant1(Bn1(Conv1(q0))))) + shortcut(q0), where shortcut is the
/// identity when channels and resolution match and ShortcutBn(ShortcutConv(q0)) (1x1, stride s) otherwise.
/// Convolutions are <see cref="BinaryConv2d"/>, or plain <see cref="Conv2d"/> in the full-precision parent.
/// </summary>
public sealed class BinaryBasicBlock : Module
{
    /// <summary>Creates the base.</summary>
    public BinaryBasicBlock(TrainingContext context, int inChannels, int outChannels, int stride, int activationBits, bool binaryWeights)
        : base(context)
    {
        InChannels = inChannels;
        OutChannels = outChannels;
        Stride = stride;
        Conv1 = RegisterModule("Conv1", MakeConv(context, inChannels, outChannels, 3, stride, 1, binaryWeights));
        Bn1 = RegisterModule("Bn1", new BatchNorm2d(context, outChannels));
        Quant1 = RegisterModule("Quant1", new ActivationQuantizer(context, activationBits));
        Conv2 = RegisterModule("Conv2", MakeConv(context, outChannels, outChannels, 3, 1, 1, binaryWeights));
        Bn2 = RegisterModule("Bn2", new BatchNorm2d(context, outChannels));
        if (inChannels != outChannels || stride != 1)
        {
            ShortcutConv = RegisterModule("ShortcutConv", MakeConv(context, inChannels, outChannels, 1, stride, 0, binaryWeights));
            ShortcutBn = RegisterModule("ShortcutBn", new BatchNorm2d(context, outChannels));
        }
    }

    /// <summary>Input channels.</summary>
    public int InChannels { get; }

    /// <summary>Output channels.</summary>
    public int OutChannels { get; }

    /// <summary>Stride of Conv1 and the shortcut.</summary>
    public int Stride { get; }

    /// <summary>3x3, stride s, pad 1.</summary>
    public Conv2d Conv1 { get; }

    /// <summary>BN after Conv1.</summary>
    public BatchNorm2d Bn1 { get; }

    /// <summary>Quantiser after Bn1.</summary>
    public ActivationQuantizer Quant1 { get; }

    /// <summary>3x3, stride 1, pad 1.</summary>
    public Conv2d Conv2 { get; }

    /// <summary>BN after Conv2.</summary>
    public BatchNorm2d Bn2 { get; }

    /// <summary>1x1 stride-s projection, or null for an identity shortcut.</summary>
    public Conv2d? ShortcutConv { get; }

    /// <summary>BN after the projection, or null for an identity shortcut.</summary>
    public BatchNorm2d? ShortcutBn { get; }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input)
    {
        var h = Quant1.Forward(Bn1.Forward(Conv1.Forward(input)));
        var f = Bn2.Forward(Conv2.Forward(h));
        var shortcut = ShortcutConv is null ? input : ShortcutBn!.Forward(ShortcutConv.Forward(input));
        return Functional.Add(Context, f, shortcut);
    }

    private static Conv2d MakeConv(TrainingContext context, int cin, int cout, int k, int stride, int pad, bool binary) =>
        binary ? new BinaryConv2d(context, cin, cout, k, stride, pad) : new Conv2d(context, cin, cout, k, stride, pad);
}
