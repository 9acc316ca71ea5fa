using System.Globalization;
using GroupNet.Trainer.Training;

namespace GroupNet.Cli.Experiments;

/// <summary>
/// Training progress for a log: one plain line each time an epoch passes another <see cref="PercentStep"/> percent of
/// its batches, with the live bar's figures (running loss, training accuracy, images per second). The epoch's last
/// batch writes nothing: <see cref="ExperimentRunner"/> writes the epoch's line with its test accuracy right after.
/// A long epoch still shows signs of life in CI, and no line is ever written twice.
/// </summary>
public sealed class ProgressLines(TextWriter log, string runName, int percentStep = 25) : IProgress<TrainingProgress>
{
    /// <summary>Percent of an epoch between two lines.</summary>
    public int PercentStep { get; } = percentStep is > 0 and < 100 ? percentStep
        : throw new ArgumentOutOfRangeException(nameof(percentStep), percentStep, "a step between 1 and 99 percent");

    private (int Epoch, int Step) _last = (-1, 0);

    public void Report(TrainingProgress p)
    {
        if (p.Batch >= p.Batches)
        {
            return;
        }
        int step = (int)((long)p.Batch * 100 / p.Batches / PercentStep);
        if (step == 0 || (p.Epoch, step) == _last || (p.Epoch == _last.Epoch && step < _last.Step))
        {
            return;
        }
        _last = (p.Epoch, step);
        log.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"[{runName}] epoch {p.Epoch + 1}/{p.Epochs} {step * PercentStep}%: loss {p.Loss:F4}, train {100 * p.Accuracy:F2}%, {p.ImagesPerSecond:F0} img/s"));
    }
}
