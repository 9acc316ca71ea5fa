using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace GroupNet.Cli.Reports;

/// <summary>
/// A report grid as YAML (<c>groupnet report --grid FILE</c>); every key is optional and the command
/// line wins over the file:
/// <code>
/// models: [runs/k1/model.gndm, runs/k2/model.gndm, "random:k=3,bits=2,seed=1"]   # paths relative to the file
/// cores: [M0, M4, M7]          # or board names; default all six
/// opt: [O2, Os]                # default O2
/// dataset: mnist               # mnist, fashion-mnist or none
/// data: .cache/mnist/package/data
/// test_count: 0                # 0 = whole test set
/// images: 1
/// flash_wait_states: 0
/// </code>
/// </summary>
public sealed record ReportGridFile
{
    public IReadOnlyList<string> Models { get; init; } = [];

    public string? Cores { get; init; }

    public string? Opt { get; init; }

    public string? Dataset { get; init; }

    public string? Data { get; init; }

    public int? TestCount { get; init; }

    public int? Images { get; init; }

    public int? FlashWaitStates { get; init; }

    /// <summary>Reads <paramref name="path"/>.</summary>
    /// <exception cref="UserInputException">Missing file, bad YAML, an unknown key or a wrong value type.</exception>
    public static ReportGridFile Load(string path)
    {
        if (!File.Exists(path))
        {
            throw new UserInputException($"{path}: grid file not found");
        }
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(File.ReadAllText(path)));
        }
        catch (YamlException e)
        {
            throw new UserInputException($"{path}: line {e.Start.Line}: {e.Message}");
        }
        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            throw new UserInputException($"{path}: a report grid is a mapping (models, cores, opt, dataset, data, test_count, images, flash_wait_states)");
        }
        string folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        var grid = new ReportGridFile();
        foreach (var (keyNode, value) in root.Children)
        {
            string key = ((YamlScalarNode)keyNode).Value ?? string.Empty;
            grid = key switch
            {
                "models" => grid with
                {
                    Models = List(value, path, key).Select(m => m.StartsWith(ReportModel.RandomPrefix, StringComparison.OrdinalIgnoreCase) || Path.IsPathRooted(m)
                        ? m : Path.Combine(folder, m)).ToArray(),
                },
                "cores" => grid with { Cores = string.Join(",", List(value, path, key)) },
                "opt" => grid with { Opt = string.Join(",", List(value, path, key)) },
                "dataset" => grid with { Dataset = Scalar(value, path, key) },
                "data" => grid with { Data = Path.Combine(folder, Scalar(value, path, key)) },
                "test_count" => grid with { TestCount = Int(value, path, key) },
                "images" => grid with { Images = Int(value, path, key) },
                "flash_wait_states" => grid with { FlashWaitStates = Int(value, path, key) },
                _ => throw new UserInputException($"{path}: unknown key '{key}' (models, cores, opt, dataset, data, test_count, images, flash_wait_states)"),
            };
        }
        return grid;
    }

    private static IReadOnlyList<string> List(YamlNode node, string path, string key) => node switch
    {
        YamlSequenceNode s => s.Children.Select(c => Scalar(c, path, key)).ToArray(),
        YamlScalarNode v => (v.Value ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
        _ => throw new UserInputException($"{path}: {key}: expected a list"),
    };

    private static string Scalar(YamlNode node, string path, string key) =>
        node is YamlScalarNode { Value: { } v } ? v : throw new UserInputException($"{path}: {key}: expected a single value");

    private static int Int(YamlNode node, string path, string key) =>
        int.TryParse(Scalar(node, path, key), System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var v)
            ? v : throw new UserInputException($"{path}: {key}: expected an integer");
}
