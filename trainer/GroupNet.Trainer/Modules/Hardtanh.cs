using GroupNet.Trainer.Ops;
using GroupNet.Trainer.Tensors;

namespace GroupNet.Trainer.Modules;

/// <summary>Clip to [<see cref="MinValue"/>, <see cref="MaxValue"/>] (PyTorch's <c>nn.Hardtanh</c>); see <see cref="Functional.Hardtanh"/>.</summary>
public sealed class Hardtanh : Module
{
    /// <summary>Creates the layer (default [-1, 1]).</summary>
    public Hardtanh(TrainingContext context, float minValue = -1f, float maxValue = 1f)
        : base(context)
    {
        if (!(minValue < maxValue))
        {
            throw new ArgumentOutOfRangeException(nameof(minValue), $"hardtanh needs min < max (got {minValue}, {maxValue})");
        }
        MinValue = minValue;
        MaxValue = maxValue;
    }

    /// <summary>Lower bound.</summary>
    public float MinValue { get; }

    /// <summary>Upper bound.</summary>
    public float MaxValue { get; }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => Functional.Hardtanh(Context, input, MinValue, MaxValue);
}
