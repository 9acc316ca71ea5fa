using TorchSharp;
using static TorchSharp.torch;

namespace GroupNet.Trainer.Quantization;

/// <summary>
/// The autograd function of 1-bit activations (see <see cref="SignActivationQuantizer"/>): forward y = beta_n * s(x)
/// with s(x) = +1 for x &gt;= 0 (-0 included) and -1 otherwise, beta_n = mean |x| of sample n or a given constant;
/// backward dL/dx_j = beta_n g_j [|x_j| &lt;= 1] + s(x_j) / M sum_i g_i s(x_i), the second term only for the per-sample
/// beta (it is beta's own derivative, with s as the subgradient of |x| at 0).
/// </summary>
internal sealed class SignQuantizerFunction : autograd.SingleTensorFunction<SignQuantizerFunction>
{
    /// <inheritdoc/>
    public override string Name => nameof(SignQuantizerFunction);

    /// <summary>vars: the input [N, ...], and beta (a tensor [N, 1, ..., 1]: per-sample means, or a constant filled in).</summary>
    public override Tensor forward(autograd.AutogradContext ctx, params object[] vars)
    {
        var x = (Tensor)vars[0];
        var beta = (Tensor)vars[1];
        bool perSample = (bool)vars[2];
        ctx.save_for_backward([x, beta]);
        ctx.save_data("per_sample", perSample);
        // Own dispose scopes: see LevelQuantizerFunction.
        using var scope = NewDisposeScope();
        return Sign(x).mul_(beta).MoveToOuterDisposeScope();
    }

    /// <inheritdoc/>
    public override List<Tensor> backward(autograd.AutogradContext ctx, Tensor grad_output)
    {
        // The incoming gradient is wrapped outside any scope: see LevelQuantizerFunction.backward.
        using var scope = NewDisposeScope();
        scope.Attach(grad_output);
        var saved = ctx.get_saved_variables();
        var (x, beta) = (saved[0], saved[1]);
        bool perSample = (bool)ctx.get_data("per_sample");
        var dx = grad_output.mul(LevelQuantizerFunction.InsideMask(x, Scalars.MinusOne, Scalars.One)).mul_(beta);
        if (perSample)
        {
            var s = Sign(x);
            var dims = Enumerable.Range(1, (int)x.dim() - 1).Select(d => (long)d).ToArray();
            long m = x.numel() / x.shape[0];
            var c = (grad_output * s).sum(dims, keepdim: true).div_(m);
            dx.add_(s.mul_(c), Scalars.One);
        }
        return [dx.MoveToOuterDisposeScope(), null!, null!];
    }

    /// <summary>+1 where x &gt;= 0 (and -0), -1 elsewhere (<see cref="BinaryWeightQuantizer.Sign(Tensor)"/>).</summary>
    public static Tensor Sign(Tensor x) => BinaryWeightQuantizer.Sign(x);
}
