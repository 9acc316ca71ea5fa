using static TorchSharp.torch;

namespace GroupNet.Trainer.Data;

/// <summary>A mini-batch: images [N, C, H, W] float32 (p / 255, or normalised when the loader says so) and their
/// labels [N] int64, on the loader's device.</summary>
public sealed record Batch(Tensor Images, Tensor Labels)
{
    /// <summary>Images in the batch.</summary>
    public int Count => (int)Labels.shape[0];
}
