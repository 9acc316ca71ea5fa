using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;
using GroupNet.Trainer.Tensors;

namespace GroupNet.Trainer.Quantization;

/// <summary>
/// Binary weights, Eq. 1 of Group-Net: W_b = alpha * sign(W) with alpha = mean(|W|) over each output filter
/// (first dimension). <b>Project-wide convention: sign(0) = +1</b> (a zero weight becomes +alpha; the packed
/// bit for +1 is what the exporter writes for it too).
/// Backward is the straight-through estimator dL/dW = dL/dW_b, zeroed where |W| &gt; 1 when
/// <see cref="ClipGradient"/> is on (the default); alpha is treated as a constant.
/// </summary>
public sealed class BinaryWeightQuantizer
{
    /// <summary>Creates the quantiser.</summary>
    public BinaryWeightQuantizer(bool clipGradient = true)
    {
        ClipGradient = clipGradient;
    }

    /// <summary>Zero the gradient where |W| &gt; 1.</summary>
    public bool ClipGradient { get; }

    /// <summary>sign with sign(0) = +1.</summary>
    public static float Sign(float w) => w >= 0f ? 1f : -1f;

    /// <summary>alpha of every output filter of <paramref name="weight"/> (mean absolute value).</summary>
    public static float[] Alphas(Tensor weight)
    {
        int filters = weight.Size(0);
        int size = weight.Count / filters;
        var alphas = new float[filters];
        for (int o = 0; o < filters; o++)
        {
            alphas[o] = TensorPrimitives.SumOfMagnitudes(new ReadOnlySpan<float>(weight.Data, o * size, size)) / size;
        }
        return alphas;
    }

    /// <summary>Returns alpha * sign(W) and records the straight-through backward.</summary>
    public Tensor Forward(TrainingContext context, Tensor weight)
    {
        int filters = weight.Size(0);
        int size = weight.Count / filters;
        var alphas = Alphas(weight);
        var wb = Tensor.Create(context, false, weight.ShapeArray());
        var w = weight.Data;
        for (int o = 0; o < filters; o++)
        {
            float a = alphas[o];
            for (int i = o * size; i < (o + 1) * size; i++)
            {
                wb.Data[i] = w[i] >= 0f ? a : -a;
            }
        }
        bool clip = ClipGradient;
        wb.AttachGrad(context, [weight], output =>
        {
            var g = output.Grad!;
            var dw = weight.EnsureGrad(context);
            for (int i = 0; i < dw.Length; i++)
            {
                if (!clip || MathF.Abs(w[i]) <= 1f)
                {
                    dw[i] += g[i];
                }
            }
        });
        return wb;
    }
}
