using System.Buffers.Binary;

namespace GroupNet.Deployment.Data;

/// <summary>
/// Reads the IDX format of the MNIST files: big-endian magic 0x00000803 (uint8 images, 3 dimensions)
/// or 0x00000801 (uint8 labels, 1 dimension), the dimensions as big-endian uint32, then the data.
/// Every problem is an <see cref="InvalidDataException"/> naming the file and what is wrong.
/// </summary>
public static class IdxFile
{
    public const int ImagesMagic = 0x00000803;
    public const int LabelsMagic = 0x00000801;
    private const int MaxDimension = 1 << 24;

    public static IdxImages ReadImages(string path)
    {
        var bytes = ReadAll(path);
        var dims = Header(bytes, path, ImagesMagic, 3, "images");
        int count = dims[0], rows = dims[1], cols = dims[2];
        if (rows == 0 || cols == 0 || rows > 4096 || cols > 4096)
        {
            throw new InvalidDataException($"{path}: image size {rows}x{cols} is not plausible");
        }
        long expected = 16 + (long)count * rows * cols;
        CheckLength(bytes, expected, path, $"{count} images of {rows}x{cols}");
        return new IdxImages(count, rows, cols, bytes.AsSpan(16).ToArray());
    }

    public static byte[] ReadLabels(string path, int classes = 10)
    {
        var bytes = ReadAll(path);
        var dims = Header(bytes, path, LabelsMagic, 1, "labels");
        CheckLength(bytes, 8 + (long)dims[0], path, $"{dims[0]} labels");
        var labels = bytes.AsSpan(8).ToArray();
        for (int i = 0; i < labels.Length; i++)
        {
            if (labels[i] >= classes)
            {
                throw new InvalidDataException($"{path}: label {i} is {labels[i]}, outside 0..{classes - 1}");
            }
        }
        return labels;
    }

    private static byte[] ReadAll(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{path}: IDX file not found", path);
        }
        return File.ReadAllBytes(path);
    }

    private static int[] Header(byte[] bytes, string path, int magic, int dimensions, string what)
    {
        int headerBytes = 4 + 4 * dimensions;
        if (bytes.Length < headerBytes)
        {
            throw new InvalidDataException($"{path}: {bytes.Length} bytes is too short for an IDX {what} header ({headerBytes} bytes)");
        }
        int found = BinaryPrimitives.ReadInt32BigEndian(bytes);
        if (found != magic)
        {
            throw new InvalidDataException($"{path}: magic 0x{found:x8} is not IDX {what} (expected 0x{magic:x8}){(found == 0x1f8b0800 || (found >> 16) == 0x1f8b ? "; the file is gzip-compressed, decompress it first" : "")}");
        }
        var dims = new int[dimensions];
        for (int i = 0; i < dimensions; i++)
        {
            uint d = BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(4 + 4 * i));
            if (d > MaxDimension)
            {
                throw new InvalidDataException($"{path}: dimension {i} is {d}, larger than any plausible data set");
            }
            dims[i] = (int)d;
        }
        return dims;
    }

    private static void CheckLength(byte[] bytes, long expected, string path, string what)
    {
        if (bytes.Length != expected)
        {
            throw new InvalidDataException(bytes.Length < expected
                ? $"{path}: truncated: header promises {what} ({expected} bytes), file has {bytes.Length}"
                : $"{path}: {bytes.Length - expected} unexpected bytes after {what}");
        }
    }
}
