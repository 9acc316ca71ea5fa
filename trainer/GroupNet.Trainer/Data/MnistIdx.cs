using System.Buffers.Binary;

namespace GroupNet.Trainer.Data;

/// <summary>
/// Reader for the original MNIST IDX files (uncompressed): images have magic 0x00000803 and dimensions
/// count, rows, columns (big-endian int32), labels magic 0x00000801 and a count, then one byte per item.
/// Corrupt or truncated files throw <see cref="InvalidDataException"/> naming the file and the problem.
/// </summary>
public static class MnistIdx
{
    /// <summary>Magic number of an IDX file of unsigned bytes with three dimensions (images).</summary>
    public const int ImagesMagic = 0x00000803;

    /// <summary>Magic number of an IDX file of unsigned bytes with one dimension (labels).</summary>
    public const int LabelsMagic = 0x00000801;

    /// <summary>Reads an images file: (pixels, count, rows, cols).</summary>
    public static (byte[] Pixels, int Count, int Rows, int Cols) ReadImages(string path)
    {
        var bytes = ReadAll(path);
        if (bytes.Length < 16)
        {
            throw new InvalidDataException($"{path}: {bytes.Length} bytes is too short for an IDX images header (16 bytes)");
        }
        int magic = BinaryPrimitives.ReadInt32BigEndian(bytes);
        if (magic != ImagesMagic)
        {
            throw new InvalidDataException($"{path}: magic 0x{magic:X8} is not an IDX images file (0x{ImagesMagic:X8})");
        }
        int count = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(4));
        int rows = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(8));
        int cols = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(12));
        if (count < 0 || rows <= 0 || cols <= 0 || rows > 4096 || cols > 4096)
        {
            throw new InvalidDataException($"{path}: implausible dimensions {count} x {rows} x {cols}");
        }
        long expected = 16L + (long)count * rows * cols;
        if (bytes.Length != expected)
        {
            throw new InvalidDataException($"{path}: {bytes.Length} bytes but header says {count} images of {rows}x{cols} ({expected} bytes); file truncated or corrupt");
        }
        return (bytes.AsSpan(16).ToArray(), count, rows, cols);
    }

    /// <summary>Reads a labels file.</summary>
    public static byte[] ReadLabels(string path, int numClasses = 10)
    {
        var bytes = ReadAll(path);
        if (bytes.Length < 8)
        {
            throw new InvalidDataException($"{path}: {bytes.Length} bytes is too short for an IDX labels header (8 bytes)");
        }
        int magic = BinaryPrimitives.ReadInt32BigEndian(bytes);
        if (magic != LabelsMagic)
        {
            throw new InvalidDataException($"{path}: magic 0x{magic:X8} is not an IDX labels file (0x{LabelsMagic:X8})");
        }
        int count = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(4));
        if (count < 0 || bytes.Length != 8L + count)
        {
            throw new InvalidDataException($"{path}: {bytes.Length} bytes but header says {count} labels ({8L + count} bytes); file truncated or corrupt");
        }
        var labels = bytes.AsSpan(8).ToArray();
        for (int i = 0; i < labels.Length; i++)
        {
            if (labels[i] >= numClasses)
            {
                throw new InvalidDataException($"{path}: label {labels[i]} at index {i} is outside [0, {numClasses})");
            }
        }
        return labels;
    }

    /// <summary>Loads a matching images/labels pair.</summary>
    public static ImageDataset Load(string imagesPath, string labelsPath)
    {
        var (pixels, count, rows, cols) = ReadImages(imagesPath);
        var labels = ReadLabels(labelsPath);
        if (labels.Length != count)
        {
            throw new InvalidDataException($"{labelsPath}: {labels.Length} labels but {imagesPath} has {count} images");
        }
        return new ImageDataset(pixels, labels, 1, rows, cols);
    }

    /// <summary>Loads the training (60k) or test (10k) split from a folder holding the four standard file names.</summary>
    public static ImageDataset LoadSplit(string directory, bool train)
    {
        string prefix = train ? "train" : "t10k";
        return Load(Path.Combine(directory, $"{prefix}-images-idx3-ubyte"), Path.Combine(directory, $"{prefix}-labels-idx1-ubyte"));
    }

    private static byte[] ReadAll(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{path}: MNIST file not found", path);
        }
        return File.ReadAllBytes(path);
    }
}
