namespace GroupNet.Trainer.Data;

/// <summary>
/// Images as raw uint8 pixels, NCHW (here C = 1), with one label per image. The network input is p / 255
/// with no mean subtraction (the device input is raw uint8 and the exporter folds 1/255; zero padding stays
/// exactly zero).
/// </summary>
public sealed class ImageDataset
{
    /// <summary>Wraps the arrays (not copied).</summary>
    public ImageDataset(byte[] pixels, byte[] labels, int channels, int height, int width, int numClasses = 10)
    {
        if (channels < 1 || height < 1 || width < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(channels), "image dimensions must be positive");
        }
        int size = channels * height * width;
        if (pixels.Length != (long)labels.Length * size)
        {
            throw new ArgumentException($"{pixels.Length} pixels do not make {labels.Length} images of {channels}x{height}x{width}");
        }
        foreach (var l in labels)
        {
            if (l >= numClasses)
            {
                throw new ArgumentException($"label {l} outside [0, {numClasses})");
            }
        }
        Pixels = pixels;
        Labels = labels;
        Channels = channels;
        Height = height;
        Width = width;
        NumClasses = numClasses;
    }

    /// <summary>Pixels, image after image, each C x H x W.</summary>
    public byte[] Pixels { get; }

    /// <summary>Labels in [0, NumClasses).</summary>
    public byte[] Labels { get; }

    /// <summary>Number of images.</summary>
    public int Count => Labels.Length;

    /// <summary>Channels per image.</summary>
    public int Channels { get; }

    /// <summary>Rows per image.</summary>
    public int Height { get; }

    /// <summary>Columns per image.</summary>
    public int Width { get; }

    /// <summary>Number of classes.</summary>
    public int NumClasses { get; }

    /// <summary>Values per image.</summary>
    public int ImageSize => Channels * Height * Width;

    /// <summary>Raw uint8 pixels of one image, [C][H][W] (for one channel the device's [H][W][C] too).</summary>
    public byte[] ImageBytes(int index) => Pixels.AsSpan(index * ImageSize, ImageSize).ToArray();

    /// <summary>Raw pixels of the first <paramref name="count"/> images.</summary>
    public IReadOnlyList<byte[]> ImageBytes(int start, int count) =>
        Enumerable.Range(start, Math.Min(count, Count - start)).Select(i => ImageBytes(i)).ToArray();

    /// <summary>The first <paramref name="count"/> images (copies).</summary>
    public ImageDataset Take(int count)
    {
        count = Math.Min(count, Count);
        return new ImageDataset(Pixels.AsSpan(0, count * ImageSize).ToArray(), Labels.AsSpan(0, count).ToArray(), Channels, Height, Width, NumClasses);
    }
}
