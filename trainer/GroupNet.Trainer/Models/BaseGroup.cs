using GroupNet.Trainer.Modules;
using GroupNet.Trainer.Ops;
using GroupNet.Trainer.Quantization;
using GroupNet.Trainer.Tensors;

namespace GroupNet.Trainer.Models;

/// <summary>
/// A group of any base type (Eq. 5 / Eq. 6): q0 = InputQuant(InputBn(x)) feeds K homogeneous bases whose outputs
/// are summed with learned scales, y = sum_k Scales[k] * base_k(q0); scales start at 1/K. Member names equal those
/// of <see cref="GroupBlock"/> (InputBn, InputQuant, Bases.k, Scales).
/// </summary>
public sealed class BaseGroup : Module
{
    /// <summary>Creates the group with <paramref name="bases"/> bases built by <paramref name="makeBase"/>.</summary>
    public BaseGroup(TrainingContext context, int inChannels, int bases, int activationBits, Func<Module> makeBase)
        : base(context)
    {
        if (bases < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(bases), bases, "K must be >= 1");
        }
        InputBn = RegisterModule("InputBn", new BatchNorm2d(context, inChannels));
        InputQuant = RegisterModule("InputQuant", new ActivationQuantizer(context, activationBits));
        Bases = RegisterModule("Bases", new ModuleList<Module>(context, Enumerable.Range(0, bases).Select(_ => makeBase()).ToList()));
        var s = new float[bases];
        Array.Fill(s, 1f / bases);
        Scales = RegisterParameter("Scales", new Parameter(s, bases));
    }

    /// <summary>BN before the shared input quantiser.</summary>
    public BatchNorm2d InputBn { get; }

    /// <summary>The shared input quantiser.</summary>
    public ActivationQuantizer InputQuant { get; }

    /// <summary>The K bases.</summary>
    public ModuleList<Module> Bases { get; }

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
