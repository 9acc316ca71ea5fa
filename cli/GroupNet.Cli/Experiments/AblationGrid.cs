using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace GroupNet.Cli.Experiments;

/// <summary>
/// A grid of runs from one YAML file: an optional <c>base</c> run merged under every run (deep merge, the run's
/// keys win), then either <c>runs</c> (a list of partial runs, each with a unique <c>name</c>) or <c>axes</c> (dotted
/// keys with lists of values; the Cartesian product over the base, runs named "key1value1-key2value2"), or both
/// (explicit runs first). A run's <c>recipe.parent</c> may name another run of the grid; runs are ordered so that
/// parents train first.
/// </summary>
public static class AblationGrid
{
    /// <summary>Loads and validates the grid in <paramref name="path"/>.</summary>
    public static IReadOnlyList<RunConfig> Load(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{path}: grid file not found", path);
        }
        return Parse(File.ReadAllText(path), path);
    }

    /// <summary>Parses grid YAML (<paramref name="source"/> prefixes error messages).</summary>
    public static IReadOnlyList<RunConfig> Parse(string yaml, string source)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlException e)
        {
            throw new InvalidDataException($"{source}: line {e.Start.Line}: {e.Message}", e);
        }
        catch (InvalidOperationException e)
        {
            // YamlDotNet's scanner throws this (not a YamlException) on some malformed flow collections.
            throw new InvalidDataException($"{source}: not valid YAML ({e.Message})", e);
        }
        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            throw new InvalidDataException($"{source}: a grid is a mapping with 'base' and 'runs' and/or 'axes'");
        }
        foreach (var key in root.Children.Keys)
        {
            if (key is not YamlScalarNode { Value: "base" or "runs" or "axes" })
            {
                throw new InvalidDataException($"{source}: unknown key '{key}' (expected base, runs, axes)");
            }
        }
        var baseNode = root.Children.TryGetValue(new YamlScalarNode("base"), out var b) ? b as YamlMappingNode
            ?? throw new InvalidDataException($"{source}: base: must be a mapping") : new YamlMappingNode();
        var nodes = new List<(string Field, YamlMappingNode Node)>();
        if (root.Children.TryGetValue(new YamlScalarNode("runs"), out var runs))
        {
            if (runs is not YamlSequenceNode list)
            {
                throw new InvalidDataException($"{source}: runs: must be a list of runs");
            }
            for (int i = 0; i < list.Children.Count; i++)
            {
                if (list.Children[i] is not YamlMappingNode run)
                {
                    throw new InvalidDataException($"{source}: runs[{i}]: must be a mapping");
                }
                nodes.Add(($"runs[{i}].", Merge(baseNode, run)));
            }
        }
        if (root.Children.TryGetValue(new YamlScalarNode("axes"), out var axes))
        {
            nodes.AddRange(Expand(baseNode, axes as YamlMappingNode ?? throw new InvalidDataException($"{source}: axes: must be a mapping of dotted keys to lists"), source));
        }
        if (nodes.Count == 0)
        {
            throw new InvalidDataException($"{source}: the grid has no runs (give 'runs' or 'axes')");
        }
        var configs = new List<RunConfig>();
        foreach (var (field, node) in nodes)
        {
            var config = RunConfigYaml.Parse(Text(node), source, field);
            if (config.Name.Length == 0)
            {
                throw new InvalidDataException($"{source}: {field}name: every run of a grid needs a name");
            }
            if (configs.Any(c => c.Name == config.Name))
            {
                throw new InvalidDataException($"{source}: {field}name: '{config.Name}' is used twice");
            }
            configs.Add(config);
        }
        return Order(configs, source);
    }

    private static IReadOnlyList<RunConfig> Order(List<RunConfig> configs, string source)
    {
        var names = configs.Select(c => c.Name).ToHashSet();
        var done = new HashSet<string>();
        var ordered = new List<RunConfig>();
        while (ordered.Count < configs.Count)
        {
            var ready = configs.FirstOrDefault(c => !done.Contains(c.Name) && (c.Recipe.Parent is not { } p || !names.Contains(p) || done.Contains(p)))
                ?? throw new InvalidDataException($"{source}: recipe.parent references form a cycle among {string.Join(", ", configs.Where(c => !done.Contains(c.Name)).Select(c => c.Name))}");
            if (ready.Recipe.Parent == ready.Name)
            {
                throw new InvalidDataException($"{source}: run '{ready.Name}': recipe.parent names the run itself");
            }
            done.Add(ready.Name);
            ordered.Add(ready);
        }
        return ordered;
    }

    private static IEnumerable<(string Field, YamlMappingNode Node)> Expand(YamlMappingNode baseNode, YamlMappingNode axes, string source)
    {
        var combos = new List<(string Name, YamlMappingNode Node)> { ("", baseNode) };
        foreach (var (keyNode, valuesNode) in axes.Children)
        {
            string key = ((YamlScalarNode)keyNode).Value ?? "";
            if (valuesNode is not YamlSequenceNode values || values.Children.Count == 0)
            {
                throw new InvalidDataException($"{source}: axes.{key}: must be a non-empty list of values");
            }
            var path = key.Split('.');
            var next = new List<(string, YamlMappingNode)>();
            foreach (var (name, node) in combos)
            {
                foreach (var value in values.Children)
                {
                    YamlNode patch = value;
                    for (int i = path.Length - 1; i >= 0; i--)
                    {
                        patch = new YamlMappingNode(new YamlScalarNode(path[i]), patch);
                    }
                    string label = path[^1] + (value as YamlScalarNode)?.Value;
                    next.Add((name.Length == 0 ? label : name + "-" + label, Merge(node, (YamlMappingNode)patch)));
                }
            }
            combos = next;
        }
        return combos.Select((c, i) => ($"axes[{i}].", Merge(c.Node, new YamlMappingNode(new YamlScalarNode("name"), new YamlScalarNode(c.Name)))));
    }

    /// <summary>Deep merge: mappings merge key by key, anything else in <paramref name="over"/> replaces.</summary>
    private static YamlMappingNode Merge(YamlMappingNode under, YamlMappingNode over)
    {
        var result = new YamlMappingNode();
        foreach (var (k, v) in under.Children)
        {
            result.Children[k] = v;
        }
        foreach (var (k, v) in over.Children)
        {
            result.Children[k] = result.Children.TryGetValue(k, out var old) && old is YamlMappingNode a && v is YamlMappingNode b ? Merge(a, b) : v;
        }
        return result;
    }

    private static string Text(YamlNode node)
    {
        var writer = new StringWriter();
        new YamlStream(new YamlDocument(node)).Save(writer, assignAnchors: false);
        return writer.ToString();
    }
}
