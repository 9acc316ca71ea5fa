using System.Globalization;
using FluentAssertions;
using GroupNet.Codegen;
using GroupNet.Deployment.Model;
using GroupNet.Deployment.Reference;

namespace GroupNet.Tests.Codegen;

/// <summary>Generated C of int8 networks against the managed reference, bit for bit (host gcc + UBSan, the
/// portable kernel), and the SMLAD kernel compiled for Cortex-M4 with -Werror.</summary>
public sealed class Int8GeneratedCBitExactTests
{
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

    [Theory]
    [InlineData("int8_16_32_64", 31, new[] { 16, 32, 64 })]
    [InlineData("int8_5_33_65", 32, new[] { 5, 33, 65 })]
    [InlineData("int8_1_7_3", 33, new[] { 1, 7, 3 })]
    public void HostBuiltInt8CMatchesReferenceBitForBit(string name, int seed, int[] channels)
    {
        var model = new RandomInt8ModelBuilder { Name = name, Seed = seed, Channels = channels }.Build();
        var images = GeneratedCBitExactTests.Images(seed * 7919, model.InputBytes);
        string dir = CCompiler.TempDir(name);
        var files = new ModelEmitter().Emit(model, dir, new EmitOptions(images));
        string source = files.Single(f => f.FileName == $"gn_{name}.c").Content;
        // the stem (one channel) on the small-window kernel; a conv reading >= 9 channels (a window of > 76 values) on the word-row kernel
        source.Should().Contain("gn_int8_conv_small_pixel(image").And.Contain("gn_int8_requantize");
        if (channels.Any(c => 9 * c > GroupNet.Codegen.Emitters.Int8ConvTermEmitter.SmallWindowMax))
        {
            source.Should().Contain("gn_int8_conv_pixel(");
        }
        else
        {
            source.Should().NotContain("gn_int8_conv_pixel(");
        }
        File.WriteAllText(Path.Combine(dir, "harness.c"), Harness);

        string exe = Path.Combine(dir, "harness");
        var args = CCompiler.StrictFlags.Concat(["-O2", "-fsanitize=undefined", "-fno-sanitize-recover=undefined", "-I", dir, "-I", Path.Combine(CCompiler.RuntimeDir, "include")])
            .Concat(Directory.GetFiles(dir, "*.c").Order(StringComparer.Ordinal))
            .Concat(Directory.GetFiles(Path.Combine(CCompiler.RuntimeDir, "src"), "*.c").Order(StringComparer.Ordinal))
            .Concat(["-o", exe]);
        CCompiler.MustSucceed("gcc", args, dir);
        var (code, stdout, stderr) = CCompiler.Run(exe, [], dir, 120_000);
        code.Should().Be(0, $"the harness must run ({stderr})");
        var actual = stdout.Split('\n').Where(l => l.StartsWith("logits ", StringComparison.Ordinal))
            .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(2).Select(v => int.Parse(v, CultureInfo.InvariantCulture)).ToArray())
            .ToList();
        actual.Should().HaveCount(images.Count);
        var expected = new ReferenceExecutor(model).InferMany(images);
        for (int i = 0; i < images.Count; i++)
        {
            actual[i].Should().Equal(expected[i], $"image {i}");
        }
        expected.Select(l => string.Join(",", l)).Distinct().Count().Should().BeGreaterThan(images.Count / 2);
        Directory.Delete(dir, recursive: true);
    }

    [Fact]
    public void Int8CodeCompilesForCortexM4WithTheSmladKernelAndWerror()
    {
        var model = new RandomInt8ModelBuilder { Name = "int8_arm", Seed = 34, Channels = [5, 33, 65] }.Build();
        string dir = CCompiler.TempDir("int8_arm");
        new ModelEmitter().Emit(model, dir, new EmitOptions(GeneratedCBitExactTests.Images(3, model.InputBytes).Take(2).ToList()));
        string source = Path.Combine(dir, "gn_int8_arm.c"), asm = Path.Combine(dir, "model.s");
        var args = new[] { "-mcpu=cortex-m4", "-mthumb", "-O2" }.Concat(CCompiler.StrictFlags)
            .Concat(["-I", dir, "-I", Path.Combine(CCompiler.RuntimeDir, "include"), "-S", source, "-o", asm]);
        CCompiler.MustSucceed("arm-none-eabi-gcc", args, dir);
        File.ReadAllText(asm).Should().Contain("smlad").And.Contain("sxtb16");
        Directory.Delete(dir, recursive: true);
    }
}
