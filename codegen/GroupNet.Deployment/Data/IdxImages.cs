namespace GroupNet.Deployment.Data;

/// <summary>uint8 images from an IDX file, row-major, one channel.</summary>
public sealed record IdxImages(int Count, int Rows, int Columns, byte[] Pixels)
{
    public int ImageBytes => Rows * Columns;

    public byte[] Image(int index) => Pixels.AsSpan(index * ImageBytes, ImageBytes).ToArray();

    public IReadOnlyList<byte[]> Take(int count) =>
        Enumerable.Range(0, Math.Min(count, Count)).Select(Image).ToArray();
}
