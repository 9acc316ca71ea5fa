using GroupNet.Deployment.Model;

namespace GroupNet.Codegen.Emitters;

/// <summary>Identity shortcut: the input level of the same pixel and channel (its sign, +/-1, on a
/// signs tensor).</summary>
public sealed class IdentityTermEmitter : TermEmitter
{
    public override IEnumerable<string> Constants(TermContext c)
    {
        yield return Const(c, "BITS", c.Input.Bits);
        yield return Const(c, "WORDS", c.Input.Words);
    }

    public override IEnumerable<CTable> Tables(TermContext c)
    {
        yield return c.MultiplierTable(c.Layer.Terms[c.TermIndex]);
    }

    public override string Code(TermContext c, TemplateSet templates) =>
        templates.Render(c.Input.Kind == TensorKind.Signs ? "term_identity_signs" : "term_identity", new
        {
            t = c.TermIndex,
            index = c.LayerIndex,
            input = c.Input.Id,
            inputName = CLiteral.CommentText(c.Input.Name),
            inC = c.Input.Channels,
            bits = c.Input.Bits,
            p_ = c.Prefix,
            arg = c.InputArg,
            op = c.Op,
            accumulate = c.Op == "=" ? 0 : 1,
            mult = c.TableName("mult"),
        });
}
