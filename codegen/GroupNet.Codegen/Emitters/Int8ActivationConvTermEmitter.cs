using GroupNet.Deployment.Model;

namespace GroupNet.Codegen.Emitters;

/// <summary>int8 conv of an int8 network (gn_int8_conv.h): the window is gathered into a word-aligned
/// buffer once per pixel and each filter is a flash row padded to whole words, so the same code runs
/// the SMLAD kernel on DSP cores and the portable loop elsewhere.</summary>
public sealed class Int8ActivationConvTermEmitter : TermEmitter
{
    /// <summary>Whether this emitter handles the term: an int8 conv reading uint8 activations, or any
    /// int8 conv of a layer that requantises to uint8 (the stem of an int8 network).</summary>
    public static bool Handles(TermContext c) =>
        c.Layer.Terms[c.TermIndex] is Int8ConvTerm
        && (c.Input.Kind == TensorKind.Uint8 || c.Layer.Epilogue is RequantizeEpilogue);

    /// <summary>4-byte words of one window (and one filter row): kernel * kernel * channels bytes, rounded up.</summary>
    public static int Words(Int8ConvTerm term, TensorSpec input) =>
        (term.Geometry.Kernel * term.Geometry.Kernel * input.Channels + 3) / 4;

    public override IEnumerable<string> Constants(TermContext c)
    {
        var term = (Int8ConvTerm)c.Layer.Terms[c.TermIndex];
        yield return Const(c, "CIN", c.Input.Channels);
        foreach (var constant in ConvConstants(c, term.Geometry))
        {
            yield return constant;
        }
        yield return Const(c, "WORDS", Words(term, c.Input));
    }

    public override IEnumerable<CTable> Tables(TermContext c)
    {
        var term = (Int8ConvTerm)c.Layer.Terms[c.TermIndex];
        var g = term.Geometry;
        int n = g.Kernel * g.Kernel * c.Input.Channels, row = Words(term, c.Input) * 4;
        var padded = new sbyte[c.Layer.OutChannels * row];
        for (int o = 0; o < c.Layer.OutChannels; o++)
        {
            term.Weights.AsSpan().Slice(o * n, n).CopyTo(padded.AsSpan(o * row, n));
        }
        yield return CTable.Matrix(c.TableName("weights"), "int8_t",
            $"layer {c.LayerIndex} \"{CLiteral.CommentText(c.Layer.Name)}\" term {c.TermIndex}: int8 conv {g.Kernel}x{g.Kernel}, {c.Layer.OutChannels} filters x [{g.Kernel * g.Kernel} taps][{c.Input.Channels} channels]"
            + (row > n ? $" + {row - n} zero bytes (whole words)" : ""),
            padded, c.Layer.OutChannels, v => CLiteral.Int(v), "out channel");
        yield return c.MultiplierTable(term);
    }

    public override string Code(TermContext c, TemplateSet templates)
    {
        var g = ((Int8ConvTerm)c.Layer.Terms[c.TermIndex]).Geometry;
        return templates.Render("term_int8_activation_conv", new
        {
            t = c.TermIndex,
            index = c.LayerIndex,
            k = g.Kernel,
            s = g.Stride,
            p = g.Padding,
            input = c.Input.Id,
            inputName = CLiteral.CommentText(c.Input.Name),
            inC = c.Input.Channels,
            p_ = c.Prefix,
            arg = c.InputArg,
            add = c.TermIndex == 0 ? 0 : 1,
            mult = c.TableName("mult"),
            weights = c.TableName("weights"),
        });
    }
}
