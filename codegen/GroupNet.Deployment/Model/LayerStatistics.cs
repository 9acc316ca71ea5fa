namespace GroupNet.Deployment.Model;

/// <summary>Size and work of one layer: what `inspect` and the reports print.</summary>
public sealed record LayerStatistics(
    string Name,
    string Kind,
    string OutputShape,
    int Bits,
    int Terms,
    long Parameters,
    long BinaryMacs,
    long Int8Macs,
    long WeightBytes,
    long ParameterBytes,
    long OutputBytes)
{
    /// <summary>Binary operations: one XNOR and one popcount step per binary MAC and activation bit
    /// (the paper counts a binary MAC as one binary operation per bit-plane).</summary>
    public long BinaryOps { get; init; }

    public static IReadOnlyList<LayerStatistics> Of(DeploymentModel model)
    {
        var rows = new List<LayerStatistics>();
        foreach (var layer in model.Layers)
        {
            var output = model.Tensors[layer.Output];
            var (outH, outW) = model.OutputSize(layer);
            long pixels = (long)outH * outW;
            long parameters = 0, binaryMacs = 0, int8Macs = 0, weightBytes = 0, binaryOps = 0;
            foreach (var term in layer.Terms)
            {
                var input = model.Tensors[term.Input];
                switch (term)
                {
                    case BinaryConvTerm c:
                        long macs = pixels * layer.OutChannels * c.Geometry.Kernel * c.Geometry.Kernel * input.Channels;
                        binaryMacs += macs;
                        binaryOps += macs * input.Bits;
                        parameters += (long)layer.OutChannels * c.Geometry.Kernel * c.Geometry.Kernel * input.Channels;
                        weightBytes += c.Weights.Length * 4L;
                        break;
                    case Int8ConvTerm c:
                        int8Macs += pixels * layer.OutChannels * c.Geometry.Kernel * c.Geometry.Kernel * input.Channels;
                        parameters += c.Weights.Length;
                        weightBytes += c.Weights.Length;
                        break;
                }
            }
            long parameterBytes = layer.Terms.Length * layer.OutChannels * 4L
                + (layer.Epilogue is ThresholdEpilogue te ? te.Thresholds.Length * 4L : 0)
                + (layer.Epilogue is RequantizeEpilogue ? layer.OutChannels * (4L + 8L + 2L) : 0);
            string kind = layer.Terms.Length == 1 ? TermKind(layer.Terms[0]) : $"sum of {layer.Terms.Length}";
            int bits = layer.Epilogue switch { ThresholdEpilogue t => t.Bits, RequantizeEpilogue => 8, _ => 32 };
            string shape = output.Kind == TensorKind.Pooled ? $"{output.Channels} (pooled)" : $"{output.Height}x{output.Width}x{output.Channels}";
            rows.Add(new LayerStatistics(LayerNames.Display(layer.Name), kind, shape, bits, layer.Terms.Length, parameters, binaryMacs, int8Macs, weightBytes, parameterBytes, output.ByteSize) { BinaryOps = binaryOps });
        }
        var h = model.Head;
        rows.Add(new LayerStatistics(LayerNames.Head, "int8 linear", $"{h.OutFeatures}", 32, 1, (long)h.InFeatures * h.OutFeatures + h.OutFeatures,
            0, (long)h.InFeatures * h.OutFeatures, h.Weights.Length, h.Bias.Length * 4L + h.InFeatures * 12L, h.OutFeatures * 4L));
        return rows;
    }

    private static string TermKind(Term term) => term switch
    {
        BinaryConvTerm c => $"binary conv {c.Geometry.Kernel}x{c.Geometry.Kernel}/{c.Geometry.Stride}",
        Int8ConvTerm c => $"int8 conv {c.Geometry.Kernel}x{c.Geometry.Kernel}/{c.Geometry.Stride}",
        IdentityTerm => "identity",
        _ => term.GetType().Name,
    };

}
