using static TorchSharp.torch;

namespace GroupNet.Tests.Trainer;

/// <summary>Central finite differences against autograd for float64 leaf tensors.</summary>
internal static class FiniteDifferences
{
    /// <summary>
    /// Runs <paramref name="loss"/> (a float64 scalar) backward once (the inputs hold no gradient before), then for <paramref name="samplesPerInput"/>
    /// coordinates of every input (all of them when the input is that small) compares the analytic gradient a with
    /// (L(x + h) - L(x - h)) / 2h = n; returns the largest |a - n| / max(1, |a| + |n|). Inputs are restored.
    /// </summary>
    public static double MaxRelativeError(Func<Tensor> loss, IReadOnlyList<Tensor> inputs, double step, int samplesPerInput, Random random)
    {
        if (inputs.FirstOrDefault(i => i.grad is not null) is { } used)
        {
            throw new ArgumentException("the inputs must not hold gradients yet", nameof(inputs));
        }
        using (var scope = NewDisposeScope())
        {
            loss().backward();
        }
        double worst = 0;
        foreach (var input in inputs)
        {
            if (input.dtype != ScalarType.Float64 || !input.is_contiguous())
            {
                throw new ArgumentException("finite differences need contiguous float64 inputs", nameof(inputs));
            }
            var analytic = input.grad!.detach().cpu().data<double>().ToArray();
            using var flat = input.detach().view(-1); // shares the input's storage
            var values = flat.data<double>();
            long count = input.numel();
            var indices = count <= samplesPerInput
                ? Enumerable.Range(0, (int)count).Select(i => (long)i)
                : Enumerable.Range(0, samplesPerInput).Select(_ => random.NextInt64(count));
            foreach (long i in indices)
            {
                double original = values[i];
                values[i] = original + step;
                double plus = Evaluate(loss);
                values[i] = original - step;
                double minus = Evaluate(loss);
                values[i] = original;
                double numeric = (plus - minus) / (2 * step);
                worst = Math.Max(worst, Math.Abs(analytic[i] - numeric) / Math.Max(1, Math.Abs(analytic[i]) + Math.Abs(numeric)));
            }
        }
        return worst;
    }

    private static double Evaluate(Func<Tensor> loss)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        return loss().item<double>();
    }
}
