using System.Globalization;
using System.Text.Json;
using GroupNet.Codegen;
using GroupNet.Deployment.Model;
using GroupNet.Deployment.Reference;
using GroupNet.Firmware;

// Instructions per binary MAC of each binary conv layer, per core, counted exactly in QEMU by
// tools/qemu-plugin/gn_insn_count.c with per-function attribution (QemuRunner PerLayer +
// LayerProfile: every executed instruction inside the inference is charged to the generated layer
// function it ran in; layer functions are GN_NOINLINE). Binary MACs of a layer = sum over its
// binary conv terms of out_h * out_w * Cout * k * k * Cin; a sum layer's function also runs its
// identity term and epilogue, which are charged to it.
//
// Networks: seeded random deployment models (RandomModelBuilder) of the trainer's shapes
// (trainer ModelFactory): "tiny" (stem 16, groups 16 / 32 s2 / 64 s2) and "small" (32 / 64 / 128), and
// "narrow" (8 / 16 s2 / 32 s2: the 8- and 16-channel layers that the per-channel kernels run),
// K = 1 (one base: in Group-Net v1 every base of a group has the same shape, so per-base figures
// are those of K = 1), 28x28 input. Each run's logits are compared with the C# reference.
//
// The M0 board (BBC micro:bit, nRF51822, 16 KiB RAM, which is also all the RAM QEMU's microbit
// machine has) cannot hold the 28x28 activations of these networks, so on M0 the same networks
// are measured on a 14x14 input (network names "tiny@14", "small@14"); per-MAC figures there
// carry a larger share of border pixels.

var options = BenchOptions.Parse(args);
string repo = FindRepo();
var kernels = options.Reference ? KernelChoice.Reference : KernelChoice.Fast;
string work = Path.Combine(Path.GetTempPath(), "gn-kernel-bench", options.Reference ? "reference" : "fast");
var networks = new (string Name, int[] Channels)[] { ("tiny", [16, 32, 64]), ("small", [32, 64, 128]), ("narrow", [8, 16, 32]) };
var rows = new List<Dictionary<string, object>>();
var inferences = new List<Dictionary<string, object>>();
foreach (var board in Boards.All.Where(b => options.Cores is null || options.Cores.Contains(b.Core)))
{
    foreach (var net in networks.Where(n => options.Networks is null || options.Networks.Contains(n.Name)))
    {
        foreach (int bits in options.Bits)
        {
            int imageSize = board.Core == "M0" ? 14 : 28;
            string label = imageSize == 28 ? net.Name : $"{net.Name}@{imageSize}";
            var model = new RandomModelBuilder
            {
                Name = net.Name, Seed = 1, Channels = net.Channels, Branches = 1, ActivationBits = bits, ImageSize = imageSize,
            }.Build();
            var image = new byte[model.InputBytes];
            new Random(7).NextBytes(image);
            string dir = Path.Combine(work, $"{board.Name}-{net.Name}-{bits}");
            string modelDir = Path.Combine(dir, "model");
            new ModelEmitter().Emit(model, modelDir, new EmitOptions([image]) { Kernels = kernels });
            var build = new FirmwareBuilder(repo).Build(board, modelDir, Path.Combine(dir, "build"));
            var run = new QemuRunner(repo).Run(board, build.ElfPath,
                new QemuRunOptions { PerLayer = true, Timeout = TimeSpan.FromMinutes(5) });
            var expected = new ReferenceExecutor(model).Infer(image);
            if (run.Logits.Length != 1 || !run.Logits[0].AsSpan().SequenceEqual(expected))
            {
                throw new InvalidOperationException($"{board.Core} {label} {bits}-bit: firmware logits differ from the C# reference");
            }
            var profile = LayerProfile.Build(model, run.Profile ?? throw new InvalidOperationException("no instruction profile"));
            inferences.Add(new()
            {
                ["core"] = board.Core,
                ["network"] = label,
                ["act_bits"] = bits,
                ["instructions_per_inference"] = profile.SegmentInstructions,
                ["flash_bytes"] = build.Size.FlashBytes,
                ["ram_bytes"] = build.Size.RamBytes,
                ["kernels"] = options.Reference ? "reference" : "fast",
            });
            for (int l = 0; l < model.Layers.Length; l++)
            {
                var layer = model.Layers[l];
                var binary = layer.Terms.OfType<BinaryConvTerm>().ToList();
                if (binary.Count == 0)
                {
                    continue;
                }
                var row = profile.Rows.Single(r => r.Kind == LayerRowKind.Layer && r.Name == layer.Name);
                var main = binary.OrderByDescending(t => t.Geometry.Kernel * t.Geometry.Kernel * model.Tensors[t.Input].Channels).First();
                rows.Add(new()
                {
                    ["core"] = board.Core,
                    ["network"] = label,
                    ["layer"] = layer.Name,
                    ["kernel"] = main.Geometry.Kernel,
                    ["in_channels"] = model.Tensors[main.Input].Channels,
                    ["act_bits"] = bits,
                    ["terms"] = layer.Terms.Length,
                    ["instructions"] = row.Total.Instructions,
                    ["binary_macs"] = row.BinaryMacs,
                    ["instructions_per_binary_mac"] = Math.Round(profile.InstructionsPerBinaryMac(row)!.Value, 4),
                });
            }
            Console.Error.WriteLine($"{board.Core} {label} {bits}-bit: {profile.SegmentInstructions:N0} instructions per inference, logits identical");
        }
    }
}

var document = new Dictionary<string, object> { ["rows"] = rows };
var full = new Dictionary<string, object> { ["rows"] = rows, ["inferences"] = inferences };
var indented = new JsonSerializerOptions { WriteIndented = true };
Directory.CreateDirectory(Path.GetDirectoryName(options.ResultsPath(repo))!);
File.WriteAllText(options.ResultsPath(repo), JsonSerializer.Serialize(full, indented) + "\n");
if (options.Json)
{
    Console.WriteLine(JsonSerializer.Serialize(document));
    return;
}
Console.WriteLine($"{"core",-4} {"network",-9} {"layer",-8} {"k",2} {"in_ch",5} {"bits",4} {"terms",5} {"instructions",13} {"binary_macs",12} {"insn/MAC",8}");
foreach (var r in rows)
{
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{r["core"],-4} {r["network"],-9} {r["layer"],-8} {r["kernel"],2} {r["in_channels"],5} {r["act_bits"],4} {r["terms"],5} {r["instructions"],13:N0} {r["binary_macs"],12:N0} {r["instructions_per_binary_mac"],8:F3}"));
}
Console.WriteLine();
foreach (var r in inferences)
{
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{r["core"],-4} {r["network"],-9} {r["act_bits"]}-bit: {r["instructions_per_inference"],13:N0} instructions per inference, flash {r["flash_bytes"]:N0} B, RAM {r["ram_bytes"]:N0} B ({r["kernels"]} kernels)"));
}
Console.WriteLine($"written: {options.ResultsPath(repo)}");

static string FindRepo()
{
    var dir = new DirectoryInfo(AppContext.BaseDirectory);
    while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Embedded.sln")))
    {
        dir = dir.Parent;
    }
    return dir?.FullName ?? throw new InvalidOperationException("repository root not found above " + AppContext.BaseDirectory);
}

/// <summary>Command-line options of the kernel benchmark.</summary>
internal sealed record BenchOptions(bool Json, bool Reference, string? Results, HashSet<string>? Cores, HashSet<string>? Networks, int[] Bits)
{
    public string ResultsPath(string repo) =>
        Results ?? Path.Combine(repo, "bench", "kernels", "results", Reference ? "kernels_reference.json" : "kernels.json");

    public static BenchOptions Parse(string[] args)
    {
        string? Value(string name)
        {
            int i = Array.IndexOf(args, name);
            return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
        }
        HashSet<string>? List(string name) => Value(name)?.Split(',', StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal);
        var bits = Value("--bits")?.Split(',').Select(b => int.Parse(b, CultureInfo.InvariantCulture)).ToArray() ?? [1, 2];
        var results = Value("--results");
        return new BenchOptions(args.Contains("--json"), args.Contains("--reference"), results is null ? null : Path.GetFullPath(results),
            List("--cores"), List("--networks"), bits);
    }
}
