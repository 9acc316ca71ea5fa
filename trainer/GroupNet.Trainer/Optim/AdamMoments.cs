using TorchSharp;
using static TorchSharp.torch;

namespace GroupNet.Trainer.Optim;

/// <summary>The moment update and bias-corrected step Adam and AdamW share (<see cref="ScalarSafeAdam"/>,
/// <see cref="ScalarSafeAdamW"/>), in TorchSharp's order, every scalar held across its native call.</summary>
internal static class AdamMoments
{
    /// <summary>exp_avg = b1 exp_avg + (1 - b1) g; exp_avg_sq = b2 exp_avg_sq + (1 - b2) g^2; parameter -= lr / (1 - b1^t)
    /// * exp_avg / (sqrt(exp_avg_sq) / sqrt(1 - b2^t) + eps).</summary>
    public static void Step(Tensor parameter, Tensor grad, Tensor expAvg, Tensor expAvgSq, long step, double lr, double beta1, double beta2,
        Scalar b1, Scalar b2, Scalar oneMinusB1, Scalar oneMinusB2, Scalar eps)
    {
        double correction1 = 1.0 - Math.Pow(beta1, step);
        double correction2 = 1.0 - Math.Pow(beta2, step);
        expAvg.mul_(b1).add_(grad, oneMinusB1);
        expAvgSq.mul_(b2).addcmul_(grad, grad, oneMinusB2);
        using var root = Math.Sqrt(correction2).ToScalar();
        using var rate = (-(lr / correction1)).ToScalar();
        var denominator = expAvgSq.sqrt().div(root).add_(eps);
        parameter.addcdiv_(expAvg, denominator, rate);
    }
}
