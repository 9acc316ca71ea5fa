using GroupNet.Trainer.Tensors;

namespace GroupNet.Trainer.Data;

/// <summary>A mini-batch: images [N, C, H, W] (p / 255, or normalised when the loader says so) and their labels.</summary>
public sealed record Batch(Tensor Images, int[] Labels);
