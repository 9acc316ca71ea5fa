using System.Diagnostics;
using FluentAssertions;

namespace GroupNet.Tests.Reliability;

/// <summary>
/// `groupnet train` with stdout redirected (a log file, a pipe, CI) writes plain lines: one per quarter of an epoch
/// and one per epoch with its test accuracy, each once, with no cursor movement, carriage return or colour code,
/// instead of a progress bar redrawn after every batch.
/// </summary>
public sealed class RedirectedTrainingOutputTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "gn-redirect-" + Guid.NewGuid().ToString("N"));

    public RedirectedTrainingOutputTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task Training_into_a_pipe_writes_one_line_per_epoch_and_no_bar_redraws()
    {
        const int epochs = 2;
        string data = SyntheticMnistFolder.Write(Path.Combine(_dir, "data"), trainCount: 256, testCount: 32, seed: 6);
        string cli = Path.Combine(AppContext.BaseDirectory, "groupnet.dll");
        var psi = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = _dir,
        };
        // Not CI, so the decision rests on the redirection alone.
        psi.Environment.Remove("CI");
        psi.Environment.Remove("TF_BUILD");
        foreach (var a in new[]
        {
            cli, "train", "--data", data, "--bases", "1", "--bits", "2", "--epochs", $"{epochs}", "--batch", "32",
            "--threads", "1", "--bn-batches", "1", "--out", Path.Combine(_dir, "tiny.ckpt"),
        })
        {
            psi.ArgumentList.Add(a);
        }
        using var p = Process.Start(psi)!;
        var stderr = p.StandardError.ReadToEndAsync();
        var stdoutTask = p.StandardOutput.ReadToEndAsync();
        using var timeOut = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await p.WaitForExitAsync(timeOut.Token);
        string stdout = await stdoutTask;
        p.ExitCode.Should().Be(0, $"stdout:\n{stdout}\nstderr:\n{await stderr}");

        stdout.Should().NotContain("\r").And.NotContain("\u001b", "a log gets no carriage returns or escape sequences");
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines.Should().OnlyHaveUniqueItems("no line is written twice");
        for (int e = 1; e <= epochs; e++)
        {
            lines.Where(l => l.StartsWith($"[tiny] epoch {e}/{epochs}: ", StringComparison.Ordinal)).Should().ContainSingle()
                .Which.Should().MatchRegex(@"loss \d+\.\d{4}, train \d+\.\d\d%, test top-1 \d+\.\d\d% top-5 \d+\.\d\d%, \d+ img/s, \d+ s$",
                    "the epoch's line has the bar's figures and the test accuracy");
            lines.Count(l => l.StartsWith($"[tiny] epoch {e}/{epochs} ", StringComparison.Ordinal)).Should().Be(3,
                "8 batches an epoch: a line at 25, 50 and 75 percent");
        }
        lines.Should().HaveCountLessThan(16, "the whole run is a short log: " + stdout);
    }
}
