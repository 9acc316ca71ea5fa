using GroupNet.Trainer.Modules;
using GroupNet.Trainer.Tensors;

namespace GroupNet.Trainer.Models;

/// <summary>
/// Builds the module of a <see cref="ModelConfig"/>: a <see cref="GroupNetV1"/> where that class expresses the
/// configuration exactly (tiny network, v1 or baseline, float first and last layers, and binary weights with
/// 1/2/4-bit activations or the full-precision W32A32 parent), so the integer exporter and the demo keep working;
/// a <see cref="GroupNetModel"/> otherwise. Both have the same member names for the same configuration.
/// </summary>
public static class ModelFactory
{
    /// <summary>Builds and returns the model (weights drawn from the context's generator).</summary>
    public static Module Create(TrainingContext context, ModelConfig config)
    {
        config.Validate();
        return AsGroupNetV1(config) is { } v1 ? new GroupNetV1(context, v1) : new GroupNetModel(context, config);
    }

    /// <summary>The <see cref="GroupNetV1Config"/> that builds <paramref name="config"/> exactly, or null.</summary>
    public static GroupNetV1Config? AsGroupNetV1(ModelConfig config)
    {
        bool shape = config.Network == NetworkKind.Tiny
            && config.Structure is StructureKind.V1 or StructureKind.Baseline
            && config.FirstLast == LayerPrecision.Float32;
        bool precision = (config.WeightBits == 1 && config.ActivationBits != 32) || (config.WeightBits == 32 && config.ActivationBits == 32);
        return shape && precision
            ? new GroupNetV1Config(config.Bases, config.ActivationBits, config.NumClasses, config.InputChannels, config.InputHeight, config.InputWidth)
            : null;
    }

    /// <summary>The <see cref="ModelConfig"/> of a <see cref="GroupNetV1Config"/> (v1, or the W32A32 parent).</summary>
    public static ModelConfig FromGroupNetV1(GroupNetV1Config config) => new(
        NetworkKind.Tiny,
        config.Bases == 1 ? StructureKind.Baseline : StructureKind.V1,
        config.Bases,
        config.IsFullPrecision ? 32 : 1,
        config.ActivationBits,
        LayerPrecision.Float32,
        config.NumClasses,
        config.InputChannels,
        config.InputHeight,
        config.InputWidth);
}
