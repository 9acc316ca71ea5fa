using GroupNet.Trainer.Tensors;

namespace GroupNet.Trainer.Ops;

/// <summary>
/// Finite-difference gradient check: compares the autograd gradient of L = sum(f(inputs) * R) (R a fixed
/// random tensor) with central differences (L(x + h) - L(x - h)) / 2h at sampled coordinates of every input
/// that requires a gradient. The error of one coordinate is abs(analytic - numeric) / max(1, abs(analytic) + abs(numeric));
/// in float32 a correct op stays below about 1e-2 with a step of 1e-2.
/// </summary>
public static class GradientCheck
{
    /// <summary>Largest relative error over up to <paramref name="samples"/> coordinates per input.</summary>
    public static double MaxError(TrainingContext context, Func<Tensor> forward, IReadOnlyList<Tensor> inputs, double step = 1e-2, int samples = 40, int seed = 1)
    {
        var random = new Random(seed);
        float[] weights;
        foreach (var t in inputs)
        {
            t.Grad = null;
        }
        using (context.GradMode.Enable())
        {
            var y = forward();
            weights = new float[y.Count];
            for (int i = 0; i < weights.Length; i++)
            {
                weights[i] = (float)(random.NextDouble() * 2 - 1);
            }
            y.Grad = (float[])weights.Clone();
            y.BackwardFromGrad(context);
        }
        double worst = 0;
        using (context.NoGrad())
        {
            foreach (var t in inputs)
            {
                if (!t.RequiresGrad || t.Grad is null)
                {
                    continue;
                }
                int count = Math.Min(samples, t.Count);
                for (int s = 0; s < count; s++)
                {
                    int i = t.Count <= samples ? s : random.Next(t.Count);
                    float saved = t.Data[i];
                    t.Data[i] = (float)(saved + step);
                    double plus = Weighted(forward(), weights);
                    t.Data[i] = (float)(saved - step);
                    double minus = Weighted(forward(), weights);
                    t.Data[i] = saved;
                    double numeric = (plus - minus) / (2 * step);
                    double analytic = t.Grad[i];
                    double err = Math.Abs(analytic - numeric) / Math.Max(1.0, Math.Abs(analytic) + Math.Abs(numeric));
                    worst = Math.Max(worst, err);
                }
            }
        }
        return worst;
    }

    private static double Weighted(Tensor y, float[] weights)
    {
        double s = 0;
        for (int i = 0; i < weights.Length; i++)
        {
            s += (double)y.Data[i] * weights[i];
        }
        return s;
    }
}
