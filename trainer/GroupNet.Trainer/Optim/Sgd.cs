using System.Globalization;
using GroupNet.Trainer.Modules;

namespace GroupNet.Trainer.Optim;

/// <summary>
/// Stochastic gradient descent with momentum (PyTorch's <c>torch.optim.SGD</c>, dampening 0):
/// g = grad + wd * p; buf = momentum * buf + g; p -= lr * (nesterov ? g + momentum * buf : buf).
/// </summary>
public sealed class Sgd : Optimizer
{
    private readonly Dictionary<int, float[]> _momentum = new();

    /// <summary>Creates the optimiser; throws on invalid hyper-parameters.</summary>
    public Sgd(IEnumerable<ParameterGroup> groups, float learningRate, float momentum = 0f, bool nesterov = false, float weightDecay = 0f)
        : base(groups, learningRate)
    {
        if (!(momentum >= 0f) || momentum >= 1f)
        {
            throw new ArgumentOutOfRangeException(nameof(momentum), momentum, "momentum must be in [0, 1)");
        }
        if (!(weightDecay >= 0f) || float.IsInfinity(weightDecay))
        {
            throw new ArgumentOutOfRangeException(nameof(weightDecay), weightDecay, "weight decay must be finite and >= 0");
        }
        if (nesterov && momentum == 0f)
        {
            throw new ArgumentException("Nesterov momentum requires momentum > 0", nameof(nesterov));
        }
        Momentum = momentum;
        Nesterov = nesterov;
        WeightDecay = weightDecay;
    }

    /// <summary>Creates the optimiser over one group.</summary>
    public Sgd(IEnumerable<Parameter> parameters, float learningRate, float momentum = 0f, bool nesterov = false, float weightDecay = 0f)
        : this([new ParameterGroup(parameters.ToList())], learningRate, momentum, nesterov, weightDecay)
    {
    }

    /// <summary>Momentum factor.</summary>
    public float Momentum { get; }

    /// <summary>Nesterov momentum.</summary>
    public bool Nesterov { get; }

    /// <summary>Default L2 weight decay.</summary>
    public float WeightDecay { get; }

    /// <inheritdoc/>
    public override void Step()
    {
        float lr = LearningRate;
        foreach (var (index, p, groupDecay) in Indexed())
        {
            if (p.Grad is null)
            {
                continue;
            }
            float wd = groupDecay ?? WeightDecay;
            var w = p.Data;
            var g = p.Grad;
            if (Momentum == 0f)
            {
                for (int i = 0; i < w.Length; i++)
                {
                    w[i] -= lr * (g[i] + wd * w[i]);
                }
                continue;
            }
            if (!_momentum.TryGetValue(index, out var buf))
            {
                buf = new float[w.Length];
                _momentum[index] = buf;
            }
            float m = Momentum;
            for (int i = 0; i < w.Length; i++)
            {
                float d = g[i] + wd * w[i];
                float b = m * buf[i] + d;
                buf[i] = b;
                w[i] -= lr * (Nesterov ? d + m * b : b);
            }
        }
    }

    /// <inheritdoc/>
    public override IReadOnlyList<KeyValuePair<string, float[]>> StateDict() =>
        _momentum.OrderBy(e => e.Key).Select(e => new KeyValuePair<string, float[]>(e.Key.ToString(CultureInfo.InvariantCulture) + ".momentum", (float[])e.Value.Clone())).ToList();

    /// <inheritdoc/>
    public override void LoadStateDict(IEnumerable<KeyValuePair<string, float[]>> state)
    {
        var sizes = Indexed().ToDictionary(e => e.Index, e => e.Parameter.Count);
        _momentum.Clear();
        foreach (var (name, value) in state)
        {
            var parts = name.Split('.');
            if (parts.Length != 2 || parts[1] != "momentum" || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int index)
                || !sizes.TryGetValue(index, out int size) || size != value.Length)
            {
                throw new ArgumentException($"SGD state entry '{name}' ({value.Length} values) does not match the parameters");
            }
            _momentum[index] = (float[])value.Clone();
        }
    }
}
