using FluentAssertions;
using GroupNet.Deployment.Model;
using GroupNet.Deployment.Reference;

namespace GroupNet.Tests.Deployment;

/// <summary>The managed reference against a naive +/-1 computation, on random models whose channel
/// counts sit around word boundaries, with random bit widths and strides.</summary>
public class ReferenceExecutorTests
{
    public static TheoryData<int, int, int, int[], bool> Models() => new()
    {
        { 1, 1, 2, [1, 31, 32], false },
        { 2, 2, 4, [33, 63, 64], false },
        { 3, 3, 2, [65, 32, 33], true },
        { 4, 1, 4, [31, 65, 1], true },
        { 5, 2, 2, [16, 32, 64], true },
        { 6, 1, 1, [1, 31, 32], false },
        { 7, 2, 1, [33, 63, 64], true },
        { 8, 3, 1, [65, 32, 33], false },
    };

    [Theory]
    [MemberData(nameof(Models))]
    public void Reference_equals_naive_plus_minus_one_arithmetic(int seed, int bases, int bits, int[] channels, bool extreme)
    {
        var model = new RandomModelBuilder
        {
            Seed = seed,
            Branches = bases,
            ActivationBits = bits,
            Channels = channels,
            ImageSize = 12,
            ExtremeMultipliers = extreme,
        }.Build();
        var executor = new ReferenceExecutor(model);
        var rng = new Random(seed);
        for (int i = 0; i < 6; i++)
        {
            var image = new byte[model.InputBytes];
            if (i == 1)
            {
                Array.Fill(image, (byte)255);
            }
            else if (i > 1)
            {
                rng.NextBytes(image);
            }
            executor.Infer(image).Should().Equal(NaiveExecutor.Infer(model, image), $"image {i} of model seed {seed}");
        }
    }
}
