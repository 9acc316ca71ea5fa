using GroupNet.Trainer.Modules;

namespace GroupNet.Trainer.Optim;

/// <summary>
/// AdamW (PyTorch's <c>torch.optim.AdamW</c>): <see cref="Adam"/> with decoupled weight decay,
/// p = p * (1 - lr * wd) before the moment update; the decay never enters the moments.
/// </summary>
public sealed class AdamW : Adam
{
    /// <summary>Creates the optimiser; throws on invalid hyper-parameters.</summary>
    public AdamW(IEnumerable<ParameterGroup> groups, float learningRate = 1e-3f, float beta1 = 0.9f, float beta2 = 0.999f, float eps = 1e-8f, float weightDecay = 1e-2f)
        : base(groups, learningRate, beta1, beta2, eps, weightDecay, decoupled: true)
    {
    }

    /// <summary>Creates the optimiser over one group.</summary>
    public AdamW(IEnumerable<Parameter> parameters, float learningRate = 1e-3f, float beta1 = 0.9f, float beta2 = 0.999f, float eps = 1e-8f, float weightDecay = 1e-2f)
        : this([new ParameterGroup(parameters.ToList())], learningRate, beta1, beta2, eps, weightDecay)
    {
    }
}
