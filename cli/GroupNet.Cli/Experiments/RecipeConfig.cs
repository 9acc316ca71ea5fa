using GroupNet.Trainer.Training;

namespace GroupNet.Cli.Experiments;

/// <summary>
/// How a run trains: Nesterov SGD (<paramref name="Momentum"/>, <paramref name="WeightDecay"/>) from
/// <paramref name="LearningRate"/> with a cosine or step decay over <paramref name="Epochs"/>; optionally initialised
/// from a <paramref name="Parent"/> checkpoint (a file, or in an ablation grid the name of another run) with
/// <paramref name="ParentNoise"/> symmetry-breaking noise; <paramref name="QuantizationLoss"/> = lambda of the
/// quantization-loss regulariser (0 = off); <paramref name="BnBatches"/> training batches per batch-norm layer to
/// re-estimate statistics after training (0 = off); <paramref name="Optimizer"/> the update rule (Nesterov SGD, Adam or AdamW,
/// <paramref name="Momentum"/> being Adam's beta1); <paramref name="MaxGradNorm"/> the global gradient-norm limit (0 = no clipping);
/// <paramref name="Distill"/> the weight w of knowledge distillation from the <paramref name="Parent"/> (0 = off) at temperature
/// <paramref name="DistillTemperature"/> (<see cref="TrainerOptions.DistillationWeight"/>).
/// </summary>
public sealed record RecipeConfig(
    int Epochs = 10,
    float LearningRate = 0.05f,
    LrScheduleKind Schedule = LrScheduleKind.Cosine,
    int StepEpochs = 0,
    float Momentum = 0.9f,
    float WeightDecay = 1e-4f,
    int WarmupSteps = 0,
    string? Parent = null,
    float ParentNoise = 0.1f,
    float QuantizationLoss = 0f,
    int BnBatches = 20,
    OptimizerKind Optimizer = OptimizerKind.Sgd,
    float MaxGradNorm = 0f,
    float Distill = 0f,
    float DistillTemperature = 1f);
