using GroupNet.Deployment.Model;

namespace GroupNet.Codegen.Emitters;

/// <summary>int8 conv on the uint8 image: gather the zero-padded window once per pixel, then one
/// u8 x s8 dot product per output channel.</summary>
public sealed class Int8ConvTermEmitter : TermEmitter
{
    public override IEnumerable<string> Constants(TermContext c)
    {
        var g = ((Int8ConvTerm)c.Layer.Terms[c.TermIndex]).Geometry;
        yield return Const(c, "CIN", c.Input.Channels);
        foreach (var constant in ConvConstants(c, g))
        {
            yield return constant;
        }
    }

    public override IEnumerable<CTable> Tables(TermContext c)
    {
        var term = (Int8ConvTerm)c.Layer.Terms[c.TermIndex];
        var g = term.Geometry;
        yield return CTable.Matrix(c.TableName("weights"), "int8_t",
            $"layer {c.LayerIndex} \"{CLiteral.CommentText(c.Layer.Name)}\" term {c.TermIndex}: int8 conv {g.Kernel}x{g.Kernel}, {c.Layer.OutChannels} filters x [{g.Kernel * g.Kernel} taps][{c.Input.Channels} channels]",
            term.Weights, c.Layer.OutChannels, v => CLiteral.Int(v), "out channel");
        yield return c.MultiplierTable(term);
    }

    public override string Code(TermContext c, TemplateSet templates)
    {
        var g = ((Int8ConvTerm)c.Layer.Terms[c.TermIndex]).Geometry;
        return templates.Render("term_int8_conv", new
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
            op = c.Op,
            mult = c.TableName("mult"),
            weights = c.TableName("weights"),
        });
    }
}
