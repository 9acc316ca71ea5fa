using GroupNet.Trainer.Modules;
using GroupNet.Trainer.Tensors;

namespace GroupNet.Trainer.Models;

/// <summary>Counts parameters, binary operations (Eq. 4) and model bytes of a model, as defined on <see cref="ModelCostReport"/>.</summary>
public static class ModelCost
{
    /// <summary>Runs one zero image through <paramref name="model"/> (eval mode, no gradients; the mode is restored)
    /// to learn every convolution's output size, then counts.</summary>
    public static ModelCostReport Measure(Module model, ModelConfig config)
    {
        var ctx = model.Context;
        bool wasTraining = model.Training;
        model.Eval();
        using (ctx.NoGrad())
        using (ctx.BeginScope())
        {
            model.Forward(Tensor.Zeros(1, config.InputChannels, config.InputHeight, config.InputWidth));
        }
        model.Train(wasTraining);

        long parameters = model.Parameters().Sum(p => (long)p.Count);
        long binaryParameters = 0, binaryOps = 0, floatMacs = 0, bytes = 0;
        var counted = new HashSet<Tensor>(ReferenceEqualityComparer.Instance);
        foreach (var m in model.Modules())
        {
            switch (m)
            {
                case Conv2d conv:
                {
                    var shape = conv.LastOutputShape ?? throw new InvalidOperationException("a convolution did not run in the forward pass");
                    long macs = (long)conv.Weight.Count * shape[2] * shape[3];
                    counted.Add(conv.Weight);
                    if (conv.WeightQuantizer is not null)
                    {
                        binaryParameters += conv.Weight.Count;
                        binaryOps += macs * config.ActivationBits;
                        bytes += conv.OutChannels * ((conv.Weight.Count / conv.OutChannels + 7) / 8 + 4L);
                    }
                    else
                    {
                        floatMacs += macs;
                        bytes += conv is Int8Conv2d ? conv.Weight.Count + 4L * conv.OutChannels : 4L * conv.Weight.Count;
                    }
                    break;
                }
                case Linear linear:
                    floatMacs += linear.Weight.Count;
                    counted.Add(linear.Weight);
                    bytes += 4L * linear.Weight.Count;
                    break;
                case Int8Linear linear:
                    floatMacs += linear.Weight.Count;
                    counted.Add(linear.Weight);
                    bytes += linear.Weight.Count + 4L * linear.OutFeatures;
                    break;
            }
        }
        bytes += 4L * model.Parameters().Where(p => !counted.Contains(p)).Sum(p => (long)p.Count);
        return new ModelCostReport(parameters, binaryParameters, binaryOps, floatMacs, bytes);
    }
}
