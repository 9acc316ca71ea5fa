using System.Text.Json;
using System.Xml.Linq;
using FluentAssertions;
using GroupNet.Cli.Reports;
using GroupNet.Deployment.Model;
using GroupNet.Firmware;

namespace GroupNet.EmulatorTests;

/// <summary>
/// `groupnet report` on a seeded random K=2 model for the M0 (16 KiB micro:bit: the model's RAM overflows)
/// and the M4: the documented files and shapes, the "does not fit" row, and a size split that sums to the
/// ELF's sections and is checked against the board's part.
/// </summary>
public class ReportCommandTests
{
    /// <summary>The per-channel build configuration (O2:perchannel) trades instructions for flash on a Thumb-2 core for 2-bit activations: the same
    /// model, bit-exact both ways, with less flash and more instructions than the vertical kernel's -O2 build.</summary>
    [Fact]
    public void Per_channel_kernels_take_less_flash_and_more_instructions_for_2_bit_layers_on_the_M4()
    {
        var model = ReportModel.Load("random:k=1,bits=2,seed=3");
        var images = TestImages.Make(1, model.Model.InputBytes, seed: 4);
        var grid = new ReportGrid
        {
            Models = [model],
            Boards = [Boards.Mps2An386],
            OptimizationLevels = GroupNet.Cli.Commands.ReportCommand.ParseLevels("O2,O2:perchannel"),
            Images = images,
            TestSet = null,
            Jobs = 2,
        };
        string outDir = RepositoryPaths.Scratch("report-perchannel");

        var cells = new ReportRunner(RepositoryPaths.Root, Path.Combine(outDir, "work")).Run(grid);

        cells.Should().HaveCount(2).And.OnlyContain(c => c.Status == "ok");
        cells.Select(c => c.Agreement).Should().Equal((1, 1), (1, 1));
        var fast = cells.Single(c => c.OptimizationLevel == "-O2");
        var compact = cells.Single(c => c.OptimizationLevel == "-O2:perchannel");
        compact.Memory!.FlashBytes.Should().BeLessThan(fast.Memory!.FlashBytes);
        compact.InstructionsPerInference.Should().BeGreaterThan(fast.InstructionsPerInference!.Value);
    }

    [Fact]
    public void Report_writes_markdown_csv_json_and_svg_with_the_documented_shape()
    {
        var model = ReportModel.Load("random:k=2,bits=2,seed=5");
        var testImages = TestImages.Make(12, model.Model.InputBytes, seed: 9);
        var labels = Enumerable.Range(0, testImages.Count).Select(i => (byte)(i % 10)).ToArray();
        var grid = new ReportGrid
        {
            Models = [model],
            Boards = [Boards.Microbit, Boards.Mps2An386],
            OptimizationLevels = ["-O2"],
            Images = testImages.Take(1).ToArray(),
            TestSet = (testImages, labels, "synthetic"),
            Jobs = 2,
        };
        string outDir = RepositoryPaths.Scratch("report-m0-m4");

        var cells = new ReportRunner(RepositoryPaths.Root, Path.Combine(outDir, "work")).Run(grid);
        string json = ReportFiles.Write(outDir, grid, cells);

        // The cells: M0 does not fit (a row, not a failure), M4 runs bit-exactly.
        cells.Should().HaveCount(2);
        var m0 = cells[0];
        m0.Board.Core.Should().Be("M0");
        m0.Status.Should().MatchRegex(@"^does not fit: RAM overflow by \d+ bytes$");
        m0.InstructionsPerInference.Should().BeNull();
        var m4 = cells[1];
        m4.Status.Should().Be("ok");
        m4.Agreement.Should().Be((1, 1));
        m4.Accuracy.Should().NotBeNull();
        m4.InstructionsPerInference.Should().BeGreaterThan(0);
        m4.CyclesPerInference.Should().BeGreaterThan(0);
        // Per-layer rows partition the inference (one image: exact).
        m4.Layers.Sum(l => l.InstructionsPerInference).Should().Be(m4.InstructionsPerInference!.Value);
        m4.Layers.Where(l => l.Kind == "layer").Select(l => l.Name).Should().Equal(model.Model.Layers.Select(l => l.Name));
        m4.Layers.Should().ContainSingle(l => l.Kind == "head");

        // Size: the split sums to arm-none-eabi-size's text + data and data + bss of the same ELF, and fits the part.
        string elf = Directory.GetFiles(Path.Combine(outDir, "work"), "gn_firmware.elf", SearchOption.AllDirectories).Single();
        var size = SizeReport.Parse(ArmSize(elf));
        var memory = m4.Memory!;
        memory.FlashBytes.Should().Be(size.FlashBytes);
        memory.StaticRamBytes.Should().Be(size.RamBytes);
        memory.WeightBytes.Should().Be(memory.Layers.Sum(l => l.WeightBytes));
        memory.TableBytes.Should().Be(memory.Layers.Sum(l => l.TableBytes));
        memory.TestImageBytes.Should().Be(model.Model.InputBytes);
        memory.ArenaBytes.Should().BeGreaterThan(0);
        memory.Layers.Where(l => l.Index >= 0).Should().OnlyContain(l => l.WeightBytes > 0 && l.CodeBytes > 0);
        (memory.FlashBytes <= Boards.Mps2An386.FlashBytes && memory.StaticRamBytes <= Boards.Mps2An386.StaticRamBytes).Should().BeTrue();
        m4.StackPeakBytes.Should().BeInRange(1, Boards.Mps2An386.StackBytes);

        // Files.
        string[] charts = [ReportCharts.AccuracyVsInstructions, ReportCharts.AccuracyVsFlash, ReportCharts.PerLayer(model.Label)];
        foreach (var file in new[] { ReportFiles.Markdown, ReportFiles.Csv, ReportFiles.Json }.Concat(charts.SelectMany(c => new[] { c + ".svg", c + ".png" })))
        {
            File.Exists(Path.Combine(outDir, file)).Should().BeTrue(file);
        }
        Directory.GetFiles(outDir, "*.svg").Should().HaveCount(charts.Length);
        foreach (var svg in Directory.GetFiles(outDir, "*.svg"))
        {
            XDocument.Load(svg).Root!.Name.LocalName.Should().Be("svg");
        }
        foreach (var png in Directory.GetFiles(outDir, "*.png"))
        {
            using var bitmap = SkiaSharp.SKBitmap.Decode(png);
            bitmap.Should().NotBeNull(png);
            bitmap.Width.Should().BeGreaterThan(0);
        }
        // The M4 cell ran and has a per-layer profile: its chart names the model's layers as the tables do.
        string perLayer = File.ReadAllText(Path.Combine(outDir, ReportCharts.PerLayer(model.Label) + ".svg"));
        perLayer.Should().Contain("Cortex-M4").And.Contain(m4.Layers.First(l => l.Kind == "layer").Name);
        File.ReadAllText(Path.Combine(outDir, ReportFiles.Json)).Trim().Should().Be(json);

        using var doc = JsonDocument.Parse(json);
        var root = doc.RootElement;
        root.GetProperty("cycles_source").GetString().Should().Be("estimate");
        root.GetProperty("test_set").GetProperty("images").GetInt32().Should().Be(12);
        var jsonCells = root.GetProperty("cells").EnumerateArray().ToArray();
        jsonCells.Should().HaveCount(2);
        foreach (var key in new[] { "model", "kind", "board", "core", "opt", "status", "fits", "accuracy", "instructions_per_inference", "cycles_per_inference", "cycles_source", "flash", "ram", "layers" })
        {
            jsonCells.Count(c => c.TryGetProperty(key, out var unused)).Should().Be(2, key);
        }
        jsonCells[0].GetProperty("fits").GetBoolean().Should().BeFalse();
        jsonCells[1].GetProperty("kind").GetString().Should().Be("binary");
        jsonCells[1].GetProperty("cycles_source").GetString().Should().Be("estimate");
        jsonCells[1].GetProperty("flash").GetProperty("total").GetInt64().Should().Be(size.FlashBytes);
        jsonCells[1].GetProperty("ram").GetProperty("arena").GetInt64().Should().Be(memory.ArenaBytes);
        jsonCells[1].GetProperty("layers").GetArrayLength().Should().Be(m4.Layers.Count);

        var csv = File.ReadAllLines(Path.Combine(outDir, ReportFiles.Csv));
        csv[0].Split(',').Should().Equal(ReportTables.CsvColumns);
        csv.Should().HaveCount(3);
        csv[1].Should().Contain("does not fit: RAM overflow by");

        var md = File.ReadAllText(Path.Combine(outDir, ReportFiles.Markdown));
        md.Should().Contain("cycles / inference (estimate)").And.Contain("| M0 | microbit | -O2 | does not fit: RAM overflow by")
            .And.Contain("[![accuracy-vs-instructions](accuracy-vs-instructions.png)](accuracy-vs-instructions.svg)");
    }

    [Fact]
    public void Report_measures_an_int8_network_like_the_binary_ones()
    {
        // The int8 comparison point: same columns (instructions, flash, RAM, accuracy), kind "int8", SMLAD kernel on M4.
        var model = ReportModel.Load("random:int8,seed=4");
        var testImages = TestImages.Make(4, model.Model.InputBytes, seed: 3);
        var grid = new ReportGrid
        {
            Models = [model],
            Boards = [Boards.Mps2An386],
            OptimizationLevels = ["-O2"],
            Images = testImages.Take(1).ToArray(),
            TestSet = (testImages, testImages.Select((_, i) => (byte)(i % 10)).ToArray(), "synthetic"),
            Jobs = 1,
        };
        string outDir = RepositoryPaths.Scratch("report-int8-m4");

        var cell = new ReportRunner(RepositoryPaths.Root, Path.Combine(outDir, "work")).Run(grid).Single();
        string json = ReportFiles.Write(outDir, grid, [cell]);

        cell.Status.Should().Be("ok");
        cell.Agreement.Should().Be((1, 1));
        cell.Accuracy.Should().NotBeNull();
        cell.Layers.Sum(l => l.InstructionsPerInference).Should().Be(cell.InstructionsPerInference!.Value);
        cell.Layers.Where(l => l.Kind == "layer").Select(l => l.Name).Should().Equal(model.Model.Layers.Select(l => l.Name));
        var memory = cell.Memory!;
        // int8 weights: one byte per weight, all of them in the weights column.
        memory.WeightBytes.Should().BeGreaterThanOrEqualTo(model.Model.Layers.SelectMany(l => l.Terms).OfType<Int8ConvTerm>().Sum(t => (long)t.Weights.Length));
        memory.Layers.Where(l => l.Index >= 0).Should().OnlyContain(l => l.WeightBytes > 0 && l.TableBytes > 0);
        memory.ArenaBytes.Should().BeGreaterThan(0);
        using var doc = JsonDocument.Parse(json);
        doc.RootElement.GetProperty("cells")[0].GetProperty("kind").GetString().Should().Be("int8");
    }

    private static string ArmSize(string elf)
    {
        using var process = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("arm-none-eabi-size", [elf]) { RedirectStandardOutput = true })!;
        string text = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        process.ExitCode.Should().Be(0);
        return text;
    }
}
