using FluentAssertions;
using GroupNet.Trainer.Data;
using GroupNet.Trainer.Models;
using GroupNet.Trainer.Tensors;
using GroupNet.Trainer.Training;
using static GroupNet.Tests.Trainer.TrainerTestData;

namespace GroupNet.Tests.Trainer;

public class TrainingTests
{
    [Fact]
    public void Loss_of_a_tiny_binary_GroupNet_decreases_within_twenty_steps()
    {
        var ctx = new TrainingContext(seed: 1, threads: 2);
        var model = new GroupNetV1(ctx, Config(1, 2));
        var data = Textures(256, seed: 1);
        var trainer = new GroupNet.Trainer.Training.Trainer(model, new TrainerOptions { Epochs = 1, BatchSize = 32, LearningRate = 0.05f }, data.Count);
        var loader = new DataLoader(data, 32, shuffle: true, seed: 1);
        var losses = new List<float>();
        model.Train();
        for (int epoch = 0; losses.Count < 24; epoch++)
        {
            using var outer = ctx.BeginScope();
            foreach (var batch in loader.Epoch(ctx, epoch))
            {
                using var scope = ctx.BeginScope();
                losses.Add(trainer.TrainStep(batch).Loss);
                if (losses.Count == 24)
                {
                    break;
                }
            }
        }
        losses.Should().OnlyContain(l => float.IsFinite(l));
        float first = losses[0];
        float last = losses.TakeLast(4).Average();
        // ln(4) = 1.386 is chance for 4 classes; the textures are easy, so the mean of the last four
        // losses must be well below both the first loss and chance.
        last.Should().BeLessThan(0.7f * first, $"losses: {string.Join(", ", losses.Select(l => l.ToString("F3")))}");
        last.Should().BeLessThan(1.0f);
    }

    [Fact]
    public void Same_seed_and_thread_count_give_bit_identical_state_after_training()
    {
        var data = Textures(96, seed: 2);
        float[] Run()
        {
            var ctx = new TrainingContext(seed: 7, threads: 2);
            var model = new GroupNetV1(ctx, Config(2, 2));
            var trainer = new GroupNet.Trainer.Training.Trainer(model, new TrainerOptions { Epochs = 1, BatchSize = 32, Seed = 3, MaxShift = 1 }, data.Count);
            trainer.TrainEpoch(data);
            return Flatten(model).Concat(trainer.Optimizer.StateDict().SelectMany(e => e.Value)).ToArray();
        }
        var a = Run();
        var b = Run();
        int diff = FirstBitDifference(a, b);
        diff.Should().Be(-1, diff < 0 ? "" : $"value {diff} of {a.Length} differs: {a[diff]:R} vs {b[diff]:R}");

        // And the run did something: the trained state differs from a freshly built model's.
        var fresh = Flatten(new GroupNetV1(new TrainingContext(seed: 7, threads: 2), Config(2, 2)));
        FirstBitDifference(fresh, a.AsSpan(0, fresh.Length).ToArray()).Should().BeGreaterThanOrEqualTo(0);
    }
}

public class CheckpointTests : IDisposable
{
    private readonly string _dir = TempDirectory("gn-ckpt");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static TrainerOptions Options(string? checkpoint = null) =>
        new() { Epochs = 2, BatchSize = 64, LearningRate = 0.05f, Seed = 5, MaxShift = 1, CheckpointPath = checkpoint };

    [Fact]
    public void Save_and_load_round_trip_restores_model_optimizer_epoch_and_metadata()
    {
        var data = Textures(64, seed: 3);
        var ctx = new TrainingContext(seed: 1, threads: 2);
        var model = new GroupNetV1(ctx, Config(2, 2));
        var trainer = new GroupNet.Trainer.Training.Trainer(model, Options() with { BatchSize = 32 }, data.Count);
        trainer.TrainEpoch(data);
        var path = Path.Combine(_dir, "a.ckpt");
        trainer.SaveCheckpoint(path, "K=2 bits=2 \u00e9");
        Directory.GetFiles(_dir).Should().Equal([path], "the temporary file is renamed over the target");

        var model2 = new GroupNetV1(new TrainingContext(seed: 99, threads: 2), Config(2, 2));
        var trainer2 = new GroupNet.Trainer.Training.Trainer(model2, Options() with { BatchSize = 32 }, data.Count);
        FirstBitDifference(Flatten(model), Flatten(model2)).Should().BeGreaterThanOrEqualTo(0, "different seeds start different");
        var loaded = trainer2.Resume(path);

        loaded.Epoch.Should().Be(1);
        loaded.Metadata.Should().Be("K=2 bits=2 \u00e9");
        trainer2.CompletedEpochs.Should().Be(1);
        int diff = FirstBitDifference(Flatten(model), Flatten(model2));
        diff.Should().Be(-1, "model state must round-trip bit for bit");
        var opt1 = trainer.Optimizer.StateDict();
        var opt2 = trainer2.Optimizer.StateDict();
        opt2.Select(e => e.Key).Should().Equal(opt1.Select(e => e.Key));
        FirstBitDifference(opt1.SelectMany(e => e.Value).ToArray(), opt2.SelectMany(e => e.Value).ToArray()).Should().Be(-1, "optimiser state must round-trip");
    }

    [Fact]
    public void Interrupted_and_resumed_run_ends_bit_identical_to_an_uninterrupted_run()
    {
        var data = Textures(256, seed: 4);

        // Uninterrupted: two epochs.
        var ctxA = new TrainingContext(seed: 11, threads: 2);
        var modelA = new GroupNetV1(ctxA, Config(1, 2));
        new GroupNet.Trainer.Training.Trainer(modelA, Options(), data.Count).Fit(data, null);

        // Interrupted: same start, killed during the first batch of epoch 2 (after the epoch-1 checkpoint was written).
        var path = Path.Combine(_dir, "run.ckpt");
        var ctxB = new TrainingContext(seed: 11, threads: 2);
        var modelB = new GroupNetV1(ctxB, Config(1, 2));
        var trainerB = new GroupNet.Trainer.Training.Trainer(modelB, Options(path), data.Count);
        using var cts = new CancellationTokenSource();
        var progress = new SyncProgress(p =>
        {
            if (p.Epoch == 1)
            {
                cts.Cancel();
            }
        });
        var interrupted = () => trainerB.Fit(data, null, progress, "meta", cts.Token);
        interrupted.Should().Throw<OperationCanceledException>();
        File.Exists(path).Should().BeTrue("Fit writes a checkpoint after every epoch");

        // Resume in a new process: new context (other seed: init is overwritten), new model, new trainer.
        var ctxC = new TrainingContext(seed: 12345, threads: 2);
        var modelC = new GroupNetV1(ctxC, Config(1, 2));
        var trainerC = new GroupNet.Trainer.Training.Trainer(modelC, Options(path), data.Count);
        trainerC.Resume(path).Epoch.Should().Be(1);
        var results = trainerC.Fit(data, null);
        results.Select(r => r.Epoch).Should().Equal([1], "only the second epoch is left");

        var a = Flatten(modelA);
        var c = Flatten(modelC);
        int diff = FirstBitDifference(a, c);
        diff.Should().Be(-1, diff < 0 ? "" : $"value {diff} of {a.Length} differs: {a[diff]:R} (uninterrupted) vs {c[diff]:R} (resumed)");
    }

    private string WriteCheckpoint()
    {
        var ctx = new TrainingContext(seed: 1, threads: 1);
        var model = new GroupNetV1(ctx, Config(1, 2));
        var path = Path.Combine(_dir, "c.ckpt");
        var p = model.Parameters().First();
        p.Grad = new float[p.Count];
        var sgd = new GroupNet.Trainer.Optim.Sgd(model.Parameters(), 0.1f, momentum: 0.9f);
        sgd.Step(); // creates one momentum buffer, so the optimiser section is not empty
        Checkpoint.Save(path, model, sgd, 3, "meta");
        return path;
    }

    [Theory]
    [InlineData(0)]
    [InlineData(4)]
    [InlineData(8)]    // after the magic
    [InlineData(13)]   // inside the metadata string
    [InlineData(40)]   // inside the first entry name or shape
    [InlineData(-1)]   // half the file
    [InlineData(-2)]   // last byte missing
    public void Truncated_checkpoint_throws_InvalidDataException_naming_the_file(int keep)
    {
        var path = WriteCheckpoint();
        var bytes = File.ReadAllBytes(path);
        int length = keep switch { -1 => bytes.Length / 2, -2 => bytes.Length - 1, _ => keep };
        File.WriteAllBytes(path, bytes.AsSpan(0, length).ToArray());
        var act = () => Checkpoint.Read(path);
        act.Should().Throw<InvalidDataException>().Which.Message.Should().Contain(path);
    }

    [Fact]
    public void Corrupted_checkpoint_throws_InvalidDataException_naming_the_file()
    {
        var path = WriteCheckpoint();
        var good = File.ReadAllBytes(path);
        Checkpoint.Read(path).Epoch.Should().Be(3);

        var badMagic = (byte[])good.Clone();
        badMagic[0] = (byte)'X';
        File.WriteAllBytes(path, badMagic);
        FluentActions.Invoking(() => Checkpoint.Read(path)).Should().Throw<InvalidDataException>().WithMessage($"{path}*magic*");

        // The entry count follows magic (8), epoch (4) and metadata "meta" (1 + 4).
        var badCount = (byte[])good.Clone();
        BitConverter.GetBytes(int.MaxValue).CopyTo(badCount, 17);
        File.WriteAllBytes(path, badCount);
        FluentActions.Invoking(() => Checkpoint.Read(path)).Should().Throw<InvalidDataException>().WithMessage($"{path}*");

        var trailing = good.Concat(new byte[] { 1, 2, 3 }).ToArray();
        File.WriteAllBytes(path, trailing);
        FluentActions.Invoking(() => Checkpoint.Read(path)).Should().Throw<InvalidDataException>().WithMessage($"{path}*trailing*");
    }

    private sealed class SyncProgress(Action<TrainingProgress> action) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => action(value);
    }
}
