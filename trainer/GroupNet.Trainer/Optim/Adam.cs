using System.Globalization;
using GroupNet.Trainer.Modules;

namespace GroupNet.Trainer.Optim;

/// <summary>
/// Adam (PyTorch's <c>torch.optim.Adam</c>): bias-corrected moments, weight decay as an L2 term added to the
/// gradient (d = g + wd * p). Per step t, for every parameter with a gradient:
/// m = b1 * m + (1 - b1) * d; v = b2 * v + (1 - b2) * d^2; p -= lr / (1 - b1^t) * m / (sqrt(v) / sqrt(1 - b2^t) + eps).
/// <see cref="AdamW"/> decouples the decay instead. A group's weight decay overrides the default; 0 turns it off.
/// </summary>
public class Adam : Optimizer
{
    private readonly Dictionary<int, (float[] M, float[] V)> _moments = new();
    private long _step;

    /// <summary>Creates the optimiser; throws on invalid hyper-parameters.</summary>
    public Adam(IEnumerable<ParameterGroup> groups, float learningRate = 1e-3f, float beta1 = 0.9f, float beta2 = 0.999f, float eps = 1e-8f, float weightDecay = 0f)
        : this(groups, learningRate, beta1, beta2, eps, weightDecay, decoupled: false)
    {
    }

    /// <summary>Creates the optimiser; <paramref name="decoupled"/> selects AdamW's decay.</summary>
    protected Adam(IEnumerable<ParameterGroup> groups, float learningRate, float beta1, float beta2, float eps, float weightDecay, bool decoupled)
        : base(groups, learningRate)
    {
        if (!(beta1 >= 0f && beta1 < 1f))
        {
            throw new ArgumentOutOfRangeException(nameof(beta1), beta1, "beta1 must be in [0, 1)");
        }
        if (!(beta2 >= 0f && beta2 < 1f))
        {
            throw new ArgumentOutOfRangeException(nameof(beta2), beta2, "beta2 must be in [0, 1)");
        }
        if (!(eps > 0f) || float.IsInfinity(eps))
        {
            throw new ArgumentOutOfRangeException(nameof(eps), eps, "eps must be finite and > 0");
        }
        if (!(weightDecay >= 0f) || float.IsInfinity(weightDecay))
        {
            throw new ArgumentOutOfRangeException(nameof(weightDecay), weightDecay, "weight decay must be finite and >= 0");
        }
        Beta1 = beta1;
        Beta2 = beta2;
        Eps = eps;
        WeightDecay = weightDecay;
        Decoupled = decoupled;
    }

    /// <summary>Creates the optimiser over one group.</summary>
    public Adam(IEnumerable<Parameter> parameters, float learningRate = 1e-3f, float beta1 = 0.9f, float beta2 = 0.999f, float eps = 1e-8f, float weightDecay = 0f)
        : this([new ParameterGroup(parameters.ToList())], learningRate, beta1, beta2, eps, weightDecay)
    {
    }

    /// <summary>First-moment decay.</summary>
    public float Beta1 { get; }

    /// <summary>Second-moment decay.</summary>
    public float Beta2 { get; }

    /// <summary>Denominator epsilon.</summary>
    public float Eps { get; }

    /// <summary>True for AdamW: the decay shrinks the weights directly and never enters the moments.</summary>
    public bool Decoupled { get; }

    /// <summary>Default weight decay.</summary>
    public float WeightDecay { get; }

    /// <inheritdoc/>
    public override void Step()
    {
        _step++;
        double c1 = 1 - Math.Pow(Beta1, _step);
        double c2 = 1 - Math.Pow(Beta2, _step);
        float lr = LearningRate;
        float stepSize = (float)(lr / c1);
        float sqrtC2 = (float)Math.Sqrt(c2);
        foreach (var (index, p, groupDecay) in Indexed())
        {
            if (p.Grad is null)
            {
                continue;
            }
            float wd = groupDecay ?? WeightDecay;
            float shrink = Decoupled ? 1f - lr * wd : 1f;
            float l2 = Decoupled ? 0f : wd;
            if (!_moments.TryGetValue(index, out var mv))
            {
                mv = (new float[p.Count], new float[p.Count]);
                _moments[index] = mv;
            }
            var w = p.Data;
            var g = p.Grad;
            for (int i = 0; i < w.Length; i++)
            {
                float d = g[i] + l2 * w[i];
                float m = mv.M[i] = Beta1 * mv.M[i] + (1 - Beta1) * d;
                float v = mv.V[i] = Beta2 * mv.V[i] + (1 - Beta2) * d * d;
                w[i] = w[i] * shrink - stepSize * m / (MathF.Sqrt(v) / sqrtC2 + Eps);
            }
        }
    }

    /// <inheritdoc/>
    public override IReadOnlyList<KeyValuePair<string, float[]>> StateDict()
    {
        var list = new List<KeyValuePair<string, float[]>> { new("step", [(float)_step]) };
        foreach (var (index, mv) in _moments.OrderBy(e => e.Key))
        {
            string i = index.ToString(CultureInfo.InvariantCulture);
            list.Add(new(i + ".m", (float[])mv.M.Clone()));
            list.Add(new(i + ".v", (float[])mv.V.Clone()));
        }
        return list;
    }

    /// <inheritdoc/>
    public override void LoadStateDict(IEnumerable<KeyValuePair<string, float[]>> state)
    {
        var sizes = Indexed().ToDictionary(e => e.Index, e => e.Parameter.Count);
        _moments.Clear();
        _step = 0;
        foreach (var (name, value) in state)
        {
            if (name == "step" && value.Length == 1)
            {
                _step = (long)value[0];
                continue;
            }
            var parts = name.Split('.');
            if (parts.Length != 2 || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int index)
                || !sizes.TryGetValue(index, out int size) || size != value.Length || (parts[1] != "m" && parts[1] != "v"))
            {
                throw new ArgumentException($"{GetType().Name} state entry '{name}' ({value.Length} values) does not match the parameters");
            }
            if (!_moments.TryGetValue(index, out var mv))
            {
                mv = (new float[size], new float[size]);
                _moments[index] = mv;
            }
            value.CopyTo(parts[1] == "m" ? mv.M : mv.V, 0);
        }
    }
}
