using FluentAssertions;
using GroupNet.Trainer.Modules;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace GroupNet.Tests.Trainer;

/// <summary>
/// <see cref="BatchNormForward"/> must be TorchSharp's batch-norm forward to the bit (outputs, running statistics,
/// batch counter; training and eval mode; momentum set or cumulative), and stay so while another thread collects
/// garbage and runs finalizers, which is what freed the scalars of TorchSharp's own <c>num_batches_tracked.add_(1)</c>.
/// </summary>
public class BatchNormForwardTests
{
    private static (BatchNorm2d Norm, List<float[]> Outputs) Run(bool ours, double? momentum, int steps, int seed, bool evalEvery = true)
    {
        var generator = new Generator((ulong)seed);
        var norm = nn.BatchNorm2d(6);
        norm.momentum = momentum;
        using (no_grad())
        {
            norm.weight!.copy_(randn([6], generator: generator));
            norm.bias!.copy_(randn([6], generator: generator));
        }
        var outputs = new List<float[]>();
        for (int s = 0; s < steps; s++)
        {
            using var scope = NewDisposeScope();
            // every scalar held for its call (an implicit one is what the collecting thread would free mid-call)
            using var three = 3f.ToScalar();
            using var shift = ((float)(s % 5)).ToScalar();
            using var one = 1f.ToScalar();
            var input = randn([4, 6, 5, 5], generator: generator).mul_(three).add_(shift, one);
            norm.train(s % 3 != 2 || !evalEvery); // every third step in eval mode
            var output = ours ? BatchNormForward.Of(norm, input) : norm.forward(input);
            outputs.Add(output.detach().data<float>().ToArray());
        }
        return (norm, outputs);
    }

    [Theory]
    [InlineData(0.1)]
    [InlineData(null)]
    public void Outputs_and_running_statistics_equal_TorchSharps_forward(double? momentum)
    {
        var (theirs, expected) = Run(ours: false, momentum, steps: 12, seed: 5);
        var (ours, actual) = Run(ours: true, momentum, steps: 12, seed: 5);
        for (int s = 0; s < expected.Count; s++)
        {
            actual[s].Should().Equal(expected[s], $"output of step {s}");
        }
        ours.running_mean!.data<float>().ToArray().Should().Equal(theirs.running_mean!.data<float>().ToArray());
        ours.running_var!.data<float>().ToArray().Should().Equal(theirs.running_var!.data<float>().ToArray());
        ours.num_batches_tracked!.item<long>().Should().Be(theirs.num_batches_tracked!.item<long>()).And.Be(8);
    }

    [Fact]
    public void A_four_dimensional_input_is_required()
    {
        var norm = nn.BatchNorm2d(3);
        var act = () => BatchNormForward.Of(norm, zeros(2, 3, 4));
        act.Should().Throw<ArgumentException>().WithMessage("expected 4D input (got 3D input)*");
    }

    /// <summary>A generation-0 collection loop on another thread finalizes every unreferenced scalar within
    /// microseconds, as in <see cref="ScalarSafeOptimizerTests"/>. Training-mode forwards with the cumulative average
    /// (momentum null, the batch-norm re-estimation's setting) must stay exact beside it.</summary>
    [Fact]
    public void Forwards_stay_exact_while_another_thread_collects_and_finalizes()
    {
        const int steps = 1500;
        var (_, expected) = Run(ours: true, momentum: null, steps, seed: 9, evalEvery: false);
        using (new CollectingThread())
        {
            var (norm, actual) = Run(ours: true, momentum: null, steps, seed: 9, evalEvery: false);
            for (int s = 0; s < steps; s++)
            {
                actual[s].Should().Equal(expected[s], $"output of step {s} beside a collecting thread");
            }
            norm.num_batches_tracked!.item<long>().Should().Be(steps);
        }
    }
}
