using GroupNet.Deployment.Format;
using GroupNet.Deployment.Model;

namespace GroupNet.Cli.Reports;

/// <summary>One model of a report grid: a .gndm file, or a seeded random model (<c>random:k=2,bits=2,seed=1</c>
/// for a binary Group-Net, <c>random:int8,seed=1</c> for an int8 network of the same tiny shape).</summary>
/// <param name="Label">Row label: the file name without extension, or the random spec.</param>
/// <param name="Source">The file path or the random spec as given.</param>
/// <param name="Model">The deployment model.</param>
public sealed record ReportModel(string Label, string Source, DeploymentModel Model)
{
    /// <summary>Prefix of a random-model spec.</summary>
    public const string RandomPrefix = "random:";

    /// <summary>What the IR says the model is: <c>binary</c> (any binary conv term) or <c>int8</c> (int8 terms only).</summary>
    public string Kind => Model.Layers.Any(l => l.Terms.Any(t => t is BinaryConvTerm)) ? "binary" : "int8";

    /// <summary>Widest binary-network activation tensor: k-bit levels, or 1 for signs (XNOR-Net); 8 when there is
    /// none (an int8 network). The image's 8 bits do not count: every model reads one.</summary>
    public int ActivationBits => Model.Tensors
        .Where(t => t.Kind is TensorKind.Levels or TensorKind.Signs)
        .Select(t => t.Kind == TensorKind.Signs ? 1 : t.Bits)
        .DefaultIfEmpty(8)
        .Max();

    /// <summary>Loads a .gndm file or builds the random model of a <c>random:</c> spec.</summary>
    /// <exception cref="UserInputException">The spec is malformed or the file does not exist.</exception>
    public static ReportModel Load(string source)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (source.StartsWith(RandomPrefix, StringComparison.OrdinalIgnoreCase))
        {
            int k = 2, bits = 2, seed = 1;
            bool int8 = false;
            foreach (var part in source[RandomPrefix.Length..].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                if (string.Equals(part, "int8", StringComparison.OrdinalIgnoreCase))
                {
                    int8 = true;
                    continue;
                }
                var kv = part.Split('=', 2);
                if (kv.Length != 2 || !int.TryParse(kv[1], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var v))
                {
                    throw new UserInputException($"model '{source}': expected random:k=K,bits=B,seed=S or random:int8,seed=S");
                }
                switch (kv[0].ToLowerInvariant())
                {
                    case "k": k = v; break;
                    case "bits": bits = v; break;
                    case "seed": seed = v; break;
                    default: throw new UserInputException($"model '{source}': unknown key '{kv[0]}' (k, bits, seed)");
                }
            }
            if (int8)
            {
                string int8Name = $"random_int8_s{seed}";
                return new ReportModel(int8Name, source, new RandomInt8ModelBuilder { Seed = seed, Name = int8Name }.Build());
            }
            if (k < 1 || bits is not (1 or 2 or 4))
            {
                throw new UserInputException($"model '{source}': k must be >= 1 and bits 1 (+/-1 signs), 2 or 4");
            }
            string name = $"random_k{k}_b{bits}_s{seed}";
            return new ReportModel(name, source, new RandomModelBuilder { Seed = seed, Name = name, Branches = k, ActivationBits = bits }.Build());
        }
        if (!File.Exists(source))
        {
            throw new UserInputException($"model file '{source}' does not exist");
        }
        return new ReportModel(Path.GetFileNameWithoutExtension(source), Path.GetFullPath(source), ModelFile.Load(source));
    }
}
