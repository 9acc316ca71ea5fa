namespace GroupNet.Deployment.Model;

/// <summary>
/// The one vocabulary for layer names. The exporters and the random model builders name layers with it, and
/// `groupnet inspect`, `groupnet report` and the generated C (<c>gn_layer{i}_{name}</c>) all print
/// <see cref="Display"/> of a layer's name, so one model reads the same everywhere:
/// <list type="bullet">
/// <item><c>stem</c>: the int8 first convolution (with its batch norm and quantiser);</item>
/// <item><c>g0_b1</c>: the first convolution of base 1 of group 0 (<c>t0_g0_b1</c> in trunk 0 of a v3 network,
/// <c>g0_b1_k0</c> for block 0 of a base that spans two blocks);</item>
/// <item><c>g0_sum</c>: the sum that ends group 0 (its bases' second convolutions and shortcuts, scaled), quantised
/// as the next group's input or, for the last group, pooled;</item>
/// <item><c>g0_conv1</c>: the hidden convolution of group 0 in the int8 network; <c>pool</c>: a pooling-only layer;</item>
/// <item><c>head</c>: the 8-bit linear classifier.</item>
/// </list>
/// Tensors keep the dotted module paths of the state dict (<c>g1.q0</c>: the quantised input of group 1).
/// </summary>
public static class LayerNames
{
    public const string Stem = "stem";

    public const string Pool = "pool";

    public const string Head = "head";

    /// <summary>The layer that sums what <paramref name="part"/> computed: <c>g0_sum</c>.</summary>
    public static string Sum(string part) => $"{part}_sum";

    /// <summary>A module path as the exporter writes it for tensors (<c>g0.b1</c>) as a layer name (<c>g0_b1</c>).</summary>
    public static string Of(string modulePath) => modulePath.Replace('.', '_');

    /// <summary>The name shown for a layer and used in C: lower-case letters, digits and underscores. Names made here
    /// are shown as they are; older model files with dotted names (<c>g1.q0</c>) read <c>g1_q0</c>, as in their C.</summary>
    public static string Display(string name) =>
        new(name.Select(ch => char.IsAsciiLetterOrDigit(ch) ? char.ToLowerInvariant(ch) : '_').ToArray());
}
