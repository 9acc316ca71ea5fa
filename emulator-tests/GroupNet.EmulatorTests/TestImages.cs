namespace GroupNet.EmulatorTests;

/// <summary>Seeded test images that reach more of the integer range than digits do: noise, blobs,
/// the extremes (all 0, all 255) and a checkerboard.</summary>
public static class TestImages
{
    public static IReadOnlyList<byte[]> Make(int count, int bytes, int seed)
    {
        var rng = new Random(seed);
        var images = new List<byte[]>
        {
            new byte[bytes],
            Enumerable.Repeat((byte)255, bytes).ToArray(),
            Enumerable.Range(0, bytes).Select(i => (byte)((i / 28 + i % 28) % 2 == 0 ? 255 : 0)).ToArray(),
        };
        while (images.Count < count)
        {
            var image = new byte[bytes];
            if (images.Count % 2 == 0)
            {
                rng.NextBytes(image);
            }
            else
            {
                // a bright blob on a dark background, like a digit stroke
                int cx = rng.Next(6, 22), cy = rng.Next(6, 22), r = rng.Next(3, 9);
                for (int i = 0; i < bytes; i++)
                {
                    int x = i % 28, y = i / 28;
                    int d2 = (x - cx) * (x - cx) + (y - cy) * (y - cy);
                    image[i] = (byte)(d2 <= r * r ? rng.Next(128, 256) : rng.Next(0, 24));
                }
            }
            images.Add(image);
        }
        return images.Take(count).ToArray();
    }
}
