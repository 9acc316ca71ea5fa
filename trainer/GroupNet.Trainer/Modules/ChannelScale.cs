using GroupNet.Trainer.Ops;
using GroupNet.Trainer.Tensors;

namespace GroupNet.Trainer.Modules;

/// <summary>
/// A learned per-channel multiplier y[n, c, ...] = Scale[c] * x[n, c, ...], initialised to
/// <paramref name="initialValue"/> (1 by default); see <see cref="Functional.ChannelScale"/>.
/// </summary>
public sealed class ChannelScale : Module
{
    /// <summary>Creates the layer with <paramref name="channels"/> scales.</summary>
    public ChannelScale(TrainingContext context, int channels, float initialValue = 1f)
        : base(context)
    {
        if (channels < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(channels), channels, "channel scale needs at least one channel");
        }
        var s = new float[channels];
        Array.Fill(s, initialValue);
        Scale = RegisterParameter("Scale", new Parameter(s, channels));
    }

    /// <summary>One scale per channel.</summary>
    public Parameter Scale { get; }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => Functional.ChannelScale(Context, input, Scale);
}
