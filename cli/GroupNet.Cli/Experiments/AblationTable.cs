using System.Globalization;
using System.Text;
using GroupNet.Trainer.Models;

namespace GroupNet.Cli.Experiments;

/// <summary>
/// The ablation table in the shape of the paper's Tables 2 and 3: run, structure, K, W/A bits, test top-1 and
/// top-5, top-1 gap to the (first) full-precision run of the grid, parameters, binary operations (Eq. 4: MACs x
/// activation bits summed over every binary convolution, K per binary layer), float MACs of the non-binary layers,
/// model bytes (<see cref="ModelCostReport"/>) and training seconds; as Markdown (with the budget stated above it)
/// and CSV (raw numbers).
/// </summary>
public static class AblationTable
{
    /// <summary>Display name of a structure, "Full-precision" for W32A32.</summary>
    public static string StructureName(ModelConfig m) => m.IsFullPrecision ? "Full-precision" : m.Structure switch
    {
        StructureKind.Baseline => "Baseline",
        StructureKind.Layerwise => "Layerwise",
        StructureKind.V1 => "Group-Net v1",
        StructureKind.V2 => "Group-Net v2",
        _ => "Group-Net v3",
    };

    /// <summary>The Markdown document.</summary>
    public static string Markdown(IReadOnlyList<RunResult> results, string title, int threads)
    {
        var fp = results.FirstOrDefault(r => r.Model.IsFullPrecision);
        var sb = new StringBuilder();
        sb.Append(Inv($"# {title}\n\n"));
        var epochs = results.Select(r => r.Epochs).Distinct().Order().ToList();
        sb.Append(Inv($"Budget: {string.Join("/", epochs)} epoch(s) per run on {string.Join("/", results.Select(r => r.TrainImages).Distinct().Select(n => n.ToString("N0", CultureInfo.InvariantCulture)))} training images, ") + Inv($"tested on {string.Join("/", results.Select(r => r.TestImages).Distinct().Select(n => n.ToString("N0", CultureInfo.InvariantCulture)))} images; ") + Inv($"training wall time {results.Sum(r => r.Seconds) / 60:F1} min in all ({threads} threads). ") + Inv($"Network: {string.Join(", ", results.Select(r => r.Model.Network.ToString().ToLowerInvariant()).Distinct())}.\n\n"));
        sb.Append("| run | structure | K | W/A | top-1 % | top-5 % | top-1 gap | parameters | binary ops (M) | float MACs (M) | model bytes | train s |\n");
        sb.Append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        foreach (var r in results)
        {
            string gap = fp is null ? "n/a" : ReferenceEquals(r, fp) ? "-" : Inv($"{100 * (fp.Top1 - r.Top1):F2}");
            sb.Append(Inv($"| {r.Name} | {StructureName(r.Model)} | {r.Model.Bases} | {r.Model.WeightBits}/{r.Model.ActivationBits} | {100 * r.Top1:F2} | {100 * r.Top5:F2} | {gap} | ") + Inv($"{r.Cost.Parameters:N0} | {r.Cost.BinaryOperations / 1e6:F2} | {r.Cost.FloatMacs / 1e6:F2} | {r.Cost.ModelBytes:N0} | {r.Seconds:F0} |\n"));
        }
        if (fp is null)
        {
            sb.Append("\nNo full-precision run (W32A32) in the grid: no gap to report.\n");
        }
        return sb.ToString();
    }

    /// <summary>The CSV document (fractions and raw counts).</summary>
    public static string Csv(IReadOnlyList<RunResult> results)
    {
        var fp = results.FirstOrDefault(r => r.Model.IsFullPrecision);
        var sb = new StringBuilder("run,network,structure,k,weight_bits,activation_bits,first_last,top1,top5,top1_before_bn,top1_gap,parameters,binary_parameters,binary_ops,float_macs,model_bytes,epochs,train_images,test_images,train_seconds\n");
        foreach (var r in results)
        {
            string gap = fp is null || ReferenceEquals(r, fp) ? "" : Inv($"{fp.Top1 - r.Top1:F5}");
            var m = r.Model;
            sb.Append(Inv($"{r.Name},{m.Network.ToString().ToLowerInvariant()},{StructureName(m)},{m.Bases},{m.WeightBits},{m.ActivationBits},{(m.FirstLast == LayerPrecision.Int8 ? "int8" : "fp32")},") + Inv($"{r.Top1:F5},{r.Top5:F5},{r.Top1BeforeBn:F5},{gap},{r.Cost.Parameters},{r.Cost.BinaryParameters},{r.Cost.BinaryOperations},{r.Cost.FloatMacs},{r.Cost.ModelBytes},") + Inv($"{r.Epochs},{r.TrainImages},{r.TestImages},{r.Seconds:F1}\n"));
        }
        return sb.ToString();
    }

    private static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
