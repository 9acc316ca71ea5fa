using System.Globalization;
using System.Text.RegularExpressions;
using GroupNet.Trainer.Quantization;
using static TorchSharp.torch;

namespace GroupNet.Trainer.Models;

/// <summary>
/// Initialises a model from a trained parent (the paper's recipe for binary activations: start from the
/// full-precision network). Both state dicts are mapped to the canonical names of the one-base layout
/// (<see cref="CanonicalName"/>); every child parameter and buffer whose canonical name and shape match a parent
/// entry gets the parent's values, so base k of a group (branch k of a layer-wise convolution, trunk k of v3)
/// starts from the parent's single branch. Identical copies would stay identical under training (same input, same
/// scale, hence the same gradient), so every copy after the first of a weight tensor (rank >= 2) gets
/// N(0, (noise * std W)^2) added. Group scales (shape [K] vs [1]) keep their 1/K start.
/// </summary>
public static class ParentInitializer
{
    private static readonly Regex V2Block = new(@"^groups\.(\d+)\.bases\.\d+\.blocks\.(\d+)\.(.+)$", RegexOptions.CultureInvariant);
    private static readonly Regex V2Norm = new(@"^groups\.(\d+)\.bases\.\d+\.norms\.(\d+)\.(.+)$", RegexOptions.CultureInvariant);
    private static readonly Regex V2InputBn = new(@"^groups\.(\d+)\.input_bn\.(.+)$", RegexOptions.CultureInvariant);
    private static readonly Regex TrunkPrefix = new(@"^trunks\.\d+\.", RegexOptions.CultureInvariant);
    private static readonly Regex Branch = new(@"\.branches\.\d+\.", RegexOptions.CultureInvariant);
    private static readonly Regex BaseIndex = new(@"\.bases\.\d+\.", RegexOptions.CultureInvariant);

    /// <summary>
    /// The name of <paramref name="name"/> (an entry of a model built from <paramref name="config"/>) in the
    /// one-base layout (baseline / v1 K = 1): groups.g.input_bn, groups.g.bases.0.{conv1, bn1, ...}, stem, stem_bn, classifier.
    /// </summary>
    public static string CanonicalName(string name, ModelConfig config)
    {
        switch (config.Structure)
        {
            case StructureKind.V3:
                name = TrunkPrefix.Replace(name, "");
                break;
            case StructureKind.Layerwise:
                name = Branch.Replace(name, ".");
                break;
            case StructureKind.V2:
                if (V2Block.Match(name) is { Success: true } b)
                {
                    return $"groups.{Block(b, 0)}.bases.0.{b.Groups[3].Value}";
                }
                if (V2Norm.Match(name) is { Success: true } n)
                {
                    return $"groups.{Block(n, 1)}.input_bn.{n.Groups[3].Value}";
                }
                if (V2InputBn.Match(name) is { Success: true } i)
                {
                    return $"groups.{2 * Index(i.Groups[1])}.input_bn.{i.Groups[2].Value}";
                }
                if (name.StartsWith("groups.", StringComparison.Ordinal) && name.EndsWith(".scales", StringComparison.Ordinal))
                {
                    return "v2:" + name; // a v2 group spans two parent groups: no scale to copy
                }
                break;
        }
        return BaseIndex.Replace(name, ".bases.0.");
    }

    /// <summary>Copies the parent's entries into <paramref name="child"/> as described on the class; the noise is drawn
    /// from <paramref name="generator"/>.</summary>
    public static ParentInitReport Apply(nn.Module child, ModelConfig childConfig, IReadOnlyDictionary<string, Tensor> parentState,
        ModelConfig parentConfig, float noise, Generator? generator)
    {
        if (!(noise >= 0f) || float.IsInfinity(noise))
        {
            throw new ArgumentOutOfRangeException(nameof(noise), noise, "noise must be finite and >= 0");
        }
        var parent = new Dictionary<string, (string Name, Tensor Value)>();
        foreach (var (name, value) in parentState)
        {
            parent[CanonicalName(name, parentConfig)] = (name, value);
        }
        var used = new HashSet<string>();
        var copies = new Dictionary<string, int>();
        var unmatched = new List<string>();
        int copied = 0, perturbed = 0;
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        foreach (var (name, target) in child.state_dict())
        {
            string canonical = CanonicalName(name, childConfig);
            if (!parent.TryGetValue(canonical, out var source) || !source.Value.shape.SequenceEqual(target.shape))
            {
                unmatched.Add(name);
                continue;
            }
            target.copy_(source.Value);
            used.Add(source.Name);
            copied++;
            int n = copies.GetValueOrDefault(canonical);
            copies[canonical] = n + 1;
            if (n > 0 && target.dim() >= 2 && noise > 0f)
            {
                // N(0, (noise * std W)^2), std the population deviation of the copied tensor.
                double std = target.std(unbiased: false).item<float>();
                target.add_(normal(0, noise * std, target.shape, generator: generator).to(target.device), Scalars.One);
                perturbed++;
            }
        }
        var unused = parent.Values.Select(v => v.Name).Where(n => !used.Contains(n)).ToList();
        return new ParentInitReport(copied, perturbed, unmatched, unused);
    }

    private static int Index(Group g) => int.Parse(g.Value, NumberStyles.None, CultureInfo.InvariantCulture);

    private static int Block(Match m, int offset) => 2 * Index(m.Groups[1]) + Index(m.Groups[2]) + offset;
}
