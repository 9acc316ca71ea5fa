using GroupNet.Trainer.Tensors;

namespace GroupNet.Trainer.Optim;

/// <summary>Gradient clipping (PyTorch's <c>torch.nn.utils.clip_grad_norm_</c>).</summary>
public static class GradientClipping
{
    /// <summary>
    /// Global L2 norm of every gradient of <paramref name="parameters"/> (tensors without a gradient are skipped),
    /// accumulated in double in the given order (deterministic).
    /// </summary>
    public static double GlobalNorm(IEnumerable<Tensor> parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        double sum = 0;
        foreach (var p in parameters)
        {
            if (p.Grad is { } g)
            {
                double s = 0;
                foreach (float v in g)
                {
                    s += (double)v * v;
                }
                sum += s;
            }
        }
        return Math.Sqrt(sum);
    }

    /// <summary>
    /// Scales every gradient by <paramref name="maxNorm"/> / N when the global norm N exceeds
    /// <paramref name="maxNorm"/>, so the clipped global norm equals the limit (up to float rounding); returns N
    /// (before clipping). Unlike PyTorch no 1e-6 is added to N, so the limit is met exactly rather than
    /// approximately. A non-finite N (an overflowed or NaN gradient) leaves the gradients untouched and is returned
    /// for the caller to act on.
    /// </summary>
    public static double ClipGradNorm(IEnumerable<Tensor> parameters, double maxNorm)
    {
        if (!(maxNorm > 0) || double.IsInfinity(maxNorm))
        {
            throw new ArgumentOutOfRangeException(nameof(maxNorm), maxNorm, "max norm must be finite and > 0");
        }
        var list = parameters as IReadOnlyList<Tensor> ?? parameters.ToList();
        double norm = GlobalNorm(list);
        if (!double.IsFinite(norm) || norm <= maxNorm)
        {
            return norm;
        }
        float factor = (float)(maxNorm / norm);
        foreach (var p in list)
        {
            if (p.Grad is { } g)
            {
                System.Numerics.Tensors.TensorPrimitives.Multiply(g, factor, g);
            }
        }
        return norm;
    }
}
