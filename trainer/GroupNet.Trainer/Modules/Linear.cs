using GroupNet.Trainer.Quantization;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace GroupNet.Trainer.Modules;

/// <summary>
/// Fully connected layer y = x W^T + b, <c>weight</c> [out, in] and <c>bias</c> [out], initialised like LibTorch's
/// <c>Linear</c> (uniform in +/- 1 / sqrt(in)) but from the given generator. <see cref="Int8Linear"/> trains the
/// same parameters with fake-quantised 8-bit weights.
/// </summary>
public class Linear : nn.Module<Tensor, Tensor>
{
    private readonly Parameter weight;
    private readonly Parameter bias;

    /// <summary>Creates the layer.</summary>
    public Linear(int inFeatures, int outFeatures, Generator? generator)
        : base(nameof(Linear))
    {
        if (inFeatures < 1 || outFeatures < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(inFeatures), "linear needs positive sizes");
        }
        InFeatures = inFeatures;
        OutFeatures = outFeatures;
        double bound = 1.0 / Math.Sqrt(inFeatures);
        using var width = (2 * bound).ToScalar(); // held scalars (Quantization/Scalars explains why)
        using var low = (-bound).ToScalar();
        weight = new Parameter(rand([outFeatures, inFeatures], generator: generator).mul_(width).add_(low, Scalars.One));
        bias = new Parameter(rand([outFeatures], generator: generator).mul_(width).add_(low, Scalars.One));
        register_parameter(nameof(weight), weight);
        register_parameter(nameof(bias), bias);
    }

    /// <summary>Input features.</summary>
    public int InFeatures { get; }

    /// <summary>Output features.</summary>
    public int OutFeatures { get; }

    /// <summary>Latent float weight [out, in].</summary>
    public Parameter Weight => weight;

    /// <summary>Bias [out] (kept in float; the device folds it into the int32 accumulator).</summary>
    public Parameter Bias => bias;

    /// <summary>The weight the layer actually uses.</summary>
    public virtual Tensor EffectiveWeight() => weight;

    /// <inheritdoc/>
    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        return nn.functional.linear(input, EffectiveWeight(), bias).MoveToOuterDisposeScope();
    }
}
