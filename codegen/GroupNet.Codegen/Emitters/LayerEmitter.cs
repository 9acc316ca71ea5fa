using GroupNet.Deployment.Model;

namespace GroupNet.Codegen.Emitters;

/// <summary>Emits one accumulate layer as a static function with compile-time shapes: loops over
/// output pixels, one block per term (via its <see cref="TermEmitter"/>), then the epilogue.</summary>
public sealed class LayerEmitter(TemplateSet templates, KernelChoice kernels = KernelChoice.Fast)
{
    public sealed record Result(string Code, IReadOnlyList<CTable> Tables, string FunctionName, IReadOnlyList<int> Inputs);

    /// <summary>A name as a C identifier fragment: <see cref="LayerNames.Display"/>, so the C says what `inspect` and `report` say.</summary>
    public static string Identifier(string name) => LayerNames.Display(name);

    public Result Emit(DeploymentModel model, int index)
    {
        var layer = model.Layers[index];
        var output = model.Tensors[layer.Output];
        var inputs = layer.Terms.Select(t => t.Input).Distinct().ToList();
        string ArgOf(int tensor) => tensor == 0 ? "image" : $"in{tensor}";

        var constants = new List<string>();
        var tables = new List<CTable>();
        var terms = new List<string>();
        var epilogueConstants = new List<string>();
        var epilogueTables = new List<CTable>();
        bool fusedStem = kernels == KernelChoice.Fast && FusedStemTable.Eligible(model, index);
        for (int t = 0; t < layer.Terms.Length && !fusedStem; t++)
        {
            var context = new TermContext(model, layer, index, t, ArgOf(layer.Terms[t].Input), kernels);
            var emitter = TermEmitter.For(context);
            constants.AddRange(emitter.Constants(context));
            tables.AddRange(emitter.Tables(context));
            terms.Add(emitter.Code(context, templates).TrimEnd('\n'));
        }

        string epilogue, prologue = "", outParam, summary;
        string? secondEpilogue = null; // pixel x + 1's, from zb, for the vertical kernel's pairs
        if (fusedStem)
        {
            var context = new TermContext(model, layer, index, 0, ArgOf(layer.Terms[0].Input), kernels);
            constants.AddRange(new Int8ConvTermEmitter().Constants(context));
            var (stemCode, stemTables) = FusedStem(context, (ThresholdEpilogue)layer.Epilogue);
            terms.Add(stemCode.TrimEnd('\n'));
            tables.AddRange(stemTables);
        }
        switch (layer.Epilogue)
        {
            case ThresholdEpilogue te:
                epilogueConstants.Add($"GN_L{index}_OUT_BITS = {CLiteral.Int(output.Bits)}");
                epilogueConstants.Add($"GN_L{index}_OUT_WORDS = {CLiteral.Int(output.Words)}");
                string thresholds = $"gn_l{index}_thresholds";
                epilogueTables.AddRange(fusedStem ? [] : [CTable.Matrix(thresholds, "int32_t",
                    $"layer {index} \"{CLiteral.CommentText(layer.Name)}\": thresholds [{layer.OutChannels}][{te.ThresholdsPerChannel}], level = #(z >= T)",
                    te.Thresholds, layer.OutChannels, CLiteral.Int32, "channel")]);
                epilogue = fusedStem ? "" : templates.Render("epilogue_threshold", new { index, bits = te.Bits, count = te.ThresholdsPerChannel, thresholds, z = "z", pixel = "x" });
                secondEpilogue = fusedStem ? null : templates.Render("epilogue_threshold", new { index, bits = te.Bits, count = te.ThresholdsPerChannel, thresholds, z = "zb", pixel = "x + 1" });
                outParam = "uint32_t *out";
                summary = $"{layer.Terms.Length} term(s) -> tensor {output.Id} \"{CLiteral.CommentText(output.Name)}\", {(output.Kind == TensorKind.Signs ? "+/-1 signs" : $"{output.Bits}-bit levels")} {output.Height}x{output.Width}x{output.Channels}";
                break;
            case PooledEpilogue:
                epilogue = templates.Render("epilogue_pooled", new { index });
                prologue = $"    for (o = 0; o < GN_L{index}_COUT; o++)\n    {{\n        pooled[o] = 0;\n    }}\n";
                outParam = "int32_t *pooled";
                summary = $"{layer.Terms.Length} term(s) -> tensor {output.Id} \"{CLiteral.CommentText(output.Name)}\", pooled int32 x {output.Channels}";
                break;
            case RequantizeEpilogue re:
                string requant = $"gn_l{index}_requant";
                string note = $"layer {index} \"{CLiteral.CommentText(layer.Name)}\": requantize";
                epilogueTables.Add(CTable.Flat(requant + "_mult", "int32_t", note + $" multipliers M[{layer.OutChannels}]", re.Multipliers, CLiteral.Int32, 8, "channels"));
                epilogueTables.Add(CTable.Flat(requant + "_offsets", "int64_t", note + $" offsets O[{layer.OutChannels}]", re.Offsets, CLiteral.Int64, 4, "channels"));
                epilogueTables.Add(CTable.Flat(requant + "_low", "uint8_t", note + $" lower bounds [{layer.OutChannels}]", re.Low, CLiteral.Int, 16, "channels"));
                epilogueTables.Add(CTable.Flat(requant + "_high", "uint8_t", note + $" upper bounds [{layer.OutChannels}]", re.High, CLiteral.Int, 16, "channels"));
                epilogue = templates.Render("epilogue_requantize", new
                {
                    index,
                    shift = re.Shift,
                    mult = requant + "_mult",
                    offsets = requant + "_offsets",
                    low = requant + "_low",
                    high = requant + "_high",
                });
                outParam = "uint8_t *out";
                summary = $"{layer.Terms.Length} term(s) -> tensor {output.Id} \"{CLiteral.CommentText(output.Name)}\", uint8 {output.Height}x{output.Width}x{output.Channels}";
                break;
            default:
                throw new NotSupportedException($"no emitter for epilogue {layer.Epilogue.GetType().Name}");
        }

        var (outH, outW) = OutputSize(model, layer);
        constants.AddRange(epilogueConstants);
        var parameters = inputs.Select(t => t == 0 ? "const uint8_t *image"
            : model.Tensors[t].Kind == TensorKind.Uint8 ? $"const uint8_t *in{t}" : $"const uint32_t *in{t}").Append(outParam);
        string function = $"gn_layer{index}_{Identifier(layer.Name)}";
        string code = templates.Render("layer", new
        {
            index,
            name = Identifier(layer.Name),
            summary,
            outH,
            outW,
            cout = layer.OutChannels,
            constants,
            @params = string.Join(", ", parameters),
            prologue,
            sums = !fusedStem,
            terms,
            epilogue = epilogue.TrimEnd('\n'),
        });
        code = code.TrimEnd('\n');
        if (kernels == KernelChoice.Fast && VerticalLayerEmitter.Eligible(model, index))
        {
            // Thumb-2 cores run the vertical kernel; the per-channel kernels above stay for every other target.
            var (vertical, verticalTables) = new VerticalLayerEmitter(templates).Emit(model, index, summary,
                outParam, prologue, epilogue, secondEpilogue, epilogueConstants);
            code = "#if GN_HAVE_VCOUNT\n" + vertical + "\n#else\n" + code + "\n#endif /* GN_HAVE_VCOUNT */";
            tables = tables.Select(t => t with { Guard = "!GN_HAVE_VCOUNT" })
                .Concat(verticalTables.Select(t => t with { Guard = "GN_HAVE_VCOUNT" })).ToList();
        }
        tables.AddRange(epilogueTables);
        return new Result(code, tables, function, inputs);
    }

    /// <summary>The fused small-window stem (<see cref="FusedStemTable"/>): its call, and its row table in the two
    /// layouts, 16-bit weight pairs where the core has SMLAD (GN_INT8_SMALL_PAIRS) and one weight per word elsewhere.</summary>
    private (string Code, IEnumerable<CTable> Tables) FusedStem(TermContext c, ThresholdEpilogue epilogue)
    {
        var term = (Int8ConvTerm)c.Layer.Terms[0];
        var g = term.Geometry;
        int n = Int8ConvTermEmitter.WindowValues(term, c.Input), per = epilogue.ThresholdsPerChannel;
        string rows = c.TableName("rows");
        CTable Table(bool pairs)
        {
            int words = FusedStemTable.RowWords(n, per, pairs);
            string layout = pairs ? $"{(n + 1) / 2} int16 weight pairs" : $"{n} int32 weights";
            return CTable.Matrix(rows, "uint32_t",
                $"layer {c.LayerIndex} \"{CLiteral.CommentText(c.Layer.Name)}\": int8 conv {g.Kernel}x{g.Kernel} fused with its thresholds, rows from channel {c.Layer.OutChannels - 1} down to 0: "
                + $"[{layout}, sign(M) applied][{per} threshold(s) on that sum, ceil(T / |M|) + 2^31] + padding to {words} words",
                FusedStemTable.Rows(term, epilogue, n, pairs), c.Layer.OutChannels, CLiteral.Hex32, "row")
                with { Guard = pairs ? "GN_INT8_SMALL_PAIRS" : "!GN_INT8_SMALL_PAIRS", MinimumAlignment = 8 };
        }
        string code = templates.Render("term_int8_small_threshold", new
        {
            k = g.Kernel,
            s = g.Stride,
            p = g.Padding,
            input = c.Input.Id,
            inputName = CLiteral.CommentText(c.Input.Name),
            inC = c.Input.Channels,
            p_ = c.Prefix,
            arg = c.InputArg,
            index = c.LayerIndex,
            count = per,
            rows,
        });
        return (code, [Table(true), Table(false)]);
    }

    public static (int H, int W) OutputSize(DeploymentModel model, AccumulateLayer layer)
    {
        var term = layer.Terms[0];
        var input = model.Tensors[term.Input];
        return term switch
        {
            Int8ConvTerm c => (c.Geometry.OutputSize(input.Height), c.Geometry.OutputSize(input.Width)),
            BinaryConvTerm c => (c.Geometry.OutputSize(input.Height), c.Geometry.OutputSize(input.Width)),
            _ => (input.Height, input.Width),
        };
    }
}
