namespace GroupNet.Trainer.Modules;

/// <summary>Weight initialisers drawing from an explicit generator.</summary>
public static class Init
{
    /// <summary>Fills with N(0, std^2) (Box-Muller, deterministic for a seeded generator).</summary>
    public static void Normal(Span<float> data, double std, Random random)
    {
        for (int i = 0; i < data.Length; i++)
        {
            double u1 = 1.0 - random.NextDouble();
            double u2 = random.NextDouble();
            data[i] = (float)(std * Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2));
        }
    }

    /// <summary>Fills with U(-bound, bound).</summary>
    public static void Uniform(Span<float> data, double bound, Random random)
    {
        for (int i = 0; i < data.Length; i++)
        {
            data[i] = (float)((random.NextDouble() * 2.0 - 1.0) * bound);
        }
    }
}
