using GroupNet.Trainer.Ops;
using GroupNet.Trainer.Tensors;

namespace GroupNet.Trainer.Modules;

/// <summary>Fully connected layer y = x W^T + b, weight [out, in], initialised U(-1/sqrt(in), 1/sqrt(in)) like PyTorch.</summary>
public sealed class Linear : Module
{
    /// <summary>Creates a linear layer.</summary>
    public Linear(TrainingContext context, int inFeatures, int outFeatures, bool bias = true)
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
        if (bias)
        {
            var b = new float[outFeatures];
            Init.Uniform(b, bound, context.Random);
            Bias = RegisterParameter("Bias", new Parameter(b, outFeatures));
        }
    }

    /// <summary>Input features.</summary>
    public int InFeatures { get; }

    /// <summary>Output features.</summary>
    public int OutFeatures { get; }

    /// <summary>Weight [out, in].</summary>
    public Parameter Weight { get; }

    /// <summary>Bias [out], or null.</summary>
    public Parameter? Bias { get; }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => Functional.Linear(Context, input, Weight, Bias);
}
