using System.Globalization;
using FluentAssertions;

namespace GroupNet.Tests.Codegen;

/// <summary>
/// gn_vcount.h on the host, against plain counting in C#: random counters, random activation words and
/// transposed weights (stored as pairs W_i, W_i xor W_i+1) for 1 to 4 octs; after the block, the 16-row
/// transpose must give every lane's count as a bit field. The halves form (gn_vcount16x2_c(), 1 or 2 octs) takes
/// lanes 0-15's inputs from the activation word's low half and lanes 16-31's from its high half.
/// </summary>
public sealed class VerticalCountTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void The_block_adds_the_differing_bits_to_every_lane_and_the_transpose_reads_them_back(bool halves)
    {
        var rng = new Random(21);
        const int Cases = 300;
        var cases = new List<(uint[] Rows, uint[] Weights, uint A, int Octs, int RowCount)>();
        for (int n = 0; n < Cases; n++)
        {
            int octs = 1 + n % (halves ? 2 : 4), rowCount = 6 + rng.Next(0, 11); // 6 .. 16 rows
            var counts = new long[32];
            long cap = (1L << rowCount) - 1 - 8 * octs;
            for (int o = 0; o < 32; o++)
            {
                counts[o] = rng.Next(4) == 0 ? (rng.Next(2) == 0 ? 0 : cap) : rng.NextInt64(0, cap + 1);
            }
            var rows = new uint[16];
            for (int k = 0; k < rowCount; k++)
            {
                for (int o = 0; o < 32; o++)
                {
                    rows[k] |= (uint)((counts[o] >> k) & 1) << o;
                }
            }
            var w = Enumerable.Range(0, 8 * octs).Select(_ => rng.Next(8) == 0 ? 0xFFFFFFFFu : (uint)rng.NextInt64(0, 1L << 32)).ToArray();
            uint a = rng.Next(8) == 0 ? 0x55555555u : (uint)rng.NextInt64(0, 1L << 32);
            cases.Add((rows, w, a, octs, rowCount));
        }

        string dir = CCompiler.TempDir(halves ? "vcount16x2" : "vcount");
        var c = new System.Text.StringBuilder();
        c.AppendLine("#include <stdio.h>\n#include \"gn_vcount.h\"");
        c.AppendLine($"static uint32_t rows[{Cases}][16] = {{");
        foreach (var t in cases)
        {
            c.AppendLine("    {" + string.Join(", ", t.Rows.Select(v => v.ToString(CultureInfo.InvariantCulture) + "u")) + "},");
        }
        c.AppendLine("};");
        c.AppendLine($"static const uint32_t weights[{Cases}][32] = {{");
        foreach (var t in cases)
        {
            var stored = t.Weights.Select((v, i) => i % 2 == 0 ? v : t.Weights[i - 1] ^ v).Concat(Enumerable.Repeat(0u, 32 - t.Weights.Length));
            c.AppendLine("    {" + string.Join(", ", stored.Select(v => v.ToString(CultureInfo.InvariantCulture) + "u")) + "},");
        }
        c.AppendLine("};");
        c.AppendLine($"static const uint32_t acts[{Cases}] = {{" + string.Join(", ", cases.Select(t => t.A.ToString(CultureInfo.InvariantCulture) + "u")) + "};");
        c.AppendLine($"static const int32_t octs[{Cases}] = {{" + string.Join(", ", cases.Select(t => t.Octs)) + "};");
        c.AppendLine($"static const int32_t nrows[{Cases}] = {{" + string.Join(", ", cases.Select(t => t.RowCount)) + "};");
        c.AppendLine($$"""
            int main(void)
            {
                int n, j;
                for (n = 0; n < {{Cases}}; n++)
                {
                    const uint32_t *end = {{(halves ? "gn_vcount16x2_c" : "gn_vcount32_c")}}(rows[n], weights[n], acts[n], octs[n], nrows[n]);
                    if (end != weights[n] + 8 * octs[n])
                    {
                        return 3;
                    }
                    gn_vcount_transpose16_u32(rows[n], 16);
                    printf("c");
                    for (j = 0; j < 16; j++)
                    {
                        printf(" %lu %lu", (unsigned long)(rows[n][j] & 0xFFFFu), (unsigned long)(rows[n][j] >> 16));
                    }
                    printf("\n");
                }
                return 0;
            }
            """);
        File.WriteAllText(Path.Combine(dir, "t.c"), c.ToString());
        string exe = Path.Combine(dir, "t");
        CCompiler.MustSucceed("gcc", CCompiler.StrictFlags.Concat(["-O2", "-fsanitize=undefined,address", "-fno-sanitize-recover=undefined",
            "-I", Path.Combine(CCompiler.RuntimeDir, "include"), Path.Combine(dir, "t.c"), "-o", exe]), dir);
        var (code, stdout, stderr) = CCompiler.Run(exe, [], dir);
        code.Should().Be(0, stderr);
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines.Should().HaveCount(Cases);
        for (int n = 0; n < Cases; n++)
        {
            var (rows, w, a, octs, rowCount) = cases[n];
            var fields = lines[n].Split(' ').Skip(1).Select(v => long.Parse(v, CultureInfo.InvariantCulture)).ToArray();
            for (int o = 0; o < 32; o++)
            {
                long before = 0;
                for (int k = 0; k < rowCount; k++)
                {
                    before |= (long)((rows[k] >> o) & 1) << k;
                }
                int from = halves && o >= 16 ? 16 : 0; // halves: the high lanes read the high half of the activation word
                long added = Enumerable.Range(0, 8 * octs).Count(i => (((w[i] >> o) ^ (a >> (i + from))) & 1) == 1);
                long got = fields[2 * (o % 16) + o / 16];
                got.Should().Be(before + added, $"case {n}, lane {o}");
            }
        }
        Directory.Delete(dir, recursive: true);
    }
}
