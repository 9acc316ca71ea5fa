namespace GroupNet.Trainer.Optim;

/// <summary>
/// Step decay (PyTorch's <c>StepLR</c>, counted in iterations): lr(t) = base * gamma^floor(t / stepSize).
/// </summary>
public sealed class StepLrSchedule : ILrSchedule
{
    /// <summary>Creates the schedule; throws on invalid values.</summary>
    public StepLrSchedule(float baseLearningRate, long stepSize, float gamma = 0.1f)
    {
        if (!(baseLearningRate >= 0f) || float.IsInfinity(baseLearningRate))
        {
            throw new ArgumentOutOfRangeException(nameof(baseLearningRate), baseLearningRate, "learning rate must be finite and >= 0");
        }
        if (stepSize < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(stepSize), stepSize, "step size must be >= 1 iteration");
        }
        if (!(gamma > 0f && gamma <= 1f))
        {
            throw new ArgumentOutOfRangeException(nameof(gamma), gamma, "gamma must be in (0, 1]");
        }
        BaseLearningRate = baseLearningRate;
        StepSize = stepSize;
        Gamma = gamma;
    }

    /// <summary>Learning rate of the first <see cref="StepSize"/> iterations.</summary>
    public float BaseLearningRate { get; }

    /// <summary>Iterations between decays.</summary>
    public long StepSize { get; }

    /// <summary>Multiplier applied at every decay.</summary>
    public float Gamma { get; }

    /// <inheritdoc/>
    public float At(long step)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(step);
        return (float)(BaseLearningRate * Math.Pow(Gamma, step / StepSize));
    }
}
