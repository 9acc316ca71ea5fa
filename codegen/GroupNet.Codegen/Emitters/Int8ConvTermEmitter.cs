using GroupNet.Deployment.Model;

namespace GroupNet.Codegen.Emitters;

/// <summary>int8 conv on the image or on uint8 activations (gn_int8_conv.h): the stem of a binary network and
/// every conv of an int8 network. Two kernels, chosen by the window's size:
/// <list type="bullet">
/// <item>a small window (a first layer on a grey or RGB image, at most <see cref="SmallWindowMax"/> values) is
/// gathered once, and the filters are stored widened (int16 on DSP cores, where each SMLAD takes two weights
/// straight from memory; int32 elsewhere, one Thumb-1 load each);</item>
/// <item>any other window is gathered into a word-aligned byte buffer and each filter is a flash row of int8
/// padded to whole words (widened with SXTB16 on DSP cores): half the flash of int16 rows, where the weights
/// are many.</item>
/// </list>
/// Both run the same exact sum; cores without DSP run the plain loops of the same functions.</summary>
public sealed class Int8ConvTermEmitter : TermEmitter
{
    /// <summary>GN_INT8_SMALL_WINDOW_MAX of gn_int8_conv.h: 5x5 on 3 channels, rounded up to even.</summary>
    public const int SmallWindowMax = 76;

    /// <summary>4-byte words of one window (and one filter row): kernel * kernel * channels bytes, rounded up.</summary>
    public static int Words(Int8ConvTerm term, TensorSpec input) =>
        (WindowValues(term, input) + 3) / 4;

    public static int WindowValues(Int8ConvTerm term, TensorSpec input) =>
        term.Geometry.Kernel * term.Geometry.Kernel * input.Channels;

    public static bool IsSmall(Int8ConvTerm term, TensorSpec input) => WindowValues(term, input) <= SmallWindowMax;

    public override IEnumerable<string> Constants(TermContext c)
    {
        var term = (Int8ConvTerm)c.Layer.Terms[c.TermIndex];
        yield return Const(c, "CIN", c.Input.Channels);
        foreach (var constant in ConvConstants(c, term.Geometry))
        {
            yield return constant;
        }
        if (!IsSmall(term, c.Input))
        {
            yield return Const(c, "WORDS", Words(term, c.Input));
        }
    }

    public override IEnumerable<CTable> Tables(TermContext c)
    {
        var term = (Int8ConvTerm)c.Layer.Terms[c.TermIndex];
        var g = term.Geometry;
        bool small = IsSmall(term, c.Input);
        int n = WindowValues(term, c.Input), row = small ? (n + 1) / 2 * 2 : Words(term, c.Input) * 4;
        var padded = new sbyte[c.Layer.OutChannels * row];
        for (int o = 0; o < c.Layer.OutChannels; o++)
        {
            term.Weights.AsSpan().Slice(o * n, n).CopyTo(padded.AsSpan(o * row, n));
        }
        string padding = row > n ? $" + {row - n} zero{(row - n == 1 ? "" : "s")} ({(small ? "whole pairs" : "whole words")})" : "";
        yield return CTable.Matrix(c.TableName("weights"), small ? "gn_int8_small_weight_t" : "int8_t",
            $"layer {c.LayerIndex} \"{CLiteral.CommentText(c.Layer.Name)}\" term {c.TermIndex}: int8 conv {g.Kernel}x{g.Kernel}, {c.Layer.OutChannels} filters x [{g.Kernel * g.Kernel} taps][{c.Input.Channels} channels]"
            + (small ? " widened (int16 pairs for SMLAD, words elsewhere)" : "") + padding,
            padded, c.Layer.OutChannels, v => CLiteral.Int(v), "out channel");
        yield return c.MultiplierTable(term);
    }

    public override string Code(TermContext c, TemplateSet templates)
    {
        var term = (Int8ConvTerm)c.Layer.Terms[c.TermIndex];
        var g = term.Geometry;
        return templates.Render(IsSmall(term, c.Input) ? "term_int8_conv_small" : "term_int8_conv", new
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
