using System.Diagnostics;
using FluentAssertions;
using GroupNet.Cli.Commands;
using GroupNet.Tests.Trainer;
using GroupNet.Trainer.Models;
using GroupNet.Trainer.Training;

namespace GroupNet.Tests.Reliability;

/// <summary>
/// `groupnet train` killed with SIGKILL while it trains, then run again with <c>--resume</c>, ends with a
/// checkpoint whose every tensor equals an uninterrupted run's (weights, batch-norm statistics and counters, optimiser
/// state; the files themselves differ only in the zip entries' time stamps).
/// Checkpoints are written atomically after every epoch; a kill between two checkpoints loses the epoch in
/// progress, and the resumed run repeats it exactly: the shuffle and augmentation of a batch depend only on
/// (seed, epoch, batch), the learning rate only on the step number, and the kernels' partitioning only on the
/// thread count.
/// </summary>
public sealed class KilledTrainingResumeTests : IDisposable
{
    private const int Epochs = 4;
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "gn-kill-" + Guid.NewGuid().ToString("N"));

    public KilledTrainingResumeTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private Process Start(string checkpoint, bool resume, System.Text.StringBuilder? stdout = null)
    {
        string cli = Path.Combine(AppContext.BaseDirectory, "groupnet.dll");
        File.Exists(cli).Should().BeTrue($"the CLI is built next to the tests ({cli})");
        var psi = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = _dir,
        };
        foreach (var a in new[]
        {
            cli, "train", "--data", Path.Combine(_dir, "data"), "--bases", "1", "--bits", "2", "--epochs", $"{Epochs}",
            "--batch", "32", "--lr", "0.05", "--seed", "5", "--max-shift", "1", "--threads", "1", "--bn-batches", "2",
            "--out", checkpoint,
        })
        {
            psi.ArgumentList.Add(a);
        }
        if (resume)
        {
            psi.ArgumentList.Add("--resume");
        }
        var p = Process.Start(psi)!;
        p.OutputDataReceived += (_, e) =>
        {
            lock (psi)
            {
                stdout?.AppendLine(e.Data);
            }
        };
        p.ErrorDataReceived += (_, _) => { };
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        return p;
    }

    private static void Finish(Process p, string what)
    {
        p.WaitForExit(TimeSpan.FromMinutes(5)).Should().BeTrue($"{what} finishes within the time-out");
        p.ExitCode.Should().Be(0, what);
    }

    [Fact]
    public void Training_killed_with_SIGKILL_and_resumed_ends_with_the_weights_of_an_uninterrupted_run()
    {
        SyntheticMnistFolder.Write(Path.Combine(_dir, "data"), trainCount: 320, testCount: 64, seed: 8);
        string reference = Path.Combine(_dir, "uninterrupted.ckpt");
        using (var p = Start(reference, resume: false))
        {
            Finish(p, "the uninterrupted run");
        }

        string killed = Path.Combine(_dir, "killed.ckpt");
        int epochAtKill;
        using (var p = Start(killed, resume: false))
        {
            var clock = Stopwatch.StartNew();
            while (!File.Exists(killed) && !p.HasExited && clock.Elapsed < TimeSpan.FromMinutes(5))
            {
                Thread.Sleep(10);
            }
            p.HasExited.Should().BeFalse("the run is still training when the first epoch's checkpoint appears");
            // Into the next epoch: its batches are being trained now.
            Thread.Sleep(200);
            p.Kill(entireProcessTree: true); // SIGKILL: no handler, no flush, no clean-up.
            p.WaitForExit(TimeSpan.FromMinutes(1)).Should().BeTrue();
            epochAtKill = Checkpoint.Read(killed).Epoch;
        }
        epochAtKill.Should().BeInRange(1, Epochs - 1, "the run was killed with epochs still to train");

        var resumed = new System.Text.StringBuilder();
        using (var p = Start(killed, resume: true, resumed))
        {
            Finish(p, "the resumed run");
        }
        // Without this, a resume that silently started afresh would pass too (training is deterministic).
        resumed.ToString().Should().Contain($"resumed after epoch {epochAtKill}");

        var a = Checkpoint.Read(reference);
        var b = Checkpoint.Read(killed);
        b.Epoch.Should().Be(Epochs);
        a.Epoch.Should().Be(Epochs);
        ModelCheckpoint.ModelConfigOf(a, reference).Should().Be(new ModelConfig(NetworkKind.Tiny, StructureKind.Baseline, 1, 1, 2),
            "flag-based training writes the model configuration as metadata");
        b.Metadata.Should().Be(a.Metadata);
        a.ModelState.Keys.Should().Contain("groups.2.bases.0.shortcut_conv.weight");
        var model = TrainerTestData.StateDifferences(b.ModelState, a.ModelState);
        model.Should().BeEmpty($"killed at epoch {epochAtKill} and resumed (actual) vs uninterrupted (expected):\n{string.Join("\n", model)}");
        a.OptimizerState.Should().NotBeNull();
        var optimizer = StateValues.Differences(StateValues.Flatten(b.OptimizerState!), StateValues.Flatten(a.OptimizerState!));
        optimizer.Should().BeEmpty($"the optimiser state is identical too:\n{string.Join("\n", optimizer)}");
    }
}
