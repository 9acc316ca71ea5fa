using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace GroupNet.Trainer.Modules;

/// <summary>
/// Layer-wise feature reconstruction (Eq. 3 of Group-Net): K homogeneous convolutions with the same
/// hyper-parameters applied to the same (already quantised) input, summed with learned scales,
/// y = sum_k scales[k] * (B_k conv x). Scales start at 1/K. State: <c>branches.k.weight</c>, <c>scales</c> [K].
/// </summary>
public sealed class LayerwiseConv2d : nn.Module<Tensor, Tensor>
{
    private readonly ModuleList<Conv2d> branches;
    private readonly Parameter scales;

    /// <summary>Creates the layer from K branches built by <paramref name="branch"/>.</summary>
    public LayerwiseConv2d(int bases, Func<Conv2d> branch)
        : base(nameof(LayerwiseConv2d))
    {
        if (bases < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(bases), bases, "K must be >= 1");
        }
        branches = new ModuleList<Conv2d>(Enumerable.Range(0, bases).Select(_ => branch()).ToArray());
        scales = new Parameter(full(bases, 1f / bases));
        register_module(nameof(branches), branches);
        register_parameter(nameof(scales), scales);
    }

    /// <summary>The K branches.</summary>
    public IReadOnlyList<Conv2d> Branches => branches.AsReadOnly();

    /// <summary>lambda_k, one per branch.</summary>
    public Parameter Scales => scales;

    /// <inheritdoc/>
    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        return WeightedSum.Of(scales, branches.Select(b => b.forward(input))).MoveToOuterDisposeScope();
    }
}
