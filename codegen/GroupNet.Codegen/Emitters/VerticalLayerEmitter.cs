using System.Globalization;
using System.Text;
using GroupNet.Deployment.Model;

namespace GroupNet.Codegen.Emitters;

/// <summary>
/// Emits an accumulate layer as the output-channel-parallel ("vertical") kernel of gn_vcount.h:
/// per output pixel and group of 32 output channels, every input bit of every term is counted
/// into bit-sliced rows (32 lanes at once), the rows are transposed into per-channel counts D_t,
/// and z[o] = B[class][o] - sum_t c_t[o] * D_t[o] (uint32 arithmetic) feeds the layer's ordinary
/// epilogue. Used where GN_HAVE_VCOUNT is 1 (Thumb-2 cores); the per-channel kernels of
/// <see cref="LayerEmitter"/> stay in the same file for every other target.
///
/// Eligible layers: threshold or pooled epilogue; terms that are binary convs (3x3 with padding
/// at most 1 on inputs of at least 2x2, or 1x1 without padding) or identities, on signs or levels
/// tensors; all terms with borders share one geometry and input size (one border class per
/// pixel); each term's counter fits 16 rows and the Thumb-2 block's ripple; at least 32 output
/// channels, or at most 16 with every input 2-bit levels of at most 16 channels ("halves": the two
/// bit-planes of an input counted side by side, lanes 0-15 plane 0 and lanes 16-31 plane 1 of the same
/// 16 output channels, gn_vcount16x2_u32(); a term's value is then field(lo) + 2 * field(hi)), or at most 16
/// with a threshold epilogue on signs inputs of at most 16 channels ("pairs": two horizontally adjacent output
/// pixels side by side, lanes 0-15 pixel x and lanes 16-31 pixel x + 1; taps outside the input's columns are counted
/// as all-zero activation words, which the per-class biases or thresholds take into account; a bit-sliced output
/// stores each half to its pixel, otherwise the lanes give z of pixel x and zb of pixel x + 1, each with its epilogue).
/// </summary>
public sealed class VerticalLayerEmitter(TemplateSet templates)
{
    /// <summary>GN_VCOUNT_THUMB2_MAX_RIPPLE of gn_vcount_thumb2.h.</summary>
    public const int MaxRipple = 8;

    private const int BlockRows = 16;

    /// <summary>Where one term's counter lives: rows [Row, Row + Rows) of a 16-row block, its count in the
    /// low <see cref="FieldRows"/> of them; the Thumb-2 block ripples <see cref="Ripple"/> rows above row 4.</summary>
    private sealed record TermPlan(int Index, Term Term, TensorSpec Input, int Row, int Rows, int FieldRows, int Ripple);

    /// <param name="Sliced">A +/-1 output from one binary conv and at most one +/-1 identity: the threshold is compared
    /// bit-sliced, 32 channels at once, with no transpose (see <see cref="SlicedCode"/>).</param>
    /// <param name="BorderCorrected">Bordered convs on k-bit levels: at a border pixel the counter gains, bit-sliced,
    /// what the taps outside the input would count with all-zero activations ((2^k - 1) times their +1 weights), so the
    /// bias is that of all taps (acc = (2^k - 1) * P - D; docs/integer-arithmetic.md): one bias row instead of nine,
    /// and per class only the constant's rows.</param>
    /// <param name="Halves">At most 16 output channels on 2-bit inputs of at most 16 channels: each lane pair (o, o + 16)
    /// counts channel o's two bit-planes with the same weights (see the class).</param>
    /// <param name="Pairs">A threshold layer of at most 16 output channels on signs of at most 16 channels: output pixels x
    /// and x + 1 in lanes 0-15 and 16-31 (see the class).</param>
    private sealed record LayerPlan(IReadOnlyList<TermPlan> Terms, int RowCount, BinaryConvTerm? Bordered, TensorSpec? BorderedInput, bool Sliced, bool BorderCorrected, bool Halves, bool Pairs);

    /// <summary>Whether layer <paramref name="index"/> can use the vertical kernel.</summary>
    public static bool Eligible(DeploymentModel model, int index) => Plan(model, model.Layers[index]) is not null;

    private static LayerPlan? Plan(DeploymentModel model, AccumulateLayer layer)
    {
        // Fewer than 32 output channels leave lanes idle, unless the two bit-planes of a narrow 2-bit input fill them;
        // elsewhere the per-channel kernels are faster there.
        bool halves = layer.OutChannels <= 16
            && layer.Terms.All(t => model.Tensors[t.Input] is { Kind: TensorKind.Levels, Bits: 2, Channels: <= 16 });
        bool pairs = layer.OutChannels <= 16 && layer.Epilogue is ThresholdEpilogue
            && layer.Terms.All(t => t is BinaryConvTerm or IdentityTerm && model.Tensors[t.Input] is { Kind: TensorKind.Signs, Channels: <= 16 });
        if (layer.Epilogue is not (ThresholdEpilogue or PooledEpilogue) || (layer.OutChannels < 32 && !halves && !pairs))
        {
            return null;
        }
        var plans = new List<TermPlan>();
        BinaryConvTerm? bordered = null;
        TensorSpec? borderedInput = null;
        int blockUsed = 0, blocks = 1;
        for (int t = 0; t < layer.Terms.Length; t++)
        {
            var term = layer.Terms[t];
            var input = model.Tensors[term.Input];
            if (!input.IsPacked)
            {
                return null;
            }
            int rows, field, ripple = 0;
            switch (term)
            {
                case BinaryConvTerm conv:
                {
                    var g = conv.Geometry;
                    bool ok = (g.Kernel == 3 && g.Padding <= 1 && input.Height >= 2 && input.Width >= 2) || (g.Kernel == 1 && g.Padding == 0);
                    if (!ok)
                    {
                        return null;
                    }
                    if (HasBorders(g, input))
                    {
                        if (bordered is not null && (bordered.Geometry != g || borderedInput!.Height != input.Height || borderedInput.Width != input.Width))
                        {
                            return null;
                        }
                        bordered ??= conv;
                        borderedInput ??= input;
                    }
                    // halves: each plane's count in its own lane, so the largest is that of one plane
                    long max = (halves ? 1 : (1L << input.Bits) - 1) * g.Kernel * g.Kernel * input.Channels;
                    field = 64 - System.Numerics.BitOperations.LeadingZeroCount((ulong)max);
                    ripple = Math.Max(0, field - 5);
                    rows = (halves ? 0 : input.Bits - 1) + 5 + ripple;
                    if (ripple > MaxRipple)
                    {
                        return null;
                    }
                    break;
                }
                case IdentityTerm:
                    rows = field = halves ? 1 : input.Bits;
                    break;
                default:
                    return null;
            }
            if (rows > BlockRows)
            {
                return null;
            }
            if (blockUsed + rows > BlockRows)
            {
                blocks++;
                blockUsed = 0;
            }
            plans.Add(new TermPlan(t, term, input, (blocks - 1) * BlockRows + blockUsed, rows, field, ripple));
            blockUsed += rows;
        }
        bool sliced = !halves && layer.Epilogue is ThresholdEpilogue { Bits: 1 }
            && plans.Count(t => t.Term is BinaryConvTerm) == 1
            && plans.Count(t => t.Term is IdentityTerm) == plans.Count - 1 && plans.Count <= 2
            && plans.All(t => t.Term is BinaryConvTerm || t.Input.Kind == TensorKind.Signs);
        return new LayerPlan(plans, blocks * BlockRows, bordered, borderedInput, sliced, borderedInput?.Kind == TensorKind.Levels, halves, pairs);
    }

    private static bool HasBorders(ConvGeometry g, TensorSpec input)
    {
        var (top, bottom) = BinaryConvTermEmitter.Borders(g, input.Height);
        var (left, right) = BinaryConvTermEmitter.Borders(g, input.Width);
        return top || bottom || left || right;
    }

    /// <summary>The layer function and its tables. <paramref name="epilogue"/>, <paramref name="prologue"/>,
    /// <paramref name="outParam"/> and <paramref name="epilogueConstants"/> are the ordinary layer's.</summary>
    public (string Code, IReadOnlyList<CTable> Tables) Emit(DeploymentModel model, int index, string summary, string outParam,
        string prologue, string epilogue, string? secondEpilogue, IReadOnlyList<string> epilogueConstants)
    {
        var layer = model.Layers[index];
        var plan = Plan(model, layer) ?? throw new InvalidOperationException($"layer {index} \"{layer.Name}\" cannot use the vertical kernel");
        int cout = layer.OutChannels, groups = (cout + 31) / 32;
        var (outH, outW) = LayerEmitter.OutputSize(model, layer);
        var inputs = layer.Terms.Select(t => t.Input).Distinct().ToList();
        string ArgOf(int tensor) => $"in{tensor}";
        string note = $"layer {index} \"{CLiteral.CommentText(layer.Name)}\"";
        var tables = new List<CTable>();
        var constants = new List<string>
        {
            $"GN_L{index}_GROUPS = {groups}",
            $"GN_L{index}_ROWS = {plan.RowCount}",
        };
        constants.AddRange(epilogueConstants);

        int classes = plan.Bordered is null || plan.BorderCorrected ? 1 : 9;
        var bias = new int[classes * groups * 32];
        var termCode = new List<string>();
        foreach (var tp in plan.Terms)
        {
            string p = $"GN_L{index}_T{tp.Index}_";
            var multipliers = tp.Term.Multipliers;
            var coef = new int[groups * 32];
            for (int o = 0; o < cout; o++)
            {
                coef[o] = tp.Term is IdentityTerm
                    ? (tp.Input.Kind == TensorKind.Signs ? unchecked(-2 * multipliers[o]) : unchecked(-multipliers[o]))
                    : (tp.Input.Kind == TensorKind.Signs ? unchecked(2 * multipliers[o]) : multipliers[o]);
            }
            if (!plan.Sliced)
            {
                tables.Add(CTable.Flat($"gn_l{index}_t{tp.Index}_vcoef", "int32_t",
                $"{note} term {tp.Index}: per channel c = {(tp.Term is IdentityTerm ? (tp.Input.Kind == TensorKind.Signs ? "-2M" : "-M") : (tp.Input.Kind == TensorKind.Signs ? "2M" : "M"))} (two's complement), z = B - c * D",
                coef, CLiteral.Int32, 8, "channels"));
            }
            constants.Add($"{p}FIELD_MASK = {(1 << tp.FieldRows) - 1}");
            switch (tp.Term)
            {
                case BinaryConvTerm conv:
                    AddConvBias(bias, classes, groups, cout, conv, tp.Input, plan);
                    tables.Add(VWeights(index, tp, conv, groups, cout, note, plan.Halves || plan.Pairs));
                    if (plan.BorderCorrected && HasBorders(conv.Geometry, tp.Input))
                    {
                        tables.Add(BorderTable(index, tp, conv, groups, cout, note, plan.Halves));
                    }
                    constants.AddRange(ConvConstants(p, conv, tp));
                    break;
                case IdentityTerm:
                    if (tp.Input.Kind == TensorKind.Signs)
                    {
                        for (int cls = 0; cls < classes; cls++)
                        {
                            for (int o = 0; o < cout; o++)
                            {
                                bias[(cls * groups * 32) + o] = unchecked(bias[(cls * groups * 32) + o] - multipliers[o]);
                            }
                        }
                    }
                    if (!plan.Sliced)
                    {
                        termCode.Add(IdentityCode(index, tp, ArgOf(tp.Input.Id), p, plan.Halves, plan.Pairs));
                    }
                    constants.Add($"{p}WORDS = {tp.Input.Words}");
                    constants.Add($"{p}BITS = {tp.Input.Bits}");
                    break;
            }
        }
        // Conv terms of one shape (a group's K bases, their K shortcuts) share one copy of the code: a loop over them.
        termCode.InsertRange(0, plan.Terms.Where(t => t.Term is BinaryConvTerm).GroupBy(Shape).Select(same => ConvCode(index, same.ToList(), ArgOf, plan.BorderCorrected, plan.Halves, plan.Pairs)));
        if (!plan.Sliced)
        {
            tables.Insert(0, CTable.Matrix($"gn_l{index}_vbias", "int32_t",
            $"{note}: per border class [{classes}]{(classes > 1 ? " (top/bottom x left/right of the 3x3 window)" : "")}, per channel: B = sum over terms of M * (n_in * C on signs, (2^k - 1) * P on k-bit levels; -M for a +/-1 identity) (two's complement)",
            bias, classes, CLiteral.Int32, "border class"));
        }

        string classCode = plan.Pairs
            ? PairClassCode(plan)
            : plan.Bordered is null
            ? "const int32_t cls = 0;"
            : $"const int32_t iy0 = y * {plan.Bordered.Geometry.Stride} - {plan.Bordered.Geometry.Padding}, ix0 = x * {plan.Bordered.Geometry.Stride} - {plan.Bordered.Geometry.Padding};\n" +
              $"            const int32_t vy = {BinaryConvTermEmitter.BorderClass(plan.Bordered.Geometry, plan.BorderedInput!.Height, "iy0", plan.BorderedInput.Height.ToString(CultureInfo.InvariantCulture))};\n" +
              $"            const int32_t vx = {BinaryConvTermEmitter.BorderClass(plan.Bordered.Geometry, plan.BorderedInput.Width, "ix0", plan.BorderedInput.Width.ToString(CultureInfo.InvariantCulture))};\n" +
              "            const int32_t cls = vy * 3 + vx;";
        var parameters = inputs.Select(t => $"const uint32_t *in{t}").Append(outParam);
        string lanes, finalEpilogue;
        string[] transposes;
        if (plan.Sliced)
        {
            var (sliceCode, tauTable) = SlicedCode(index, plan, layer, classes, groups, ArgOf, note);
            tables.Add(tauTable);
            lanes = sliceCode;
            transposes = [];
            finalEpilogue = "";
        }
        else
        {
            lanes = LaneCode(index, plan, cout, classes);
            transposes = Enumerable.Range(0, plan.RowCount / BlockRows).Select(b =>
            {
                int used = plan.Terms.Where(t => t.Row / BlockRows == b).Max(t => t.Row % BlockRows + t.Rows);
                return $"gn_vcount_transpose16_u32(rows + {b * BlockRows}, {used});";
            }).ToArray();
            finalEpilogue = epilogue.TrimEnd('\n');
        }
        // pairs without a bit-sliced output: pixel x + 1's epilogue on zb, when that pixel exists
        string pairEpilogue = plan.Pairs && !plan.Sliced
            ? Indent(secondEpilogue ?? throw new InvalidOperationException($"layer {index}: pairs need the epilogue of pixel x + 1"), "    ")
            : "";
        bool usesZ = finalEpilogue.Length > 0;
        // only the counters' rows: an identity's rows are written, not added to
        int zeroRows = plan.Terms.Where(t => t.Term is BinaryConvTerm).Max(t => t.Row + t.Rows);
        zeroRows += zeroRows % 2;
        string code = templates.Render("layer_vertical", new
        {
            index,
            name = LayerEmitter.Identifier(layer.Name),
            summary,
            outH,
            outW,
            cout,
            constants,
            @params = string.Join(", ", parameters),
            prologue,
            classCode,
            biasRow = classes > 1 ? (plan.Pairs ? "clsa" : "cls") : "0",
            terms = termCode,
            transposes,
            lanes,
            sliced = plan.Sliced,
            xStep = plan.Pairs ? 2 : 1,
            pairEpilogue,
            pairZ = pairEpilogue.Length > 0,
            usesZ,
            // written out: GCC turns a zeroing loop into a call of memset, which would run outside the layer function
            zero = string.Join("\n", Enumerable.Range(0, zeroRows / 2).Select(r => $"                rows[{2 * r}] = 0u;\n                rows[{2 * r + 1}] = 0u;")),
            epilogue = finalEpilogue,
        });
        return (code.TrimEnd('\n'), tables);
    }

    /// <summary>Pairs: the row class is shared, the column class is pixel x's (a) and pixel x + 1's (b); a pixel past the
    /// output's width (odd widths) gets a class too, its output is not stored.</summary>
    private static string PairClassCode(LayerPlan plan)
    {
        if (plan.Bordered is null)
        {
            return "const int32_t clsa = 0, clsb = 0;";
        }
        var g = plan.Bordered.Geometry;
        var input = plan.BorderedInput!;
        string h = input.Height.ToString(CultureInfo.InvariantCulture), w = input.Width.ToString(CultureInfo.InvariantCulture);
        return $"const int32_t iy0 = y * {g.Stride} - {g.Padding}, ix0 = x * {g.Stride} - {g.Padding}, ix1 = ix0 + {g.Stride};\n" +
               $"            const int32_t vy = {BinaryConvTermEmitter.BorderClass(g, input.Height, "iy0", h)};\n" +
               $"            const int32_t vxa = {BinaryConvTermEmitter.BorderClass(g, input.Width, "ix0", w)};\n" +
               $"            const int32_t vxb = {BinaryConvTermEmitter.BorderClass(g, input.Width, "ix1", w)};\n" +
               "            const int32_t clsa = vy * 3 + vxa, clsb = vy * 3 + vxb;";
    }

    private static IEnumerable<string> ConvConstants(string p, BinaryConvTerm conv, TermPlan tp)
    {
        int words = tp.Input.Words, last = tp.Input.Channels - 32 * (words - 1);
        string I(int v) => v.ToString(CultureInfo.InvariantCulture);
        yield return $"{p}IN_H = {I(tp.Input.Height)}";
        yield return $"{p}IN_W = {I(tp.Input.Width)}";
        yield return $"{p}BITS = {I(tp.Input.Bits)}";
        yield return $"{p}WORDS = {I(words)}";
        yield return $"{p}TAP_WORDS = {I(TapWords(tp.Input))}";
        yield return $"{p}LAST_OCTS = {I((last + 7) / 8)}";
        yield return $"{p}RIPPLE = {I(tp.Ripple)}";
        yield return $"{p}S = {I(conv.Geometry.Stride)}";
    }

    /// <summary>Weight words per tap and group: 8 per oct of input channels.</summary>
    private static int TapWords(TensorSpec input) => 8 * ((input.Channels + 7) / 8);

    /// <summary>The transposed weights: [group][tap][input channel], one word per input channel whose bit o is the
    /// weight bit of output channel 32 * group + o, stored per pair of channels (i, i + 1) as W_i, W_i xor W_i+1;
    /// 8 words per oct of input channels (zero words for the padding channels of the last oct). In halves and pairs the
    /// 16 channels' bits repeat in bits 16-31, for the lanes of plane 1 or of pixel x + 1.</summary>
    private static CTable VWeights(int index, TermPlan tp, BinaryConvTerm conv, int groups, int cout, string note, bool halves)
    {
        int taps = conv.Geometry.Kernel * conv.Geometry.Kernel, words = tp.Input.Words, channels = tp.Input.Channels;
        int tapWords = TapWords(tp.Input);
        var table = new uint[groups * taps * tapWords];
        for (int g = 0; g < groups; g++)
        {
            for (int t = 0; t < taps; t++)
            {
                int at = (g * taps + t) * tapWords;
                for (int c = 0; c < tapWords; c++)
                {
                    uint word = 0;
                    if (c < channels)
                    {
                        for (int lane = 0; lane < 32 && 32 * g + lane < cout; lane++)
                        {
                            int o = 32 * g + lane;
                            uint w = conv.Weights[(o * taps + t) * words + c / 32];
                            word |= ((w >> (c % 32)) & 1u) << lane;
                        }
                    }
                    table[at + c] = halves ? word | (word << 16) : word;
                }
                for (int c = 1; c < tapWords; c += 2)
                {
                    table[at + c] ^= table[at + c - 1];
                }
            }
        }
        return CTable.Flat($"gn_l{index}_t{tp.Index}_vweights", "uint32_t",
            halves
                ? $"{note} term {tp.Index}: binary conv {conv.Geometry.Kernel}x{conv.Geometry.Kernel} transposed for the vertical kernel's 16-lane halves, flat [{taps} taps][{tapWords} input channels]: bits o and 16 + o = weight of channel o (1 = +1), for both halves' lanes (two planes, or two pixels); pairs stored as W_i, W_i xor W_i+1"
                : $"{note} term {tp.Index}: binary conv {conv.Geometry.Kernel}x{conv.Geometry.Kernel} transposed for the vertical kernel, flat [{groups} groups of 32 channels][{taps} taps][{tapWords} input channels]: bit o = weight of channel 32 * group + o (1 = +1); pairs stored as W_i, W_i xor W_i+1",
            table, CLiteral.Hex32, tapWords, "words");
    }

    /// <summary>Per border class 1..8 and group, the rows of (2^k - 1) * (+1 weights of the taps outside the input), the
    /// count those taps would add with all-zero activations (gn_vcount_add_u32()). In halves each plane's lane gains
    /// the +1 weights once (the planes' weights 1 and 2 make the 2^k - 1 = 3 when the lanes are combined).</summary>
    private static CTable BorderTable(int index, TermPlan tp, BinaryConvTerm conv, int groups, int cout, string note, bool halves)
    {
        var g = conv.Geometry;
        int taps = g.Kernel * g.Kernel, words = tp.Input.Words, r = tp.FieldRows;
        var table = new uint[8 * groups * r];
        for (int cls = 1; cls < 9; cls++)
        {
            int vy = cls / 3, vx = cls % 3;
            for (int o = 0; o < cout; o++)
            {
                long count = 0;
                for (int t = 0; t < taps; t++)
                {
                    int ky = t / g.Kernel, kx = t % g.Kernel;
                    if ((vy == 1 && ky == 0) || (vy == 2 && ky == 2) || (vx == 1 && kx == 0) || (vx == 2 && kx == 2))
                    {
                        for (int w = 0; w < words; w++)
                        {
                            count += (halves ? 1 : (1L << tp.Input.Bits) - 1) * System.Numerics.BitOperations.PopCount(conv.Weights[(o * taps + t) * words + w]);
                        }
                    }
                }
                int at = ((cls - 1) * groups + o / 32) * r;
                for (int bit = 0; bit < r; bit++)
                {
                    table[at + bit] |= (uint)((count >> bit) & 1) << (o % 32);
                    if (halves)
                    {
                        table[at + bit] |= (uint)((count >> bit) & 1) << (o + 16);
                    }
                }
            }
        }
        return CTable.Matrix($"gn_l{index}_t{tp.Index}_vborder", "uint32_t",
            $"{note} term {tp.Index}: per border class 1..8 x group [{groups}], the {r} rows of {(halves ? "the +1 weights of the taps outside the input (in each plane's lane)" : "(2^k - 1) * (+1 weights of the taps outside the input)")}, added to the count at a border pixel",
            table, 8 * groups, CLiteral.Hex32, "class x group");
    }

    /// <summary>Adds M * K per class and channel: K = n_in * C on signs, (2^k - 1) * (+1 weights in bounds) on levels.</summary>
    private static void AddConvBias(int[] bias, int classes, int groups, int cout, BinaryConvTerm conv, TensorSpec input, LayerPlan plan)
    {
        var g = conv.Geometry;
        int taps = g.Kernel * g.Kernel, words = input.Words;
        bool bordered = HasBorders(g, input) && !plan.BorderCorrected;
        for (int cls = 0; cls < classes; cls++)
        {
            int vy = cls / 3, vx = cls % 3;
            for (int o = 0; o < cout; o++)
            {
                long k = 0;
                for (int t = 0; t < taps; t++)
                {
                    int ky = t / g.Kernel, kx = t % g.Kernel;
                    bool rowOutside = (vy == 1 && ky == 0) || (vy == 2 && ky == 2);
                    bool outside = bordered && (rowOutside || (vx == 1 && kx == 0) || (vx == 2 && kx == 2));
                    if (outside)
                    {
                        if (plan.Pairs && !rowOutside)
                        {
                            // pairs count a tap outside the columns as an all-zero word (signs): D gains its +1 weights,
                            // and z = B - 2M * D keeps its value with B gaining 2M times as many
                            for (int w = 0; w < words; w++)
                            {
                                k += 2 * System.Numerics.BitOperations.PopCount(conv.Weights[(o * taps + t) * words + w]);
                            }
                        }
                        continue;
                    }
                    if (input.Kind == TensorKind.Signs)
                    {
                        k += input.Channels;
                        continue;
                    }
                    int plus = 0;
                    for (int w = 0; w < words; w++)
                    {
                        plus += System.Numerics.BitOperations.PopCount(conv.Weights[(o * taps + t) * words + w]);
                    }
                    k += ((1L << input.Bits) - 1) * plus;
                }
                int at = cls * groups * 32 + o;
                bias[at] = unchecked((int)(bias[at] + conv.Multipliers[o] * k));
            }
        }
    }

    /// <summary>What makes conv terms interchangeable in one loop: geometry, input shape and counter layout.</summary>
    private static string Shape(TermPlan tp) =>
        $"{((BinaryConvTerm)tp.Term).Geometry}|{tp.Input.Kind}|{tp.Input.Height}x{tp.Input.Width}x{tp.Input.Channels}x{tp.Input.Bits}|{tp.Rows}|{tp.Ripple}";

    private string ConvCode(int index, IReadOnlyList<TermPlan> same, Func<int, string> argOf, bool correctedLayer, bool halves, bool pairs)
    {
        var tp = same[0];
        var conv = (BinaryConvTerm)tp.Term;
        bool corrected = correctedLayer && HasBorders(conv.Geometry, tp.Input);
        string p = $"GN_L{index}_T{tp.Index}_";
        bool loop = same.Count > 1;
        string arg = loop ? "in" : argOf(tp.Input.Id);
        string rowsBase = loop ? "r" : $"rows + {tp.Row}";
        var g = conv.Geometry;
        var input = tp.Input;
        int words = input.Words;
        // w walks the term's weights tap by tap (the block advances it); a tap outside the input skips its words.
        // Every plane of a tap reads the same weights: each plane's block starts at w, and w moves on once per word.
        // Whole words share one block (a loop when there are several); a partial last word has its own.
        bool partial = input.Channels % 32 != 0;
        int fullWords = partial ? words - 1 : words;
        string Tap(string pixel, bool more, string indent) => Indent(halves
            ? templates.Render("vterm_tap_halves", new
            {
                arg,
                pixel,
                p_ = p,
                rowsBase,
                assign = more ? "w = " : "(void)",
            })
            : templates.Render("vterm_tap", new
        {
            arg,
            pixel,
            p_ = p,
            rowsBase,
            signs = input.Bits == 1,
            loop = fullWords > 1,
            single = fullWords == 1,
            partial,
            fullWords,
            lastWord = words - 1,
            more,
            assignFull = partial || more ? "w = " : "(void)",
            assignPartial = more ? "w = " : "(void)",
            moveFull = partial || more,
            needWb = fullWords > 1 || (fullWords == 1 && (partial || more)) || (partial && more),
        }), indent);
        var (top, bottom) = BinaryConvTermEmitter.Borders(g, input.Height);
        var (left, right) = BinaryConvTermEmitter.Borders(g, input.Width);
        bool pointwise = g.Kernel == 1;
        string body = pairs
            ? templates.Render("vterm_conv_body_pairs", new
            {
                p_ = p,
                pad = g.Padding,
                pointwise,
                arg,
                rowsBase,
                rowTest = string.Join(" || ", new[] { top ? "iy < 0" : null, bottom ? $"iy >= {p}IN_H" : null }.Where(x => x is not null)),
                index,
                innerTest = $"x + 1 < GN_L{index}_OUT_W" + (left || right ? " && vxa == 0 && vxb == 0" : ""),
            })
            : templates.Render("vterm_conv_body", new
        {
            p_ = p,
            pad = g.Padding,
            pointwise,
            tap = pointwise
                ? Tap($"(y * {p}S) * {p}IN_W + x * {p}S", more: false, "                        ")
                : Tap($"iy * {p}IN_W + ix", more: true, "                                "),
            rowTest = string.Join(" || ", new[] { top ? "iy < 0" : null, bottom ? $"iy >= {p}IN_H" : null }.Where(x => x is not null)),
            colTest = string.Join(" || ", new[] { left ? "ix < 0" : null, right ? $"ix >= {p}IN_W" : null }.Where(x => x is not null)),
        });
        string Names(Func<TermPlan, string> f) => string.Join(", ", same.Select(f));
        return templates.Render("vterm_conv", new
        {
            index,
            row = tp.Row,
            what = loop ? "terms " + Names(t => t.Index.ToString(CultureInfo.InvariantCulture)) : $"term {tp.Index}",
            k = g.Kernel,
            s = g.Stride,
            pad = g.Padding,
            inputs = Names(t => $"tensor {t.Input.Id} \"{CLiteral.CommentText(t.Input.Name)}\""),
            inC = input.Channels,
            kind = input.Kind == TensorKind.Signs ? "+/-1 signs" : $"{input.Bits}-bit levels",
            rows = Names(t => $"{t.Row}..{t.Row + t.Rows - 1}"),
            loop,
            count = same.Count,
            insList = Names(t => argOf(t.Input.Id)),
            weightsList = Names(t => $"gn_l{index}_t{t.Index}_vweights"),
            rowList = Names(t => t.Row.ToString(CultureInfo.InvariantCulture)),
            weights = $"gn_l{index}_t{tp.Index}_vweights",
            groupWords = g.Kernel * g.Kernel * TapWords(input),
            corrected = corrected,
            borderList = Names(t => $"&gn_l{index}_t{t.Index}_vborder[0][0]"),
            border = $"&gn_l{index}_t{tp.Index}_vborder[0][0]",
            borderRows = tp.FieldRows,
            body = loop ? Indent(body, "    ") : body.TrimEnd('\n'),
        }).TrimEnd('\n');
    }

    /// <summary>Prefixes every non-empty line of <paramref name="text"/> with <paramref name="indent"/>.</summary>
    private static string Indent(string text, string indent) =>
        string.Join("\n", text.TrimEnd('\n').Split('\n').Select(l => l.Length == 0 ? l : indent + l));

    private string IdentityCode(int index, TermPlan tp, string arg, string p, bool halves, bool pairs) =>
        templates.Render("vterm_identity", new
        {
            halves,
            pairs,
            t = tp.Index,
            index,
            input = tp.Input.Id,
            inputName = CLiteral.CommentText(tp.Input.Name),
            inC = tp.Input.Channels,
            kind = tp.Input.Kind == TensorKind.Signs ? "+/-1 signs" : $"{tp.Input.Bits}-bit levels",
            row = tp.Row,
            rowEnd = tp.Row + tp.Rows - 1,
            arg,
            p_ = p,
            planes = Enumerable.Range(0, tp.Input.Bits).Select(b => new { row = tp.Row + b, plane = b }).ToArray(),
        }).TrimEnd('\n');

    /// <summary>
    /// The bit-sliced threshold of a +/-1 output: per channel the output bit is [z >= T] with z = B - c * D - c_s * s
    /// (s the identity's bit, if any), a step function of the count D that the generator turns into one comparison
    /// [D &lt;= tau] (or its complement, polarity), or a constant. Per border class and identity bit, the table holds
    /// for each group the rows of ~tau (bit o = bit k of ~tau of channel o), then polarity, keep and force words:
    /// bit = ((D &lt;= tau) xor polarity) and keep, or force. D &lt;= tau is "no borrow out of tau - D", one
    /// majority per row: borrow' = maj(~tau_k, d_k, borrow).
    /// </summary>
    private (string Code, CTable Table) SlicedCode(int index, LayerPlan plan, AccumulateLayer layer, int classes, int groups,
        Func<int, string> argOf, string note)
    {
        var conv = plan.Terms.Single(t => t.Term is BinaryConvTerm);
        var identity = plan.Terms.SingleOrDefault(t => t.Term is IdentityTerm);
        var convTerm = (BinaryConvTerm)conv.Term;
        var input = conv.Input;
        var g = convTerm.Geometry;
        int taps = g.Kernel * g.Kernel, words = input.Words, cout = layer.OutChannels, r = conv.FieldRows;
        int svals = identity is null ? 1 : 2;
        int rowWords = r + 3;
        var thresholds = ((ThresholdEpilogue)layer.Epilogue).Thresholds;
        bool bordered = HasBorders(g, input);
        var table = new uint[classes * svals * groups * rowWords];
        for (int cls = 0; cls < classes; cls++)
        {
            int vy = cls / 3, vx = cls % 3;
            for (int o = 0; o < (plan.Pairs ? 16 : groups * 32); o++) // pairs: lanes 16-31 repeat lanes 0-15
            {
                long k = 0, inBounds = 0, outside = 0;
                if (o < cout)
                {
                    for (int t = 0; t < taps; t++)
                    {
                        int ky = t / g.Kernel, kx = t % g.Kernel;
                        if (bordered && ((vy == 1 && ky == 0) || (vy == 2 && ky == 2) || (vx == 1 && kx == 0) || (vx == 2 && kx == 2)))
                        {
                            if (plan.Pairs && !((vy == 1 && ky == 0) || (vy == 2 && ky == 2)))
                            {
                                // pairs count a tap outside the row as an all-zero word: D gains its +1 weights, z = B - 2M * D
                                // (signs) keeps its value with B gaining 2M times as many
                                for (int w = 0; w < words; w++)
                                {
                                    outside += System.Numerics.BitOperations.PopCount(convTerm.Weights[(o * taps + t) * words + w]);
                                }
                            }
                            continue;
                        }
                        inBounds++;
                        if (input.Kind == TensorKind.Signs)
                        {
                            k += input.Channels;
                            continue;
                        }
                        for (int w = 0; w < words; w++)
                        {
                            k += ((1L << input.Bits) - 1) * System.Numerics.BitOperations.PopCount(convTerm.Weights[(o * taps + t) * words + w]);
                        }
                    }
                }
                k += 2 * outside; // only pairs count outside taps (signs: c = 2M)
                long maxD = ((1L << input.Bits) - 1) * inBounds * input.Channels + outside;
                for (int sv = 0; sv < svals; sv++)
                {
                    bool compare = false, constant = false, polarity = false;
                    long tau = 0;
                    if (o < cout)
                    {
                        long m = convTerm.Multipliers[o];
                        long b = m * k, c = input.Kind == TensorKind.Signs ? 2 * m : m;
                        if (identity is not null)
                        {
                            long mi = identity.Term.Multipliers[o];
                            b += mi * (2 * sv - 1); // z += M * (2s - 1)
                        }
                        long q = b - thresholds[o]; // z >= T  <=>  c * D <= q
                        if (c == 0)
                        {
                            constant = q >= 0;
                        }
                        else if (c > 0)
                        {
                            long t = FloorDiv(q, c);
                            if (t < 0) { constant = false; }
                            else if (t >= maxD) { constant = true; }
                            else { compare = true; tau = t; }
                        }
                        else
                        {
                            long sigma = -FloorDiv(-q, c); // ceil(q / c): D >= sigma
                            if (sigma <= 0) { constant = true; }
                            else if (sigma > maxD) { constant = false; }
                            else { compare = true; polarity = true; tau = sigma - 1; }
                        }
                    }
                    int group = o / 32;
                    int at = ((cls * svals + sv) * groups + group) * rowWords;
                    // pairs: both pixels' lanes hold the class's row; the pixel pair takes each half from its pixel's class
                    foreach (int lane in plan.Pairs ? [o, o + 16] : new[] { o % 32 })
                    {
                        for (int bit = 0; bit < r; bit++)
                        {
                            if (((tau >> bit) & 1) == 0)
                            {
                                table[at + bit] |= 1u << lane; // ~tau
                            }
                        }
                        table[at + r] |= polarity ? 1u << lane : 0u;
                        table[at + r + 1] |= compare ? 1u << lane : 0u;
                        table[at + r + 2] |= !compare && constant ? 1u << lane : 0u;
                    }
                }
            }
        }
        var ctable = CTable.Matrix($"gn_l{index}_vtau", "uint32_t",
            $"{note}: bit-sliced thresholds per border class [{classes}]{(svals > 1 ? " x identity bit [2]" : "")} x group [{groups}]: rows of ~tau (bit k of channel o's ~tau in bit o), then polarity, keep, force; bit = ((D <= tau) xor polarity) & keep | force",
            table, classes * svals * groups, CLiteral.Hex32, "class x identity x group");
        // One class where the border is corrected in the count (levels input): the table has no other rows.
        string Row(int sv) => classes > 1
            ? $"gn_l{index}_vtau[(cls * {svals} + {sv}) * GN_L{index}_GROUPS + g]"
            : sv == 0 ? $"gn_l{index}_vtau[g]" : $"gn_l{index}_vtau[GN_L{index}_GROUPS + g]";
        string Sel(int k) => plan.Pairs
            ? (identity is null ? $"((taua[{k}] & 0xFFFFu) | (taub[{k}] & 0xFFFF0000u))"
                : $"((((tau1a[{k}] & 0xFFFFu) | (tau1b[{k}] & 0xFFFF0000u)) & s) | (((tau0a[{k}] & 0xFFFFu) | (tau0b[{k}] & 0xFFFF0000u)) & ~s))")
            : identity is null ? $"tau[{k}]" : $"((tau1[{k}] & s) | (tau0[{k}] & ~s))";
        string PairRow(int sv, string cls) => $"gn_l{index}_vtau[({cls} * {svals} + {sv}) * GN_L{index}_GROUPS]";
        string code = templates.Render(plan.Pairs ? "vepilogue_sliced_pairs" : "vepilogue_sliced", new
        {
            index,
            row = conv.Row,
            rowEnd = conv.Row + r - 1,
            identity = identity is not null,
            identityArg = identity is null ? "" : argOf(identity.Input.Id),
            identityWords = identity?.Input.Words ?? 0,
            identityTerm = identity?.Index ?? 0,
            tau0 = Row(0),
            tau1 = Row(1),
            tau0a = PairRow(0, "clsa"),
            tau0b = PairRow(0, "clsb"),
            tau1a = PairRow(1, "clsa"),
            tau1b = PairRow(1, "clsb"),
            first = new { select = Sel(0), row = conv.Row },
            bits = Enumerable.Range(1, r - 1).Select(bit => new { select = Sel(bit), row = conv.Row + bit }).ToArray(),
            polarity = Sel(r),
            keep = Sel(r + 1),
            force = Sel(r + 2),
        }).TrimEnd('\n');
        return (code, ctable);
    }

    private static long FloorDiv(long a, long b) => (a / b) - ((a % b != 0 && ((a < 0) != (b < 0))) ? 1 : 0);

    /// <summary>After the transposes word j of block k holds rows 16k .. 16k + 15 of lane j (bits 0-15) and of
    /// lane j + 16 (bits 16-31); each term's count is a bit field of its block's word.</summary>
    private string LaneCode(int index, LayerPlan plan, int cout, int classes)
    {
        int blocks = plan.RowCount / BlockRows;
        string Field(TermPlan tp, int shift)
        {
            string p = $"GN_L{index}_T{tp.Index}_", v = $"v{tp.Row / BlockRows}";
            return shift == 0 ? $"({v} & {p}FIELD_MASK)" : $"(({v} >> {shift}) & {p}FIELD_MASK)";
        }
        // halves: lane j counts plane 0 of channel j and lane j + 16 its plane 1, so a term's value is lo + 2 * hi
        // pairs: lane j is channel j of pixel x (z, its class's bias) and lane j + 16 channel j of pixel x + 1 (zb)
        var halves = plan.Halves ? new[] { (0, "lo", "z", "lo", "bias[lo]") }
            : plan.Pairs ? new[] { (0, "lo", "z", "lo", "bias[lo]"), (16, "lo", "zb", "lo", classes > 1 ? $"gn_l{index}_vbias[clsb][lo]" : "bias[lo]") }
            : new[] { (0, "lo", "z", "lo", "bias[lo]"), (16, "lo + 16", "z", "lo + 16", "bias[lo + 16]") };
        var lanes = halves.Select(h =>
        {
            var (offset, lane, target, channel, biasOf) = h;
            var expr = new StringBuilder($"(uint32_t){biasOf}");
            foreach (var tp in plan.Terms)
            {
                int shift = offset + tp.Row % BlockRows;
                string value = plan.Halves ? $"({Field(tp, shift)} + 2u * {Field(tp, shift + 16)})" : Field(tp, shift);
                expr.Append(CultureInfo.InvariantCulture, $" - (uint32_t)gn_l{index}_t{tp.Index}_vcoef[{channel}] * {value}");
            }
            return new { lane, target, expr = expr.ToString() };
        }).ToArray();
        return templates.Render("vlanes", new
        {
            index,
            partial = cout % 32 != 0,
            blocks = Enumerable.Range(0, blocks).Select(b => new { block = b, first = b * BlockRows }).ToArray(),
            lanes,
        }).TrimEnd('\n');
    }
}
