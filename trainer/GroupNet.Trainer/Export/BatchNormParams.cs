namespace GroupNet.Trainer.Export;

/// <summary>A batch-norm layer's inference parameters (running statistics), per channel.</summary>
public sealed record BatchNormParams(float[] Gamma, float[] Beta, float[] RunningMean, float[] RunningVar, double Eps)
{
    public int Channels => Gamma.Length;

    /// <summary>y = Scale * x + Shift.</summary>
    public double Scale(int c) => Gamma[c] / Math.Sqrt(RunningVar[c] + Eps);

    public double Shift(int c) => Beta[c] - Scale(c) * RunningMean[c];

    public double Apply(int c, double x) => Scale(c) * x + Shift(c);
}
