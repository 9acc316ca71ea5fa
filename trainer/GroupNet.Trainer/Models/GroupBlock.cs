using GroupNet.Trainer.Modules;
using GroupNet.Trainer.Ops;
using GroupNet.Trainer.Quantization;
using GroupNet.Trainer.Tensors;

namespace GroupNet.Trainer.Models;

/// <summary>
/// A Group-Net v1 group (Eq. 5): one shared quantised input q0 = InputQuant(InputBn(x)) feeds K homogeneous
/// <see cref="BinaryBasicBlock"/> bases whose outputs are summed with learned scales:
/// y = sum_k Scales[k] * f_k. Scales start at 1/K so the sum starts as the bases' average.
/// </summary>
public sealed class GroupBlock : Module
{
    /// <summary>Creates the group.</summary>
    public GroupBlock(TrainingContext context, int inChannels, int outChannels, int stride, int bases, int activationBits, bool binaryWeights)
        : base(context)
    {
        InChannels = inChannels;
        OutChannels = outChannels;
        Stride = stride;
        InputBn = RegisterModule("InputBn", new BatchNorm2d(context, inChannels));
        InputQuant = RegisterModule("InputQuant", new ActivationQuantizer(context, activationBits));
        Bases = RegisterModule("Bases", new ModuleList<BinaryBasicBlock>(context,
            Enumerable.Range(0, bases).Select(_ => new BinaryBasicBlock(context, inChannels, outChannels, stride, activationBits, binaryWeights)).ToList()));
        var s = new float[bases];
        Array.Fill(s, 1f / bases);
        Scales = RegisterParameter("Scales", new Parameter(s, bases));
    }

    /// <summary>Input channels.</summary>
    public int InChannels { get; }

    /// <summary>Output channels.</summary>
    public int OutChannels { get; }

    /// <summary>Stride of the group.</summary>
    public int Stride { get; }

    /// <summary>BN before the shared input quantiser.</summary>
    public BatchNorm2d InputBn { get; }

    /// <summary>The shared input quantiser.</summary>
    public ActivationQuantizer InputQuant { get; }

    /// <summary>The K bases.</summary>
    public ModuleList<BinaryBasicBlock> Bases { get; }

    /// <summary>lambda_k, one per base.</summary>
    public Parameter Scales { get; }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input)
    {
        var q0 = InputQuant.Forward(InputBn.Forward(input));
        var outputs = new Tensor[Bases.Count];
        for (int k = 0; k < outputs.Length; k++)
        {
            outputs[k] = Bases[k].Forward(q0);
        }
        return Functional.WeightedSum(Context, Scales, outputs);
    }
}
