using GroupNet.Trainer.Quantization;
using static TorchSharp.torch;

namespace GroupNet.Trainer.Modules;

/// <summary>sum_k scales[k] * terms[k]: how a group, a layer-wise convolution and v3 combine their K bases.</summary>
public static class WeightedSum
{
    /// <summary>The weighted sum (a new tensor in the caller's dispose scope).</summary>
    public static Tensor Of(Tensor scales, IEnumerable<Tensor> terms)
    {
        Tensor? sum = null;
        int k = 0;
        foreach (var t in terms)
        {
            var term = t * scales[k++];
            sum = sum is null ? term : sum.add_(term, Scalars.One);
        }
        return sum ?? throw new ArgumentException("a weighted sum needs at least one term", nameof(terms));
    }
}
