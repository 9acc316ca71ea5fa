using GroupNet.Trainer.Modules;
using GroupNet.Trainer.Quantization;
using GroupNet.Trainer.Tensors;

namespace GroupNet.Trainer.Models;

/// <summary>
/// Two consecutive layers without a skip (the unit the paper groups in its AlexNet appendix):
/// f = Bn2(Conv2(Quant1(Bn1(Conv1(q0))))), Conv1 3x3 stride s, Conv2 3x3 stride 1.
/// </summary>
public sealed class PlainBlock : Module
{
    /// <summary>Creates the block; <paramref name="conv"/> builds the two convolutions.</summary>
    public PlainBlock(TrainingContext context, int inChannels, int outChannels, int stride, int activationBits, ConvFactory conv)
        : base(context)
    {
        Conv1 = RegisterModule("Conv1", conv(inChannels, outChannels, 3, stride, 1));
        Bn1 = RegisterModule("Bn1", new BatchNorm2d(context, outChannels));
        Quant1 = RegisterModule("Quant1", new ActivationQuantizer(context, activationBits));
        Conv2 = RegisterModule("Conv2", conv(outChannels, outChannels, 3, 1, 1));
        Bn2 = RegisterModule("Bn2", new BatchNorm2d(context, outChannels));
    }

    /// <summary>3x3, stride s, pad 1.</summary>
    public Module Conv1 { get; }

    /// <summary>BN after Conv1.</summary>
    public BatchNorm2d Bn1 { get; }

    /// <summary>Quantiser after Bn1.</summary>
    public ActivationQuantizer Quant1 { get; }

    /// <summary>3x3, stride 1, pad 1.</summary>
    public Module Conv2 { get; }

    /// <summary>BN after Conv2 (the block's output).</summary>
    public BatchNorm2d Bn2 { get; }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => Bn2.Forward(Conv2.Forward(Quant1.Forward(Bn1.Forward(Conv1.Forward(input)))));
}
