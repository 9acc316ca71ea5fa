namespace GroupNet.Trainer.Training;

/// <summary>Summary of one training epoch; <paramref name="TestAccuracy"/> is null without a test set.</summary>
public sealed record EpochResult(int Epoch, double Loss, double TrainAccuracy, double? TestAccuracy, double Seconds, double ImagesPerSecond);
