using GroupNet.Trainer.Training;
using TorchSharp;

namespace GroupNet.Trainer.Models;

/// <summary>Builds the module of a <see cref="ModelConfig"/> (every structure is a <see cref="GroupNetModel"/>).</summary>
public static class ModelFactory
{
    /// <summary>Builds the model with weights drawn from the context's generator, on the context's device.</summary>
    public static GroupNetModel Create(ModelConfig config, TrainingContext context)
    {
        var model = new GroupNetModel(config, context.Generator);
        if (context.Device.type != TorchSharp.DeviceType.CPU)
        {
            model.to(context.Device);
        }
        return model;
    }
}
