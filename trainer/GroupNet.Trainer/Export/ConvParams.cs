namespace GroupNet.Trainer.Export;

/// <summary>A convolution's latent float weights in PyTorch layout [Cout][Cin][kh][kw].</summary>
public sealed record ConvParams(float[] Weight, int OutChannels, int InChannels, int Kernel, int Stride, int Padding)
{
    public float At(int o, int c, int ky, int kx) => Weight[((o * InChannels + c) * Kernel + ky) * Kernel + kx];

    public int FilterSize => InChannels * Kernel * Kernel;

    /// <summary>alpha = mean |W| of output filter o (Eq. 1).</summary>
    public double MeanAbs(int o)
    {
        double sum = 0;
        for (int i = 0; i < FilterSize; i++)
        {
            sum += Math.Abs(Weight[o * FilterSize + i]);
        }
        return sum / FilterSize;
    }
}
