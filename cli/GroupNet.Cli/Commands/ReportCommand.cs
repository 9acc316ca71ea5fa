using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using GroupNet.Cli.Reports;
using GroupNet.Firmware;
using GroupNet.Trainer.Data;

namespace GroupNet.Cli.Commands;

/// <summary>`groupnet report MODEL... --out DIR`: size, exact instructions, estimated cycles and accuracy
/// for every model x core x optimisation level, as Markdown, CSV, JSON and charts (SVG and PNG).</summary>
public static class ReportCommand
{
    public static Command Create()
    {
        var models = new Argument<string[]>("models")
        {
            Description = "deployment model files (.gndm), or seeded random models written random:k=2,bits=2,seed=1",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var gridFile = new Option<FileInfo?>("--grid") { Description = "YAML grid file (models, cores, opt, dataset, data, test_count, images, flash_wait_states); command-line models are added, command-line options win" };
        var cores = new Option<string>("--cores")
        {
            Description = "comma-separated cores or board names: " + string.Join(", ", Boards.All.Select(b => $"{b.Core} ({b.Name})")) + "; default all six",
            DefaultValueFactory = _ => string.Join(",", Boards.All.Select(b => b.Core)),
        };
        var opt = new Option<string>("--opt") { Description = "comma-separated GCC optimisation levels, e.g. O2,Os,O3, each optionally with :perchannel (the per-channel kernels on every core instead of the vertical kernel of the Thumb-2 cores: for 2- and 4-bit activations less flash, more instructions); one firmware build per level", DefaultValueFactory = _ => "O2" };
        var dataset = new Option<string>("--dataset") { Description = "test set for accuracy: mnist, fashion-mnist, or none", DefaultValueFactory = _ => "mnist" };
        var data = new Option<DirectoryInfo?>("--data") { Description = "data set folder (default .cache/mnist/package/data or .cache/fashion-mnist)" };
        var testCount = new Option<int>("--test-count") { Description = "test images for accuracy (C# integer reference; 0 = whole test set)", DefaultValueFactory = _ => 0 }.AtLeast(0);
        var images = new Option<int>("--images") { Description = "test images embedded in each firmware and run in QEMU (instructions are their mean; their logits are checked)", DefaultValueFactory = _ => 1 }.AtLeast(1);
        var waitStates = new Option<int>("--flash-wait-states") { Description = "flash wait states of the cycle-estimate timing model (docs/timing-model.md)", DefaultValueFactory = _ => 0 }.AtLeast(0);
        var jobs = new Option<int>("--jobs") { Description = "cells (build + QEMU run) at once", DefaultValueFactory = _ => Math.Max(1, Environment.ProcessorCount) }.AtLeast(1);
        var output = new Option<DirectoryInfo>("--out") { Description = "folder for report.md, report.csv, report.json and the charts, SVG and PNG (builds go to its work/ subfolder)", Required = true }.FolderToWrite();
        var json = new Option<bool>("--json") { Description = "also print the JSON document to stdout (progress goes to stderr)" };
        var command = new Command("report",
            "Flash, RAM, exact instructions, estimated cycles and accuracy of every model on every core and optimisation level: "
            + "writes report.md, report.csv, report.json and charts as SVG and PNG (accuracy vs instructions and vs flash, one panel per core; per-layer bars) into --out; groupnet charts redraws them from a saved report.json. "
            + "Cycles are always estimates from docs/timing-model.md: QEMU does not count DWT->CYCCNT. "
            + "A configuration that does not fit the board's part is a row 'does not fit: ...', not a failure.");
        command.Arguments.Add(models);
        foreach (var o in new Option[] { gridFile, cores, opt, dataset, data, testCount, images, waitStates, jobs, output, json })
        {
            command.Options.Add(o);
        }
        command.SetAction(parse =>
        {
            var watch = Stopwatch.StartNew();
            var file = parse.GetValue(gridFile) is { } g ? ReportGridFile.Load(g.FullName) : new ReportGridFile();
            // An option given on the command line wins over the grid file, which wins over the default.
            bool NotGiven(Option option) => parse.GetResult(option) is null or { Implicit: true };
            string Pick(Option<string> option, string? fromFile) => fromFile is not null && NotGiven(option) ? fromFile : parse.GetValue(option)!;
            int PickInt(Option<int> option, int? fromFile) => fromFile is { } v && NotGiven(option) ? v : parse.GetValue(option);
            var sources = file.Models.Concat(parse.GetValue(models) ?? []).ToArray();
            if (sources.Length == 0)
            {
                throw new UserInputException("no model: give .gndm files (or random:k=K,bits=B,seed=S) or a --grid file with models");
            }
            var reportModels = sources.Select(ReportModel.Load).ToArray();
            var boards = ParseBoards(Pick(cores, file.Cores));
            var levels = ParseLevels(Pick(opt, file.Opt));
            int imageCount = PickInt(images, file.Images);
            int testImages = PickInt(testCount, file.TestCount);
            int wait = PickInt(waitStates, file.FlashWaitStates);
            var dataFolder = parse.GetValue(data) ?? (file.Data is { } fd ? new DirectoryInfo(fd) : null);
            if (imageCount < 1)
            {
                throw new UserInputException("--images must be at least 1");
            }
            if (wait < 0)
            {
                throw new UserInputException("--flash-wait-states must be 0 or more");
            }
            int inputBytes = reportModels[0].Model.InputBytes;
            if (reportModels.Any(m => m.Model.InputBytes != inputBytes))
            {
                throw new UserInputException("all models of a report must take the same input size");
            }
            var test = LoadTestSet(Pick(dataset, file.Dataset), dataFolder, testImages, inputBytes);
            var embedded = test is { } t
                ? t.Images.Take(imageCount).ToArray()
                : RandomImages(imageCount, inputBytes);
            var grid = new ReportGrid
            {
                Models = reportModels,
                Boards = boards,
                OptimizationLevels = levels,
                Images = embedded,
                TestSet = test,
                FlashWaitStates = wait,
                Jobs = Math.Max(1, parse.GetValue(jobs)),
            };
            string outDir = parse.GetValue(output)!.FullName;
            bool printJson = parse.GetValue(json);
            var progress = printJson ? Console.Error : Console.Out;
            progress.WriteLine($"report: {reportModels.Length} model(s) x {boards.Count} core(s) x {levels.Count} level(s), {grid.Jobs} at a time");
            var runner = new ReportRunner(Cli.RepositoryRoot(), Path.Combine(outDir, "work"))
            {
                CellDone = c =>
                {
                    lock (progress)
                    {
                        progress.WriteLine(string.Create(CultureInfo.InvariantCulture,
                            $"  {c.Model.Label} {c.Board.Core} {c.OptimizationLevel}: {c.Status}{(c.InstructionsPerInference is { } n ? $", {n:N0} instructions, {c.CyclesPerInference:N0} cycles (estimate)" : string.Empty)} ({c.Seconds:F0} s)"));
                    }
                },
            };
            var cells = runner.Run(grid);
            string text = ReportFiles.Write(outDir, grid, cells);
            progress.WriteLine(ReportTables.Markdown(grid, cells, []).Split("\n## ")[0].TrimEnd());
            progress.WriteLine($"wrote {Path.Combine(outDir, ReportFiles.Markdown)}, {ReportFiles.Csv}, {ReportFiles.Json} and charts in {watch.Elapsed.TotalSeconds:F0} s");
            if (printJson)
            {
                Console.WriteLine(text);
            }
            return cells.Any(c => c.Status.StartsWith("error", StringComparison.Ordinal)) ? 1 : 0;
        });
        return command;
    }

    /// <summary>Cores (M4) or board names (mps2-an386), comma-separated, in the given order.</summary>
    public static IReadOnlyList<Board> ParseBoards(string text)
    {
        var boards = new List<Board>();
        foreach (var item in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var board = Boards.All.FirstOrDefault(b => string.Equals(b.Core, item, StringComparison.OrdinalIgnoreCase)
                || string.Equals("cortex-" + b.Core, item, StringComparison.OrdinalIgnoreCase)
                || string.Equals(b.Name, item, StringComparison.OrdinalIgnoreCase))
                ?? throw new UserInputException($"--cores: unknown core or board '{item}'; known: {string.Join(", ", Boards.All.Select(b => $"{b.Core}/{b.Name}"))}");
            if (!boards.Contains(board))
            {
                boards.Add(board);
            }
        }
        return boards.Count > 0 ? boards : throw new UserInputException("--cores: no core given");
    }

    /// <summary>Build configurations: a GCC optimisation level (O2 and -O2 both give -O2), optionally with
    /// <c>:perchannel</c> (O2:perchannel, Os:perchannel): the per-channel kernels on every core instead of the Thumb-2 cores'
    /// vertical kernel (<c>-DGN_HAVE_VCOUNT=0</c>): with 2- and 4-bit activations less flash for more instructions.</summary>
    public static IReadOnlyList<string> ParseLevels(string text)
    {
        var levels = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(l => l.StartsWith('-') ? l : "-" + l).Distinct().ToArray();
        foreach (var l in levels)
        {
            string level = l.EndsWith(PerChannelSuffix, StringComparison.Ordinal) ? l[..^PerChannelSuffix.Length] : l;
            if (level is not ("-O0" or "-O1" or "-O2" or "-O3" or "-Os" or "-Oz" or "-Og" or "-Ofast"))
            {
                throw new UserInputException($"--opt: '{l}' is not a GCC optimisation level (O0, O1, O2, O3, Os, Oz, Og, Ofast), optionally with {PerChannelSuffix} (Os{PerChannelSuffix})");
            }
        }
        return levels.Length > 0 ? levels : throw new UserInputException("--opt: no level given");
    }

    /// <summary>The suffix of a build configuration that uses the per-channel kernels everywhere.</summary>
    public const string PerChannelSuffix = ":perchannel";

    /// <summary>The C flags of a build configuration of <see cref="ParseLevels"/>.</summary>
    public static string CompilerFlags(string configuration) =>
        configuration.EndsWith(PerChannelSuffix, StringComparison.Ordinal)
            ? configuration[..^PerChannelSuffix.Length] + " -DGN_HAVE_VCOUNT=0"
            : configuration;

    private static (IReadOnlyList<byte[]> Images, byte[] Labels, string Name)? LoadTestSet(string dataset, DirectoryInfo? folder, int count, int inputBytes)
    {
        ImageDataset test;
        switch (dataset.ToLowerInvariant())
        {
            case "none":
                return null;
            case "mnist":
                test = MnistIdx.LoadSplit(folder?.FullName ?? Path.Combine(".cache", "mnist", "package", "data"), train: false);
                break;
            case "fashion-mnist" or "fashion":
                test = FashionMnistJson.LoadSplit(folder?.FullName ?? Path.Combine(".cache", "fashion-mnist"), train: false);
                dataset = "fashion-mnist";
                break;
            default:
                throw new UserInputException($"--dataset: '{dataset}' is not mnist, fashion-mnist or none");
        }
        // Evenly spaced images (class-balanced on the class-ordered Fashion-MNIST split).
        test = GroupNet.Cli.Experiments.ExperimentData.Subset(test, count);
        int n = test.Count;
        var images = test.ImageBytes(0, n);
        if (images.Count > 0 && images[0].Length != inputBytes)
        {
            throw new UserInputException($"the {dataset} images have {images[0].Length} bytes, the models expect {inputBytes}");
        }
        return (images, test.Labels.Take(n).ToArray(), dataset);
    }

    private static IReadOnlyList<byte[]> RandomImages(int count, int bytes)
    {
        var rng = new Random(7);
        return Enumerable.Range(0, count).Select(_ =>
        {
            var image = new byte[bytes];
            rng.NextBytes(image);
            return image;
        }).ToArray();
    }
}
