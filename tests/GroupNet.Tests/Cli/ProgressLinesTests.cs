using FluentAssertions;
using GroupNet.Cli.Experiments;
using GroupNet.Trainer.Training;

namespace GroupNet.Tests.Cli;

/// <summary>Plain progress for logs: one line per quarter of an epoch passed, never on the epoch's last batch
/// (the epoch's own line follows it), never twice.</summary>
public sealed class ProgressLinesTests
{
    private static List<string> Lines(int epochs, int batches, bool reportEachBatchTwice = false)
    {
        var log = new StringWriter();
        var progress = new ProgressLines(log, "tiny");
        for (int e = 0; e < epochs; e++)
        {
            for (int b = 1; b <= batches; b++)
            {
                var p = new TrainingProgress(e, epochs, b, batches, Loss: 1.0 / b, Accuracy: 0.5, ImagesPerSecond: 1234.4, LearningRate: 0.05);
                progress.Report(p);
                if (reportEachBatchTwice)
                {
                    progress.Report(p);
                }
            }
        }
        return [.. log.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries)];
    }

    [Fact]
    public void Ten_batches_give_a_line_at_25_50_and_75_percent_of_each_epoch()
    {
        Lines(2, 10).Should().Equal(
            "[tiny] epoch 1/2 25%: loss 0.3333, train 50.00%, 1234 img/s",
            "[tiny] epoch 1/2 50%: loss 0.2000, train 50.00%, 1234 img/s",
            "[tiny] epoch 1/2 75%: loss 0.1250, train 50.00%, 1234 img/s",
            "[tiny] epoch 2/2 25%: loss 0.3333, train 50.00%, 1234 img/s",
            "[tiny] epoch 2/2 50%: loss 0.2000, train 50.00%, 1234 img/s",
            "[tiny] epoch 2/2 75%: loss 0.1250, train 50.00%, 1234 img/s");
    }

    [Theory]
    [InlineData(1, 0)]
    [InlineData(2, 1)]
    [InlineData(3, 2)]
    [InlineData(4, 3)]
    [InlineData(469, 3)]
    public void An_epoch_writes_at_most_three_lines_whatever_its_batch_count(int batches, int expected)
    {
        Lines(1, batches).Should().HaveCount(expected);
        Lines(1, batches, reportEachBatchTwice: true).Should().HaveCount(expected, "a repeated report writes nothing new");
    }
}
