using System.Diagnostics;
using System.Globalization;
using FluentAssertions;
using GroupNet.Firmware;

namespace GroupNet.EmulatorTests;

/// <summary>The project's QEMU plugin must count exactly what QEMU's own single-step trace shows.</summary>
public class InstructionCounterTests
{
    [Fact]
    public void Plugin_counts_equal_the_single_step_exec_trace_on_the_selftest_program()
    {
        var board = Boards.Get("mps2-an386");
        string work = RepositoryPaths.Scratch("insn-counter");
        var build = new FirmwareBuilder(RepositoryPaths.Root).Build(board, null, Path.Combine(work, "build"), FirmwareBuilder.SelftestTarget);

        var counted = new QemuRunner(RepositoryPaths.Root).Run(board, build.ElfPath, new QemuRunOptions { CountInstructions = true, Timeout = TimeSpan.FromSeconds(60) });
        counted.InstructionsPerInference.Should().NotBeNull();
        counted.InstructionsPerInference!.Count.Should().BeGreaterThanOrEqualTo(3, "the selftest runs several marked segments");

        var (begin, end) = QemuRunner.LookUpMarkers(build.ElfPath);
        string trace = Path.Combine(work, "trace.log");
        RunQemuTrace(board, build.ElfPath, trace);
        var (total, segments) = CountTrace(trace, begin, end);

        segments.Should().Equal(counted.InstructionsPerInference, "every segment counted by the plugin equals the trace's count");
        total.Should().Be(counted.TotalInstructions!.Value);
    }

    private static void RunQemuTrace(Board board, string elf, string traceFile)
    {
        var psi = new ProcessStartInfo("qemu-system-arm")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        foreach (var a in new[] { "-M", board.QemuMachine, "-cpu", board.QemuCpu, "-nographic", "-semihosting-config", "enable=on,target=native",
                     "-kernel", elf, "-singlestep", "-d", "exec,nochain", "-D", traceFile })
        {
            psi.ArgumentList.Add(a);
        }
        using var p = Process.Start(psi)!;
        p.StandardInput.Close();
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(TimeSpan.FromSeconds(120)))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException("qemu single-step trace of the selftest did not finish in 120 s");
        }
        p.ExitCode.Should().Be(0, $"the selftest exits cleanly: {stdout.Result}{stderr.Result}");
    }

    /// <summary>With -singlestep each block is one instruction and each execution logs one
    /// "Trace 0: 0xHOST [cs_base/pc/flags/cflags] ..." line. Segment rule as the plugin's:
    /// from the begin pc (inclusive) to the end pc (exclusive).</summary>
    private static (long Total, List<long> Segments) CountTrace(string file, ulong begin, ulong end)
    {
        long total = 0, start = 0;
        bool open = false;
        var segments = new List<long>();
        foreach (var line in File.ReadLines(file))
        {
            if (!line.StartsWith("Trace ", StringComparison.Ordinal))
            {
                continue;
            }
            int bracket = line.IndexOf('[');
            var fields = line[(bracket + 1)..].Split('/');
            ulong pc = ulong.Parse(fields[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            if (pc == begin)
            {
                start = total;
                open = true;
            }
            else if (pc == end && open)
            {
                segments.Add(total - start);
                open = false;
            }
            total++;
        }
        return (total, segments);
    }
}
