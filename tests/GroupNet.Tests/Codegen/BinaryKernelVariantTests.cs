using System.Globalization;
using System.Text;
using FluentAssertions;
using GroupNet.Codegen;
using GroupNet.Codegen.Emitters;
using GroupNet.Deployment.Model;
using GroupNet.Deployment.Reference;

namespace GroupNet.Tests.Codegen;

/// <summary>Every binary conv kernel variant swept against the arithmetic of
/// docs/integer-arithmetic.md and against the portable reference kernel, on the host compiler with
/// UBSan, for channel counts around word boundaries.</summary>
public sealed class BinaryKernelVariantTests
{
    public static TheoryData<int> ChannelCounts() => new() { 1, 2, 16, 31, 32, 33, 63, 64, 65, 127, 128, 129 };

    /// <summary>gn_binary_dot_3x3_b2_csa_u32 and gn_window_popcount_3x3_b2_csa_u32 (portable path:
    /// the host has no DSP) equal the reference kernel and the C# +/-1 dot product on random and
    /// extreme windows (all levels 3 with all weights +1 or all -1).</summary>
    [Theory]
    [MemberData(nameof(ChannelCounts))]
    public void CarrySave3x3TwoBitKernelMatchesReference(int channels)
    {
        const int taps = 9, bits = 2;
        int words = (channels + 31) / 32;
        var rng = new Random(channels * 131 + 7);
        var cases = new List<(uint[] Win, uint[] Weights)>();
        uint Tail(int w) => channels % 32 != 0 && w == words - 1 ? (1u << (channels % 32)) - 1 : 0xFFFFFFFFu;
        for (int n = 0; n < 40; n++)
        {
            var win = new uint[taps * bits * words];
            var weights = new uint[taps * words];
            for (int t = 0; t < taps; t++)
            {
                bool outside = n % 5 == 1 && t % 4 == 0; // zero-padded taps
                for (int w = 0; w < words; w++)
                {
                    weights[t * words + w] = n switch
                    {
                        0 => Tail(w),
                        1 => 0u,
                        _ => (uint)rng.NextInt64(0, 1L << 32) & Tail(w),
                    };
                    for (int b = 0; b < bits; b++)
                    {
                        win[(t * bits + b) * words + w] = outside ? 0u : n < 2 ? Tail(w) : (uint)rng.NextInt64(0, 1L << 32) & Tail(w);
                    }
                }
            }
            cases.Add((win, weights));
        }

        var c = new StringBuilder();
        c.AppendLine("#include <stdio.h>\n#include \"gn_kernels.h\"\n#include \"gn_binary_csa.h\"");
        c.AppendLine(CultureInfo.InvariantCulture, $"#define WORDS {words}\n#define CASES {cases.Count}");
        c.AppendLine("static const uint32_t wins[CASES][9 * 2 * WORDS] = {" + string.Join(",\n", cases.Select(k => "{" + string.Join(", ", k.Win.Select(Hex)) + "}")) + "};");
        c.AppendLine("static const uint32_t weights[CASES][9 * WORDS] = {" + string.Join(",\n", cases.Select(k => "{" + string.Join(", ", k.Weights.Select(Hex)) + "}")) + "};");
        // The carry-save kernel also reads windows in place from a tensor (rows ROW_WORDS apart,
        // other words in between): each case is run both gathered and spread out that way.
        c.AppendLine("""
            #define ROW_WORDS (5 * 2 * WORDS + 3)
            int main(void)
            {
                static uint32_t spread[2 * ROW_WORDS + 3 * 2 * WORDS];
                int i, t, j;
                for (i = 0; i < CASES; i++)
                {
                    int32_t apop_ref = gn_window_popcount_u32(wins[i], 9, 2, WORDS);
                    int32_t apop_csa = gn_window_popcount_3x3_b2_csa_u32(wins[i], 3 * 2 * WORDS, WORDS);
                    int32_t dot_ref = gn_binary_dot_u32(wins[i], weights[i], 9, 2, WORDS, apop_ref);
                    int32_t dot_csa = gn_binary_dot_3x3_b2_csa_u32(wins[i], 3 * 2 * WORDS, weights[i], WORDS, apop_csa);
                    int32_t z[1];
                    static const int32_t mult[1] = { 1 };
                    for (j = 0; j < (int)(sizeof spread / sizeof spread[0]); j++)
                    {
                        spread[j] = 0xDEADBEEFu * (uint32_t)(j + 1); /* words between taps must be ignored */
                    }
                    for (t = 0; t < 9; t++)
                    {
                        for (j = 0; j < 2 * WORDS; j++)
                        {
                            spread[(t / 3) * ROW_WORDS + (t % 3) * 2 * WORDS + j] = wins[i][t * 2 * WORDS + j];
                        }
                    }
                    gn_binary_conv_3x3_b2_csa_u32(spread, ROW_WORDS, weights[i], WORDS, 1, mult, z, 0);
                    printf("%ld %ld %ld %ld %ld\n", (long)apop_ref, (long)apop_csa, (long)dot_ref, (long)dot_csa, (long)z[0]);
                }
                return 0;
            }
            """);
        string dir = CCompiler.TempDir($"csa3x3b2-{channels}");
        File.WriteAllText(Path.Combine(dir, "t.c"), c.ToString());
        string exe = Path.Combine(dir, "t");
        CCompiler.MustSucceed("gcc", CCompiler.StrictFlags.Concat(["-O2", "-fsanitize=undefined", "-fno-sanitize-recover=undefined",
            "-I", Path.Combine(CCompiler.RuntimeDir, "include"), Path.Combine(dir, "t.c"), "-o", exe]), dir);
        var (code, stdout, stderr) = CCompiler.Run(exe, [], dir);
        code.Should().Be(0, stderr);
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines.Should().HaveCount(cases.Count);
        var mismatches = new List<string>();
        for (int i = 0; i < cases.Count; i++)
        {
            var (win, w) = cases[i];
            long apop = 0, dot = 0;
            for (int t = 0; t < taps; t++)
            {
                for (int b = 0; b < bits; b++)
                {
                    for (int k = 0; k < words; k++)
                    {
                        uint a = win[(t * bits + b) * words + k];
                        apop += (long)IntegerMath.Popcount(a) << b;
                        dot += (long)(2 * IntegerMath.Popcount(a & w[t * words + k]) - IntegerMath.Popcount(a)) << b;
                    }
                }
            }
            var got = lines[i].Split(' ').Select(v => long.Parse(v, CultureInfo.InvariantCulture)).ToArray();
            var expected = new[] { apop, apop, dot, dot, dot };
            if (!got.SequenceEqual(expected))
            {
                mismatches.Add($"case {i}: actual [{string.Join(", ", got)}], expected [{string.Join(", ", expected)}]");
            }
        }
        mismatches.Should().BeEmpty($"{mismatches.Count} of {cases.Count} cases differ; first: {string.Join("; ", mismatches.Take(10))}");
        Directory.Delete(dir, true);
    }

    /// <summary>gn_threshold_pack_u32 (the threshold epilogue, plane words built in registers; the
    /// 3-threshold case by comparison parity) equals zeroing the pixel and gn_level_set_u32 per
    /// channel, for 1, 2 and 4 bits at channel counts around word boundaries, with random
    /// non-decreasing thresholds including ties, INT32_MIN and INT32_MAX.</summary>
    [Theory]
    [MemberData(nameof(ChannelCounts))]
    public void ThresholdPackMatchesLevelSet(int channels)
    {
        string code = """
            #include <stdio.h>
            #include <stdlib.h>
            #include "gn_kernels.h"
            #define C CHANNELS
            #define WORDS ((C + 31) / 32)
            static uint32_t rnd(void) { static uint32_t s = 12345u; s = s * 1103515245u + 12345u; return s >> 1; }
            static int check(int bits)
            {
                int count = (1 << bits) - 1, bad = 0, n, c, i;
                static int32_t z[C], t[C][15];
                static uint32_t ref[4 * WORDS], got[4 * WORDS];
                for (n = 0; n < 200; n++)
                {
                    for (c = 0; c < C; c++)
                    {
                        int32_t v = (int32_t)(rnd() % 2001u) - 1000;
                        for (i = 0; i < count; i++)
                        {
                            uint32_t r = rnd() % 16u;
                            v += (int32_t)(rnd() % 300u);
                            t[c][i] = r == 0 ? INT32_MIN : r == 1 ? INT32_MAX : (i > 0 && r == 2) ? t[c][i - 1] : v;
                            if (i > 0 && t[c][i] < t[c][i - 1]) t[c][i] = t[c][i - 1];
                        }
                        z[c] = (int32_t)(rnd() % 4001u) - 2000;
                        if (rnd() % 4u == 0u) z[c] = t[c][rnd() % (uint32_t)count]; /* exactly on a threshold */
                        if (z[c] == INT32_MAX) z[c] = 0;
                    }
                    for (i = 0; i < bits * WORDS; i++) { ref[i] = 0u; got[i] = 0xA5A5A5A5u; }
                    for (c = 0; c < C; c++) gn_level_set_u32(ref, bits, WORDS, c, gn_threshold_level_s32(z[c], t[c], count));
                    gn_threshold_pack_u32(z, &t[0][0], count, bits, WORDS, C, got);
                    for (i = 0; i < bits * WORDS; i++) bad += ref[i] != got[i];
                }
                return bad;
            }
            int main(void)
            {
                printf("%d %d %d\n", check(1), check(2), check(4));
                return 0;
            }
            """;
        // t[C][15] is indexed with stride 15; pass a packed copy for the stride gn_threshold_pack_u32 expects
        code = code.Replace("gn_threshold_pack_u32(z, &t[0][0], count, bits, WORDS, C, got);",
            "{ static int32_t packed[C * 15]; for (c = 0; c < C; c++) for (i = 0; i < count; i++) packed[c * count + i] = t[c][i];\n"
            + "gn_threshold_pack_u32(z, packed, count, bits, WORDS, C, got); }");
        string dir = CCompiler.TempDir($"threshold-pack-{channels}");
        File.WriteAllText(Path.Combine(dir, "t.c"), code.Replace("CHANNELS", channels.ToString(CultureInfo.InvariantCulture)));
        string exe = Path.Combine(dir, "t");
        CCompiler.MustSucceed("gcc", CCompiler.StrictFlags.Concat(["-O2", "-fsanitize=undefined", "-fno-sanitize-recover=undefined",
            "-I", Path.Combine(CCompiler.RuntimeDir, "include"), Path.Combine(dir, "t.c"), "-o", exe]), dir);
        var (rc, stdout, stderr) = CCompiler.Run(exe, [], dir);
        rc.Should().Be(0, stderr);
        stdout.Trim().Should().Be("0 0 0");
        Directory.Delete(dir, true);
    }

    /// <summary>gn_binary_conv_1x1_b2_u32 (both planes of a word counted together) equals the
    /// reference kernel with one tap, and the C# +/-1 dot product, for every output channel.</summary>
    [Theory]
    [MemberData(nameof(ChannelCounts))]
    public void OneByOneTwoBitKernelMatchesReference(int channels)
    {
        const int cout = 5;
        int words = (channels + 31) / 32;
        var rng = new Random(channels * 17 + 3);
        uint Tail(int w) => channels % 32 != 0 && w == words - 1 ? (1u << (channels % 32)) - 1 : 0xFFFFFFFFu;
        var pixels = new List<uint[]>();
        var filters = new List<uint[]>();
        for (int n = 0; n < 30; n++)
        {
            pixels.Add(Enumerable.Range(0, 2 * words).Select(i => n == 0 ? Tail(i % words) : (uint)rng.NextInt64(0, 1L << 32) & Tail(i % words)).ToArray());
            filters.Add(Enumerable.Range(0, cout * words).Select(i => n == 0 ? (i < words ? Tail(i % words) : 0u) : (uint)rng.NextInt64(0, 1L << 32) & Tail(i % words)).ToArray());
        }
        var c = new StringBuilder();
        c.AppendLine("#include <stdio.h>\n#include \"gn_kernels.h\"\n#include \"gn_binary_csa.h\"");
        c.AppendLine(CultureInfo.InvariantCulture, $"#define WORDS {words}\n#define COUT {cout}\n#define CASES {pixels.Count}");
        c.AppendLine("static const uint32_t pixels[CASES][2 * WORDS] = {" + string.Join(",\n", pixels.Select(p => "{" + string.Join(", ", p.Select(Hex)) + "}")) + "};");
        c.AppendLine("static const uint32_t filters[CASES][COUT * WORDS] = {" + string.Join(",\n", filters.Select(p => "{" + string.Join(", ", p.Select(Hex)) + "}")) + "};");
        c.AppendLine("""
            int main(void)
            {
                static const int32_t mult[COUT] = { 1, -3, 7, 1000, -1 };
                int i, o;
                for (i = 0; i < CASES; i++)
                {
                    int32_t z[COUT], z2[COUT];
                    int32_t apop = gn_window_popcount_u32(pixels[i], 1, 2, WORDS);
                    gn_binary_conv_1x1_b2_u32(pixels[i], filters[i], WORDS, COUT, mult, z, 0);
                    for (o = 0; o < COUT; o++)
                    {
                        z2[o] = 5;
                    }
                    gn_binary_conv_1x1_b2_u32(pixels[i], filters[i], WORDS, COUT, mult, z2, 1);
                    for (o = 0; o < COUT; o++)
                    {
                        int32_t ref = gn_binary_dot_u32(pixels[i], filters[i] + o * WORDS, 1, 2, WORDS, apop);
                        printf("%ld %ld %ld\n", (long)(mult[o] * ref), (long)z[o], (long)(z2[o] - 5));
                    }
                }
                return 0;
            }
            """);
        string dir = CCompiler.TempDir($"conv1x1b2-{channels}");
        File.WriteAllText(Path.Combine(dir, "t.c"), c.ToString());
        string exe = Path.Combine(dir, "t");
        CCompiler.MustSucceed("gcc", CCompiler.StrictFlags.Concat(["-O2", "-fsanitize=undefined", "-fno-sanitize-recover=undefined",
            "-I", Path.Combine(CCompiler.RuntimeDir, "include"), Path.Combine(dir, "t.c"), "-o", exe]), dir);
        var (code, stdout, stderr) = CCompiler.Run(exe, [], dir);
        code.Should().Be(0, stderr);
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines.Should().HaveCount(pixels.Count * cout);
        int[] mults = [1, -3, 7, 1000, -1];
        var mismatches = new List<string>();
        for (int i = 0; i < pixels.Count; i++)
        {
            for (int o = 0; o < cout; o++)
            {
                long dot = 0;
                for (int b = 0; b < 2; b++)
                {
                    for (int w = 0; w < words; w++)
                    {
                        uint a = pixels[i][b * words + w];
                        dot += (long)(2 * IntegerMath.Popcount(a & filters[i][o * words + w]) - IntegerMath.Popcount(a)) << b;
                    }
                }
                long expected = mults[o] * dot;
                var got = lines[i * cout + o].Split(' ').Select(v => long.Parse(v, CultureInfo.InvariantCulture)).ToArray();
                if (!got.All(g => g == expected))
                {
                    mismatches.Add($"case {i} channel {o}: [{string.Join(", ", got)}], expected {expected}");
                }
            }
        }
        mismatches.Should().BeEmpty(string.Join("; ", mismatches.Take(10)));
        Directory.Delete(dir, true);
    }

    [Fact]
    public void GeneratorPicksTheCarrySaveKernelOnlyWhereItApplies()
    {
        var two = new TensorSpec(1, "x", TensorKind.Levels, 8, 8, 32, 2);
        var four = two with { Bits = 4 };
        BinaryConvTermEmitter.Variant(new ConvGeometry(3, 1, 1), two, KernelChoice.Fast).Should().Be("term_binary_conv_csa3x3b2");
        BinaryConvTermEmitter.Variant(new ConvGeometry(3, 2, 1), two, KernelChoice.Fast).Should().Be("term_binary_conv_csa3x3b2");
        BinaryConvTermEmitter.Variant(new ConvGeometry(3, 1, 1), two, KernelChoice.Reference).Should().Be("term_binary_conv");
        BinaryConvTermEmitter.Variant(new ConvGeometry(1, 2, 0), two, KernelChoice.Fast).Should().Be("term_binary_conv_1x1b2");
        BinaryConvTermEmitter.Variant(new ConvGeometry(1, 1, 0), two, KernelChoice.Reference).Should().Be("term_binary_conv");
        BinaryConvTermEmitter.Variant(new ConvGeometry(1, 1, 0), four, KernelChoice.Fast).Should().Be("term_binary_conv");
        BinaryConvTermEmitter.Variant(new ConvGeometry(3, 1, 1), four, KernelChoice.Fast).Should().Be("term_binary_conv");
        BinaryConvTermEmitter.Variant(new ConvGeometry(3, 1, 1), two with { Channels = 32 * BinaryConvTermEmitter.MaxCsaWords + 1 }, KernelChoice.Fast)
            .Should().Be("term_binary_conv");
    }

    private static string Hex(uint v) => "0x" + v.ToString("x8", CultureInfo.InvariantCulture) + "u";
}
