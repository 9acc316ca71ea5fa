namespace GroupNet.Trainer.Optim;

/// <summary>
/// A learning rate as a pure function of the 0-based iteration (PyTorch's <c>LRScheduler</c> without hidden
/// state: resuming at step t needs nothing but t). The trainer sets <see cref="Optimizer.LearningRate"/> to
/// <see cref="At"/>(t) before step t. Schedules compose by wrapping, e.g.
/// <c>new LinearWarmupLrSchedule(new StepLrSchedule(0.1f, 1000, 0.1f), 500)</c>.
/// </summary>
public interface ILrSchedule
{
    /// <summary>Learning rate at iteration <paramref name="step"/> (0-based, &gt;= 0).</summary>
    float At(long step);
}
