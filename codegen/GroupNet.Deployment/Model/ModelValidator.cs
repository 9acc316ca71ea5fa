namespace GroupNet.Deployment.Model;

/// <summary>Checks shapes, sizes, ranges, references between layers and the overflow bounds of
/// docs/integer-arithmetic.md. Throws <see cref="ModelValidationException"/> naming the field.</summary>
public static class ModelValidator
{
    public const long Int32Limit = int.MaxValue;
    public const int MaxDimension = 4096;
    public const int MaxChannels = 4096;

    public static void Validate(DeploymentModel model)
    {
        if (string.IsNullOrWhiteSpace(model.Name) || !model.Name.All(ch => char.IsAsciiLetterOrDigit(ch) || ch == '_') || !char.IsAsciiLetter(model.Name[0]))
        {
            throw new ModelValidationException("name", $"'{model.Name}' must be a C identifier fragment (letters, digits, '_', starting with a letter)");
        }
        ValidateTensors(model.Tensors);
        var produced = new bool[model.Tensors.Length];
        produced[0] = true;
        for (int i = 0; i < model.Layers.Length; i++)
        {
            ValidateLayer(model, model.Layers[i], $"layers[{i}]", produced);
        }
        ValidateHead(model, produced);
    }

    /// <summary>The largest |z| the layer can produce, per channel, maximised over channels
    /// (times H*W for a pooled epilogue).</summary>
    public static long WorstCaseBound(DeploymentModel model, AccumulateLayer layer)
    {
        long worst = 0;
        for (int o = 0; o < layer.OutChannels; o++)
        {
            long sum = 0;
            foreach (var term in layer.Terms)
            {
                sum += Math.Abs((long)term.Multipliers[o]) * term.AccumulatorBound(model.Tensors[term.Input]);
            }
            worst = Math.Max(worst, sum);
        }
        var output = model.Tensors[layer.Output];
        var (h, w) = model.OutputSize(layer);
        return layer.Epilogue is PooledEpilogue ? worst * h * w : worst;
    }


    private static void ValidateTensors(EquatableArray<TensorSpec> tensors)
    {
        if (tensors.Length == 0)
        {
            throw new ModelValidationException("tensors", "at least the input tensor is required");
        }
        for (int i = 0; i < tensors.Length; i++)
        {
            var t = tensors[i];
            string f = $"tensors[{i}]";
            Require(t.Id == i, f + ".id", $"must equal its position {i}, found {t.Id}");
            Require(t.Height is >= 1 and <= MaxDimension, f + ".height", $"must be 1..{MaxDimension}, found {t.Height}");
            Require(t.Width is >= 1 and <= MaxDimension, f + ".width", $"must be 1..{MaxDimension}, found {t.Width}");
            Require(t.Channels is >= 1 and <= MaxChannels, f + ".channels", $"must be 1..{MaxChannels}, found {t.Channels}");
            switch (t.Kind)
            {
                case TensorKind.Image:
                    Require(i == 0, f + ".kind", "only tensor 0 may be an image");
                    Require(t.Bits == 8, f + ".bits", $"an image has 8 bits, found {t.Bits}");
                    break;
                case TensorKind.Levels:
                    Require(t.Bits is 2 or 4 or 8, f + ".bits", $"levels tensors support 2, 4 or 8 bits, found {t.Bits} (1-bit activations are a 'signs' tensor)");
                    break;
                case TensorKind.Signs:
                    Require(t.Bits == 1, f + ".bits", $"a signs tensor has 1 bit, found {t.Bits}");
                    break;
                case TensorKind.Pooled:
                    Require(t.Height == 1 && t.Width == 1, f + ".height", "a pooled tensor is 1x1");
                    Require(t.Bits == 32, f + ".bits", $"a pooled tensor has 32 bits, found {t.Bits}");
                    break;
                default:
                    throw new ModelValidationException(f + ".kind", $"unknown kind {(int)t.Kind}");
            }
            if (i == 0)
            {
                Require(t.Kind == TensorKind.Image, f + ".kind", "tensor 0 must be the input image");
            }
        }
    }

    private static void ValidateLayer(DeploymentModel model, AccumulateLayer layer, string f, bool[] produced)
    {
        Require(!string.IsNullOrWhiteSpace(layer.Name), f + ".name", "must not be empty");
        RequireTensor(model, layer.Output, f + ".output");
        Require(!produced[layer.Output], f + ".output", $"tensor {layer.Output} is already produced by an earlier layer or is the input");
        var output = model.Tensors[layer.Output];
        Require(layer.OutChannels == output.Channels, f + ".out_channels", $"{layer.OutChannels} does not match output tensor channels {output.Channels}");
        Require(layer.Terms.Length >= 1, f + ".terms", "at least one term is required");
        int? outH = null, outW = null;
        for (int t = 0; t < layer.Terms.Length; t++)
        {
            var term = layer.Terms[t];
            string tf = $"{f}.terms[{t}]";
            RequireTensor(model, term.Input, tf + ".input");
            Require(produced[term.Input], tf + ".input", $"tensor {term.Input} is not produced before this layer");
            var input = model.Tensors[term.Input];
            Require(term.Multipliers.Length == layer.OutChannels, tf + ".multipliers", $"expected {layer.OutChannels} values, found {term.Multipliers.Length}");
            int h, w;
            switch (term)
            {
                case Int8ConvTerm c:
                    Require(input.Kind == TensorKind.Image, tf + ".input", "an int8 conv reads the image");
                    ValidateGeometry(c.Geometry, input, tf);
                    Require(c.Weights.Length == layer.OutChannels * c.Geometry.Kernel * c.Geometry.Kernel * input.Channels, tf + ".weights",
                        $"expected {layer.OutChannels * c.Geometry.Kernel * c.Geometry.Kernel * input.Channels} values, found {c.Weights.Length}");
                    foreach (var v in c.Weights)
                    {
                        Require(v >= -127, tf + ".weights", "int8 weights must be in -127..127");
                    }
                    (h, w) = c.OutputSize(input);
                    break;
                case BinaryConvTerm c:
                    Require(input.IsPacked, tf + ".input", "a binary conv reads a levels or signs tensor");
                    ValidateGeometry(c.Geometry, input, tf);
                    int words = input.Words;
                    Require(c.Weights.Length == layer.OutChannels * c.Geometry.Kernel * c.Geometry.Kernel * words, tf + ".weights",
                        $"expected {layer.OutChannels * c.Geometry.Kernel * c.Geometry.Kernel * words} words, found {c.Weights.Length}");
                    int tail = input.Channels % 32;
                    if (tail != 0)
                    {
                        uint padMask = ~((1u << tail) - 1);
                        for (int i = words - 1; i < c.Weights.Length; i += words)
                        {
                            Require((c.Weights[i] & padMask) == 0, tf + ".weights", $"padding bits of word {i} must be 0");
                        }
                    }
                    (h, w) = c.OutputSize(input);
                    break;
                case IdentityTerm:
                    Require(input.IsPacked, tf + ".input", "an identity term reads a levels or signs tensor");
                    Require(input.Channels == layer.OutChannels, tf + ".input", $"identity needs {layer.OutChannels} channels, input has {input.Channels}");
                    (h, w) = term.OutputSize(input);
                    break;
                default:
                    throw new ModelValidationException(tf, "unknown term kind");
            }
            Require(outH is null || (outH == h && outW == w), tf, $"output size {h}x{w} differs from the first term's {outH}x{outW}");
            outH = h;
            outW = w;
        }
        switch (layer.Epilogue)
        {
            case ThresholdEpilogue te:
                Require(output.IsPacked && output.Bits == te.Bits, f + ".epilogue.bits", $"{te.Bits} does not match the output tensor ({output.Kind}, {output.Bits} bits)");
                Require(output.Height == outH && output.Width == outW, f + ".output", $"output tensor is {output.Height}x{output.Width}, terms give {outH}x{outW}");
                Require(te.Thresholds.Length == layer.OutChannels * te.ThresholdsPerChannel, f + ".epilogue.thresholds",
                    $"expected {layer.OutChannels * te.ThresholdsPerChannel} values, found {te.Thresholds.Length}");
                for (int o = 0; o < layer.OutChannels; o++)
                {
                    for (int i = 1; i < te.ThresholdsPerChannel; i++)
                    {
                        int k = o * te.ThresholdsPerChannel + i;
                        Require(te.Thresholds[k] >= te.Thresholds[k - 1], f + ".epilogue.thresholds", $"channel {o} thresholds must be non-decreasing");
                    }
                }
                break;
            case PooledEpilogue:
                Require(output.Kind == TensorKind.Pooled, f + ".epilogue", "a pooled epilogue writes a pooled tensor");
                break;
            default:
                throw new ModelValidationException(f + ".epilogue", "unknown epilogue kind");
        }
        long bound = WorstCaseBound(model, layer);
        Require(bound <= Int32Limit, f + ".terms", $"worst-case |z| is {bound}, above the int32 limit {Int32Limit}; reduce the multipliers");
        produced[layer.Output] = true;
    }

    private static void ValidateGeometry(ConvGeometry g, TensorSpec input, string f)
    {
        Require(g.Kernel is >= 1 and <= 7, f + ".kernel", $"must be 1..7, found {g.Kernel}");
        Require(g.Stride is >= 1 and <= 4, f + ".stride", $"must be 1..4, found {g.Stride}");
        Require(g.Padding >= 0 && g.Padding < g.Kernel, f + ".padding", $"must be 0..kernel-1, found {g.Padding}");
        Require(input.Height + 2 * g.Padding >= g.Kernel && input.Width + 2 * g.Padding >= g.Kernel, f + ".kernel", "kernel larger than the padded input");
    }

    private static void ValidateHead(DeploymentModel model, bool[] produced)
    {
        var h = model.Head;
        RequireTensor(model, h.Input, "head.input");
        Require(produced[h.Input], "head.input", $"tensor {h.Input} is not produced by any layer");
        var input = model.Tensors[h.Input];
        Require(input.Kind == TensorKind.Pooled, "head.input", "the head reads a pooled tensor");
        Require(h.InFeatures == input.Channels, "head.in_features", $"{h.InFeatures} does not match pooled channels {input.Channels}");
        Require(h.OutFeatures is >= 1 and <= 4096, "head.out_features", $"must be 1..4096, found {h.OutFeatures}");
        Require(h.RequantMultipliers.Length == h.InFeatures, "head.requant_multipliers", $"expected {h.InFeatures} values, found {h.RequantMultipliers.Length}");
        Require(h.RequantOffsets.Length == h.InFeatures, "head.requant_offsets", $"expected {h.InFeatures} values, found {h.RequantOffsets.Length}");
        Require(h.RequantShift is >= 1 and <= 62, "head.requant_shift", $"must be 1..62, found {h.RequantShift}");
        for (int c = 0; c < h.InFeatures; c++)
        {
            // |pooled| <= 2^31 and |Mq| <= 2^31 give < 2^62; the offset must leave room for the rounding term.
            Require(Math.Abs(h.RequantOffsets[c]) < (1L << 61), "head.requant_offsets", $"|value {c}| must be below 2^61");
        }
        Require(h.Weights.Length == h.InFeatures * h.OutFeatures, "head.weights", $"expected {h.InFeatures * h.OutFeatures} values, found {h.Weights.Length}");
        foreach (var v in h.Weights)
        {
            Require(v >= -127, "head.weights", "int8 weights must be in -127..127");
        }
        Require(h.Bias.Length == h.OutFeatures, "head.bias", $"expected {h.OutFeatures} values, found {h.Bias.Length}");
        long worst = 0;
        for (int j = 0; j < h.OutFeatures; j++)
        {
            worst = Math.Max(worst, Math.Abs((long)h.Bias[j]) + 127L * 127L * h.InFeatures);
        }
        Require(worst <= Int32Limit, "head.bias", $"worst-case |logit| {worst} exceeds int32");
    }

    private static void RequireTensor(DeploymentModel model, int id, string field) =>
        Require(id >= 0 && id < model.Tensors.Length, field, $"tensor {id} does not exist (0..{model.Tensors.Length - 1})");

    private static void Require(bool condition, string field, string problem)
    {
        if (!condition)
        {
            throw new ModelValidationException(field, problem);
        }
    }
}
