using GroupNet.Trainer.Tensors;

namespace GroupNet.Trainer.Data;

/// <summary>A mini-batch: images [N, C, H, W] scaled to [0, 1] and their labels.</summary>
public sealed record Batch(Tensor Images, int[] Labels);
