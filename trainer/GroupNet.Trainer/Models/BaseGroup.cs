using GroupNet.Trainer.Modules;
using GroupNet.Trainer.Quantization;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace GroupNet.Trainer.Models;

/// <summary>
/// A group of any base type (Eq. 5 / Eq. 6): q0 = input_quant(input_bn(x)) feeds K homogeneous bases whose outputs
/// are summed with learned scales, y = sum_k scales[k] * bases[k](q0); scales start at 1/K.
/// </summary>
public sealed class BaseGroup : nn.Module<Tensor, Tensor>
{
    private readonly BatchNorm2d input_bn;
    private readonly ActivationQuantizer input_quant;
    private readonly ModuleList<nn.Module<Tensor, Tensor>> bases;
    private readonly Parameter scales;

    /// <summary>Creates the group with <paramref name="baseCount"/> bases built by <paramref name="makeBase"/>.</summary>
    public BaseGroup(int inChannels, int baseCount, int activationBits, Func<nn.Module<Tensor, Tensor>> makeBase)
        : base(nameof(BaseGroup))
    {
        if (baseCount < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(baseCount), baseCount, "K must be >= 1");
        }
        input_bn = nn.BatchNorm2d(inChannels);
        input_quant = new ActivationQuantizer(activationBits);
        bases = new ModuleList<nn.Module<Tensor, Tensor>>(Enumerable.Range(0, baseCount).Select(_ => makeBase()).ToArray());
        scales = new Parameter(full(baseCount, 1f / baseCount));
        register_module(nameof(input_bn), input_bn);
        register_module(nameof(input_quant), input_quant);
        register_module(nameof(bases), bases);
        register_parameter(nameof(scales), scales);
    }

    /// <summary>BN before the shared input quantiser.</summary>
    public BatchNorm2d InputBn => input_bn;

    /// <summary>The shared input quantiser.</summary>
    public ActivationQuantizer InputQuant => input_quant;

    /// <summary>The K bases.</summary>
    public IReadOnlyList<nn.Module<Tensor, Tensor>> Bases => bases.AsReadOnly();

    /// <summary>lambda_k, one per base.</summary>
    public Parameter Scales => scales;

    /// <inheritdoc/>
    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var q0 = input_quant.forward(BatchNormForward.Of(input_bn, input));
        return WeightedSum.Of(scales, bases.Select(b => b.forward(q0))).MoveToOuterDisposeScope();
    }
}
