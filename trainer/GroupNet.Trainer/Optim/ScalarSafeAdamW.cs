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
            double correction1 = 1.0 - Math.Pow(beta1, state.step);
            double correction2 = 1.0 - Math.Pow(beta2, state.step);
            state.exp_avg.mul_(b1).add_(grad, oneMinusB1);
            state.exp_avg_sq.mul_(b2).addcmul_(grad, grad, oneMinusB2);
            using var root = Math.Sqrt(correction2).ToScalar();
            using var rate = (-(lr / correction1)).ToScalar();
            var denominator = state.exp_avg_sq.sqrt().div(root).add_(eps);
            parameter.addcdiv_(state.exp_avg, denominator, rate);
        }
    }, closure);
}
