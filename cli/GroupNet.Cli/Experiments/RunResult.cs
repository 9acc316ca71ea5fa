using GroupNet.Trainer.Models;

namespace GroupNet.Cli.Experiments;

/// <summary>
/// Outcome of a finished run: final test top-1 / top-5 (after batch-norm re-estimation when the recipe asks for it;
/// <paramref name="Top1BeforeBn"/> before it), size and cost, epochs and wall time of training.
/// </summary>
public sealed record RunResult(string Name, ModelConfig Model, double Top1, double Top5, double Top1BeforeBn, ModelCostReport Cost,
    int Epochs, int TrainImages, int TestImages, double Seconds);
