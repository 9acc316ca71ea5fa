using static TorchSharp.torch;

namespace GroupNet.Trainer.Quantization;

/// <summary>
/// Fake-quantised 8-bit weights for the first and last layers (what the device runs): per output row
/// (first dimension) s = max|W| / 127 (1 when the row is all zero), W_q = clamp(round(W / s), -127, 127) * s,
/// rounding half away from zero (not LibTorch's half-to-even <c>round</c>: the exporter rounds the same way).
/// Backward is the straight-through estimator dL/dW = dL/dW_q; s is a constant.
/// </summary>
public static class Int8WeightQuantizer
{
    /// <summary>Largest integer magnitude (symmetric range, -128 unused).</summary>
    public const int MaxLevel = 127;

    /// <summary>Returns the fake-quantised weight with the straight-through gradient.</summary>
    public static Tensor Forward(Tensor weight)
    {
        using var scope = NewDisposeScope();
        Tensor q;
        using (no_grad())
        {
            var rows = weight.reshape(weight.shape[0], -1);
            var max = rows.abs().amax([1], keepdim: true);
            var s = where(max.gt(Scalars.Zero), max.div(Scalars.Int8Max), ones_like(max));
            var v = rows / s;
            // v - trunc(v) is exact in float, so this is exactly half away from zero (floor(|v| + 0.5) is not: the
            // sum rounds for |v| just below one half).
            var whole = v.trunc();
            var rounded = whole.add(where(v.add(whole, Scalars.MinusOne).abs() >= Scalars.Half, v.sign(), zeros_like(v)), Scalars.One);
            q = (rounded.clamp(Scalars.MinusInt8Max, Scalars.Int8Max) * s).reshape(weight.shape);
        }
        if (!weight.requires_grad || !is_grad_enabled())
        {
            return q.MoveToOuterDisposeScope();
        }
        return q.add(weight.add(weight.detach(), Scalars.MinusOne), Scalars.One).MoveToOuterDisposeScope(); // named alphas (Scalars)
    }
}
