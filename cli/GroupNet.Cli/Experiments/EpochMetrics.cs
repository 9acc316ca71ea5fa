namespace GroupNet.Cli.Experiments;

/// <summary>One row of a run's learning curve: <paramref name="Epoch"/> numbers the epoch from 1 (as the CSV and the log print it);
/// accuracies are fractions; <paramref name="Seconds"/> = training time of the epoch.</summary>
public sealed record EpochMetrics(int Epoch, double Loss, double TrainAccuracy, double TestTop1, double TestTop5, double Seconds);
