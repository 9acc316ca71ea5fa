namespace GroupNet.Trainer.Training;

/// <summary>Learning-rate decay of <see cref="Trainer"/>.</summary>
public enum LrScheduleKind
{
    /// <summary>Cosine annealing per iteration to 0 (<see cref="Optim.CosineLrSchedule"/>).</summary>
    Cosine,

    /// <summary>Divide by 1 / <see cref="TrainerOptions.StepGamma"/> every <see cref="TrainerOptions.StepEpochs"/> epochs
    /// (<see cref="Optim.StepLrSchedule"/>; the paper's "divided by 10 when it gets saturated" on a fixed timetable).</summary>
    Step,
}
