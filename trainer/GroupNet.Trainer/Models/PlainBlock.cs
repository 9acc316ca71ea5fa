using GroupNet.Trainer.Modules;
using GroupNet.Trainer.Quantization;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace GroupNet.Trainer.Models;

/// <summary>
/// Two consecutive layers without a skip (the unit the paper groups in its AlexNet appendix):
/// f = bn2(conv2(quant1(bn1(conv1(q0))))), conv1 3x3 stride s, conv2 3x3 stride 1.
/// </summary>
public sealed class PlainBlock : nn.Module<Tensor, Tensor>
{
    private readonly nn.Module<Tensor, Tensor> conv1;
    private readonly BatchNorm2d bn1;
    private readonly ActivationQuantizer quant1;
    private readonly nn.Module<Tensor, Tensor> conv2;
    private readonly BatchNorm2d bn2;

    /// <summary>Creates the block; <paramref name="conv"/> builds the two convolutions.</summary>
    public PlainBlock(int inChannels, int outChannels, int stride, int activationBits, ConvFactory conv)
        : base(nameof(PlainBlock))
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
    }

    /// <summary>3x3, stride s, pad 1.</summary>
    public nn.Module<Tensor, Tensor> Conv1 => conv1;

    /// <summary>BN after Conv1.</summary>
    public BatchNorm2d Bn1 => bn1;

    /// <summary>Quantiser after Bn1.</summary>
    public ActivationQuantizer Quant1 => quant1;

    /// <summary>3x3, stride 1, pad 1.</summary>
    public nn.Module<Tensor, Tensor> Conv2 => conv2;

    /// <summary>BN after Conv2 (the block's output).</summary>
    public BatchNorm2d Bn2 => bn2;

    /// <inheritdoc/>
    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        return BatchNormForward.Of(bn2, conv2.forward(quant1.forward(BatchNormForward.Of(bn1, conv1.forward(input))))).MoveToOuterDisposeScope();
    }
}
