namespace GroupNet.Trainer.Optim;

/// <summary>
/// Cosine annealing per iteration: lr(t) = min + (base - min) * (1 + cos(pi * t / total)) / 2, after an
/// optional linear warm-up of <see cref="WarmupSteps"/> iterations (the same warm-up as
/// <see cref="LinearWarmupLrSchedule"/>, which adds it to any schedule).
/// </summary>
public sealed class CosineLrSchedule : ILrSchedule
{
    /// <summary>Creates the schedule.</summary>
    public CosineLrSchedule(float baseLearningRate, long totalSteps, float minLearningRate = 0f, long warmupSteps = 0)
    {
        if (!(baseLearningRate >= 0f) || totalSteps < 1 || warmupSteps < 0 || warmupSteps >= totalSteps || !(minLearningRate >= 0f))
        {
            throw new ArgumentOutOfRangeException(nameof(totalSteps), "cosine schedule needs lr >= 0, total >= 1, 0 <= warm-up < total");
        }
        BaseLearningRate = baseLearningRate;
        TotalSteps = totalSteps;
        MinLearningRate = minLearningRate;
        WarmupSteps = warmupSteps;
    }

    /// <summary>Peak learning rate.</summary>
    public float BaseLearningRate { get; }

    /// <summary>Iterations over which the rate decays to <see cref="MinLearningRate"/>.</summary>
    public long TotalSteps { get; }

    /// <summary>Final learning rate.</summary>
    public float MinLearningRate { get; }

    /// <summary>Linear warm-up iterations.</summary>
    public long WarmupSteps { get; }

    /// <inheritdoc/>
    public float At(long step)
    {
        if (step < WarmupSteps)
        {
            return BaseLearningRate * (step + 1) / WarmupSteps;
        }
        double t = Math.Clamp((double)(step - WarmupSteps) / (TotalSteps - WarmupSteps), 0.0, 1.0);
        return (float)(MinLearningRate + (BaseLearningRate - MinLearningRate) * 0.5 * (1 + Math.Cos(Math.PI * t)));
    }
}
