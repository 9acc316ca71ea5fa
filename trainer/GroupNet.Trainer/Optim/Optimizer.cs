using GroupNet.Trainer.Modules;

namespace GroupNet.Trainer.Optim;

/// <summary>Base of optimisers: parameter groups, a settable learning rate, per-parameter state by index.</summary>
public abstract class Optimizer
{
    /// <summary>Takes the groups; every parameter gets a stable index in group order.</summary>
    protected Optimizer(IEnumerable<ParameterGroup> groups, float learningRate)
    {
        if (!(learningRate >= 0f) || float.IsInfinity(learningRate))
        {
            throw new ArgumentOutOfRangeException(nameof(learningRate), learningRate, "learning rate must be finite and >= 0");
        }
        Groups = groups.ToList();
        var seen = new HashSet<Parameter>(ReferenceEqualityComparer.Instance);
        foreach (var g in Groups)
        {
            if (g.WeightDecay is < 0f)
            {
                throw new ArgumentOutOfRangeException(nameof(groups), g.WeightDecay, "weight decay must be >= 0");
            }
            foreach (var p in g.Parameters)
            {
                if (!seen.Add(p))
                {
                    throw new ArgumentException("a parameter appears in two groups", nameof(groups));
                }
            }
        }
        LearningRate = learningRate;
    }

    /// <summary>The parameter groups.</summary>
    public IReadOnlyList<ParameterGroup> Groups { get; }

    /// <summary>Current learning rate (a schedule sets it before each step).</summary>
    public float LearningRate { get; set; }

    /// <summary>Applies one update from the parameters' gradients.</summary>
    public abstract void Step();

    /// <summary>Sets every gradient to zero.</summary>
    public void ZeroGrad()
    {
        foreach (var g in Groups)
        {
            foreach (var p in g.Parameters)
            {
                p.ZeroGrad();
            }
        }
    }

    /// <summary>Optimiser state as named arrays ("{parameterIndex}.{slot}"), for checkpoints.</summary>
    public abstract IReadOnlyList<KeyValuePair<string, float[]>> StateDict();

    /// <summary>Restores state written by <see cref="StateDict"/>.</summary>
    public abstract void LoadStateDict(IEnumerable<KeyValuePair<string, float[]>> state);

    /// <summary>Parameters in index order.</summary>
    protected IEnumerable<(int Index, Parameter Parameter, float? WeightDecay)> Indexed()
    {
        int i = 0;
        foreach (var g in Groups)
        {
            foreach (var p in g.Parameters)
            {
                yield return (i++, p, g.WeightDecay);
            }
        }
    }
}
