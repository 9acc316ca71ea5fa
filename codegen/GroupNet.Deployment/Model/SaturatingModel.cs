namespace GroupNet.Deployment.Model;

/// <summary>
/// Rewrites a model so that the all-255 image drives every accumulator to the worst-case bound of
/// docs/integer-arithmetic.md ("Bounds") and every |z| as close to the int32 limit as the bound
/// allows: the extreme-input test of the generated C and the firmware.
/// </summary>
/// <remarks>
/// Construction (same tensors and geometry as the source model, new weights, multipliers and thresholds):
/// <list type="bullet">
/// <item>int8 conv: every weight +127 on even output channels, -127 on odd ones, so an all-255 image gives
/// <c>acc = +/-255 * 127 * kh*kw*C</c>, the bound, at every output pixel whose window lies inside the image.</item>
/// <item>binary conv: every weight +1 (bit 1) on even output channels, -1 (bit 0) on odd ones; the thresholds
/// below keep every levels tensor at its top level <c>2^k - 1</c> at every pixel, so interior pixels give
/// <c>acc = +/-(2^k - 1) * kh*kw*C</c>, the bound.</item>
/// <item>identity: the input level, <c>2^k - 1</c>, the bound.</item>
/// <item>multipliers: per output channel <c>o</c>, <c>B = sum_t bound_t</c> and <c>m = floor(L / B)</c> with
/// <c>L = 2^31 - 1</c> (divided by <c>H*W</c> for a pooled epilogue, as the loader requires);
/// <c>M_t[o] = s[o] * sign(acc_t) * m</c> with <c>s[o] = +1</c> for <c>o % 4 &lt; 2</c>, else -1, so all
/// terms add with one sign and interior pixels reach <c>z = s[o] * m * B</c>, within <c>B</c> of <c>L</c>
/// (the loader's check <c>sum_t |M_t| * bound_t &lt;= L</c> holds with equality up to the rounding of <c>m</c>).</item>
/// <item>thresholds: for <c>s[o] = +1</c> every threshold is 1 (any positive <c>z</c> gives the top level);
/// for <c>s[o] = -1</c> every threshold is <c>-m * B</c>, the most negative <c>z</c> the layer can produce.
/// Every correct <c>z</c> therefore yields the top level, so saturation propagates to the next layer, while
/// a <c>z</c> that wrapped around (overflow) or went past the bound yields level 0 and changes the logits.</item>
/// <item>the 8-bit head is kept.</item>
/// </list>
/// Border pixels reach less than the bound (zero padding contributes nothing); the pooled sum of the last
/// layer is therefore below its <c>H*W</c> bound, which no input can reach.
/// </remarks>
public static class SaturatingModel
{
    /// <summary>Sign of output channel <paramref name="o"/>'s <c>z</c> on the all-255 image.</summary>
    public static int ChannelSign(int o) => o % 4 < 2 ? 1 : -1;

    /// <summary>The rewritten model (validated).</summary>
    public static DeploymentModel From(DeploymentModel source)
    {
        ArgumentNullException.ThrowIfNull(source);
        var layers = source.Layers.Select(layer => Rewrite(source, layer)).ToArray();
        var model = source with
        {
            Name = source.Name + "_sat",
            Description = source.Description + ", saturated: all-255 input drives every accumulator to its bound",
            Layers = new EquatableArray<AccumulateLayer>(layers),
        };
        ModelValidator.Validate(model);
        return model;
    }

    /// <summary><c>m * B</c> of <paramref name="layer"/> (the same for every channel): |z| at interior pixels on the all-255 image.</summary>
    public static long InteriorMagnitude(DeploymentModel model, AccumulateLayer layer)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(layer);
        long b = layer.Terms.Sum(t => t.AccumulatorBound(model.Tensors[t.Input]));
        return Multiplier(model, layer) * b;
    }

    private static long Multiplier(DeploymentModel model, AccumulateLayer layer)
    {
        long b = layer.Terms.Sum(t => t.AccumulatorBound(model.Tensors[t.Input]));
        var (h, w) = model.OutputSize(layer);
        long limit = layer.Epilogue is PooledEpilogue ? ModelValidator.Int32Limit / ((long)h * w) : ModelValidator.Int32Limit;
        return Math.Max(1, limit / b);
    }

    private static AccumulateLayer Rewrite(DeploymentModel model, AccumulateLayer layer)
    {
        int cout = layer.OutChannels;
        long m = Multiplier(model, layer);
        long magnitude = InteriorMagnitude(model, layer);
        var terms = layer.Terms.Select(term =>
        {
            var input = model.Tensors[term.Input];
            // sign(acc_t) on the all-255 image: + on even channels, - on odd ones, + for identity.
            var multipliers = new EquatableArray<int>(Enumerable.Range(0, cout)
                .Select(o => (int)(ChannelSign(o) * (term is IdentityTerm || o % 2 == 0 ? 1 : -1) * m)).ToArray());
            return term switch
            {
                Int8ConvTerm c => (Term)(c with
                {
                    Weights = new EquatableArray<sbyte>(Enumerable.Range(0, c.Weights.Length)
                        .Select(i => (sbyte)(i / (c.Weights.Length / cout) % 2 == 0 ? 127 : -127)).ToArray()),
                    Multipliers = multipliers,
                }),
                BinaryConvTerm c => c with
                {
                    Weights = new EquatableArray<uint>(Enumerable.Range(0, c.Weights.Length)
                        .Select(i => i / (c.Weights.Length / cout) % 2 == 0 ? ValidBits(input.Channels, i % input.Words, input.Words) : 0u).ToArray()),
                    Multipliers = multipliers,
                },
                IdentityTerm t => t with { Multipliers = multipliers },
                _ => throw new ArgumentException($"layer {layer.Name}: unknown term {term.GetType().Name}"),
            };
        }).ToArray();
        Epilogue epilogue = layer.Epilogue switch
        {
            ThresholdEpilogue te => te with
            {
                Thresholds = new EquatableArray<int>(Enumerable.Range(0, cout * te.ThresholdsPerChannel)
                    .Select(i => ChannelSign(i / te.ThresholdsPerChannel) > 0 ? 1 : (int)-magnitude).ToArray()),
            },
            var other => other,
        };
        return layer with { Terms = new EquatableArray<Term>(terms), Epilogue = epilogue };
    }

    /// <summary>All channel bits of word <paramref name="word"/> set; padding bits (channels &gt;= C) clear.</summary>
    private static uint ValidBits(int channels, int word, int words)
    {
        int tail = channels % 32;
        return word == words - 1 && tail != 0 ? (1u << tail) - 1 : 0xFFFFFFFFu;
    }
}
