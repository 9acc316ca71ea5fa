using System.Buffers.Binary;
using GroupNet.Deployment.Data;

namespace GroupNet.Tests.Reliability;

/// <summary>A folder in the MNIST layout (the four standard IDX file names) with a few hundred seeded
/// 28x28 images: a class-dependent bar plus noise, so training has something to learn and runs in seconds.</summary>
internal static class SyntheticMnistFolder
{
    public static string Write(string folder, int trainCount, int testCount, int seed)
    {
        Directory.CreateDirectory(folder);
        var rng = new Random(seed);
        WriteSplit(folder, "train", trainCount, rng);
        WriteSplit(folder, "t10k", testCount, rng);
        return folder;
    }

    private static void WriteSplit(string folder, string prefix, int count, Random rng)
    {
        const int side = 28;
        var images = new byte[16 + count * side * side];
        BinaryPrimitives.WriteInt32BigEndian(images, IdxFile.ImagesMagic);
        BinaryPrimitives.WriteInt32BigEndian(images.AsSpan(4), count);
        BinaryPrimitives.WriteInt32BigEndian(images.AsSpan(8), side);
        BinaryPrimitives.WriteInt32BigEndian(images.AsSpan(12), side);
        var labels = new byte[8 + count];
        BinaryPrimitives.WriteInt32BigEndian(labels, IdxFile.LabelsMagic);
        BinaryPrimitives.WriteInt32BigEndian(labels.AsSpan(4), count);
        for (int i = 0; i < count; i++)
        {
            int label = rng.Next(10);
            labels[8 + i] = (byte)label;
            var image = images.AsSpan(16 + i * side * side, side * side);
            for (int p = 0; p < image.Length; p++)
            {
                int row = p / side;
                bool bar = row >= 2 + 2 * label && row < 4 + 2 * label;
                image[p] = (byte)Math.Clamp((bar ? 200 : 20) + rng.Next(-20, 21), 0, 255);
            }
        }
        File.WriteAllBytes(Path.Combine(folder, $"{prefix}-images-idx3-ubyte"), images);
        File.WriteAllBytes(Path.Combine(folder, $"{prefix}-labels-idx1-ubyte"), labels);
    }
}
