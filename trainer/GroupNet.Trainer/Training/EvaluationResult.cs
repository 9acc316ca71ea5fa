namespace GroupNet.Trainer.Training;

/// <summary>Accuracy and mean cross-entropy over a dataset.</summary>
public sealed record EvaluationResult(double Accuracy, double Loss, int Count, int Correct)
{
    /// <summary>Fraction of images whose label is among the five highest logits.</summary>
    public double Top5Accuracy { get; init; }
}
