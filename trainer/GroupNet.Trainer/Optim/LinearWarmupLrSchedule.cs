namespace GroupNet.Trainer.Optim;

/// <summary>
/// Linear warm-up in front of any schedule: for t &lt; W (W = <see cref="WarmupSteps"/>),
/// lr(t) = inner(0) * (t + 1) / W; afterwards lr(t) = inner(t - W), so the inner schedule starts once the
/// warm-up ends (PyTorch's <c>SequentialLR</c> of <c>LinearLR</c> and the inner scheduler).
/// <c>new LinearWarmupLrSchedule(new CosineLrSchedule(b, T - W, min), W)</c> equals
/// <c>new CosineLrSchedule(b, T, min, W)</c>.
/// </summary>
public sealed class LinearWarmupLrSchedule : ILrSchedule
{
    /// <summary>Wraps <paramref name="inner"/>; <paramref name="warmupSteps"/> 0 means no warm-up.</summary>
    public LinearWarmupLrSchedule(ILrSchedule inner, long warmupSteps)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentOutOfRangeException.ThrowIfNegative(warmupSteps);
        Inner = inner;
        WarmupSteps = warmupSteps;
    }

    /// <summary>The schedule that runs after the warm-up.</summary>
    public ILrSchedule Inner { get; }

    /// <summary>Warm-up iterations.</summary>
    public long WarmupSteps { get; }

    /// <inheritdoc/>
    public float At(long step)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(step);
        return step < WarmupSteps ? Inner.At(0) * (step + 1) / WarmupSteps : Inner.At(step - WarmupSteps);
    }
}
