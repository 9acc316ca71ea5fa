using GroupNet.Deployment.Model;

namespace GroupNet.Deployment.Data;

/// <summary>
/// Inputs at the edges of the image range, for the bit-exactness tests of the C and the firmware:
/// all 0, all 255, checkerboards, seeded noise, and per stem channel the image that drives that
/// channel's int8 accumulator to its largest and smallest value at the centre pixel.
/// </summary>
public static class ExtremeInputs
{
    /// <summary>One named input.</summary>
    /// <param name="Name">What it is, for failure messages.</param>
    /// <param name="Pixels">The image, <c>[H][W][C]</c> row-major.</param>
    public sealed record Input(string Name, byte[] Pixels);

    /// <summary>
    /// The inputs for <paramref name="model"/>: all 0, all 255; checkerboards of 1, 2, 4 and 7 pixel squares
    /// and their inverses; uniform noise, 0/255 noise and low-level noise (0..3) from <paramref name="seed"/>;
    /// then, for up to <paramref name="stemChannels"/> channels of an int8 first layer, the image with 255 where
    /// the channel's weight at the centre pixel's window is positive (0 elsewhere) and its inverse: the largest
    /// and smallest accumulator that channel can reach at that pixel.
    /// </summary>
    public static IReadOnlyList<Input> For(DeploymentModel model, int seed = 1, int stemChannels = 4)
    {
        ArgumentNullException.ThrowIfNull(model);
        var shape = model.InputTensor;
        int bytes = model.InputBytes;
        var list = new List<Input>
        {
            new("all 0", new byte[bytes]),
            new("all 255", Enumerable.Repeat((byte)255, bytes).ToArray()),
        };
        foreach (int square in new[] { 1, 2, 4, 7 })
        {
            list.Add(new($"checkerboard {square}px", Board(shape, square, false)));
            list.Add(new($"inverse checkerboard {square}px", Board(shape, square, true)));
        }
        var rng = new Random(seed);
        var noise = new byte[bytes];
        rng.NextBytes(noise);
        list.Add(new("uniform noise", noise));
        list.Add(new("0/255 noise", Enumerable.Range(0, bytes).Select(_ => (byte)(rng.Next(2) * 255)).ToArray()));
        list.Add(new("low noise 0..3", Enumerable.Range(0, bytes).Select(_ => (byte)rng.Next(4)).ToArray()));

        if (model.Layers.Length > 0 && model.Layers[0].Terms.Length > 0 && model.Layers[0].Terms[0] is Int8ConvTerm stem && stem.Input == 0)
        {
            int cout = model.Layers[0].OutChannels;
            for (int o = 0; o < Math.Min(stemChannels, cout); o++)
            {
                list.Add(new($"stem channel {o} maximum", StemExtreme(shape, stem, o, positive: true)));
                list.Add(new($"stem channel {o} minimum", StemExtreme(shape, stem, o, positive: false)));
            }
        }
        return list;
    }

    private static byte[] Board(TensorSpec shape, int square, bool inverse)
    {
        var image = new byte[shape.Height * shape.Width * shape.Channels];
        for (int y = 0; y < shape.Height; y++)
        for (int x = 0; x < shape.Width; x++)
        for (int c = 0; c < shape.Channels; c++)
        {
            bool on = (y / square + x / square) % 2 == 0;
            image[(y * shape.Width + x) * shape.Channels + c] = on != inverse ? (byte)255 : (byte)0;
        }
        return image;
    }

    /// <summary>255 where weight * sign is positive in the window of the centre output pixel, else 0.</summary>
    private static byte[] StemExtreme(TensorSpec shape, Int8ConvTerm stem, int o, bool positive)
    {
        var g = stem.Geometry;
        var image = new byte[shape.Height * shape.Width * shape.Channels];
        int outH = g.OutputSize(shape.Height), outW = g.OutputSize(shape.Width);
        int cy = outH / 2, cx = outW / 2;
        for (int ky = 0; ky < g.Kernel; ky++)
        for (int kx = 0; kx < g.Kernel; kx++)
        {
            int iy = cy * g.Stride - g.Padding + ky, ix = cx * g.Stride - g.Padding + kx;
            if (iy < 0 || ix < 0 || iy >= shape.Height || ix >= shape.Width)
            {
                continue;
            }
            for (int c = 0; c < shape.Channels; c++)
            {
                int w = stem.Weights[((o * g.Kernel + ky) * g.Kernel + kx) * shape.Channels + c];
                if (positive ? w > 0 : w < 0)
                {
                    image[(iy * shape.Width + ix) * shape.Channels + c] = 255;
                }
            }
        }
        return image;
    }
}
