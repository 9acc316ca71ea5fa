using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace GroupNet.Firmware;

/// <summary>
/// Worst-case stack depth of a call tree, from GCC's <c>-fstack-usage -fcallgraph-info=su</c>
/// output (one <c>.ci</c> file per object, VCG text: a node per function with its frame size, an
/// edge per call site). The depth of a function is its own frame plus the deepest of its callees;
/// the report follows that deepest path from the root (the model's <c>gn_&lt;name&gt;_infer</c>).
/// </summary>
/// <remarks>
/// Calls to functions with no frame size in the graph (library code such as <c>memcpy</c> or
/// libgcc helpers, compiled without the flag) count as 0 bytes and are listed in
/// <see cref="Unresolved"/>; recursion and indirect calls make the bound unknown and are listed
/// too (the generated code has neither). Frames marked <c>dynamic</c> (alloca, VLAs) are listed in
/// <see cref="Dynamic"/>. The measured peak (<c>GN-STACK</c>, stack painting) also includes the
/// harness and the library frames, so it is a little larger.
/// </remarks>
/// <param name="Root">The function the depth is measured from.</param>
/// <param name="WorstCaseBytes">Frame bytes summed along the deepest path.</param>
/// <param name="Path">That path: function and own frame bytes, root first.</param>
/// <param name="Unresolved">Callees reachable from the root without a frame size (0 bytes assumed), recursion and indirect calls.</param>
/// <param name="Dynamic">Reachable functions whose frame GCC marks dynamic.</param>
/// <param name="Functions">Every function with a frame size in the graph, by name, with its frame bytes.</param>
public sealed record StackUsageReport(
    string Root,
    long WorstCaseBytes,
    IReadOnlyList<StackFrame> Path,
    IReadOnlyList<string> Unresolved,
    IReadOnlyList<string> Dynamic,
    IReadOnlyList<StackFrame> Functions)
{
    /// <summary>File written beside the build by <see cref="FirmwareBuilder"/>.</summary>
    public const string FileName = "stack_usage.txt";

    private static readonly Regex NodeLine = new(@"^node:\s*\{\s*title:\s*""(?<title>[^""]*)""\s*label:\s*""(?<label>[^""]*)""", RegexOptions.CultureInvariant);
    private static readonly Regex EdgeLine = new(@"^edge:\s*\{\s*sourcename:\s*""(?<from>[^""]*)""\s*targetname:\s*""(?<to>[^""]*)""", RegexOptions.CultureInvariant);
    private static readonly Regex FrameLabel = new(@"\\n(?<bytes>\d+) bytes \((?<kind>[a-z, ]+)\)", RegexOptions.CultureInvariant);
    private static readonly Regex InferName = new(@"^gn_\w+_infer$", RegexOptions.CultureInvariant);

    /// <summary>Reads every <c>*.ci</c> file under <paramref name="buildDir"/> and measures from the
    /// model's infer function (<c>gn_*_infer</c>); null when the build wrote no call graph.</summary>
    public static StackUsageReport? FromBuildDirectory(string buildDir)
    {
        if (!Directory.Exists(buildDir))
        {
            return null;
        }
        var files = Directory.GetFiles(buildDir, "*.ci", SearchOption.AllDirectories).Order(StringComparer.Ordinal).Select(File.ReadAllText).ToArray();
        if (files.Length == 0)
        {
            return null;
        }
        var graph = CallGraph.Parse(files);
        var root = graph.Frames.Keys.Where(n => InferName.IsMatch(n)).Order(StringComparer.Ordinal).FirstOrDefault();
        return root is null ? null : graph.Measure(root);
    }

    /// <summary>Measures from <paramref name="root"/> over the given <c>.ci</c> texts.</summary>
    public static StackUsageReport Measure(IEnumerable<string> callGraphTexts, string root) =>
        CallGraph.Parse(callGraphTexts).Measure(root);

    /// <summary>One line, e.g. <c>worst case 412 bytes from gn_m_infer: gn_m_infer 24 &gt; gn_m_layer1 388</c>.</summary>
    public string Summary()
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"worst case {WorstCaseBytes} bytes from {Root}: ");
        text.AppendJoin(" > ", Path.Select(f => string.Create(CultureInfo.InvariantCulture, $"{f.Function} {f.FrameBytes}")));
        if (Unresolved.Count > 0)
        {
            text.Append(CultureInfo.InvariantCulture, $" (counted as 0: {string.Join(", ", Unresolved)})");
        }
        if (Dynamic.Count > 0)
        {
            text.Append(CultureInfo.InvariantCulture, $" (dynamic frames: {string.Join(", ", Dynamic)})");
        }
        return text.ToString();
    }

    /// <summary>The report file: the summary, the deepest path, then every function's frame.</summary>
    public string Render()
    {
        var text = new StringBuilder();
        text.Append("# Stack usage from arm-none-eabi-gcc -fstack-usage -fcallgraph-info=su (static analysis)\n");
        text.Append(Summary()).Append('\n');
        text.Append("\n# deepest path (function, own frame bytes, depth so far)\n");
        long depth = 0;
        foreach (var f in Path)
        {
            depth += f.FrameBytes;
            text.Append(CultureInfo.InvariantCulture, $"{f.Function}\t{f.FrameBytes}\t{depth}\n");
        }
        text.Append("\n# every function with a frame size (bytes)\n");
        foreach (var f in Functions.OrderByDescending(f => f.FrameBytes).ThenBy(f => f.Function, StringComparer.Ordinal))
        {
            text.Append(CultureInfo.InvariantCulture, $"{f.Function}\t{f.FrameBytes}\n");
        }
        return text.ToString();
    }

    private sealed class CallGraph
    {
        public Dictionary<string, long> Frames { get; } = new(StringComparer.Ordinal);
        private readonly HashSet<string> _dynamic = new(StringComparer.Ordinal);
        private readonly Dictionary<string, List<string>> _calls = new(StringComparer.Ordinal);

        public static CallGraph Parse(IEnumerable<string> texts)
        {
            var graph = new CallGraph();
            foreach (var text in texts)
            {
                foreach (var raw in text.Split('\n'))
                {
                    var line = raw.Trim();
                    if (NodeLine.Match(line) is { Success: true } node)
                    {
                        if (FrameLabel.Match(node.Groups["label"].Value) is { Success: true } frame)
                        {
                            var name = node.Groups["title"].Value;
                            graph.Frames[name] = long.Parse(frame.Groups["bytes"].Value, CultureInfo.InvariantCulture);
                            if (frame.Groups["kind"].Value.Contains("dynamic", StringComparison.Ordinal))
                            {
                                graph._dynamic.Add(name);
                            }
                        }
                    }
                    else if (EdgeLine.Match(line) is { Success: true } edge)
                    {
                        var from = edge.Groups["from"].Value;
                        if (!graph._calls.TryGetValue(from, out var list))
                        {
                            graph._calls[from] = list = [];
                        }
                        list.Add(edge.Groups["to"].Value);
                    }
                }
            }
            return graph;
        }

        public StackUsageReport Measure(string root)
        {
            if (!Frames.ContainsKey(root))
            {
                throw new ArgumentException($"function '{root}' has no frame size in the call graph", nameof(root));
            }
            var unresolved = new SortedSet<string>(StringComparer.Ordinal);
            var dynamic = new SortedSet<string>(StringComparer.Ordinal);
            var memo = new Dictionary<string, (long Depth, string? Next)>(StringComparer.Ordinal);
            var active = new HashSet<string>(StringComparer.Ordinal);

            long Depth(string function)
            {
                if (memo.TryGetValue(function, out var known))
                {
                    return known.Depth;
                }
                if (!Frames.TryGetValue(function, out var frame))
                {
                    unresolved.Add(function == "__indirect_call" ? "indirect call" : function);
                    return 0;
                }
                if (!active.Add(function))
                {
                    unresolved.Add("recursion through " + function);
                    return 0;
                }
                if (_dynamic.Contains(function))
                {
                    dynamic.Add(function);
                }
                long deepest = 0;
                string? next = null;
                foreach (var callee in _calls.GetValueOrDefault(function, []).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
                {
                    long d = Depth(callee);
                    if (Frames.ContainsKey(callee) && (next is null || d > deepest))
                    {
                        deepest = d;
                        next = callee;
                    }
                }
                active.Remove(function);
                memo[function] = (frame + deepest, next);
                return frame + deepest;
            }

            long total = Depth(root);
            var path = new List<StackFrame>();
            var onPath = new HashSet<string>(StringComparer.Ordinal);
            // A recursive call closes a cycle of Next links: the path ends where it would repeat a function.
            for (string? f = root; f is not null && onPath.Add(f); f = memo.TryGetValue(f, out var m) ? m.Next : null)
            {
                path.Add(new StackFrame(f, Frames[f]));
            }
            var functions = Frames.Select(kv => new StackFrame(kv.Key, kv.Value)).ToArray();
            return new StackUsageReport(root, total, path, unresolved.ToArray(), dynamic.ToArray(), functions);
        }
    }
}

