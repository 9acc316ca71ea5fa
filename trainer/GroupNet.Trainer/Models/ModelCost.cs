using GroupNet.Trainer.Modules;
using static TorchSharp.torch;

namespace GroupNet.Trainer.Models;

/// <summary>Counts parameters, binary operations (Eq. 4) and model bytes of a model, as defined on <see cref="ModelCostReport"/>.</summary>
public static class ModelCost
{
    /// <summary>Counts from the configuration's input size; the convolutions' output sizes follow from their geometry,
    /// in forward order.</summary>
    public static ModelCostReport Measure(GroupNetModel model)
    {
        var config = model.Config;
        var sizes = OutputSizes(model);
        long parameters = model.parameters().Sum(p => p.numel());
        long binaryParameters = 0, binaryOps = 0, floatMacs = 0, bytes = 0;
        var counted = new HashSet<IntPtr>();
        foreach (var m in model.modules())
        {
            switch (m)
            {
                case Conv2d conv:
                {
                    int size = sizes[conv];
                    long count = conv.Weight.numel();
                    long macs = count * size * size;
                    counted.Add(conv.Weight.Handle);
                    if (conv.IsBinary)
                    {
                        binaryParameters += count;
                        binaryOps += macs * config.ActivationBits;
                        bytes += conv.OutChannels * ((count / conv.OutChannels + 7) / 8 + 4L);
                    }
                    else
                    {
                        floatMacs += macs;
                        bytes += conv is Int8Conv2d ? count + 4L * conv.OutChannels : 4L * count;
                    }
                    break;
                }
                case Linear linear:
                    floatMacs += linear.Weight.numel();
                    counted.Add(linear.Weight.Handle);
                    bytes += linear is Int8Linear ? linear.Weight.numel() + 4L * linear.OutFeatures : 4L * linear.Weight.numel();
                    break;
            }
        }
        bytes += 4L * model.parameters().Where(p => !counted.Contains(p.Handle)).Sum(p => p.numel());
        return new ModelCostReport(parameters, binaryParameters, binaryOps, floatMacs, bytes);
    }

    /// <summary>Output size (square inputs) of every convolution: the stem keeps the input size, each block's first
    /// convolution and shortcut apply its stride, its second keeps the size.</summary>
    private static Dictionary<Conv2d, int> OutputSizes(GroupNetModel model)
    {
        var sizes = new Dictionary<Conv2d, int>(ReferenceEqualityComparer.Instance);
        int input = model.Config.InputHeight;
        Walk(model.Stem, ref input, sizes);
        foreach (var body in model.Trunks?.Select(t => t.Groups) ?? [model.Groups!])
        {
            int x = input;
            foreach (var group in body)
            {
                int start = x;
                foreach (var b in group.Bases)
                {
                    int y = start;
                    Walk(b, ref y, sizes);
                    x = y;
                }
            }
        }
        return sizes;
    }

    /// <summary>Visits the convolutions under <paramref name="module"/> in registration (= forward) order; a block's
    /// shortcut sees the block's input size.</summary>
    private static void Walk(nn.Module module, ref int size, Dictionary<Conv2d, int> sizes)
    {
        switch (module)
        {
            case Conv2d conv:
                size = conv.OutputSize(size);
                sizes[conv] = size;
                return;
            case ResidualBlock block:
            {
                int input = size;
                Walk(block.Conv1, ref size, sizes);
                Walk(block.Conv2, ref size, sizes);
                if (block.ShortcutConv is { } shortcut)
                {
                    Walk(shortcut, ref input, sizes);
                }
                return;
            }
            case LayerwiseConv2d layerwise:
            {
                int input = size;
                foreach (var branch in layerwise.Branches)
                {
                    size = input;
                    Walk(branch, ref size, sizes);
                }
                return;
            }
            default:
                foreach (var child in module.children())
                {
                    Walk(child, ref size, sizes);
                }
                return;
        }
    }
}
