using GroupNet.Trainer.Tensors;

namespace GroupNet.Trainer.Training;

/// <summary>Contents of a checkpoint file: completed epochs, free-form metadata (e.g. the model configuration),
/// the model state dict and the optimiser state.</summary>
public sealed record CheckpointData(
    int Epoch,
    string Metadata,
    IReadOnlyList<KeyValuePair<string, Tensor>> ModelState,
    IReadOnlyList<KeyValuePair<string, float[]>> OptimizerState);
