using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace GroupNet.Trainer.Optim;

/// <summary>
/// TorchSharp's AdamW (decoupled weight decay) with a step that keeps its scalars alive across the native calls: see
/// <see cref="ScalarSafeSgd"/> for the race it closes. Same arithmetic in the same order as <see cref="AdamW.step"/>,
/// without amsgrad; state, options and checkpoints are the base class's.
/// </summary>
public sealed class ScalarSafeAdamW : AdamW
{
    /// <summary>Creates the optimiser over <paramref name="groups"/>; the other arguments are the defaults of groups that leave them unset.</summary>
    public ScalarSafeAdamW(IEnumerable<ParamGroup> groups, double lr, double beta1, double beta2, double eps, double weightDecay)
        : base(groups, lr, beta1, beta2, eps, weightDecay)
    {
    }

    /// <inheritdoc/>
    public override Tensor step(Func<Tensor>? closure = null) => _step<ParamGroup>(group =>
    {
        var options = group.Options;
        if (options.amsgrad!.Value || options.maximize!.Value)
        {
            throw new NotSupportedException("ScalarSafeAdamW implements AdamW without amsgrad and maximize");
        }
        double beta1 = options.beta1!.Value, beta2 = options.beta2!.Value, lr = options.LearningRate!.Value;
        using var shrink = (1.0 - lr * options.weight_decay!.Value).ToScalar();
        using var b1 = beta1.ToScalar();
        using var b2 = beta2.ToScalar();
        using var oneMinusB1 = (1.0 - beta1).ToScalar();
        using var oneMinusB2 = (1.0 - beta2).ToScalar();
        using var eps = options.eps!.Value.ToScalar();
        foreach (var parameter in group.Parameters)
        {
            var state = (State)_state[parameter.Handle];
            var grad = parameter.grad;
            if (grad is null)
            {
                continue;
            }
            state.step++;
            parameter.mul_(shrink);
            AdamMoments.Step(parameter, grad, state.exp_avg, state.exp_avg_sq, state.step, lr, beta1, beta2, b1, b2, oneMinusB1, oneMinusB2, eps);
        }
    }, closure);
}
