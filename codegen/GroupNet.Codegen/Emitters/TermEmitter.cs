using GroupNet.Deployment.Model;

namespace GroupNet.Codegen.Emitters;

/// <summary>Emits one kind of term: its compile-time constants, its tables and the code that sets or
/// adds M[o] * acc[o] into z[o] for the current output pixel (y, x).</summary>
public abstract class TermEmitter
{
    public abstract IEnumerable<string> Constants(TermContext context);

    public abstract IEnumerable<CTable> Tables(TermContext context);

    public abstract string Code(TermContext context, TemplateSet templates);

    /// <summary>The emitter for the term at <paramref name="context"/>: the int8-network kernel for identities on
    /// uint8 activations, otherwise by term kind.</summary>
    public static TermEmitter For(TermContext context)
    {
        if (context.Layer.Terms[context.TermIndex] is IdentityTerm && context.Input.Kind == TensorKind.Uint8)
        {
            return new Uint8IdentityTermEmitter();
        }
        return For(context.Layer.Terms[context.TermIndex]);
    }

    /// <summary>The emitter for <paramref name="term"/> among the known kinds.</summary>
    public static TermEmitter For(Term term) => term switch
    {
        Int8ConvTerm => new Int8ConvTermEmitter(),
        BinaryConvTerm => new BinaryConvTermEmitter(),
        IdentityTerm => new IdentityTermEmitter(),
        _ => throw new NotSupportedException($"no emitter for term kind {term.GetType().Name}"),
    };

    protected static string Const(TermContext c, string name, int value) => $"{c.Prefix}{name} = {CLiteral.Int(value)}";

    /// <summary>The constants every convolution term shares: input size, kernel, stride, padding, taps.</summary>
    protected static IEnumerable<string> ConvConstants(TermContext c, ConvGeometry g)
    {
        yield return Const(c, "IN_H", c.Input.Height);
        yield return Const(c, "IN_W", c.Input.Width);
        yield return Const(c, "K", g.Kernel);
        yield return Const(c, "S", g.Stride);
        yield return Const(c, "P", g.Padding);
        yield return Const(c, "TAPS", g.Kernel * g.Kernel);
    }
}
