using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using GroupNet.Deployment.Format;
using GroupNet.Firmware;

namespace GroupNet.Cli.Commands;

/// <summary>`groupnet emulate MODEL --board NAME --images IDX`: generate, build, run in QEMU and
/// compare every logit with the managed reference.</summary>
public static class EmulateCommand
{
    public static Command Create()
    {
        var model = new Argument<FileInfo>("model") { Description = "deployment model file (.gndm)" };
        var board = new Option<string>("--board") { Description = "target board: " + string.Join(", ", Boards.All.Select(b => b.Name)), DefaultValueFactory = _ => "mps2-an386" }.KnownBoard();
        var images = new Option<FileInfo>("--images") { Description = "IDX images to run", Required = true };
        var count = new Option<int>("--count") { Description = "how many images (embedded in the firmware)", DefaultValueFactory = _ => 32 }.AtLeast(1);
        var countInstructions = new Option<bool>("--count-instructions") { Description = "count executed instructions per inference with the project's QEMU plugin" };
        var perLayer = new Option<bool>("--per-layer") { Description = "attribute the counted instructions to layers, with instruction-class histograms (implies --count-instructions)" };
        var output = new Option<DirectoryInfo>("--out") { Description = "work folder for generated code and build", DefaultValueFactory = _ => new DirectoryInfo(Path.Combine("out", "emulate")) }.FolderToWrite();
        var json = new Option<bool>("--json") { Description = "print one JSON object with the results" };
        var command = new Command("emulate", "Build the firmware, run it in QEMU and compare its logits with the managed reference");
        command.Arguments.Add(model);
        foreach (var o in new Option[] { board, images, count, countInstructions, perLayer, output, json })
        {
            command.Options.Add(o);
        }
        command.SetAction(parse =>
        {
            var m = ModelFile.Load(parse.GetValue(model)!.FullName);
            var b = Boards.Get(parse.GetValue(board)!);
            var testImages = GenerateCommand.LoadImages(parse.GetValue(images)!.FullName, parse.GetValue(count), m.InputBytes);
            string work = parse.GetValue(output)!.FullName;
            var result = new FirmwareAgreement(Cli.RepositoryRoot()).Run(m, b, testImages, work, parse.GetValue(countInstructions), parse.GetValue(perLayer));
            var counts = result.Run.InstructionsPerInference;
            if (parse.GetValue(json))
            {
                Console.WriteLine(JsonSerializer.Serialize(new
                {
                    board = b.Name,
                    core = b.Core,
                    images = result.Images,
                    identical = result.IdenticalImages,
                    flash_bytes = result.Size.FlashBytes,
                    ram_bytes = result.Size.RamBytes,
                    stack_bytes = result.Run.StackPeakBytes,
                    stack_static_bytes = result.StackUsage?.WorstCaseBytes,
                    stack_static_path = result.StackUsage?.Path.Select(f => new { function = f.Function, frame_bytes = f.FrameBytes }),
                    instructions_per_inference = counts,
                    per_layer = result.Layers is { } layers ? LayersJson(layers) : null,
                }, Cli.JsonOptions));
            }
            else
            {
                Console.WriteLine($"firmware: {b.Name} (Cortex-{b.Core}), {result.ElfPath}");
                Console.WriteLine($"flash: {N(result.Size.FlashBytes)} bytes (text {N(result.Size.Text)} + data {N(result.Size.Data)})");
                Console.WriteLine($"RAM: {N(result.Size.RamBytes)} bytes static (data {N(result.Size.Data)} + bss {N(result.Size.Bss)}), stack peak {(result.Run.StackPeakBytes is { } s ? N(s) + " bytes" : "not reported")}");
                if (result.StackUsage is { } stack)
                {
                    Console.WriteLine($"stack (-fstack-usage, static): {stack.Summary()}");
                }
                if (counts is { Count: > 0 })
                {
                    Console.WriteLine($"instructions per inference: {N((long)counts.Average())} (min {N(counts.Min())}, max {N(counts.Max())}, exact, over {counts.Count} images)");
                }
                if (result.Layers is { } layers)
                {
                    PrintLayers(layers);
                }
                Console.WriteLine($"{result.IdenticalImages}/{result.Images} logits identical");
            }
            if (!result.Identical)
            {
                Console.Error.WriteLine(LogitMismatch.Describe(result.Mismatches));
                return 1;
            }
            return 0;
        });
        return command;
    }

    private static readonly (string Class, string Header)[] ClassColumns =
    [
        ("alu", "alu"), ("mul", "mul"), ("mul_long", "mull"), ("div", "div"), ("load", "ld"), ("store", "st"),
        ("ldm", "ldm"), ("stm", "stm"), ("branch", "br"), ("branch_cond_taken", "bc-t"), ("branch_cond_not_taken", "bc-n"), ("other", "oth"),
    ];

    /// <summary>Table: per layer (then other code) instructions per inference, share, binary MACs,
    /// instructions per binary MAC and the class histogram in percent of the row's instructions.</summary>
    private static void PrintLayers(LayerProfile p)
    {
        Console.WriteLine();
        Console.WriteLine($"per layer, instructions per inference ({(p.Inferences == 1 ? "exact, 1 image" : $"exact sums over {p.Inferences} images / {p.Inferences}")}); class histogram in % of the row:");
        string header = $"{"layer",-24} {"instructions",13} {"share",6} {"binary MACs",12} {"insn/MAC",8}";
        foreach (var (_, h) in ClassColumns)
        {
            header += $" {h,5}";
        }
        Console.WriteLine(header);
        void Row(string name, double perInference, double share, long macs, double? perMac, InstructionMix mix)
        {
            var line = string.Create(CultureInfo.InvariantCulture,
                $"{Trim(name, 24),-24} {perInference,13:N0} {share * 100,5:F1}% {(macs > 0 ? N(macs) : "-"),12} {(perMac is { } m ? m.ToString("F3", CultureInfo.InvariantCulture) : "-"),8}");
            foreach (var (c, _) in ClassColumns)
            {
                double pct = mix.Instructions == 0 ? 0 : 100.0 * mix[c] / mix.Instructions;
                line += string.Create(CultureInfo.InvariantCulture, $" {pct,5:F1}");
            }
            Console.WriteLine(line);
        }
        foreach (var r in p.Rows)
        {
            Row(r.Name, p.PerInference(r), p.Share(r), r.BinaryMacs, p.InstructionsPerBinaryMac(r), r.Total);
        }
        long macs = p.Rows.Sum(r => r.BinaryMacs);
        double total = (double)p.SegmentInstructions / p.Inferences;
        Row("total (inference)", total, 1.0, macs, macs > 0 ? total / macs : null, p.Total);
    }

    private static object LayersJson(LayerProfile p) => new
    {
        inferences = p.Inferences,
        segment_instructions = p.SegmentInstructions,
        note = "instructions and classes are exact sums over all inference segments; *_per_inference = sum / inferences",
        class_names = InstructionMix.ClassNames,
        rows = p.Rows.Select(r => new
        {
            kind = r.Kind == LayerRowKind.Layer ? "layer" : "other",
            name = r.Name,
            functions = r.Functions,
            instructions = r.Total.Instructions,
            instructions_per_inference = p.PerInference(r),
            share = p.Share(r),
            binary_macs_per_inference = r.BinaryMacs,
            instructions_per_binary_mac = p.InstructionsPerBinaryMac(r),
            classes = r.Total.Classes,
            transfer_registers = r.Total.TransferRegisters,
            pc_loads = r.Total.PcLoads,
        }),
        total = new
        {
            instructions = p.Total.Instructions,
            classes = p.Total.Classes,
            transfer_registers = p.Total.TransferRegisters,
            pc_loads = p.Total.PcLoads,
        },
    };

    private static string Trim(string s, int width) => s.Length <= width ? s : s[..(width - 1)] + "~";

    private static string N(long v) => v.ToString("N0", CultureInfo.InvariantCulture);
}
