using GroupNet.Trainer.Models;

namespace GroupNet.Cli.Experiments;

/// <summary>
/// One training run as a YAML file describes it (<see cref="RunConfigYaml"/>): data set (and optional folder and
/// subset sizes, 0 = all), model, recipe, augmentation, seed and batch size.
/// </summary>
public sealed record RunConfig(
    string Name,
    DatasetKind Dataset,
    string? Data,
    int TrainCount,
    int TestCount,
    int Seed,
    int Batch,
    ModelConfig Model,
    RecipeConfig Recipe,
    AugmentationConfig Augmentation);
