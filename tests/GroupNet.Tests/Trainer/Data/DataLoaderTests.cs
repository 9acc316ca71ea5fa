using FluentAssertions;
using GroupNet.Trainer.Data;
using static TorchSharp.torch;

namespace GroupNet.Tests.Trainer.Data;

public class DataLoaderTests
{
    /// <summary>37 images of 1x6x5 with distinct pixels (odd sizes: the last batch of 8 is partial).</summary>
    private static ImageDataset Data(int count = 37)
    {
        var random = new Random(11);
        var pixels = new byte[count * 30];
        random.NextBytes(pixels);
        var labels = Enumerable.Range(0, count).Select(i => (byte)(i % 10)).ToArray();
        return new ImageDataset(pixels, labels, 1, 6, 5);
    }

    /// <summary>Every batch of an epoch, copied out (scoped tensors must not outlive their scope).</summary>
    private static List<(float[] Images, long[] Shape, long[] Labels)> Epoch(DataLoader loader, int epoch)
    {
        var batches = new List<(float[], long[], long[])>();
        using var e = loader.Epoch(epoch).GetEnumerator();
        while (true)
        {
            using var scope = NewDisposeScope();
            if (!e.MoveNext())
            {
                break;
            }
            e.Current.Labels.dtype.Should().Be(ScalarType.Int64);
            e.Current.Images.dtype.Should().Be(ScalarType.Float32);
            e.Current.Count.Should().Be((int)e.Current.Images.shape[0]);
            batches.Add((TrainerTestData.Floats(e.Current.Images), e.Current.Images.shape, e.Current.Labels.data<long>().ToArray()));
            Thread.Sleep(Random.Shared.Next(3)); // uneven "compute" time must not matter
        }
        return batches;
    }

    private static DataLoaderOptions Augmented(bool prefetch) => new()
    {
        BatchSize = 8, Shuffle = true, Seed = 4, MaxShift = 2, HorizontalFlip = true, Prefetch = prefetch,
    };

    private static void ShouldBeIdentical(List<(float[] Images, long[] Shape, long[] Labels)> a, List<(float[] Images, long[] Shape, long[] Labels)> b)
    {
        a.Should().HaveCount(b.Count);
        for (int i = 0; i < a.Count; i++)
        {
            a[i].Shape.Should().Equal(b[i].Shape, $"batch {i}");
            a[i].Labels.Should().Equal(b[i].Labels, $"batch {i}");
            TrainerTestData.FirstBitDifference(a[i].Images, b[i].Images).Should().Be(-1, $"batch {i}");
        }
    }

    [Fact]
    public void Batches_cover_the_epoch_once_with_a_partial_last_batch()
    {
        var batches = Epoch(new DataLoader(Data(), new DataLoaderOptions { BatchSize = 8, Shuffle = true, Seed = 1 }), 0);
        batches.Select(b => b.Shape[0]).Should().Equal(8L, 8L, 8L, 8L, 5L);
        batches[0].Shape.Should().Equal([8L, 1, 6, 5]);
        batches.SelectMany(b => b.Labels).Should().HaveCount(37);
        new DataLoader(Data(), new DataLoaderOptions { BatchSize = 8, Shuffle = true, Seed = 1 }).Order(0).Should().BeEquivalentTo(Enumerable.Range(0, 37));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Same_seed_gives_the_same_augmented_batches(bool prefetch)
    {
        ShouldBeIdentical(Epoch(new DataLoader(Data(), Augmented(prefetch)), 3), Epoch(new DataLoader(Data(), Augmented(prefetch)), 3));
    }

    [Fact]
    public void Another_seed_or_epoch_gives_other_batches()
    {
        var a = Epoch(new DataLoader(Data(), Augmented(true)), 0);
        var b = Epoch(new DataLoader(Data(), Augmented(true) with { Seed = 5 }), 0);
        var c = Epoch(new DataLoader(Data(), Augmented(true)), 1);
        TrainerTestData.FirstBitDifference(a[0].Images, b[0].Images).Should().NotBe(-1);
        TrainerTestData.FirstBitDifference(a[0].Images, c[0].Images).Should().NotBe(-1);
    }

    [Theory]
    [InlineData(false, 0)]
    [InlineData(true, 2)]
    public void Overlapped_loading_yields_exactly_the_synchronous_batches(bool augment, int epoch)
    {
        var options = augment ? Augmented(false) : new DataLoaderOptions { BatchSize = 8, Shuffle = true, Seed = 9, Prefetch = false };
        var synchronous = Epoch(new DataLoader(Data(), options), epoch);
        for (int run = 0; run < 3; run++)
        {
            ShouldBeIdentical(Epoch(new DataLoader(Data(), options with { Prefetch = true }), epoch), synchronous);
        }
    }

    [Fact]
    public void Stopping_early_and_starting_again_gives_the_same_batches()
    {
        var loader = new DataLoader(Data(), Augmented(true));
        float[] first;
        using (NewDisposeScope())
        {
            first = TrainerTestData.Floats(loader.Epoch(0).Skip(1).First().Images); // disposes with the next batch in flight
        }
        TrainerTestData.FirstBitDifference(first, Epoch(loader, 0)[1].Images).Should().Be(-1);
    }

    [Fact]
    public void Without_augmentation_values_are_p_times_one_over_255_in_order()
    {
        var data = Data();
        var batches = Epoch(new DataLoader(data, new DataLoaderOptions { BatchSize = 8 }), 0);
        var all = batches.SelectMany(b => b.Images).ToArray();
        all.Should().Equal(data.Pixels.Select(p => p * (1f / 255f))); // bit for bit what the loader always produced
        batches.SelectMany(b => b.Labels).Should().Equal(data.Labels.Select(l => (long)l));
    }

    [Fact]
    public void Flip_mirrors_rows_and_shift_pads_with_zero()
    {
        // One 1x2x3 image [[1 2 3] [4 5 6]]: every augmented version is a shifted, possibly mirrored copy with zeros around.
        var data = new ImageDataset([1, 2, 3, 4, 5, 6], [0], 1, 2, 3);
        var seen = new HashSet<string>();
        for (int seed = 0; seed < 64; seed++)
        {
            var image = Epoch(new DataLoader(data, new DataLoaderOptions { BatchSize = 1, Seed = seed, MaxShift = 1, HorizontalFlip = true }), 0)[0].Images;
            var p = image.Select(v => (int)MathF.Round(v * 255)).ToArray();
            bool matches = false;
            foreach (bool flip in new[] { false, true })
            {
                for (int dy = -1; dy <= 1; dy++)
                {
                    for (int dx = -1; dx <= 1; dx++)
                    {
                        var expected = new int[6];
                        for (int y = 0; y < 2; y++)
                        {
                            for (int x = 0; x < 3; x++)
                            {
                                int sy = y - dy, sx = x - dx;
                                expected[y * 3 + x] = sy is >= 0 and < 2 && sx is >= 0 and < 3 ? 1 + sy * 3 + (flip ? 2 - sx : sx) : 0;
                            }
                        }
                        matches |= expected.AsSpan().SequenceEqual(p);
                    }
                }
            }
            matches.Should().BeTrue($"seed {seed}: [{string.Join(", ", p)}] is a shifted/mirrored copy");
            seen.Add(string.Join(",", p));
        }
        seen.Should().Contain("3,2,1,6,5,4", "the plain mirror image appears");
        seen.Count.Should().BeGreaterThan(8, "shifts and flips vary");
    }

    [Fact]
    public void Normalisation_is_off_by_default_and_maps_zero_padding_to_the_value_of_a_black_pixel()
    {
        new DataLoaderOptions().Normalization.Should().BeNull();
        var data = new ImageDataset([0, 255, 51, 0, 0, 0], [0], 1, 2, 3);
        var norm = new Normalization(0.2f, 0.5f);
        var plain = Epoch(new DataLoader(data, new DataLoaderOptions { BatchSize = 1, Normalization = norm }), 0)[0].Images;
        plain.Should().Equal(new[] { 0f, 255f, 51f, 0f, 0f, 0f }.Select(p => (p / 255f - 0.2f) / 0.5f), (a, b) => MathF.Abs(a - b) < 1e-5f);
        for (int seed = 0; seed < 16; seed++)
        {
            var shifted = Epoch(new DataLoader(data, new DataLoaderOptions { BatchSize = 1, Seed = seed, MaxShift = 2, Normalization = norm }), 0)[0].Images;
            shifted.Count(v => MathF.Abs(v - -0.4f) < 1e-5f).Should().BeGreaterThanOrEqualTo(4, "four black pixels stay; padding adds more");
        }
    }

    [Fact]
    public void Normalisation_of_a_dataset_is_its_pixel_mean_and_std()
    {
        var n = Normalization.Of(new ImageDataset([0, 255, 0, 255], [0, 1], 1, 1, 2));
        n.Mean.Should().BeApproximately(0.5f, 1e-6f);
        n.Std.Should().BeApproximately(0.5f, 1e-6f);
    }

    [Fact]
    public void Invalid_options_are_rejected()
    {
        var data = Data();
        ((Action)(() => new DataLoader(data, new DataLoaderOptions { BatchSize = 0 }))).Should().Throw<ArgumentOutOfRangeException>();
        ((Action)(() => new DataLoader(data, new DataLoaderOptions { MaxShift = -1 }))).Should().Throw<ArgumentOutOfRangeException>();
        ((Action)(() => new DataLoader(data, new DataLoaderOptions { Normalization = new Normalization(0f, 0f) }))).Should().Throw<ArgumentOutOfRangeException>();
    }
}
