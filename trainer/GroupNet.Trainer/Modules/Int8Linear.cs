using GroupNet.Trainer.Ops;
using GroupNet.Trainer.Quantization;
using GroupNet.Trainer.Tensors;

namespace GroupNet.Trainer.Modules;

/// <summary>
/// Fully connected layer y = x Q(W)^T + b with fake-quantised 8-bit weights (<see cref="Int8WeightQuantizer"/>),
/// for a last layer that runs as int8 on the device. Members Weight [out, in] and Bias [out] are named and
/// initialised like <see cref="Linear"/>, so checkpoints of either load into the other.
/// </summary>
public sealed class Int8Linear : Module
{
    /// <summary>Creates the layer.</summary>
    public Int8Linear(TrainingContext context, int inFeatures, int outFeatures)
        : base(context)
    {
        if (inFeatures < 1 || outFeatures < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(inFeatures), "linear needs positive sizes");
        }
        InFeatures = inFeatures;
        OutFeatures = outFeatures;
        double bound = 1.0 / Math.Sqrt(inFeatures);
        var w = new float[outFeatures * inFeatures];
        Init.Uniform(w, bound, context.Random);
        Weight = RegisterParameter("Weight", new Parameter(w, outFeatures, inFeatures));
        var b = new float[outFeatures];
        Init.Uniform(b, bound, context.Random);
        Bias = RegisterParameter("Bias", new Parameter(b, outFeatures));
    }

    /// <summary>Input features.</summary>
    public int InFeatures { get; }

    /// <summary>Output features.</summary>
    public int OutFeatures { get; }

    /// <summary>Latent float weight [out, in].</summary>
    public Parameter Weight { get; }

    /// <summary>Bias [out] (kept in float; the device folds it into the int32 accumulator).</summary>
    public Parameter Bias { get; }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => Functional.Linear(Context, input, Int8WeightQuantizer.Forward(Context, Weight), Bias);
}
