using FluentAssertions;
using GroupNet.Trainer.Models;
using GroupNet.Trainer.Training;
using static GroupNet.Tests.Trainer.TrainerTestData;
using static TorchSharp.torch;
using ModelTrainer = GroupNet.Trainer.Training.Trainer;

namespace GroupNet.Tests.Trainer.Checkpoints;

/// <summary>Checkpoints carry everything a run needs to continue exactly: model state, optimiser state, epoch count,
/// metadata and the generator.</summary>
[Collection(TorchThreadsCollection.Name)]
public class CheckpointTests : IDisposable
{
    private readonly string _dir = TempDirectory("gn-ckpt");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static TrainerOptions Options(string? checkpoint = null) =>
        new() { Epochs = 2, BatchSize = 64, LearningRate = 0.05f, Seed = 5, MaxShift = 1, CheckpointPath = checkpoint };

    [Theory]
    [InlineData(OptimizerKind.Sgd)]
    [InlineData(OptimizerKind.AdamW)]
    public void Save_and_load_round_trip_restores_model_optimizer_epoch_and_metadata(OptimizerKind kind)
    {
        var data = Textures(64, seed: 3);
        using var ctx = new TrainingContext(seed: 1, threads: 1);
        using var model = ModelFactory.Create(Config(2, 2), ctx);
        var trainer = new ModelTrainer(model, Options() with { BatchSize = 32, Optimizer = kind }, data.Count);
        trainer.TrainEpoch(data);
        var path = Path.Combine(_dir, "a.ckpt");
        trainer.SaveCheckpoint(path, "K=2 bits=2 \u00e9");
        Directory.GetFiles(_dir).Should().Equal([path], "the temporary file is renamed over the target");

        using var model2 = ModelFactory.Create(Config(2, 2), new TrainingContext(seed: 99, threads: 1));
        var trainer2 = new ModelTrainer(model2, Options() with { BatchSize = 32, Optimizer = kind }, data.Count);
        StateDifferences(Snapshot(model2), Snapshot(model)).Should().NotBeEmpty("different seeds start different");
        var loaded = trainer2.Resume(path);

        loaded.Epoch.Should().Be(1);
        loaded.Metadata.Should().Be("K=2 bits=2 \u00e9");
        loaded.OptimizerState.Should().NotBeNull();
        trainer2.CompletedEpochs.Should().Be(1);
        var diff = StateDifferences(Snapshot(model2), Snapshot(model));
        diff.Should().BeEmpty("model state must round-trip bit for bit:\n" + string.Join("\n", diff));
        var opt1 = StateValues.Of(trainer.Optimizer);
        var opt2 = StateValues.Of(trainer2.Optimizer);
        opt1.Values.OfType<Tensor>().Should().NotBeEmpty("one epoch leaves optimiser state");
        var optDiff = StateValues.Differences(opt2, opt1);
        optDiff.Should().BeEmpty("optimiser state must round-trip:\n" + string.Join("\n", optDiff));
    }

    [Fact]
    public void The_generator_state_round_trips()
    {
        using var ctx = new TrainingContext(seed: 1, threads: 1);
        using var model = ModelFactory.Create(Config(1, 2), ctx);
        var path = Path.Combine(_dir, "g.ckpt");
        using var scope = NewDisposeScope();
        rand([3], generator: ctx.Generator); // move it away from its seed
        Checkpoint.Save(path, model, null, 2, "m", ctx.Generator);
        var expected = rand([5], generator: ctx.Generator);

        using var other = new TrainingContext(seed: 42, threads: 1);
        var data = Checkpoint.Load(path, model, null, other.Generator);
        data.GeneratorState.Should().NotBeNull();
        data.OptimizerState.Should().BeNull("saved without an optimiser");
        TensorDifference(rand([5], generator: other.Generator), expected).Should().BeNull("the restored generator continues the saved one's sequence");
    }

    [Fact]
    public void Interrupted_and_resumed_run_ends_bit_identical_to_an_uninterrupted_run()
    {
        var data = Textures(256, seed: 4);

        // Uninterrupted: two epochs.
        using var ctxA = new TrainingContext(seed: 11, threads: 1);
        using var modelA = ModelFactory.Create(Config(1, 2), ctxA);
        new ModelTrainer(modelA, Options(), data.Count).Fit(data, null);

        // Interrupted: same start, cancelled during the first batch of epoch 2 (after the epoch-1 checkpoint was written).
        var path = Path.Combine(_dir, "run.ckpt");
        using var ctxB = new TrainingContext(seed: 11, threads: 1);
        using var modelB = ModelFactory.Create(Config(1, 2), ctxB);
        var trainerB = new ModelTrainer(modelB, Options(path), data.Count);
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

        // Resume as a new process would: new context (other seed: the initialisation is overwritten), new model, new trainer.
        using var ctxC = new TrainingContext(seed: 12345, threads: 1);
        using var modelC = ModelFactory.Create(Config(1, 2), ctxC);
        var trainerC = new ModelTrainer(modelC, Options(path), data.Count);
        trainerC.Resume(path).Epoch.Should().Be(1);
        var results = trainerC.Fit(data, null);
        results.Select(r => r.Epoch).Should().Equal([1], "only the second epoch is left");

        var diff = StateDifferences(Snapshot(modelC), Snapshot(modelA));
        diff.Should().BeEmpty("resumed (actual) vs uninterrupted (expected):\n" + string.Join("\n", diff));
        StateDifferences(Snapshot(modelB), Snapshot(modelA)).Should().NotBeEmpty("the interrupted model itself stopped short");
    }

    private string WriteCheckpoint()
    {
        using var ctx = new TrainingContext(seed: 1, threads: 1);
        using var model = ModelFactory.Create(Config(1, 2) with { InputHeight = 8, InputWidth = 8 }, ctx);
        var trainer = new ModelTrainer(model, new TrainerOptions { BatchSize = 8 }, 8);
        using (var scope = NewDisposeScope())
        {
            // One step, so the optimiser section holds momentum buffers.
            trainer.TrainStep(new GroupNet.Trainer.Data.DataLoader(Textures(8, seed: 1, side: 8), 8, shuffle: false).Epoch(0).Single());
        }
        var path = Path.Combine(_dir, "c.ckpt");
        Checkpoint.Save(path, model, trainer.Optimizer, 3, "meta", ctx.Generator);
        return path;
    }

    [Theory]
    [InlineData(0)]
    [InlineData(4)]
    [InlineData(30)]   // inside the first local zip header
    [InlineData(100)]  // inside the pickle
    [InlineData(-1)]   // half the file
    [InlineData(-2)]   // last byte missing (the end of the central directory)
    [InlineData(-3)]   // the central directory gone
    public void Truncated_checkpoint_throws_InvalidDataException_naming_the_file(int keep)
    {
        var path = WriteCheckpoint();
        var bytes = File.ReadAllBytes(path);
        Checkpoint.Read(path).Epoch.Should().Be(3);
        int length = keep switch { -1 => bytes.Length / 2, -2 => bytes.Length - 1, -3 => bytes.Length - 600, _ => keep };
        var cut = Path.Combine(_dir, $"cut-{length}.ckpt"); // a new name: a refused file stays open until collected
        File.WriteAllBytes(cut, bytes.AsSpan(0, length).ToArray());
        var act = () => Checkpoint.Read(cut);
        act.Should().Throw<InvalidDataException>().Which.Message.Should().StartWith(cut);
    }

    [Fact]
    public void Corrupted_checkpoint_throws_InvalidDataException_naming_the_file()
    {
        var path = WriteCheckpoint();
        var good = File.ReadAllBytes(path);
        var data = Checkpoint.Read(path);
        (data.Epoch, data.Metadata).Should().Be((3, "meta"));
        data.GeneratorState.Should().NotBeNull();

        // The zip's local header signature "PK\x03\x04" and the end-of-central-directory signature "PK\x05\x06".
        var badMagic = (byte[])good.Clone();
        badMagic[0] = (byte)'X';
        int end = good.AsSpan().LastIndexOf("PK\u0005\u0006"u8);
        end.Should().BeGreaterThan(0);
        var badEnd = (byte[])good.Clone();
        badEnd[end + 2] = 0x7f;
        var badCentral = (byte[])good.Clone();
        badCentral[good.AsSpan().IndexOf("PK\u0001\u0002"u8) + 2] = 0x7f;
        foreach (var (what, bytes) in new[] { ("local header", badMagic), ("end of central directory", badEnd), ("central directory", badCentral) })
        {
            var file = Path.Combine(_dir, $"bad-{what.Replace(' ', '-')}.ckpt");
            File.WriteAllBytes(file, bytes);
            FluentActions.Invoking(() => Checkpoint.Read(file)).Should().Throw<InvalidDataException>(what).Which.Message.Should().StartWith(file, what);
        }
    }

    private sealed class SyncProgress(Action<TrainingProgress> action) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => action(value);
    }
}
