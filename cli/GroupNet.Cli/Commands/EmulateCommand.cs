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
        var board = new Option<string>("--board") { Description = "target board: " + string.Join(", ", Boards.All.Select(b => b.Name)), DefaultValueFactory = _ => "mps2-an386" };
        var images = new Option<FileInfo>("--images") { Description = "IDX images to run", Required = true };
        var count = new Option<int>("--count") { Description = "how many images (embedded in the firmware)", DefaultValueFactory = _ => 32 };
        var countInstructions = new Option<bool>("--count-instructions") { Description = "count executed instructions per inference with the project's QEMU plugin" };
        var output = new Option<DirectoryInfo>("--out") { Description = "work folder for generated code and build", DefaultValueFactory = _ => new DirectoryInfo(Path.Combine("out", "emulate")) };
        var json = new Option<bool>("--json") { Description = "print one JSON object with the results" };
        var command = new Command("emulate", "Build the firmware, run it in QEMU and compare its logits with the managed reference");
        command.Arguments.Add(model);
        foreach (var o in new Option[] { board, images, count, countInstructions, output, json })
        {
            command.Options.Add(o);
        }
        command.SetAction(parse =>
        {
            var m = ModelFile.Load(parse.GetValue(model)!.FullName);
            var b = Boards.Get(parse.GetValue(board)!);
            var testImages = GenerateCommand.LoadImages(parse.GetValue(images)!.FullName, parse.GetValue(count), m.InputBytes);
            string work = parse.GetValue(output)!.FullName;
            var result = new FirmwareAgreement(Cli.RepositoryRoot()).Run(m, b, testImages, work, parse.GetValue(countInstructions));
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
                    instructions_per_inference = counts,
                }, Cli.JsonOptions));
            }
            else
            {
                Console.WriteLine($"firmware: {b.Name} (Cortex-{b.Core}), {result.ElfPath}");
                Console.WriteLine($"flash: {N(result.Size.FlashBytes)} bytes (text {N(result.Size.Text)} + data {N(result.Size.Data)})");
                Console.WriteLine($"RAM: {N(result.Size.RamBytes)} bytes static (data {N(result.Size.Data)} + bss {N(result.Size.Bss)}), stack peak {(result.Run.StackPeakBytes is { } s ? N(s) + " bytes" : "not reported")}");
                if (counts is { Count: > 0 })
                {
                    Console.WriteLine($"instructions per inference: {N((long)counts.Average())} (min {N(counts.Min())}, max {N(counts.Max())}, exact, over {counts.Count} images)");
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

    private static string N(long v) => v.ToString("N0", CultureInfo.InvariantCulture);
}
