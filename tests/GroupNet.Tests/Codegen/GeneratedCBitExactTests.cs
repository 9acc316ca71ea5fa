using System.Globalization;
using FluentAssertions;
using GroupNet.Codegen;
using GroupNet.Deployment.Model;
using GroupNet.Deployment.Reference;

namespace GroupNet.Tests.Codegen;

/// <summary>Host-built generated C against the managed reference, bit for bit, and the ARM compile.</summary>
public sealed class GeneratedCBitExactTests
{
    private const int RandomImages = 16;

    private const string Harness = """
        #include <stdio.h>
        #include "gn_model.h"
        #include "gn_test_data.h"

        int main(void)
        {
            int i, j;
            for (i = 0; i < GN_TEST_IMAGE_COUNT; i++)
            {
                int32_t logits[GN_MODEL_NUM_CLASSES];
                if (GN_MODEL_INFER(gn_test_images[i], logits) != 0)
                {
                    return 2;
                }
                printf("logits %d", i);
                for (j = 0; j < GN_MODEL_NUM_CLASSES; j++)
                {
                    printf(" %ld", (long)logits[j]);
                }
                printf("\n");
            }
            printf("GN_DONE\n");
            return 0;
        }
        """;

    public static TheoryData<string, int, int, int, int[], int[], bool> Models() => new()
    {
        { "k1_b2_16_32_64", 11, 1, 2, [16, 32, 64], [1, 2, 2], false },
        { "k2_b4_5_33_65", 12, 2, 4, [5, 33, 65], [1, 2, 2], false },
        { "k3_b2_31_32_33_extreme", 13, 3, 2, [31, 32, 33], [2, 1, 2], true },
        { "k2_b4_16_32_64_extreme", 14, 2, 4, [16, 32, 64], [1, 2, 2], true },
        { "k2_b2_1_63_64_65", 15, 2, 2, [1, 63, 64, 65], [1, 2, 1, 2], false },
        { "k2_signs_31_1_32_33", 16, 2, 1, [31, 1, 32, 33], [1, 1, 2, 2], false },
        { "k3_signs_63_64_65_extreme", 17, 3, 1, [63, 64, 65], [2, 1, 2], true },
        { "k3_b2_8_16_32_extreme", 18, 3, 2, [8, 16, 32], [1, 2, 2], true },
        { "k1_signs_16_16_8", 19, 1, 1, [16, 16, 8], [1, 2, 2], false },
        { "k2_signs_8_16_16_extreme", 20, 2, 1, [8, 16, 16], [1, 2, 2], true },
    };

    internal static DeploymentModel Build(string name, int seed, int k, int bits, int[] channels, int[] strides, bool extreme) =>
        new RandomModelBuilder
        {
            Name = name,
            Seed = seed,
            Branches = k,
            ActivationBits = bits,
            Channels = channels,
            Strides = strides,
            ExtremeMultipliers = extreme,
        }.Build();

    internal static List<byte[]> Images(int seed, int bytes)
    {
        var rng = new Random(seed);
        var images = new List<byte[]> { new byte[bytes], Enumerable.Repeat((byte)255, bytes).ToArray() };
        for (int i = 0; i < RandomImages; i++)
        {
            var image = new byte[bytes];
            rng.NextBytes(image);
            if (i % 2 == 1)
            {
                // Smooth, digit-like images as well as noise: a bright blob on a dark background.
                int cy = rng.Next(6, 22), cx = rng.Next(6, 22), r = rng.Next(3, 9);
                for (int p = 0; p < bytes; p++)
                {
                    int y = p / 28, x = p % 28;
                    image[p] = (byte)((y - cy) * (y - cy) + (x - cx) * (x - cx) <= r * r ? 200 + image[p] % 56 : image[p] % 16);
                }
            }
            images.Add(image);
        }
        return images;
    }

    /// <summary>Built with UBSan (no recovery): a signed overflow or a bad shift fails the run.</summary>
    [Theory]
    [MemberData(nameof(Models))]
    public void HostBuiltCMatchesReferenceBitForBit(string name, int seed, int k, int bits, int[] channels, int[] strides, bool extreme) =>
        HostBuiltCMatches(name, seed, k, bits, channels, strides, extreme, KernelChoice.Fast);

    /// <summary>The portable reference kernels (the documented fallback) stay bit-exact too.</summary>
    [Theory]
    [InlineData("ref_k2_b2_1_63_64_65", 15, 2, 2, new[] { 1, 63, 64, 65 }, new[] { 1, 2, 1, 2 }, false)]
    [InlineData("ref_k3_b2_31_32_33_extreme", 13, 3, 2, new[] { 31, 32, 33 }, new[] { 2, 1, 2 }, true)]
    public void HostBuiltReferenceKernelsMatchReferenceBitForBit(string name, int seed, int k, int bits, int[] channels, int[] strides, bool extreme) =>
        HostBuiltCMatches(name, seed, k, bits, channels, strides, extreme, KernelChoice.Reference);

    /// <summary>The vertical kernel's layers (gn_vcount.h; on the device the Thumb-2 cores' kernel) with its C block,
    /// forced on for the host: transposed weights, border-class biases, coefficients and lane fields are the same code.</summary>
    [Theory]
    [MemberData(nameof(Models))]
    public void HostBuiltVerticalKernelMatchesReferenceBitForBit(string name, int seed, int k, int bits, int[] channels, int[] strides, bool extreme) =>
        HostBuiltCMatches("vc_" + name, seed, k, bits, channels, strides, extreme, KernelChoice.Fast, "-DGN_HAVE_VCOUNT=1");

    private static void HostBuiltCMatches(string name, int seed, int k, int bits, int[] channels, int[] strides, bool extreme, KernelChoice kernels, params string[] defines)
    {
        var model = Build(name, seed, k, bits, channels, strides, extreme);
        var images = Images(seed * 7919, model.InputBytes);
        AssertHostBuiltCMatches(model, images, name, kernels, defines);
    }

    /// <summary>Emits <paramref name="model"/>, builds it for the host with UBSan and checks every logit of every image
    /// against the managed reference (also used by the exporter's structure tests).</summary>
    internal static void AssertHostBuiltCMatches(DeploymentModel model, IReadOnlyList<byte[]> images, string name, KernelChoice kernels, params string[] defines)
    {
        string dir = CCompiler.TempDir(name);
        new ModelEmitter().Emit(model, dir, new EmitOptions(images) { Kernels = kernels });
        File.WriteAllText(Path.Combine(dir, "harness.c"), Harness);

        string exe = Path.Combine(dir, "harness");
        var args = CCompiler.StrictFlags.Concat(defines).Concat(["-O2", "-fsanitize=undefined", "-fno-sanitize-recover=undefined", "-I", dir, "-I", Path.Combine(CCompiler.RuntimeDir, "include")])
            .Concat(Directory.GetFiles(dir, "*.c").Order(StringComparer.Ordinal))
            .Concat(Directory.GetFiles(Path.Combine(CCompiler.RuntimeDir, "src"), "*.c").Order(StringComparer.Ordinal))
            .Concat(["-o", exe]);
        CCompiler.MustSucceed("gcc", args, dir);
        var (code, stdout, stderr) = CCompiler.Run(exe, [], dir, 120_000);
        code.Should().Be(0, $"the harness must run ({stderr})");
        stdout.Should().Contain("GN_DONE");

        var actual = stdout.Split('\n').Where(l => l.StartsWith("logits ", StringComparison.Ordinal))
            .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(2).Select(v => int.Parse(v, CultureInfo.InvariantCulture)).ToArray())
            .ToList();
        actual.Should().HaveCount(images.Count);

        var reference = new ReferenceExecutor(model);
        var expected = reference.InferMany(images);
        var mismatches = new List<string>();
        for (int i = 0; i < images.Count; i++)
        {
            for (int j = 0; j < model.NumClasses; j++)
            {
                if (actual[i][j] != expected[i][j])
                {
                    mismatches.Add($"image {i} class {j}: actual {actual[i][j]}, expected {expected[i][j]}");
                }
            }
        }
        mismatches.Should().BeEmpty($"{mismatches.Count} of {images.Count * model.NumClasses} logits differ; first: {string.Join("; ", mismatches.Take(10))}");

        // The model must be non-trivial: different images give different logits.
        expected.Select(l => string.Join(",", l)).Distinct().Count().Should().BeGreaterThan(images.Count / 2);
        Directory.Delete(dir, recursive: true);
    }

    [Fact]
    public void EmittedCodeCompilesForCortexM4WithWerror()
    {
        var model = Build("arm_m4", 21, 2, 4, [5, 33, 65], [1, 2, 2], false);
        string dir = CCompiler.TempDir("arm");
        new ModelEmitter().Emit(model, dir, new EmitOptions(Images(3, model.InputBytes).Take(2).ToList()));
        var sources = Directory.GetFiles(dir, "*.c").Concat(Directory.GetFiles(Path.Combine(CCompiler.RuntimeDir, "src"), "*.c")).Order(StringComparer.Ordinal);
        foreach (string source in sources)
        {
            var args = new[] { "-mcpu=cortex-m4", "-mthumb", "-O2" }.Concat(CCompiler.StrictFlags)
                .Concat(["-I", dir, "-I", Path.Combine(CCompiler.RuntimeDir, "include"), "-c", source, "-o", Path.Combine(dir, Path.GetFileName(source) + ".o")]);
            CCompiler.MustSucceed("arm-none-eabi-gcc", args, dir);
        }
        Directory.Delete(dir, recursive: true);
    }
}
