using GroupNet.Trainer.Ops;
using GroupNet.Trainer.Tensors;

namespace GroupNet.Trainer.Modules;

/// <summary>[N, ...] to [N, rest] (PyTorch's <c>nn.Flatten</c> with its defaults); shares the input's data.</summary>
public sealed class Flatten : Module
{
    /// <summary>Creates the layer.</summary>
    public Flatten(TrainingContext context)
        : base(context)
    {
    }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => Functional.Flatten(Context, input);
}
