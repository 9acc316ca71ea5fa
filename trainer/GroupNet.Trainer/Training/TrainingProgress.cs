namespace GroupNet.Trainer.Training;

/// <summary>Reported after every training batch (for a progress bar).</summary>
/// <param name="Epoch">0-based epoch.</param>
/// <param name="Epochs">Total epochs.</param>
/// <param name="Batch">Batches done in this epoch (1-based).</param>
/// <param name="Batches">Batches per epoch.</param>
/// <param name="Loss">Running mean loss over the epoch so far.</param>
/// <param name="Accuracy">Running training accuracy over the epoch so far.</param>
/// <param name="ImagesPerSecond">Throughput over the epoch so far.</param>
/// <param name="LearningRate">Learning rate used for this batch.</param>
public sealed record TrainingProgress(int Epoch, int Epochs, int Batch, int Batches, double Loss, double Accuracy, double ImagesPerSecond, double LearningRate);
