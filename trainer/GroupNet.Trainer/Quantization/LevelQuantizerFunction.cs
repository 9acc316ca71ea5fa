using TorchSharp;
using static TorchSharp.torch;

namespace GroupNet.Trainer.Quantization;

/// <summary>
/// The autograd function of k-bit activations (Eq. 2): forward q = floor(clip(x, 0, 1) * L + 0.5) / L in one buffer,
/// backward dL/dx = dL/dq where 0 &lt;= x &lt;= 1 (both ends included), 0 elsewhere. One function node instead of the
/// four of the detach form (clamp, floor chain, subtraction, addition) halves the activation memory and the passes.
/// L = 0 means clip only (the full-precision parent's nonlinearity), with the same gradient.
/// </summary>
internal sealed class LevelQuantizerFunction : autograd.SingleTensorFunction<LevelQuantizerFunction>
{
    /// <inheritdoc/>
    public override string Name => nameof(LevelQuantizerFunction);

    /// <summary>vars: the input tensor and the number of steps L (a float).</summary>
    public override Tensor forward(autograd.AutogradContext ctx, params object[] vars)
    {
        var x = (Tensor)vars[0];
        float levels = (float)vars[1];
        ctx.save_for_backward([x]);
        // TorchSharp runs a function's forward and backward outside the caller's dispose scope: without a scope of
        // their own, every intermediate wrapper (in-place ops return new ones) would hold its storage until the
        // finalizer runs, which measured as a leak of one activation tensor per call.
        using var scope = NewDisposeScope();
        var q = x.clamp(Scalars.Zero, Scalars.One);
        if (levels == 0f)
        {
            return q.MoveToOuterDisposeScope();
        }
        using var l = levels.ToScalar();
        return q.mul_(l).add_(Scalars.Half, Scalars.One).floor_().div_(l).MoveToOuterDisposeScope();
    }

    /// <inheritdoc/>
    public override List<Tensor> backward(autograd.AutogradContext ctx, Tensor grad_output)
    {
        // TorchSharp wraps the incoming gradient outside any scope; the scope takes it, so its storage is released as
        // soon as LibTorch's own reference goes (not when a finalizer runs).
        using var scope = NewDisposeScope();
        scope.Attach(grad_output);
        var x = ctx.get_saved_variables()[0];
        return [grad_output.mul(InsideMask(x, Scalars.Zero, Scalars.One)).MoveToOuterDisposeScope(), null!];
    }

    /// <summary>1 where lower &lt;= x &lt;= upper, else 0, as floats: 1 - |sign(clamp(x) - x)| (float passes only; the
    /// comparison-and-select path measured slower on LibTorch's CPU kernels).</summary>
    public static Tensor InsideMask(Tensor x, Scalar lower, Scalar upper) =>
        x.clamp(lower, upper).sub_(x).sign_().abs_().neg_().add_(Scalars.One, Scalars.One);
}
