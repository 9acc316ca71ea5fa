using static TorchSharp.torch;

namespace GroupNet.Trainer.Quantization;

/// <summary>
/// Binary weights, Eq. 1 of Group-Net: W_b = alpha * sign(W) with alpha = mean(|W|) over each output filter
/// (first dimension). <b>Project-wide convention: sign(0) = +1</b> (a zero weight becomes +alpha; the packed
/// bit for +1 is what the exporter writes for it too).
/// Backward is the straight-through estimator dL/dW = dL/dW_b, zeroed where |W| &gt; 1 when
/// <see cref="ClipGradient"/> is on (the default); alpha is treated as a constant.
/// <para>Written in the detach form y = v.detach() + (s - s.detach()) with s = clamp(W, -1, 1) (or W): the forward value is
/// exactly v (s - s.detach() is exactly zero) and the gradient is exactly ds/dW, which clamp passes inside [-1, 1]
/// (both ends included) and zeroes outside.</para>
/// </summary>
public sealed class BinaryWeightQuantizer(bool clipGradient = true)
{
    /// <summary>Zero the gradient where |W| &gt; 1.</summary>
    public bool ClipGradient { get; } = clipGradient;

    /// <summary>sign with sign(0) = +1.</summary>
    public static float Sign(float w) => w >= 0f ? 1f : -1f;

    /// <summary>sign of every element with sign(0) = +1 (and -0 = +1), as a tensor of +/-1 of the input's type (the one
    /// definition of the convention for tensors: weights here, activations in <see cref="SignQuantizerFunction"/>).</summary>
    public static Tensor Sign(Tensor x) => x.ge(Scalars.Zero).to(x.dtype).mul_(Scalars.Two).add_(Scalars.MinusOne, Scalars.One);

    /// <summary>alpha of every output filter of <paramref name="weight"/> (mean absolute value), shape [Cout, 1, ..., 1].</summary>
    public static Tensor Alphas(Tensor weight)
    {
        var dims = Enumerable.Range(1, (int)weight.dim() - 1).Select(d => (long)d).ToArray();
        return weight.abs().mean(dims, keepdim: true);
    }

    /// <summary>Returns alpha * sign(W) with the straight-through gradient.</summary>
    public Tensor Forward(Tensor weight)
    {
        using var scope = NewDisposeScope();
        Tensor wb;
        using (no_grad())
        {
            wb = Alphas(weight) * Sign(weight);
        }
        if (!weight.requires_grad || !is_grad_enabled())
        {
            return wb.MoveToOuterDisposeScope();
        }
        var passed = ClipGradient ? weight.clamp(Scalars.MinusOne, Scalars.One) : weight;
        return wb.add(passed.add(passed.detach(), Scalars.MinusOne), Scalars.One).MoveToOuterDisposeScope(); // named alphas (Scalars)
    }
}
