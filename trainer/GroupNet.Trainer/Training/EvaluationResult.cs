namespace GroupNet.Trainer.Training;

/// <summary>Accuracy and mean cross-entropy over a dataset.</summary>
public sealed record EvaluationResult(double Accuracy, double Loss, int Count, int Correct);
