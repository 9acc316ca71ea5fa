using GroupNet.Trainer.Tensors;

namespace GroupNet.Trainer.Quantization;

/// <summary>
/// Fake-quantised 8-bit weights for the first and last layers (what the device runs): per output row
/// (first dimension) s = max|W| / 127 (1 when the row is all zero), W_q = clamp(round(W / s), -127, 127) * s,
/// rounding half away from zero. Backward is the straight-through estimator dL/dW = dL/dW_q; s is a constant.
/// </summary>
public static class Int8WeightQuantizer
{
    /// <summary>Largest integer magnitude (symmetric range, -128 unused).</summary>
    public const int MaxLevel = 127;

    /// <summary>Returns the fake-quantised weight and records the straight-through backward.</summary>
    public static Tensor Forward(TrainingContext context, Tensor weight)
    {
        int rows = weight.Size(0);
        int size = weight.Count / rows;
        var w = weight.Data;
        var q = Tensor.Create(context, false, weight.ShapeArray());
        for (int o = 0; o < rows; o++)
        {
            var row = new ReadOnlySpan<float>(w, o * size, size);
            float max = System.Numerics.Tensors.TensorPrimitives.MaxMagnitude(row);
            // MaxMagnitude returns the signed element: a row whose largest weight is negative must still get
            // s = |max| / 127 (testing max > 0 here once zeroed every such row).
            float s = max != 0f ? MathF.Abs(max) / MaxLevel : 1f;
            for (int i = o * size; i < (o + 1) * size; i++)
            {
                q.Data[i] = Math.Clamp(MathF.Round(w[i] / s, MidpointRounding.AwayFromZero), -MaxLevel, MaxLevel) * s;
            }
        }
        q.AttachGrad(context, [weight], output =>
        {
            var g = output.Grad!;
            var dw = weight.EnsureGrad(context);
            System.Numerics.Tensors.TensorPrimitives.Add(dw, g, dw);
        });
        return q;
    }
}
