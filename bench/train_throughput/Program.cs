using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using GroupNet.Trainer.Data;
using GroupNet.Trainer.Models;
using GroupNet.Trainer.Training;

// Training throughput of the trainer (TorchSharp) on the tiny reference Group-Net (stem 1->16, groups 16 / 32 s2 / 64 s2, GAP, linear
// 64->10) on 28x28 inputs: images per second of forward + backward + Nesterov SGD step at batch 128 on 2
// threads, the median of --steps timed steps after --warmup untimed ones, and the peak memory of doing so.
//
// Peak memory = the peak resident set (VmHWM of /proc/self/status) of a process that runs one setting and
// nothing else: every setting runs in a child process of its own, so the figure is that setting's peak,
// including the .NET runtime (and, for PyTorch, the Python interpreter and libtorch).
//
// Where PyTorch imports (scripts/setup-bench.sh installs Debian's python3-torch), each setting also runs in
// PyTorch (torch_bench.py beside this file, the same network, torch.set_num_threads(2)) right after ours, in the
// same run, and the ratio ours / PyTorch is printed.
//
// Usage: TrainThroughput [--json] [--steps N] [--warmup N] [--threads N] [--batch N] [--no-pytorch]
//                        [--python PATH] [--results PATH] [--previous-engine PATH]
//   --previous-engine  the retired engine's benchmark binary (previous-engine.sh builds it and passes it): each
//                      setting also runs there, in the same run
//   --json      print exactly one JSON object {"settings": [...]} on stdout (progress goes to stderr)
//   --results   where the results file goes (default bench/results/train_throughput.json in the repo)
// Internal: --one NAME runs one setting of ours and prints one JSON line.
var options = BenchOptions.Parse(args);
if (options.One is { } one)
{
    Console.WriteLine(Bench.RunOurs(Bench.Find(one), options).ToJsonString());
    return 0;
}
return Bench.RunAll(options);

/// <summary>One benchmark setting: K bases and activation bits (32 = the full-precision network).</summary>
internal sealed record Setting(string Name, int Bases, int ActivationBits);

/// <summary>Command-line options.</summary>
internal sealed record BenchOptions
{
    public bool Json { get; init; }
    public int Steps { get; init; } = 15;
    public int Warmup { get; init; } = 3;
    public int Threads { get; init; } = 2;
    public int Batch { get; init; } = 128;
    public bool PyTorch { get; init; } = true;
    public string? Python { get; init; }
    public string? Results { get; init; }
    public string? One { get; init; }
    public string? PreviousEngine { get; init; }

    public static BenchOptions Parse(string[] args)
    {
        var o = new BenchOptions();
        for (int i = 0; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            int Int() => int.Parse(Value(), CultureInfo.InvariantCulture);
            o = args[i] switch
            {
                "--json" => o with { Json = true },
                "--steps" => o with { Steps = Int() },
                "--warmup" => o with { Warmup = Int() },
                "--threads" => o with { Threads = Int() },
                "--batch" => o with { Batch = Int() },
                "--no-pytorch" => o with { PyTorch = false },
                "--python" => o with { Python = Value() },
                "--results" => o with { Results = Value() },
                "--one" => o with { One = Value() },
                "--previous-engine" => o with { PreviousEngine = Value() },
                _ => throw new ArgumentException($"unknown argument {args[i]}"),
            };
        }
        if (o.Steps < 1 || o.Warmup < 0 || o.Threads < 1 || o.Batch < 1)
        {
            throw new ArgumentException("steps, threads and batch must be >= 1, warm-up >= 0");
        }
        return o;
    }
}

internal static class Bench
{
    public static readonly Setting[] Settings =
    [
        new("full precision", 1, 32),
        new("v1 K=1 W1A2", 1, 2),
        new("v1 K=5 W1A2", 5, 2),
        new("v1 K=5 W1A1", 5, 1),
    ];

    public static Setting Find(string name) =>
        Settings.FirstOrDefault(s => s.Name == name) ?? throw new ArgumentException($"no setting named '{name}'");

    /// <summary>Runs one setting in this process (a child of <see cref="RunAll"/>).</summary>
    public static JsonObject RunOurs(Setting setting, BenchOptions options)
    {
        var result = new JsonObject { ["name"] = setting.Name };
        using var ctx = new TrainingContext(seed: 1, threads: options.Threads);
        var config = setting.ActivationBits == 32
            ? new ModelConfig(NetworkKind.Tiny, StructureKind.Baseline, 1, 32, 32)
            : new ModelConfig(NetworkKind.Tiny, setting.Bases == 1 ? StructureKind.Baseline : StructureKind.V1, setting.Bases, 1, setting.ActivationBits);
        var model = ModelFactory.Create(config, ctx);
        var trainer = new Trainer(model, new TrainerOptions { BatchSize = options.Batch, CollectWrappersEachStep = true }, 60000);
        var data = RandomImages(options.Batch, seed: 3);
        var loader = new DataLoader(data, new DataLoaderOptions { BatchSize = options.Batch, Prefetch = false });
        model.train();
        var times = new List<double>();
        for (int step = 0; step < options.Warmup + options.Steps; step++)
        {
            using var scope = TorchSharp.torch.NewDisposeScope();
            var batch = loader.Epoch(0).First();
            var sw = Stopwatch.StartNew();
            trainer.TrainStep(batch);
            // As Trainer.TrainEpoch does with CollectWrappersEachStep (this loop calls TrainStep directly); timed.
            GroupNet.Trainer.Native.NativeHeap.CollectWrappers();
            if (step >= options.Warmup)
            {
                times.Add(sw.Elapsed.TotalSeconds);
            }
        }
        double median = Median(times);
        result["images_per_second"] = Math.Round(options.Batch / median, 1);
        result["peak_bytes"] = PeakResidentBytes();
        result["median_step_seconds"] = Math.Round(median, 5);
        return result;
    }

    /// <summary>Runs every setting (ours, then PyTorch's when available), prints the table or the JSON and writes the results file.</summary>
    public static int RunAll(BenchOptions options)
    {
        var log = options.Json ? Console.Error : Console.Out;
        string root = RepositoryRoot();
        string script = Path.Combine(root, "bench", "train_throughput", "torch_bench.py");
        string? python = options.PyTorch ? FindPython(options.Python) : null;
        string load = File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Trim() : "n/a";
        log.WriteLine($"train_throughput: batch {options.Batch}, {options.Threads} threads, median of {options.Steps} steps after {options.Warmup} warm-up; " +
                      $"{Environment.ProcessorCount} cores, load average at start {load}");
        log.WriteLine(python is null
            ? "PyTorch: not run (" + (options.PyTorch ? "no python3 imports torch; scripts/setup-bench.sh installs Debian python3-torch" : "--no-pytorch") + ")"
            : $"PyTorch: {Capture(python, ["-c", "import torch; print(torch.__version__)"]).Trim()} via {python}");
        var settings = new JsonArray();
        foreach (var setting in Settings)
        {
            var ours = Child(Environment.ProcessPath!, SelfArguments(setting, options));
            if (options.PreviousEngine is { } previous)
            {
                // The retired engine's own benchmark binary (bench/train_throughput/previous-engine.sh builds it), run
                // on the same setting in the same run, between ours and PyTorch.
                var old = Child(previous, ["--one", setting.Name, "--steps", Str(options.Steps), "--warmup", Str(options.Warmup),
                    "--threads", Str(options.Threads), "--batch", Str(options.Batch)]);
                ours["previous_engine_images_per_second"] = old["images_per_second"]?.DeepClone();
                ours["previous_engine_peak_bytes"] = old["peak_bytes"]?.DeepClone();
            }
            if (python is not null)
            {
                var torch = Child(python, [script, "--setting", setting.Name, "--steps", Str(options.Steps), "--warmup", Str(options.Warmup),
                    "--threads", Str(options.Threads), "--batch", Str(options.Batch)]);
                if (torch["images_per_second"] is JsonValue tv && tv.TryGetValue(out double tips))
                {
                    ours["pytorch_images_per_second"] = tips;
                    ours["pytorch_peak_bytes"] = torch["peak_bytes"]?.DeepClone();
                    if (ours["images_per_second"] is JsonValue ov && ov.TryGetValue(out double oips))
                    {
                        ours["ratio"] = Math.Round(oips / tips, 3);
                    }
                }
                else
                {
                    ours["pytorch_skipped"] = torch["skipped"]?.DeepClone() ?? torch["error"]?.DeepClone() ?? "no result";
                }
            }
            if (!ours.ContainsKey("images_per_second"))
            {
                ours["images_per_second"] = null;
                ours["peak_bytes"] = null;
            }
            log.WriteLine($"  {Row(ours)}");
            settings.Add(ours);
        }
        var output = new JsonObject { ["settings"] = settings };
        var file = new JsonObject
        {
            ["settings"] = settings.DeepClone(),
            ["conditions"] = new JsonObject
            {
                ["batch"] = options.Batch, ["threads"] = options.Threads, ["steps"] = options.Steps, ["warmup"] = options.Warmup,
                ["cores"] = Environment.ProcessorCount, ["load_average_at_start"] = load,
                ["pytorch"] = python is null ? null : Capture(python, ["-c", "import torch; print(torch.__version__)"]).Trim(),
                ["ours"] = "TorchSharp 0.107.0 (LibTorch 2.10.0, CPU)",
                ["previous_engine"] = options.PreviousEngine is null ? null : "the project's own engine before TorchSharp (commit b26e484), bench/train_throughput/previous-engine.sh",
                ["peak_bytes"] = "peak resident set (VmHWM) of a process running that one setting, runtime included",
            },
        };
        string results = options.Results ?? Path.Combine(root, "bench", "results", "train_throughput.json");
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(results))!);
        var tmp = results + ".tmp";
        File.WriteAllText(tmp, file.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
        File.Move(tmp, results, overwrite: true);
        if (options.Json)
        {
            Console.WriteLine(output.ToJsonString());
        }
        else
        {
            Console.WriteLine();
            Console.WriteLine(Table(settings, python is not null, options.PreviousEngine is not null));
            Console.WriteLine($"results: {results}");
        }
        return 0;
    }

    private static string Str(int v) => v.ToString(CultureInfo.InvariantCulture);

    private static string[] SelfArguments(Setting setting, BenchOptions o)
    {
        var list = new List<string>();
        // Run as "dotnet TrainThroughput.dll" when started that way, else through the app host.
        if (Path.GetFileNameWithoutExtension(Environment.ProcessPath!) == "dotnet")
        {
            list.Add(typeof(Bench).Assembly.Location);
        }
        list.AddRange(["--one", setting.Name, "--steps", Str(o.Steps), "--warmup", Str(o.Warmup), "--threads", Str(o.Threads), "--batch", Str(o.Batch)]);
        return list.ToArray();
    }

    private static string Row(JsonObject r)
    {
        string name = r["name"]!.GetValue<string>();
        if (r["skipped"] is { } why)
        {
            return $"{name}: skipped ({why.GetValue<string>()})" + (r["pytorch_images_per_second"] is { } p ? $"; PyTorch {p} img/s" : "");
        }
        return $"{name}: {r["images_per_second"]} img/s, peak {Mib(r["peak_bytes"])}" +
               (r["pytorch_images_per_second"] is { } t ? $"; PyTorch {t} img/s, peak {Mib(r["pytorch_peak_bytes"])}; ratio {r["ratio"]}" : "") +
               (r["pytorch_skipped"] is { } ps ? $"; PyTorch: {ps}" : "");
    }

    private static string Mib(JsonNode? bytes, bool unit = true) =>
        bytes is JsonValue v && v.TryGetValue(out long b) ? $"{b / 1048576.0:F0}{(unit ? " MiB" : "")}" : "-";

    private static string Table(JsonArray settings, bool withTorch, bool withPrevious)
    {
        var sb = new System.Text.StringBuilder();
        sb.Append("| setting | TorchSharp img/s | TorchSharp peak MiB |");
        sb.Append(withTorch ? " PyTorch img/s | PyTorch peak MiB | TorchSharp / PyTorch |" : "");
        sb.AppendLine(withPrevious ? " previous engine img/s | previous engine peak MiB |" : "");
        sb.Append("|---|---:|---:|");
        sb.Append(withTorch ? "---:|---:|---:|" : "");
        sb.AppendLine(withPrevious ? "---:|---:|" : "");
        foreach (var node in settings)
        {
            var r = node!.AsObject();
            string ours = r["skipped"] is { } why ? $"skipped: {why.GetValue<string>()}" : $"{r["images_per_second"]}";
            string oursPeak = r["skipped"] is null ? Mib(r["peak_bytes"], unit: false) : "-";
            sb.Append($"| {r["name"]} | {ours} | {oursPeak} |");
            if (withTorch)
            {
                sb.Append($" {r["pytorch_images_per_second"]?.ToString() ?? "-"} | {Mib(r["pytorch_peak_bytes"], unit: false)} | {r["ratio"]?.ToString() ?? "-"} |");
            }
            if (withPrevious)
            {
                sb.Append($" {r["previous_engine_images_per_second"]?.ToString() ?? "-"} | {Mib(r["previous_engine_peak_bytes"], unit: false)} |");
            }
            sb.AppendLine();
        }
        return sb.ToString().TrimEnd();
    }

    private static ImageDataset RandomImages(int count, int seed)
    {
        var random = new Random(seed);
        var pixels = new byte[count * 784];
        random.NextBytes(pixels);
        var labels = new byte[count];
        for (int i = 0; i < count; i++)
        {
            labels[i] = (byte)random.Next(10);
        }
        return new ImageDataset(pixels, labels, 1, 28, 28);
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToArray();
        int n = sorted.Length;
        return n % 2 == 1 ? sorted[n / 2] : 0.5 * (sorted[n / 2 - 1] + sorted[n / 2]);
    }

    /// <summary>VmHWM of /proc/self/status in bytes (Linux); elsewhere the process's peak working set.</summary>
    private static long PeakResidentBytes()
    {
        if (File.Exists("/proc/self/status"))
        {
            foreach (var line in File.ReadLines("/proc/self/status"))
            {
                if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                {
                    var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                    return long.Parse(parts[1], CultureInfo.InvariantCulture) * 1024;
                }
            }
        }
        return Process.GetCurrentProcess().PeakWorkingSet64;
    }

    /// <summary>Runs a child that prints one JSON object as its last stdout line.</summary>
    private static JsonObject Child(string file, string[] arguments)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in arguments)
        {
            psi.ArgumentList.Add(a);
        }
        using var p = Process.Start(psi)!;
        var stderr = p.StandardError.ReadToEndAsync();
        string stdout = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        var last = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault();
        if (p.ExitCode != 0 || last is null)
        {
            return new JsonObject { ["error"] = $"{Path.GetFileName(file)} exited with {p.ExitCode}: {stderr.Result.Trim().Split('\n').LastOrDefault()}" };
        }
        return JsonNode.Parse(last)!.AsObject();
    }

    private static string Capture(string file, string[] arguments)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in arguments)
        {
            psi.ArgumentList.Add(a);
        }
        using var p = Process.Start(psi)!;
        string output = p.StandardOutput.ReadToEnd();
        p.StandardError.ReadToEnd();
        p.WaitForExit();
        return p.ExitCode == 0 ? output : "";
    }

    /// <summary>The first python that imports torch: --python, /usr/bin/python3 (where Debian's python3-torch lives), python3 on PATH.</summary>
    private static string? FindPython(string? preferred)
    {
        foreach (var candidate in new[] { preferred, "/usr/bin/python3", "python3" })
        {
            if (candidate is null)
            {
                continue;
            }
            try
            {
                var psi = new ProcessStartInfo(candidate, ["-c", "import torch"]) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
                using var p = Process.Start(psi)!;
                p.StandardOutput.ReadToEnd();
                p.StandardError.ReadToEnd();
                p.WaitForExit();
                if (p.ExitCode == 0)
                {
                    return candidate;
                }
            }
            catch (System.ComponentModel.Win32Exception)
            {
                // not installed
            }
        }
        return null;
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "bench", "train_throughput", "torch_bench.py")))
            {
                return dir.FullName;
            }
        }
        return Directory.GetCurrentDirectory();
    }
}
