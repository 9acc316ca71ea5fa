namespace GroupNet.Codegen.Emitters;

/// <summary>Identity shortcut on a uint8 tensor: the value of the same pixel and channel.</summary>
public sealed class Uint8IdentityTermEmitter : TermEmitter
{
    public override IEnumerable<string> Constants(TermContext c)
    {
        yield return Const(c, "CIN", c.Input.Channels);
    }

    public override IEnumerable<CTable> Tables(TermContext c)
    {
        yield return c.MultiplierTable(c.Layer.Terms[c.TermIndex]);
    }

    public override string Code(TermContext c, TemplateSet templates) =>
        templates.Render("term_identity_u8", new
        {
            t = c.TermIndex,
            index = c.LayerIndex,
            input = c.Input.Id,
            inputName = CLiteral.CommentText(c.Input.Name),
            inC = c.Input.Channels,
            p_ = c.Prefix,
            arg = c.InputArg,
            op = c.Op,
            mult = c.TableName("mult"),
        });
}
