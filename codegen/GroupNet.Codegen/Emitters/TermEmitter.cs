using GroupNet.Deployment.Model;

namespace GroupNet.Codegen.Emitters;

/// <summary>Emits one kind of term: its compile-time constants, its tables and the code that sets or
/// adds M[o] * acc[o] into z[o] for the current output pixel (y, x).</summary>
public abstract class TermEmitter
{
    public abstract IEnumerable<string> Constants(TermContext context);

    public abstract IEnumerable<CTable> Tables(TermContext context);

    public abstract string Code(TermContext context, TemplateSet templates);

    /// <summary>The emitter for <paramref name="term"/> among the known kinds.</summary>
    public static TermEmitter For(Term term) => term switch
    {
        Int8ConvTerm => new Int8ConvTermEmitter(),
        BinaryConvTerm => new BinaryConvTermEmitter(),
        IdentityTerm => new IdentityTermEmitter(),
        _ => throw new NotSupportedException($"no emitter for term kind {term.GetType().Name}"),
    };

    protected static string Const(TermContext c, string name, int value) => $"{c.Prefix}{name} = {CLiteral.Int(value)}";
}
