namespace GroupNet.Trainer.Models;

/// <summary>
/// Size and cost of a model for one image (see <see cref="ModelCost.Measure"/>).
/// </summary>
/// <param name="Parameters">Every trainable float (latent weights, BN, scales, biases).</param>
/// <param name="BinaryParameters">Latent weights of binary convolutions (1 bit each on the device).</param>
/// <param name="BinaryOperations">Eq. 4 count: for every binary convolution (K per binary layer), MACs x activation bits.</param>
/// <param name="FloatMacs">MACs of the non-binary layers (first and last, or every layer of a float model).</param>
/// <param name="ModelBytes">Packed binary weights (1 bit, rows rounded up to bytes) + 4 bytes per filter alpha; first and last
/// layers 4 bytes per weight (float) or 1 byte per weight + 4 per output scale (int8); every other parameter (BN, scales,
/// biases, float convolutions) 4 bytes.</param>
public sealed record ModelCostReport(long Parameters, long BinaryParameters, long BinaryOperations, long FloatMacs, long ModelBytes);
