using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using GroupNet.Deployment.Format;
using GroupNet.Deployment.Model;
using GroupNet.Deployment.Reference;
using GroupNet.Firmware;
using GroupNet.Trainer.Data;

// The complete MNIST and Fashion-MNIST test sets (10,000 images each) through the streaming firmware
// (firmware/common/gn_stream_main.c: images read from a host file over semihosting, one QEMU run per
// slice) on each board, and through the managed integer reference; every logit compared.
// Usage: FullAgreement --model DATASET=PATH.gndm ... [--boards a,b] [--count N] [--jobs J] [--results DIR] [--no-small-network]
//   DATASET: mnist or fashion-mnist. Prints per dataset and core "N/N logits identical" and the wall times.
//   Where a trained model does not fit a board (the 16 KiB Cortex-M0), the board runs the same images through
//   the small agreement network instead (unless --no-small-network): seeded random integer weights, K=1,
//   2-bit, channels 8/16/32, downsampling in its first group (the M0 network of the emulator tests), and the
//   result row says so.

var models = new List<(string Dataset, string Path)>();
var boardNames = Boards.All.Select(b => b.Name).ToList();
int count = 10000;
int jobs = 2;
string repo = FindRepo();
string resultsDir = Path.Combine(repo, "bench", "full_agreement", "results");
bool smallNetwork = true;
for (int i = 0; i < args.Length; i++)
{
    string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
    switch (args[i])
    {
        case "--model":
            var v = Next().Split('=', 2);
            if (v.Length != 2 || v[0] is not ("mnist" or "fashion-mnist"))
            {
                throw new ArgumentException("--model takes mnist=PATH or fashion-mnist=PATH");
            }
            models.Add((v[0], Path.GetFullPath(v[1])));
            break;
        case "--boards": boardNames = Next().Split(',', StringSplitOptions.RemoveEmptyEntries).ToList(); break;
        case "--count": count = int.Parse(Next(), CultureInfo.InvariantCulture); break;
        case "--jobs": jobs = int.Parse(Next(), CultureInfo.InvariantCulture); break;
        case "--results": resultsDir = Path.GetFullPath(Next()); break;
        case "--no-small-network": smallNetwork = false; break;
        default: throw new ArgumentException($"unknown argument {args[i]}");
    }
}
if (models.Count == 0)
{
    throw new ArgumentException("give at least one --model mnist=PATH or --model fashion-mnist=PATH");
}

Directory.CreateDirectory(resultsDir);
string resultsFile = Path.Combine(resultsDir, "full_agreement.json");
var previousRuns = File.Exists(resultsFile) ? File.ReadAllText(resultsFile) : null;
var total = Stopwatch.StartNew();
var rows = new List<Dictionary<string, object?>>();
bool allIdentical = true;
foreach (var (dataset, modelPath) in models)
{
    var model = ModelFile.Load(modelPath);
    var images = LoadTestImages(repo, dataset, count);
    if (images[0].Length != model.InputBytes)
    {
        throw new ArgumentException($"{modelPath} expects {model.InputBytes}-byte images, {dataset} has {images[0].Length}");
    }
    var clock = Stopwatch.StartNew();
    var expected = new ReferenceExecutor(model).InferMany(images, Math.Max(1, jobs));
    double referenceSeconds = clock.Elapsed.TotalSeconds;
    Console.WriteLine($"{dataset}: model {model.Name} ({model.Description}), {images.Count} test images; C# reference {referenceSeconds:F1} s");
    foreach (var name in boardNames)
    {
        var board = Boards.Get(name);
        string work = Path.Combine(Path.GetTempPath(), "gn-full-agreement", dataset, board.Name);
        var row = new Dictionary<string, object?>
        {
            ["dataset"] = dataset,
            ["model"] = model.Name,
            ["model_description"] = model.Description,
            ["model_hash"] = ModelFile.Hash(model),
            ["board"] = board.Name,
            ["core"] = board.Core,
            ["images"] = images.Count,
            ["reference_seconds"] = Math.Round(referenceSeconds, 1),
        };
        try
        {
            RunBoard(model, expected, board, dataset, images, work, row);
        }
        catch (ExternalToolException e) when (FirmwareBuilder.FindOverflows(e.Output).Count > 0)
        {
            string why = e.Message.Split('\n')[0].Trim();
            if (!smallNetwork)
            {
                Console.WriteLine($"{dataset} Cortex-{board.Core} ({board.Name}): not run, the model does not fit: {why}");
                row["skipped"] = why;
            }
            else
            {
                Console.WriteLine($"{dataset} Cortex-{board.Core} ({board.Name}): model {model.Name} does not fit ({why}); running the small agreement network");
                var small = SmallAgreementNetwork();
                clock.Restart();
                var smallExpected = new ReferenceExecutor(small).InferMany(images, Math.Max(1, jobs));
                row["model"] = small.Name;
                row["model_description"] = small.Description;
                row["model_hash"] = ModelFile.Hash(small);
                row["reference_seconds"] = Math.Round(clock.Elapsed.TotalSeconds, 1);
                row["instead_of"] = $"{model.Name} ({model.Description}): {why}";
                RunBoard(small, smallExpected, board, dataset, images, work + "-small", row);
            }
        }
        rows.Add(row);
        WriteResults();
    }
}
Console.WriteLine($"wall time: {total.Elapsed.TotalSeconds:F0} s in all");
WriteResults(finished: true);
Console.WriteLine($"results: {resultsFile}");
return allIdentical ? 0 : 1;

// Writes the results file (rows of this run so far, plus the kept rows of other boards): called after every
// board, so an interrupted run keeps what it measured.
void WriteResults(bool finished = false)
{
    // A run over some boards updates their rows and keeps the other boards' rows of earlier runs (each row has
    // its own date, model hash and times), so the M0 can be re-run without re-running five other cores.
    string today = DateTime.UtcNow.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
    foreach (var row in rows)
    {
        row["date"] = today;
    }
    var kept = new List<JsonElement>();
    if (previousRuns is not null)
    {
        using var previous = JsonDocument.Parse(previousRuns);
        string previousDate = previous.RootElement.TryGetProperty("date", out var d) ? d.GetString() ?? "" : "";
        foreach (var old in previous.RootElement.GetProperty("runs").EnumerateArray())
        {
            string key = old.GetProperty("dataset").GetString() + "/" + old.GetProperty("board").GetString();
            if (!rows.Any(r => $"{r["dataset"]}/{r["board"]}" == key))
            {
                var copy = JsonSerializer.Deserialize<Dictionary<string, object?>>(old.GetRawText())!;
                copy.TryAdd("date", previousDate);
                kept.Add(JsonSerializer.SerializeToElement(copy));
            }
        }
    }
    var allRows = kept.Select(k => (object?)k).Concat(rows.Select(r => (object?)r))
        .OrderBy(r => r is JsonElement e ? e.GetProperty("dataset").GetString() : (string)((Dictionary<string, object?>)r!)["dataset"]!, StringComparer.Ordinal)
        .ThenBy(r => Boards.All.ToList().FindIndex(b => b.Name == (r is JsonElement e ? e.GetProperty("board").GetString() : (string)((Dictionary<string, object?>)r!)["board"]!)))
        .ToList();
    var summary = new Dictionary<string, object?>
    {
        ["date"] = today,
        ["host_cpus"] = Environment.ProcessorCount,
        ["wall_seconds"] = Math.Round(total.Elapsed.TotalSeconds, 1),
        ["boards_this_run"] = boardNames,
        ["this_run_finished"] = finished,
        ["note"] = "streaming firmware (gn_firmware_stream), images over semihosting; every logit compared with the C# integer reference; wall_seconds: this run (boards_this_run); rows of other boards are kept from earlier runs with their date",
        ["runs"] = allRows,
    };
    File.WriteAllText(resultsFile + ".tmp", JsonSerializer.Serialize(summary, new JsonSerializerOptions { WriteIndented = true }) + "\n");
    File.Move(resultsFile + ".tmp", resultsFile, overwrite: true);
}

// Runs one model on one board (StreamingAgreement) and fills the row; prints "N/N logits identical" and the times.
void RunBoard(DeploymentModel model, int[][] expected, Board board, string dataset, IReadOnlyList<byte[]> images, string work,
    Dictionary<string, object?> row)
{
    var clock = Stopwatch.StartNew();
    var result = new StreamingAgreement(repo) { Jobs = jobs }.Run(model, board, images, work, expected);
    double seconds = clock.Elapsed.TotalSeconds;
    Console.WriteLine($"{dataset} Cortex-{board.Core} ({board.Name}): {result.IdenticalImages}/{result.Images} logits identical "
        + $"(wall {seconds:F0} s: build + {result.EmulatorTime.TotalSeconds:F0} s in QEMU, {result.Jobs} processes; flash {result.Size.FlashBytes:N0} B, RAM {result.Size.RamBytes:N0} B, stack {result.StackPeakBytes} B; model {model.Name})");
    if (!result.Identical)
    {
        Console.WriteLine(LogitMismatch.Describe(result.Mismatches));
        allIdentical = false;
    }
    row["identical"] = result.IdenticalImages;
    row["mismatched_logits"] = result.Mismatches.Count;
    row["wall_seconds"] = Math.Round(seconds, 1);
    row["emulator_seconds"] = Math.Round(result.EmulatorTime.TotalSeconds, 1);
    row["qemu_processes"] = result.Jobs;
    row["flash_bytes"] = result.Size.FlashBytes;
    row["ram_bytes"] = result.Size.RamBytes;
    row["stack_bytes"] = result.StackPeakBytes;
}

// The Cortex-M0 network of the emulator tests: only the stem output is 28x28, so it fits 14 KiB of RAM.
static DeploymentModel SmallAgreementNetwork() => new RandomModelBuilder
{
    Seed = 1,
    Name = "small_agreement",
    Branches = 1,
    ActivationBits = 2,
    Channels = [8, 16, 32],
    Strides = [2, 2, 2],
}.Build();

static IReadOnlyList<byte[]> LoadTestImages(string repo, string dataset, int count)
{
    ImageDataset test = dataset == "mnist"
        ? MnistIdx.LoadSplit(Path.Combine(repo, ".cache", "mnist", "package", "data"), train: false)
        : FashionMnistJson.LoadSplit(Path.Combine(repo, ".cache", "fashion-mnist"), train: false);
    int n = Math.Min(count, test.Count);
    int size = test.ImageSize;
    return Enumerable.Range(0, n).Select(i => test.Pixels.AsSpan(i * size, size).ToArray()).ToArray();
}

static string FindRepo()
{
    var dir = new DirectoryInfo(AppContext.BaseDirectory);
    while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Embedded.sln")))
    {
        dir = dir.Parent;
    }
    return dir?.FullName ?? throw new InvalidOperationException("repository root not found above " + AppContext.BaseDirectory);
}
