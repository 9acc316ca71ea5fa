using System.Globalization;
using System.Text;
using System.Text.Json;
using GroupNet.Codegen;
using GroupNet.Codegen.Emitters;
using GroupNet.Deployment.Model;
using GroupNet.Firmware;

// Instructions per binary MAC of each binary conv layer on Cortex-M4 (QEMU mps2-an386), counted
// exactly by tools/qemu-plugin/gn_insn_count.c over the address range of each generated layer
// function (arm-none-eabi-nm -S; layer functions are GN_NOINLINE). Binary MACs of a layer =
// sum over its binary conv terms of out_h * out_w * Cout * k * k * Cin; a sum layer's function
// also runs its identity term and epilogue, which are charged to it.

bool json = args.Contains("--json");
bool reference = args.Contains("--reference");
string repo = FindRepo();
string resultsPath = Path.Combine(repo, "bench", "results", reference ? "kernels_reference.json" : "kernels.json");
for (int i = 0; i < args.Length - 1; i++)
{
    if (args[i] == "--results")
    {
        resultsPath = Path.GetFullPath(args[i + 1]);
    }
}

var board = Boards.Get("mps2-an386");
var kernels = reference ? KernelChoice.Reference : KernelChoice.Fast;
var networks = new (string Name, int[] Channels, int Branches, bool PerLayer)[]
{
    ("tiny", [16, 32, 64], 1, true),
    ("small", [32, 64, 128], 1, true),
    ("tiny_k2", [16, 32, 64], 2, false),
};
string work = Path.Combine(Path.GetTempPath(), "gn-kernel-bench", reference ? "reference" : "fast");
var rows = new List<Dictionary<string, object>>();
var inferences = new List<Dictionary<string, object>>();
foreach (var net in networks)
{
    var model = new RandomModelBuilder { Name = net.Name, Seed = 1, Channels = net.Channels, Branches = net.Branches, ActivationBits = 2 }.Build();
    var image = new byte[model.InputBytes];
    new Random(7).NextBytes(image);
    string modelDir = Path.Combine(work, net.Name, "model");
    if (Directory.Exists(modelDir))
    {
        Directory.Delete(modelDir, true);
    }
    new ModelEmitter().Emit(model, modelDir, new EmitOptions([image]) { Kernels = kernels });
    var build = new FirmwareBuilder(repo).Build(board, modelDir, Path.Combine(work, net.Name, "build"));
    var symbols = FunctionSymbols(build.ElfPath);
    var counts = RunCounted(repo, board, build.ElfPath, symbols, Path.Combine(work, net.Name));
    inferences.Add(new()
    {
        ["core"] = board.Core,
        ["network"] = net.Name,
        ["branches"] = net.Branches,
        ["act_bits"] = 2,
        ["instructions_per_inference"] = counts.Inference,
        ["flash_bytes"] = build.Size.FlashBytes,
        ["kernels"] = reference ? "reference" : "fast",
    });
    if (!net.PerLayer)
    {
        continue;
    }
    for (int l = 0; l < model.Layers.Length; l++)
    {
        var layer = model.Layers[l];
        var binary = layer.Terms.OfType<BinaryConvTerm>().ToList();
        if (binary.Count == 0)
        {
            continue;
        }
        var (outH, outW) = LayerEmitter.OutputSize(model, layer);
        long Macs(BinaryConvTerm t) => (long)outH * outW * layer.OutChannels * t.Geometry.Kernel * t.Geometry.Kernel * model.Tensors[t.Input].Channels;
        long macs = binary.Sum(Macs);
        var main = binary.OrderByDescending(Macs).First();
        string function = $"gn_layer{l}_{LayerEmitter.Identifier(layer.Name)}";
        if (!counts.Ranges.TryGetValue(function, out long insns))
        {
            throw new InvalidOperationException($"no instruction count for {function} in {build.ElfPath}");
        }
        rows.Add(new()
        {
            ["core"] = board.Core,
            ["network"] = net.Name,
            ["layer"] = layer.Name,
            ["kernel"] = main.Geometry.Kernel,
            ["in_channels"] = model.Tensors[main.Input].Channels,
            ["act_bits"] = model.Tensors[main.Input].Bits,
            ["terms"] = layer.Terms.Length,
            ["instructions"] = insns,
            ["binary_macs"] = macs,
            ["instructions_per_binary_mac"] = Math.Round((double)insns / macs, 4),
        });
    }
}

var document = new Dictionary<string, object> { ["rows"] = rows, ["inferences"] = inferences };
string text = JsonSerializer.Serialize(document, new JsonSerializerOptions { WriteIndented = true });
Directory.CreateDirectory(Path.GetDirectoryName(resultsPath)!);
File.WriteAllText(resultsPath, text + "\n");
if (json)
{
    Console.WriteLine(text);
    return;
}
Console.WriteLine($"{"core",-4} {"network",-8} {"layer",-10} {"kernel",6} {"in_ch",6} {"bits",4} {"instructions",13} {"binary_macs",12} {"insn/MAC",9}");
foreach (var r in rows)
{
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{r["core"],-4} {r["network"],-8} {r["layer"],-10} {r["kernel"],6} {r["in_channels"],6} {r["act_bits"],4} {r["instructions"],13:N0} {r["binary_macs"],12:N0} {r["instructions_per_binary_mac"],9:F3}"));
}
Console.WriteLine();
foreach (var r in inferences)
{
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{r["core"]} {r["network"]} K={r["branches"]} {r["act_bits"]}-bit: {r["instructions_per_inference"]:N0} instructions per inference, flash {r["flash_bytes"]:N0} bytes ({r["kernels"]} kernels)"));
}
Console.WriteLine($"written: {resultsPath}");

static string FindRepo()
{
    var dir = new DirectoryInfo(AppContext.BaseDirectory);
    while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Embedded.sln")))
    {
        dir = dir.Parent;
    }
    return dir?.FullName ?? throw new InvalidOperationException("repository root not found above " + AppContext.BaseDirectory);
}

// Function symbols with sizes: (name, start, end) from `arm-none-eabi-nm -S --defined-only`.
static List<(string Name, ulong Start, ulong End)> FunctionSymbols(string elf)
{
    string output = Run("arm-none-eabi-nm", ["-S", "--defined-only", elf]);
    var list = new List<(string, ulong, ulong)>();
    foreach (var line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries))
    {
        var f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (f.Length == 4 && f[2] is "t" or "T" && (f[3].StartsWith("gn_layer", StringComparison.Ordinal) || f[3].StartsWith("gn_linear", StringComparison.Ordinal)))
        {
            ulong start = ulong.Parse(f[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture) & ~1UL;
            ulong size = ulong.Parse(f[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            list.Add((f[3], start, start + size));
        }
    }
    return list;
}

static (long Inference, Dictionary<string, long> Ranges) RunCounted(string repo, Board board, string elf, List<(string Name, ulong Start, ulong End)> symbols, string dir)
{
    string plugin = QemuRunner.EnsurePlugin(repo);
    var (begin, end) = QemuRunner.LookUpMarkers(elf);
    string rangesFile = Path.Combine(dir, "ranges.txt");
    string countsFile = Path.Combine(dir, "counts.json");
    var sb = new StringBuilder();
    foreach (var s in symbols)
    {
        sb.Append(CultureInfo.InvariantCulture, $"0x{s.Start:x} 0x{s.End:x} {s.Name}\n");
    }
    File.WriteAllText(rangesFile, sb.ToString());
    File.Delete(countsFile);
    Run("qemu-system-arm",
        ["-M", board.QemuMachine, "-cpu", board.QemuCpu, "-nographic", "-semihosting-config", "enable=on,target=native", "-kernel", elf,
         "-plugin", string.Create(CultureInfo.InvariantCulture, $"{plugin},begin=0x{begin:x},end=0x{end:x},out={countsFile},ranges={rangesFile}")]);
    using var doc = JsonDocument.Parse(File.ReadAllText(countsFile));
    var segments = doc.RootElement.GetProperty("segments").EnumerateArray().Select(e => e.GetInt64()).ToArray();
    if (segments.Length != 1)
    {
        throw new InvalidOperationException($"expected one inference segment, got {segments.Length}");
    }
    // GCC may clone a function under a suffixed name (gn_layer1_g0_b0.constprop.0): key by the base name.
    var ranges = new Dictionary<string, long>();
    foreach (var p in doc.RootElement.GetProperty("ranges").EnumerateObject())
    {
        string name = p.Name.Split('.')[0];
        ranges[name] = ranges.GetValueOrDefault(name) + p.Value.GetInt64();
    }
    return (segments[0], ranges);
}

// Runs a tool to completion (5 min limit); throws with its output when it fails.
static string Run(string tool, IReadOnlyList<string> arguments)
{
    var psi = new System.Diagnostics.ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
    foreach (var a in arguments)
    {
        psi.ArgumentList.Add(a);
    }
    using var p = System.Diagnostics.Process.Start(psi) ?? throw new InvalidOperationException($"cannot start {tool}");
    p.StandardInput.Close();
    var stdout = p.StandardOutput.ReadToEndAsync();
    var stderr = p.StandardError.ReadToEndAsync();
    if (!p.WaitForExit(TimeSpan.FromMinutes(5)))
    {
        p.Kill(entireProcessTree: true);
        throw new TimeoutException($"{tool} did not finish in 5 minutes");
    }
    if (p.ExitCode != 0)
    {
        throw new InvalidOperationException($"{tool} {string.Join(' ', arguments)} exited with {p.ExitCode}:\n{stdout.Result}{stderr.Result}");
    }
    return stdout.Result;
}
