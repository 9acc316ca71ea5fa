using GroupNet.Codegen.Emitters;
using GroupNet.Deployment.Model;

namespace GroupNet.Firmware;

/// <summary>What one row of a per-layer profile stands for.</summary>
public enum LayerRowKind
{
    /// <summary>A generated layer function <c>gn_layer&lt;i&gt;_&lt;name&gt;</c> (GCC clones merged).</summary>
    Layer,

    /// <summary>Any other code run inside the inference segments: the infer function's own body (call
    /// sequence, "infer (glue)"), the head (<c>gn_linear_s8_requant</c>), runtime helpers, and the
    /// harness part of a segment ("harness": the marker function and main's call set-up).</summary>
    Other,
}

/// <summary>One row: a layer, or code that is not a layer.</summary>
/// <param name="Kind">Layer or other.</param>
/// <param name="Name">The layer's model name, or a label for other code.</param>
/// <param name="Functions">The ELF symbols counted into this row.</param>
/// <param name="Total">Instructions and class histogram summed over all inference segments.</param>
/// <param name="BinaryMacs">Per inference: sum over the layer's binary conv terms of out_h * out_w * Cout * k * k * Cin; 0 for other rows.</param>
public sealed record LayerRow(LayerRowKind Kind, string Name, IReadOnlyList<string> Functions, InstructionMix Total, long BinaryMacs);

/// <summary>
/// Per-layer attribution of one firmware run's inference instructions. Counts are summed over all
/// <see cref="Inferences"/> inference segments (exact integers); per-inference values are
/// those sums divided by <see cref="Inferences"/> (exact when the run has one image, a mean otherwise).
/// The rows partition the segments: their <see cref="LayerRow.Total"/> instructions sum exactly to
/// <see cref="SegmentInstructions"/>, the sum of the plugin's per-inference counts.
/// </summary>
public sealed record LayerProfile(int Inferences, long SegmentInstructions, IReadOnlyList<LayerRow> Rows, InstructionMix Total)
{
    /// <summary>Label of the infer function's own instructions.</summary>
    public const string InferGlue = "infer (glue)";

    /// <summary>Label of the segment's harness instructions (gn_marker_begin, main's call and result handling).</summary>
    public const string Harness = "harness (marker, call)";

    /// <summary>Label of segment instructions outside every function symbol.</summary>
    public const string Unattributed = "(no symbol)";

    /// <summary>Instructions per inference of <paramref name="row"/> (sum / <see cref="Inferences"/>).</summary>
    public double PerInference(LayerRow row) => (double)row.Total.Instructions / Inferences;

    /// <summary>Share of all segment instructions.</summary>
    public double Share(LayerRow row) => SegmentInstructions == 0 ? 0 : (double)row.Total.Instructions / SegmentInstructions;

    /// <summary>Instructions per binary MAC per inference, or null for rows without binary MACs.</summary>
    public double? InstructionsPerBinaryMac(LayerRow row) => row.BinaryMacs == 0 ? null : PerInference(row) / row.BinaryMacs;

    /// <summary>Binary MACs of each binary conv layer of <paramref name="model"/> (index = layer index).</summary>
    public static long BinaryMacs(DeploymentModel model, int layerIndex)
    {
        var layer = model.Layers[layerIndex];
        var (outH, outW) = LayerEmitter.OutputSize(model, layer);
        return layer.Terms.OfType<BinaryConvTerm>()
            .Sum(t => (long)outH * outW * layer.OutChannels * t.Geometry.Kernel * t.Geometry.Kernel * model.Tensors[t.Input].Channels);
    }

    /// <summary>Maps <paramref name="profile"/>'s functions onto <paramref name="model"/>'s layers.</summary>
    /// <exception cref="InvalidOperationException">A generated layer function is missing from the ELF, or the rows do not sum to the segments.</exception>
    public static LayerProfile Build(DeploymentModel model, InstructionProfile profile)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(profile);
        var rows = new List<LayerRow>();
        var used = new HashSet<FunctionCount>();
        for (int l = 0; l < model.Layers.Length; l++)
        {
            var layer = model.Layers[l];
            string function = $"gn_layer{l}_{LayerEmitter.Identifier(layer.Name)}";
            var matches = profile.Functions.Where(f => f.BaseName == function).ToArray();
            if (matches.Length == 0)
            {
                throw new InvalidOperationException($"the generated layer function {function} is not a sized symbol of the firmware image");
            }
            used.UnionWith(matches);
            rows.Add(new LayerRow(LayerRowKind.Layer, LayerNames.Display(layer.Name), matches.Select(f => f.Name).ToArray(),
                matches.Select(f => f.InSegments).Aggregate(InstructionMix.Empty, (a, b) => a + b), BinaryMacs(model, l)));
        }
        // Everything else that ran inside the segments, grouped by label, in order of appearance.
        var others = new List<(string Label, List<FunctionCount> Functions)>();
        foreach (var f in profile.ExecutedInSegments.Where(f => !used.Contains(f)))
        {
            string label = f.BaseName.EndsWith("_infer", StringComparison.Ordinal) ? InferGlue
                : f.BaseName is QemuRunner.BeginMarker or QemuRunner.EndMarker or "main" ? Harness
                : f.BaseName;
            var group = others.FirstOrDefault(o => o.Label == label);
            if (group.Functions is null)
            {
                group = (label, []);
                others.Add(group);
            }
            group.Functions.Add(f);
        }
        foreach (var (label, functions) in others.OrderBy(o => o.Label == Harness).ThenBy(o => o.Label == InferGlue ? 0 : 1))
        {
            rows.Add(new LayerRow(LayerRowKind.Other, label, functions.Select(f => f.Name).ToArray(),
                functions.Select(f => f.InSegments).Aggregate(InstructionMix.Empty, (a, b) => a + b), 0));
        }
        if (profile.OutsideFunctions.Instructions > 0)
        {
            rows.Add(new LayerRow(LayerRowKind.Other, Unattributed, [], profile.OutsideFunctions, 0));
        }
        long sum = rows.Sum(r => r.Total.Instructions);
        if (sum != profile.InSegments.Instructions)
        {
            throw new InvalidOperationException($"per-function counts sum to {sum}, the inference segments to {profile.InSegments.Instructions}");
        }
        return new LayerProfile(profile.Segments, profile.InSegments.Instructions, rows, profile.InSegments);
    }
}
