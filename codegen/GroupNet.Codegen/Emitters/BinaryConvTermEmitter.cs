using GroupNet.Deployment.Model;

namespace GroupNet.Codegen.Emitters;

/// <summary>Binary conv on a levels tensor: per output pixel count the window's activation bits
/// once, then per output channel acc = 2 * sum_b 2^b * popcount(A_b &amp; W) - apop.
/// Kernel per shape (<see cref="Variant"/>): on 2-bit input, 3x3 uses the carry-save kernel of
/// gn_binary_csa.h (interior windows read in place, border windows gathered with the same row
/// stride) and 1x1 without padding reads the pixel in place and counts both planes together;
/// every other shape, and <see cref="KernelChoice.Reference"/>, the portable reference kernel of
/// gn_kernels.h (the documentation of the arithmetic). On a signs tensor (1-bit +/-1 activations)
/// each in-bounds tap adds C - 2 * popcount(A xor W) instead (term_binary_conv_signs).</summary>
public sealed class BinaryConvTermEmitter : TermEmitter
{
    /// <summary>The template (kernel variant) used for a term of this shape.</summary>
    public static string Variant(ConvGeometry g, TensorSpec input, KernelChoice kernels) =>
        input.Kind == TensorKind.Signs
            ? kernels == KernelChoice.Fast && g.Kernel == 3 && g.Padding <= 1 && input.Height >= 2 && input.Width >= 2 && input.Words <= MaxCsaWords
                ? "term_binary_conv_csa3x3b1"
                : "term_binary_conv_signs"
        : kernels != KernelChoice.Fast || input.Bits != 2 || input.Words > MaxCsaWords ? "term_binary_conv"
        : g.Kernel == 3 ? "term_binary_conv_csa3x3b2"
        : g.Kernel == 1 && g.Padding == 0 ? "term_binary_conv_1x1b2"
        : "term_binary_conv";

    /// <summary>GN_CSA_MAX_WORDS of gn_binary_csa.h.</summary>
    public const int MaxCsaWords = 132;

    public override IEnumerable<string> Constants(TermContext c)
    {
        var g = ((BinaryConvTerm)c.Layer.Terms[c.TermIndex]).Geometry;
        yield return Const(c, "BITS", c.Input.Bits);
        yield return Const(c, "WORDS", c.Input.Words);
        yield return Const(c, "ROW_WORDS", c.Input.Width * c.Input.Bits * c.Input.Words);
        foreach (var constant in ConvConstants(c, g))
        {
            yield return constant;
        }
    }

    public override IEnumerable<CTable> Tables(TermContext c)
    {
        var term = (BinaryConvTerm)c.Layer.Terms[c.TermIndex];
        var g = term.Geometry;
        string variant = Variant(g, c.Input, c.Kernels);
        if (variant is "term_binary_conv_csa3x3b2" or "term_binary_conv_csa3x3b1")
        {
            bool signs = variant == "term_binary_conv_csa3x3b1";
            yield return FiltersTable(c, term, signs);
            if (signs)
            {
                yield return BorderBiasTable(c, term);
            }
            yield break;
        }
        yield return CTable.Matrix(c.TableName("weights"), "uint32_t",
            $"layer {c.LayerIndex} \"{CLiteral.CommentText(c.Layer.Name)}\" term {c.TermIndex}: binary conv {g.Kernel}x{g.Kernel}, {c.Layer.OutChannels} filters x [{g.Kernel * g.Kernel} taps][{c.Input.Words} words] ({c.Input.Channels} input channels; bit 1 = +1)",
            term.Weights, c.Layer.OutChannels, CLiteral.Hex32, "out channel");
        yield return c.MultiplierTable(term);
    }

    /// <summary>The carry-save kernel's table: each filter stored word column by word column
    /// ([words][taps]) and followed by its multiplier M (two's complement bits), so one pointer walks
    /// both in the order the kernel reads them (gn_binary_conv_3x3_b2_csa_filters_u32); for the
    /// signs kernel followed by m2 = -2 * M instead (gn_binary_conv_3x3_b1_csa_filters_u32).</summary>
    private static CTable FiltersTable(TermContext c, BinaryConvTerm term, bool signs)
    {
        int perFilter = term.Weights.Length / c.Layer.OutChannels, words = c.Input.Words, taps = perFilter / words;
        var rows = new uint[c.Layer.OutChannels * (perFilter + 1)];
        for (int o = 0; o < c.Layer.OutChannels; o++)
        {
            // [taps][words] -> [words][taps]: the kernel walks one word column at a time
            for (int t = 0; t < taps; t++)
            {
                for (int w = 0; w < words; w++)
                {
                    rows[o * (perFilter + 1) + w * taps + t] = term.Weights[o * perFilter + t * words + w];
                }
            }
            rows[o * (perFilter + 1) + perFilter] = unchecked((uint)(signs ? -2 * term.Multipliers[o] : term.Multipliers[o]));
        }
        var g = term.Geometry;
        return CTable.Matrix(c.TableName("filters"), "uint32_t",
            $"layer {c.LayerIndex} \"{CLiteral.CommentText(c.Layer.Name)}\" term {c.TermIndex}: binary conv {g.Kernel}x{g.Kernel}, {c.Layer.OutChannels} filters x ([{c.Input.Words} words][{g.Kernel * g.Kernel} taps] ({c.Input.Channels} input channels; bit 1 = +1), then the multiplier M as two's complement bits)",
            rows, c.Layer.OutChannels, CLiteral.Hex32, "out channel");
    }

    /// <summary>The signs kernel's per-border-class biases: for class (vy, vx) (0 inside, 1 the
    /// first window row / column outside the input, 2 the last; index vy * 3 + vx) and filter o,
    /// bias = M_o * (n_in * C + 2 * P_o) with n_in the in-bounds taps and P_o the popcount of the
    /// out-of-bounds taps' weight words (gathered as 0, they count as differences), two's
    /// complement like the reference's int32 products (gn_binary_conv_3x3_b1_csa_filters_u32).</summary>
    private static CTable BorderBiasTable(TermContext c, BinaryConvTerm term)
    {
        int words = c.Input.Words, cout = c.Layer.OutChannels;
        var biases = new int[9 * cout];
        for (int cls = 0; cls < 9; cls++)
        {
            int vy = cls / 3, vx = cls % 3;
            for (int o = 0; o < cout; o++)
            {
                int inBounds = 0, outPop = 0;
                for (int t = 0; t < 9; t++)
                {
                    int ky = t / 3, kx = t % 3;
                    bool outside = (vy == 1 && ky == 0) || (vy == 2 && ky == 2) || (vx == 1 && kx == 0) || (vx == 2 && kx == 2);
                    if (!outside)
                    {
                        inBounds++;
                        continue;
                    }
                    for (int w = 0; w < words; w++)
                    {
                        outPop += System.Numerics.BitOperations.PopCount(term.Weights[(o * 9 + t) * words + w]);
                    }
                }
                biases[cls * cout + o] = unchecked(term.Multipliers[o] * (inBounds * c.Input.Channels + 2 * outPop));
            }
        }
        return CTable.Matrix(c.TableName("biases"), "int32_t",
            $"layer {c.LayerIndex} \"{CLiteral.CommentText(c.Layer.Name)}\" term {c.TermIndex}: per border class [9] (top/bottom x left/right), per filter [{cout}]: M * (in-bounds taps * C + 2 * popcount of the out-of-bounds taps' weights)",
            biases, 9, v => v.ToString(System.Globalization.CultureInfo.InvariantCulture), "border class");
    }

    public override string Code(TermContext c, TemplateSet templates)
    {
        var g = ((BinaryConvTerm)c.Layer.Terms[c.TermIndex]).Geometry;
        return templates.Render(Variant(g, c.Input, c.Kernels), new
        {
            t = c.TermIndex,
            index = c.LayerIndex,
            k = g.Kernel,
            s = g.Stride,
            p = g.Padding,
            input = c.Input.Id,
            inputName = CLiteral.CommentText(c.Input.Name),
            inC = c.Input.Channels,
            bits = c.Input.Bits,
            p_ = c.Prefix,
            arg = c.InputArg,
            op = c.Op,
            accumulate = c.Op == "=" ? 0 : 1,
            mult = c.TableName("mult"),
            weights = c.TableName("weights"),
            filters = c.TableName("filters"),
            biases = c.TableName("biases"),
            interior = InteriorTest(g, c.Input, c.Prefix),
            vy = BorderClass(g, c.Input.Height, "iy0", c.Prefix + "IN_H"),
            vx = BorderClass(g, c.Input.Width, "ix0", c.Prefix + "IN_W"),
            inside = InsideTest(g, c.Input),
        });
    }

    /// <summary>The 3x3 window test "lies wholly inside the input", with only the comparisons that can fail
    /// for this layer's shape (cppcheck rightly reports a comparison that is always true as dead code).</summary>
    private static string InteriorTest(ConvGeometry g, TensorSpec input, string prefix)
    {
        var (top, bottom) = Borders(g, input.Height);
        var (left, right) = Borders(g, input.Width);
        var parts = new List<string>();
        if (top)
        {
            parts.Add("iy0 >= 0");
        }
        if (bottom)
        {
            parts.Add($"iy0 + {g.Kernel} <= {prefix}IN_H");
        }
        if (left)
        {
            parts.Add("ix0 >= 0");
        }
        if (right)
        {
            parts.Add($"ix0 + {g.Kernel} <= {prefix}IN_W");
        }
        return string.Concat(parts.Select(p => " && " + p));
    }

    /// <summary>The signs kernel's border class of a window along one axis (0 inside, 1 before the start,
    /// 2 past the end), with only the comparisons this layer's shape can make true.</summary>
    internal static string BorderClass(ConvGeometry g, int size, string origin, string sizeConstant)
    {
        var (before, after) = Borders(g, size);
        string past = $"{origin} + {g.Kernel} > {sizeConstant}";
        return (before, after) switch
        {
            (true, true) => $"{origin} < 0 ? 1 : {past} ? 2 : 0",
            (true, false) => $"{origin} < 0 ? 1 : 0",
            (false, true) => $"{past} ? 2 : 0",
            _ => "0",
        };
    }

    /// <summary>The signs kernel's "window inside" test on its border classes (only the classes that vary).</summary>
    private static string InsideTest(ConvGeometry g, TensorSpec input)
    {
        var (top, bottom) = Borders(g, input.Height);
        var (left, right) = Borders(g, input.Width);
        return (top || bottom ? "vy == 0 && " : "") + (left || right ? "vx == 0 && " : "");
    }

    /// <summary>Whether some output position's window starts before the input, and whether one ends past it.</summary>
    internal static (bool Before, bool After) Borders(ConvGeometry g, int size) =>
        (g.Padding > 0, (g.OutputSize(size) - 1) * g.Stride - g.Padding + g.Kernel > size);
}
