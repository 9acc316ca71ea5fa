using GroupNet.Trainer.Modules;
using GroupNet.Trainer.Ops;
using GroupNet.Trainer.Quantization;
using GroupNet.Trainer.Tensors;

namespace GroupNet.Trainer.Models;

/// <summary>
/// A residual block whose convolutions come from a factory (binary, float, or <see cref="LayerwiseConv2d"/>):
/// f = Bn2(Conv2(Quant1(Bn1(Conv1(q0))))) + shortcut(q0), the shortcut being the identity or
/// ShortcutBn(ShortcutConv(q0)) (1x1, stride s) where the shape changes. Member names and construction order
/// equal those of <see cref="BinaryBasicBlock"/>, so state dicts and seeded initialisations match.
/// </summary>
public sealed class ResidualBlock : Module
{
    /// <summary>Creates the block; <paramref name="conv"/> builds (cin, cout, kernel, stride, padding) convolutions.</summary>
    public ResidualBlock(TrainingContext context, int inChannels, int outChannels, int stride, int activationBits, ConvFactory conv)
        : base(context)
    {
        Conv1 = RegisterModule("Conv1", conv(inChannels, outChannels, 3, stride, 1));
        Bn1 = RegisterModule("Bn1", new BatchNorm2d(context, outChannels));
        Quant1 = RegisterModule("Quant1", new ActivationQuantizer(context, activationBits));
        Conv2 = RegisterModule("Conv2", conv(outChannels, outChannels, 3, 1, 1));
        Bn2 = RegisterModule("Bn2", new BatchNorm2d(context, outChannels));
        if (inChannels != outChannels || stride != 1)
        {
            ShortcutConv = RegisterModule("ShortcutConv", conv(inChannels, outChannels, 1, stride, 0));
            ShortcutBn = RegisterModule("ShortcutBn", new BatchNorm2d(context, outChannels));
        }
    }

    /// <summary>3x3, stride s, pad 1.</summary>
    public Module Conv1 { get; }

    /// <summary>BN after Conv1.</summary>
    public BatchNorm2d Bn1 { get; }

    /// <summary>Quantiser after Bn1.</summary>
    public ActivationQuantizer Quant1 { get; }

    /// <summary>3x3, stride 1, pad 1.</summary>
    public Module Conv2 { get; }

    /// <summary>BN after Conv2.</summary>
    public BatchNorm2d Bn2 { get; }

    /// <summary>1x1 stride-s projection, or null for an identity shortcut.</summary>
    public Module? ShortcutConv { get; }

    /// <summary>BN after the projection, or null.</summary>
    public BatchNorm2d? ShortcutBn { get; }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input)
    {
        var h = Quant1.Forward(Bn1.Forward(Conv1.Forward(input)));
        var f = Bn2.Forward(Conv2.Forward(h));
        var shortcut = ShortcutConv is null ? input : ShortcutBn!.Forward(ShortcutConv.Forward(input));
        return Functional.Add(Context, f, shortcut);
    }
}
