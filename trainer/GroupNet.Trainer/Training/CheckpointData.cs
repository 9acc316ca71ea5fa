using System.Collections;
using static TorchSharp.torch;

namespace GroupNet.Trainer.Training;

/// <summary>Contents of a checkpoint file: completed epochs, free-form metadata (the model configuration as JSON),
/// the model state dict (CPU tensors), the optimiser state in PyTorch's layout (null when the file has none, e.g. a
/// state dict saved by PyTorch) and the state of the run's generator (or null).</summary>
public sealed record CheckpointData(
    int Epoch,
    string Metadata,
    IReadOnlyDictionary<string, Tensor> ModelState,
    Hashtable? OptimizerState,
    Tensor? GeneratorState);
