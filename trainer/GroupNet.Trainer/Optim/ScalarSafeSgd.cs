using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace GroupNet.Trainer.Optim;

/// <summary>
/// TorchSharp's SGD with a step that keeps its scalars alive across the native calls. The library's step passes
/// <c>alpha: -lr</c> (and the momentum and decay factors) as implicit <see cref="Scalar"/>s that nothing references once
/// their handle is read: a collection on another thread during <c>add_</c> lets the finalizer free the scalar while
/// LibTorch reads it (seen in CI: <c>Scalar::toFloat</c> "Expected false to be true" inside <c>SGD.step</c>, with tests
/// training in parallel). Upstream: dotnet/TorchSharp pull requests 1434 and 1496, open. Same arithmetic in the same
/// order as <see cref="SGD.step"/>; state, options and checkpoints are the base class's.
/// </summary>
public sealed class ScalarSafeSgd : SGD
{
    /// <summary>Creates the optimiser over <paramref name="groups"/>; the other arguments are the defaults of groups that leave them unset.</summary>
    public ScalarSafeSgd(IEnumerable<ParamGroup> groups, double lr, double momentum, double weightDecay, bool nesterov)
        : base(groups, lr, momentum, 0, weightDecay, nesterov)
    {
    }

    /// <inheritdoc/>
    public override Tensor step(Func<Tensor>? closure = null) => _step<ParamGroup>(group =>
    {
        var options = group.Options;
        double momentum = options.momentum!.Value, weightDecay = options.weight_decay!.Value, lr = options.LearningRate!.Value;
        bool nesterov = options.nesterov!.Value;
        using var decay = weightDecay.ToScalar();
        using var keep = momentum.ToScalar();
        using var fresh = (1.0 - options.dampening!.Value).ToScalar();
        using var rate = (options.maximize!.Value ? lr : -lr).ToScalar();
        foreach (var parameter in group.Parameters)
        {
            var state = (State)_state[parameter.Handle];
            var grad = parameter.grad;
            if (grad is null)
            {
                continue;
            }
            if (weightDecay != 0.0)
            {
                grad = grad.add(parameter, decay);
            }
            if (momentum != 0.0)
            {
                var buffer = state.momentum_buffer;
                if (buffer is null)
                {
                    buffer = state.momentum_buffer = grad.clone().detach().DetachFromDisposeScope();
                }
                else
                {
                    buffer.mul_(keep).add_(grad, fresh);
                }
                grad = nesterov ? grad.add(buffer, keep) : buffer;
            }
            parameter.add_(grad, rate);
        }
    }, closure);
}
