using GroupNet.Trainer.Ops;
using GroupNet.Trainer.Tensors;

namespace GroupNet.Trainer.Modules;

/// <summary>
/// Layer-wise feature reconstruction (Eq. 3 of Group-Net): K homogeneous convolutions with the same
/// hyper-parameters applied to the same (already quantised) input, summed with learned scales,
/// y = sum_k Scales[k] * (B_k conv x). Scales start at 1/K. Members: Branches.k (each a
/// <see cref="Conv2d"/>, normally a <see cref="BinaryConv2d"/>) and Scales [K].
/// </summary>
public sealed class LayerwiseConv2d : Module
{
    /// <summary>Creates the layer from K branches built by <paramref name="branch"/>.</summary>
    public LayerwiseConv2d(TrainingContext context, int bases, Func<Conv2d> branch)
        : base(context)
    {
        if (bases < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(bases), bases, "K must be >= 1");
        }
        Branches = RegisterModule("Branches", new ModuleList<Conv2d>(context, Enumerable.Range(0, bases).Select(_ => branch()).ToList()));
        var s = new float[bases];
        Array.Fill(s, 1f / bases);
        Scales = RegisterParameter("Scales", new Parameter(s, bases));
    }

    /// <summary>The K branches.</summary>
    public ModuleList<Conv2d> Branches { get; }

    /// <summary>lambda_k, one per branch.</summary>
    public Parameter Scales { get; }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input)
    {
        var outputs = new Tensor[Branches.Count];
        for (int k = 0; k < outputs.Length; k++)
        {
            outputs[k] = Branches[k].Forward(input);
        }
        return Functional.WeightedSum(Context, Scales, outputs);
    }
}
