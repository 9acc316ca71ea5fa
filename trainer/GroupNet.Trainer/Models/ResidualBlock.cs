using GroupNet.Trainer.Modules;
using GroupNet.Trainer.Quantization;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace GroupNet.Trainer.Models;

/// <summary>
/// A residual block whose convolutions come from a factory (binary, float, or layer-wise):
/// f = bn2(conv2(quant1(bn1(conv1(q0))))) + shortcut(q0), the shortcut being the identity or
/// shortcut_bn(shortcut_conv(q0)) (1x1, stride s) where the shape changes.
/// </summary>
public sealed class ResidualBlock : nn.Module<Tensor, Tensor>
{
    private readonly nn.Module<Tensor, Tensor> conv1;
    private readonly BatchNorm2d bn1;
    private readonly ActivationQuantizer quant1;
    private readonly nn.Module<Tensor, Tensor> conv2;
    private readonly BatchNorm2d bn2;
    private readonly nn.Module<Tensor, Tensor>? shortcut_conv;
    private readonly BatchNorm2d? shortcut_bn;

    /// <summary>Creates the block; <paramref name="conv"/> builds (cin, cout, kernel, stride, padding) convolutions.</summary>
    public ResidualBlock(int inChannels, int outChannels, int stride, int activationBits, ConvFactory conv)
        : base(nameof(ResidualBlock))
    {
        conv1 = conv(inChannels, outChannels, 3, stride, 1);
        bn1 = nn.BatchNorm2d(outChannels);
        quant1 = new ActivationQuantizer(activationBits);
        conv2 = conv(outChannels, outChannels, 3, 1, 1);
        bn2 = nn.BatchNorm2d(outChannels);
        register_module(nameof(conv1), conv1);
        register_module(nameof(bn1), bn1);
        register_module(nameof(quant1), quant1);
        register_module(nameof(conv2), conv2);
        register_module(nameof(bn2), bn2);
        if (inChannels != outChannels || stride != 1)
        {
            shortcut_conv = conv(inChannels, outChannels, 1, stride, 0);
            shortcut_bn = nn.BatchNorm2d(outChannels);
            register_module(nameof(shortcut_conv), shortcut_conv);
            register_module(nameof(shortcut_bn), shortcut_bn);
        }
    }

    /// <summary>3x3, stride s, pad 1.</summary>
    public nn.Module<Tensor, Tensor> Conv1 => conv1;

    /// <summary>BN after Conv1.</summary>
    public BatchNorm2d Bn1 => bn1;

    /// <summary>Quantiser after Bn1.</summary>
    public ActivationQuantizer Quant1 => quant1;

    /// <summary>3x3, stride 1, pad 1.</summary>
    public nn.Module<Tensor, Tensor> Conv2 => conv2;

    /// <summary>BN after Conv2.</summary>
    public BatchNorm2d Bn2 => bn2;

    /// <summary>1x1 stride-s projection, or null for an identity shortcut.</summary>
    public nn.Module<Tensor, Tensor>? ShortcutConv => shortcut_conv;

    /// <summary>BN after the projection, or null.</summary>
    public BatchNorm2d? ShortcutBn => shortcut_bn;

    /// <inheritdoc/>
    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var h = quant1.forward(BatchNormForward.Of(bn1, conv1.forward(input)));
        var f = BatchNormForward.Of(bn2, conv2.forward(h));
        var shortcut = shortcut_conv is null ? input : BatchNormForward.Of(shortcut_bn!, shortcut_conv.forward(input));
        return f.add_(shortcut, Scalars.One).MoveToOuterDisposeScope();
    }
}
