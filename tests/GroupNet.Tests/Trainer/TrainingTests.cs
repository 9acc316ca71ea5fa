using FluentAssertions;
using GroupNet.Trainer.Data;
using GroupNet.Trainer.Models;
using GroupNet.Trainer.Training;
using static GroupNet.Tests.Trainer.TrainerTestData;
using static TorchSharp.torch;

namespace GroupNet.Tests.Trainer;

[Collection(TorchThreadsCollection.Name)]
public class TrainingTests
{
    [Fact]
    public void Loss_of_a_tiny_binary_GroupNet_decreases_within_twenty_steps()
    {
        using var ctx = new TrainingContext(seed: 1, threads: 1);
        using var model = ModelFactory.Create(Config(1, 2), ctx);
        var data = Textures(256, seed: 1);
        var trainer = new GroupNet.Trainer.Training.Trainer(model, new TrainerOptions { Epochs = 1, BatchSize = 32, LearningRate = 0.05f }, data.Count);
        var loader = new DataLoader(data, 32, shuffle: true, seed: 1);
        var losses = new List<float>();
        model.train();
        for (int epoch = 0; losses.Count < 24; epoch++)
        {
            using var e = loader.Epoch(epoch).GetEnumerator();
            while (losses.Count < 24)
            {
                using var scope = NewDisposeScope();
                if (!e.MoveNext())
                {
                    break;
                }
                losses.Add(trainer.TrainStep(e.Current).Loss);
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

    /// <summary>Everything a run depends on is explicit: the weights come from the context's seeded generator, the data
    /// order and augmentation from (seed, epoch, batch), and LibTorch's kernels partition work by the thread count. So
    /// two runs with the same seed and thread count end with every state-dict tensor (weights, batch-norm statistics,
    /// counters) and every optimiser tensor equal, bit for bit. Two threads, so LibTorch really partitions the work.</summary>
    [Fact]
    public void Same_seed_and_thread_count_give_bit_identical_state_after_training()
    {
        var data = Textures(96, seed: 2);
        (Dictionary<string, Tensor> Model, SortedDictionary<string, object> Optimizer) Run()
        {
            using var ctx = new TrainingContext(seed: 7, threads: 2);
            using var model = ModelFactory.Create(Config(2, 2), ctx);
            var trainer = new GroupNet.Trainer.Training.Trainer(model, new TrainerOptions { Epochs = 1, BatchSize = 32, Seed = 3, MaxShift = 1 }, data.Count);
            trainer.TrainEpoch(data);
            return (Snapshot(model), StateValues.Of(trainer.Optimizer));
        }
        var a = Run();
        var b = Run();
        a.Model.Keys.Should().Contain("groups.0.bases.1.conv1.weight");
        var modelDiff = StateDifferences(b.Model, a.Model);
        modelDiff.Should().BeEmpty("the second run's state dict equals the first's (torch.equal):\n" + string.Join("\n", modelDiff));
        a.Optimizer.Keys.Should().Contain(k => k.EndsWith("momentum_buffer", StringComparison.Ordinal), "Nesterov SGD keeps momentum buffers");
        var optimizerDiff = StateValues.Differences(b.Optimizer, a.Optimizer);
        optimizerDiff.Should().BeEmpty("the optimiser state is identical too:\n" + string.Join("\n", optimizerDiff));

        // And the run did something: the trained state differs from a freshly built model's.
        using var fresh = ModelFactory.Create(Config(2, 2), new TrainingContext(seed: 7, threads: 2));
        StateDifferences(Snapshot(fresh), a.Model, max: 1000).Should().Contain(d => d.StartsWith("groups.0.bases.1.conv1.weight", StringComparison.Ordinal));
    }

    [Fact]
    public void Another_seed_gives_other_weights()
    {
        using var a = ModelFactory.Create(Config(2, 2), new TrainingContext(seed: 7, threads: 1));
        using var b = ModelFactory.Create(Config(2, 2), new TrainingContext(seed: 8, threads: 1));
        StateDifferences(Snapshot(a), Snapshot(b)).Should().Contain(d => d.StartsWith("stem.weight", StringComparison.Ordinal));
    }
}
