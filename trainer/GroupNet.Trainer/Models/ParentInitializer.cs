using System.Globalization;
using System.Text.RegularExpressions;
using GroupNet.Trainer.Modules;
using GroupNet.Trainer.Tensors;

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
    private static readonly Regex V2Block = new(@"^Groups\.(\d+)\.Bases\.\d+\.Blocks\.(\d+)\.(.+)$", RegexOptions.CultureInvariant);
    private static readonly Regex V2Norm = new(@"^Groups\.(\d+)\.Bases\.\d+\.Norms\.(\d+)\.(.+)$", RegexOptions.CultureInvariant);
    private static readonly Regex V2InputBn = new(@"^Groups\.(\d+)\.InputBn\.(.+)$", RegexOptions.CultureInvariant);
    private static readonly Regex TrunkPrefix = new(@"^Trunks\.\d+\.", RegexOptions.CultureInvariant);
    private static readonly Regex Branch = new(@"\.Branches\.\d+\.", RegexOptions.CultureInvariant);
    private static readonly Regex BaseIndex = new(@"\.Bases\.\d+\.", RegexOptions.CultureInvariant);

    /// <summary>
    /// The name of <paramref name="name"/> (an entry of a model built from <paramref name="config"/>) in the
    /// one-base layout (baseline / v1 K = 1): Groups.g.InputBn, Groups.g.Bases.0.{Conv1, Bn1, ...}, Stem, StemBn, Classifier.
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
                    return $"Groups.{Block(b, 0)}.Bases.0.{b.Groups[3].Value}";
                }
                if (V2Norm.Match(name) is { Success: true } n)
                {
                    return $"Groups.{Block(n, 1)}.InputBn.{n.Groups[3].Value}";
                }
                if (V2InputBn.Match(name) is { Success: true } i)
                {
                    return $"Groups.{2 * Index(i.Groups[1])}.InputBn.{i.Groups[2].Value}";
                }
                if (name.StartsWith("Groups.", StringComparison.Ordinal) && name.EndsWith(".Scales", StringComparison.Ordinal))
                {
                    return "v2:" + name; // a v2 group spans two parent groups: no scale to copy
                }
                break;
        }
        return BaseIndex.Replace(name, ".Bases.0.");
    }

    /// <summary>Copies the parent's entries into <paramref name="child"/> as described on the class.</summary>
    public static ParentInitReport Apply(Module child, ModelConfig childConfig, IEnumerable<KeyValuePair<string, Tensor>> parentState,
        ModelConfig parentConfig, float noise, Random random)
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
        foreach (var (name, target) in child.StateDict())
        {
            string canonical = CanonicalName(name, childConfig);
            if (!parent.TryGetValue(canonical, out var source) || !source.Value.Shape.SequenceEqual(target.Shape))
            {
                unmatched.Add(name);
                continue;
            }
            Array.Copy(source.Value.Data, target.Data, target.Count);
            used.Add(source.Name);
            copied++;
            int n = copies.GetValueOrDefault(canonical);
            copies[canonical] = n + 1;
            if (n > 0 && target.Rank >= 2 && noise > 0f)
            {
                Perturb(target.Data, noise, random);
                perturbed++;
            }
        }
        var unused = parent.Values.Select(v => v.Name).Where(n => !used.Contains(n)).ToList();
        return new ParentInitReport(copied, perturbed, unmatched, unused);
    }

    private static void Perturb(float[] data, float noise, Random random)
    {
        double mean = data.Average(v => (double)v);
        double std = Math.Sqrt(data.Average(v => (v - mean) * (v - mean)));
        var delta = new float[data.Length];
        Init.Normal(delta, noise * std, random);
        System.Numerics.Tensors.TensorPrimitives.Add(data, delta, data);
    }

    private static int Index(Group g) => int.Parse(g.Value, NumberStyles.None, CultureInfo.InvariantCulture);

    private static int Block(Match m, int offset) => 2 * Index(m.Groups[1]) + Index(m.Groups[2]) + offset;
}
