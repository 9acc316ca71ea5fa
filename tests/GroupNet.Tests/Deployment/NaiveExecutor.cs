using System.Numerics;
using GroupNet.Deployment.Model;

namespace GroupNet.Tests.Deployment;

/// <summary>
/// A deliberately naive executor for the integer program: levels unpacked to ints, signs to +/-1
/// (out-of-bounds taps are zero padding, so they add 0), weights to +/-1,
/// sums in 64 bits, rounding with BigInteger. Shares no code with the reference executor, so the
/// two can be swept against each other.
/// </summary>
public static class NaiveExecutor
{
    public static int[] Infer(DeploymentModel model, byte[] image)
    {
        var values = new int[model.Tensors.Length][];
        values[0] = image.Select(p => (int)p).ToArray();
        foreach (var layer in model.Layers)
        {
            var (oh, ow) = model.OutputSize(layer);
            int cout = layer.OutChannels;
            var z = new long[oh * ow * cout];
            foreach (var term in layer.Terms)
            {
                var input = model.Tensors[term.Input];
                var x = values[term.Input];
                for (int y = 0; y < oh; y++)
                for (int xx = 0; xx < ow; xx++)
                for (int o = 0; o < cout; o++)
                {
                    long acc = 0;
                    switch (term)
                    {
                        case IdentityTerm:
                            acc = x[(y * input.Width + xx) * input.Channels + o];
                            break;
                        case BinaryConvTerm c:
                            acc = Conv(input, x, c.Geometry, y, xx, (ky, kx, ci) =>
                            {
                                int words = (input.Channels + 31) / 32;
                                uint word = c.Weights[((o * c.Geometry.Kernel + ky) * c.Geometry.Kernel + kx) * words + ci / 32];
                                return ((word >> (ci % 32)) & 1) == 1 ? 1 : -1;
                            });
                            break;
                        case Int8ConvTerm c:
                            acc = Conv(input, x, c.Geometry, y, xx, (ky, kx, ci) =>
                                c.Weights[((o * c.Geometry.Kernel + ky) * c.Geometry.Kernel + kx) * input.Channels + ci]);
                            break;
                    }
                    z[(y * ow + xx) * cout + o] += (long)term.Multipliers[o] * acc;
                }
            }
            switch (layer.Epilogue)
            {
                case ThresholdEpilogue te:
                    int per = te.ThresholdsPerChannel;
                    bool signs = model.Tensors[layer.Output].Kind == TensorKind.Signs;
                    values[layer.Output] = z.Select((v, i) =>
                    {
                        int o = i % cout;
                        int level = Enumerable.Range(0, per).Count(k => v >= te.Thresholds[o * per + k]);
                        return signs ? (level == 1 ? 1 : -1) : level;
                    }).ToArray();
                    break;
                case PooledEpilogue:
                    var pooled = new int[cout];
                    for (int i = 0; i < z.Length; i++)
                    {
                        pooled[i % cout] = checked(pooled[i % cout] + (int)z[i]);
                    }
                    values[layer.Output] = pooled;
                    break;
            }
        }
        var h = model.Head;
        var p = values[h.Input];
        var x8 = new long[h.InFeatures];
        for (int c = 0; c < h.InFeatures; c++)
        {
            var v = (BigInteger)p[c] * h.RequantMultipliers[c] + h.RequantOffsets[c];
            // floor(v / 2^S + 1/2) = floor((2v + 2^S) / 2^(S+1))
            var num = 2 * v + (BigInteger.One << h.RequantShift);
            var den = BigInteger.One << (h.RequantShift + 1);
            var q = BigInteger.DivRem(num, den, out var rem);
            if (rem < 0)
            {
                q -= 1;
            }
            x8[c] = (long)BigInteger.Max(-127, BigInteger.Min(127, q));
        }
        return Enumerable.Range(0, h.OutFeatures).Select(j =>
            checked((int)(h.Bias[j] + Enumerable.Range(0, h.InFeatures).Sum(c => (long)h.Weights[j * h.InFeatures + c] * x8[c])))).ToArray();
    }

    private static long Conv(TensorSpec input, int[] x, ConvGeometry g, int y, int xx, Func<int, int, int, int> weight)
    {
        long acc = 0;
        for (int ky = 0; ky < g.Kernel; ky++)
        for (int kx = 0; kx < g.Kernel; kx++)
        {
            int iy = y * g.Stride - g.Padding + ky, ix = xx * g.Stride - g.Padding + kx;
            if (iy < 0 || ix < 0 || iy >= input.Height || ix >= input.Width)
            {
                continue;
            }
            for (int ci = 0; ci < input.Channels; ci++)
            {
                acc += (long)x[(iy * input.Width + ix) * input.Channels + ci] * weight(ky, kx, ci);
            }
        }
        return acc;
    }
}
