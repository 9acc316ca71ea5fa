using System.Globalization;
using FluentAssertions;
using GroupNet.Deployment.Reference;

namespace GroupNet.Tests.Codegen;

/// <summary>c-runtime helpers swept against the C# reference on the host compiler.</summary>
public sealed class RuntimeKernelTests
{
    [Fact]
    public void PopcountAndRoundShiftMatchTheReference()
    {
        var words = new List<uint> { 0, 1, 0x80000000u, 0xFFFFFFFFu, 0x55555555u, 0xAAAAAAAAu, 0x0F0F0F0Fu, 0x7FFFFFFFu };
        var rng = new Random(9);
        for (int i = 0; i < 200; i++)
        {
            words.Add((uint)rng.NextInt64(0, 1L << 32));
        }
        var values = new List<long> { 0, 1, -1, 2, -2, 3, -3, int.MaxValue, int.MinValue, (1L << 61) - 1, -(1L << 61) + 1 };
        for (int i = 0; i < 200; i++)
        {
            values.Add(rng.NextInt64(-(1L << 40), 1L << 40));
        }
        int[] shifts = [1, 2, 7, 20, 31, 40, 60];

        string dir = CCompiler.TempDir("runtime");
        var c = new System.Text.StringBuilder();
        c.AppendLine("#include <stdio.h>\n#include \"gn_arith.h\"\n#include \"gn_popcount.h\"");
        c.AppendLine("static const uint32_t words[] = {" + string.Join(", ", words.Select(w => w.ToString(CultureInfo.InvariantCulture) + "u")) + "};");
        c.AppendLine("static const int64_t values[] = {" + string.Join(", ", values.Select(v => $"INT64_C({v.ToString(CultureInfo.InvariantCulture)})")) + "};");
        c.AppendLine("static const int32_t shifts[] = {" + string.Join(", ", shifts) + "};");
        c.AppendLine("""
            int main(void)
            {
                unsigned i, j;
                for (i = 0; i < sizeof words / sizeof words[0]; i++)
                {
                    printf("p %ld %ld\n", (long)gn_popcount_u32(words[i]), (long)gn_popcount_u32_swar(words[i]));
                }
                for (i = 0; i < sizeof values / sizeof values[0]; i++)
                {
                    for (j = 0; j < sizeof shifts / sizeof shifts[0]; j++)
                    {
                        printf("r %lld\n", (long long)gn_round_shift_s64(values[i], shifts[j]));
                    }
                }
                return 0;
            }
            """);
        File.WriteAllText(Path.Combine(dir, "t.c"), c.ToString());
        string exe = Path.Combine(dir, "t");
        CCompiler.MustSucceed("gcc", CCompiler.StrictFlags.Concat(["-O2", "-fsanitize=undefined", "-fno-sanitize-recover=undefined",
            "-I", Path.Combine(CCompiler.RuntimeDir, "include"), Path.Combine(dir, "t.c"), "-o", exe]), dir);
        var (code, stdout, _) = CCompiler.Run(exe, [], dir);
        code.Should().Be(0);
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var pops = lines.Where(l => l[0] == 'p').Select(l => l.Split(' ')).ToList();
        pops.Select(p => int.Parse(p[1], CultureInfo.InvariantCulture)).Should().Equal(words.Select(IntegerMath.Popcount));
        pops.Select(p => int.Parse(p[2], CultureInfo.InvariantCulture)).Should().Equal(words.Select(IntegerMath.Popcount));
        var rounds = lines.Where(l => l[0] == 'r').Select(l => long.Parse(l[2..], CultureInfo.InvariantCulture)).ToList();
        rounds.Should().Equal(values.SelectMany(v => shifts.Select(s => IntegerMath.RoundShift(v, s))));
        Directory.Delete(dir, true);
    }
}
