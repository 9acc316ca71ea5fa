using System.Buffers.Binary;
using System.Text;
using FluentAssertions;
using GroupNet.Cli.Experiments;
using GroupNet.Deployment.Data;
using GroupNet.Tests.Trainer;
using GroupNet.Trainer.Data;
using GroupNet.Trainer.Models;
using GroupNet.Trainer.Training;
using static TorchSharp.torch;
using ModelTrainer = GroupNet.Trainer.Training.Trainer;

namespace GroupNet.Tests.Reliability;

/// <summary>
/// Seeded mutations of the data, configuration and checkpoint files (IDX images and labels, Fashion-MNIST JSON,
/// run and ablation YAML, PyTorch-format checkpoints): every one either loads or fails with an
/// <see cref="InvalidDataException"/> whose message names the file; never another exception, a hang or a partial result.
/// </summary>
public sealed class InputFileFuzzTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "gn-fuzz-" + Guid.NewGuid().ToString("N"));

    public InputFileFuzzTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static byte[] Idx(int magic, int[] dims, int dataBytes, int seed)
    {
        var bytes = new byte[4 + 4 * dims.Length + dataBytes];
        BinaryPrimitives.WriteInt32BigEndian(bytes, magic);
        for (int i = 0; i < dims.Length; i++)
        {
            BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4 + 4 * i), dims[i]);
        }
        new Random(seed).NextBytes(bytes.AsSpan(4 + 4 * dims.Length));
        return bytes;
    }

    /// <summary>Runs <paramref name="load"/> on <paramref name="bytes"/> written to <paramref name="path"/>:
    /// success, or InvalidDataException naming the file.</summary>
    private static bool LoadsOrNamesTheFile(string path, byte[] bytes, Action load, string what)
    {
        File.WriteAllBytes(path, bytes);
        var task = Task.Run(load);
        try
        {
            // A hang fails the test within the time-out instead of stalling the suite.
            task.Wait(TimeSpan.FromSeconds(30)).Should().BeTrue($"{what}: loading must not hang");
            return true;
        }
        catch (AggregateException e) when (e.InnerException is InvalidDataException invalid)
        {
            invalid.Message.Should().Contain(Path.GetFileName(path), what);
            return false;
        }
    }

    private static IEnumerable<(string What, byte[] Bytes)> Mutations(byte[] valid, int seed, int count)
    {
        var rng = new Random(seed);
        for (int cut = 0; cut < Math.Min(valid.Length, 40); cut++)
        {
            yield return ($"truncated to {cut} bytes", valid[..cut]);
        }
        yield return ("truncated by one byte", valid[..^1]);
        yield return ("one byte appended", [.. valid, 7]);
        for (int i = 0; i < count; i++)
        {
            var m = (byte[])valid.Clone();
            int flips = rng.Next(1, 4);
            for (int f = 0; f < flips; f++)
            {
                // Mostly in the header, where the structure is.
                int at = rng.Next(2) == 0 ? rng.Next(Math.Min(m.Length, 20)) : rng.Next(m.Length);
                m[at] = (byte)rng.Next(256);
            }
            yield return ($"mutation {i}", m);
        }
    }

    [Fact]
    public void Idx_images_truncated_with_wrong_magic_or_wrong_counts_fail_with_a_message_naming_the_file()
    {
        string path = Path.Combine(_dir, "images-idx3-ubyte");
        var valid = Idx(IdxFile.ImagesMagic, [3, 28, 28], 3 * 784, 1);
        var cases = Mutations(valid, 2, 500).Concat(
        [
            ("wrong magic", Idx(0x00000801, [3, 28, 28], 3 * 784, 1)),
            ("gzip magic", Idx(0x1f8b0800, [3, 28, 28], 3 * 784, 1)),
            ("count larger than the data", Idx(IdxFile.ImagesMagic, [4, 28, 28], 3 * 784, 1)),
            ("negative count", Idx(IdxFile.ImagesMagic, [-1, 28, 28], 3 * 784, 1)),
            ("huge count", Idx(IdxFile.ImagesMagic, [int.MaxValue, 28, 28], 3 * 784, 1)),
            ("zero rows", Idx(IdxFile.ImagesMagic, [3, 0, 28], 0, 1)),
            ("huge rows and columns", Idx(IdxFile.ImagesMagic, [1, 65536, 65536], 16, 1)),
        ]);
        int loaded = 0, rejected = 0;
        foreach (var (what, bytes) in cases)
        {
            if (LoadsOrNamesTheFile(path, bytes, () =>
            {
                var idx = IdxFile.ReadImages(path);
                idx.Pixels.Length.Should().Be(idx.Count * idx.ImageBytes, what + ": a loaded file holds every image it announces");
            }, what))
            {
                loaded++;
            }
            else
            {
                rejected++;
            }
        }
        rejected.Should().BeGreaterThan(40, "truncations and wrong headers are rejected");
        loaded.Should().BeGreaterThan(0, "pixel mutations are valid images");
    }

    [Fact]
    public void Idx_labels_and_the_trainer_loader_reject_corrupt_files_naming_them()
    {
        string images = Path.Combine(_dir, "t-images-idx3-ubyte");
        string labels = Path.Combine(_dir, "t-labels-idx1-ubyte");
        File.WriteAllBytes(images, Idx(IdxFile.ImagesMagic, [4, 28, 28], 4 * 784, 3));
        var validLabels = Idx(IdxFile.LabelsMagic, [4], 4, 4);
        for (int i = 8; i < validLabels.Length; i++)
        {
            validLabels[i] = (byte)(validLabels[i] % 10);
        }
        var cases = Mutations(validLabels, 5, 300).Concat(
        [
            ("label 10", Idx(IdxFile.LabelsMagic, [4], 0, 0).Concat(new byte[] { 1, 2, 10, 3 }).ToArray()),
            ("fewer labels than images", Idx(IdxFile.LabelsMagic, [3], 0, 0).Concat(new byte[] { 1, 2, 3 }).ToArray()),
            ("images magic in a labels file", Idx(IdxFile.ImagesMagic, [4], 4, 0)),
        ]);
        foreach (var (what, bytes) in cases)
        {
            LoadsOrNamesTheFile(labels, bytes, () =>
            {
                var set = MnistIdx.Load(images, labels);
                set.Count.Should().Be(4, what);
                set.Labels.Should().OnlyContain(l => l < 10, what);
            }, what);
        }
    }

    [Fact]
    public void Fashion_mnist_json_mutations_fail_with_a_message_naming_the_file()
    {
        const int size = FashionMnistJson.Side * FashionMnistJson.Side;
        string Json(int c) => "{\"data\":[" + string.Join(",", Enumerable.Range(0, 3).Select(i =>
            "[" + string.Join(",", Enumerable.Range(0, size).Select(j => (c * 31 + i * 7 + j) % 256)) + "]")) + "]}";
        for (int c = 0; c < FashionMnistJson.Classes; c++)
        {
            File.WriteAllText(FashionMnistJson.ClassFile(_dir, c), Json(c));
        }
        string target = FashionMnistJson.ClassFile(_dir, 4);
        var valid = Encoding.UTF8.GetBytes(Json(4));
        var rng = new Random(6);
        var cases = new List<(string, byte[])>();
        foreach (int cut in new[] { 0, 1, 5, 9, 10, 100, valid.Length / 2, valid.Length - 2, valid.Length - 1 })
        {
            cases.Add(($"truncated to {cut} bytes", valid[..cut]));
        }
        foreach (var (from, to) in new[] { ("\"data\"", "\"dat\""), ("[0,", "[-1,"), ("[0,", "[256,"), ("[0,", "[0.5,"), ("[0,", "[\"0\","), ("]]}", "]]"), ("{\"data\":[", "{\"data\":{") })
        {
            cases.Add(($"'{from}' -> '{to}'", Encoding.UTF8.GetBytes(Json(4).Replace(from, to, StringComparison.Ordinal))));
        }
        cases.Add(("one image too few", Encoding.UTF8.GetBytes(Json(4).Replace("],[", "]]},{\"x\":[[", StringComparison.Ordinal))));
        for (int i = 0; i < 200; i++)
        {
            var m = (byte[])valid.Clone();
            const string jsonSyntax = "[],0123456789\"{}:-. x";
            m[rng.Next(m.Length)] = (byte)jsonSyntax[rng.Next(jsonSyntax.Length)];
            cases.Add(($"mutation {i}", m));
        }
        foreach (var (what, bytes) in cases)
        {
            LoadsOrNamesTheFile(target, bytes, () =>
            {
                var split = FashionMnistJson.Load(_dir, 2, 1);
                split.Train.Count.Should().Be(20, what);
                split.Test.Count.Should().Be(10, what);
            }, what);
        }
    }

    [Fact]
    public void Run_and_ablation_yaml_mutations_fail_with_a_message_naming_the_file()
    {
        const string run = """
            name: fuzz
            dataset: fashion-mnist
            trainCount: 200
            testCount: 100
            seed: 1
            batch: 32
            model:
              network: tiny
              structure: v1
              bases: 2
              weightBits: 1
              activationBits: 2
              firstLast: fp32
              classes: 10
            recipe:
              epochs: 1
              lr: 0.05
              schedule: cosine
            augmentation:
              shift: 2
              flip: true
            """;
        string path = Path.Combine(_dir, "run.yaml");
        RunConfigYaml.Parse(run, path).Name.Should().Be("fuzz");
        var lines = run.Split('\n');
        var rng = new Random(7);
        var cases = new List<(string, string)>();
        for (int i = 0; i < lines.Length; i++)
        {
            cases.Add(($"without line {i}", string.Join('\n', lines.Where((_, j) => j != i))));
            if (lines[i].Contains(':', StringComparison.Ordinal))
            {
                string key = lines[i][..(lines[i].IndexOf(':') + 1)];
                foreach (var value in new[] { " -1", " abc", " 99999999999999999999", " [1, 2]", " {a: 1}", " ''", " 0" })
                {
                    cases.Add(($"{key.Trim()}{value}", string.Join('\n', lines.Select((l, j) => j == i ? key + value : l))));
                }
            }
        }
        for (int i = 0; i < 150; i++)
        {
            var chars = run.ToCharArray();
            const string yamlSyntax = ":-[]{}\t '\"#&*!|>%@`x9";
            chars[rng.Next(chars.Length)] = yamlSyntax[rng.Next(yamlSyntax.Length)];
            cases.Add(($"mutation {i}", new string(chars)));
        }
        cases.Add(("truncated", run[..(run.Length / 3)]));
        cases.Add(("empty", ""));
        cases.Add(("binary", "\0\u0001\u0002"));
        foreach (var (what, yaml) in cases)
        {
            LoadsOrNamesTheFile(path, Encoding.UTF8.GetBytes(yaml), () => RunConfigYaml.Load(path), what);
            LoadsOrNamesTheFile(path, Encoding.UTF8.GetBytes(yaml), () => AblationGrid.Load(path), "ablation grid, " + what);
        }
    }

    /// <summary>A real checkpoint (a zip archive holding a pickle and one file per tensor; model, SGD momentum and
    /// generator state) of a tiny 8x8 model; returns its bytes and a load of a file into the model and optimiser.</summary>
    private static (byte[] Valid, Action<string> Load) CheckpointUnderTest(string dir)
    {
        var context = new TrainingContext(seed: 1, threads: 1);
        var config = new ModelConfig(NetworkKind.Tiny, StructureKind.Baseline, 1, 1, 1, LayerPrecision.Float32, 4, 1, 8, 8);
        var model = ModelFactory.Create(config, context);
        var trainer = new ModelTrainer(model, new TrainerOptions { BatchSize = 8 }, 8);
        using (var scope = NewDisposeScope())
        {
            trainer.TrainStep(new DataLoader(TrainerTestData.Textures(8, 1, side: 8), 8, shuffle: false).Epoch(0).Single());
        }
        string path = Path.Combine(dir, "model.ckpt");
        Checkpoint.Save(path, model, trainer.Optimizer, 3, "{}", context.Generator);
        Checkpoint.Read(path).Epoch.Should().Be(3);
        int entries = model.state_dict().Count;
        return (File.ReadAllBytes(path), file =>
        {
            using var scope = NewDisposeScope();
            var data = Checkpoint.Load(file, model, trainer.Optimizer, context.Generator);
            data.ModelState.Count.Should().Be(entries, "a checkpoint that loads restores the full state");
        });
    }

    /// <summary>Loads every case from its own file (a refused file stays open until the garbage collector closes it);
    /// returns how many loaded and how many were refused with an InvalidDataException naming the file, and asserts
    /// that nothing else happened, printing every other outcome grouped by exception type.</summary>
    private (int Loaded, int Rejected) LoadAll(IReadOnlyList<(string What, byte[] Bytes)> cases, Action<string> load, string prefix)
    {
        int loaded = 0, rejected = 0, index = 0;
        var failures = new List<string>();
        foreach (var (what, bytes) in cases)
        {
            string file = Path.Combine(_dir, $"{prefix}-{index++}.ckpt");
            File.WriteAllBytes(file, bytes);
            var outcome = Outcome(file, what, () => load(file));
            if (outcome is null)
            {
                loaded++;
            }
            else if (outcome.Length == 0)
            {
                rejected++;
            }
            else
            {
                failures.Add(outcome);
            }
        }
        failures.Should().BeEmpty($"every corrupt checkpoint fails with an InvalidDataException naming the file; {failures.Count} of {cases.Count} did not "
            + $"({loaded} loaded, {rejected} refused properly); by exception: "
            + string.Join(", ", failures.GroupBy(f => f.Split(": ")[1]).Select(g => $"{g.Key} x{g.Count()}"))
            + $"; first: {string.Join(" | ", failures.Take(8))}");
        return (loaded, rejected);
    }

    /// <summary>Truncated at every length up to 64 bytes and at 40 spread-out lengths beyond, or empty: never loads, and
    /// fails with an <see cref="InvalidDataException"/> naming the file.</summary>
    [Fact]
    public void Truncated_checkpoints_fail_with_a_message_naming_the_file()
    {
        var (valid, load) = CheckpointUnderTest(_dir);
        var cases = new List<(string, byte[])>();
        for (int cut = 0; cut < 64; cut++)
        {
            cases.Add(($"truncated to {cut} bytes", valid[..cut]));
        }
        for (int i = 1; i < 40; i++)
        {
            int cut = (int)((long)valid.Length * i / 40);
            cases.Add(($"truncated to {cut} of {valid.Length} bytes", valid[..cut]));
        }
        cases.Add(("truncated by one byte", valid[..^1]));
        cases.Add(("the old format's magic", [.. "GNCKPT01"u8, 1, 2, 3]));
        var (loaded, rejected) = LoadAll(cases, load, "cut");
        loaded.Should().Be(0, "no truncated checkpoint loads");
        rejected.Should().Be(cases.Count);
    }

    /// <summary>
    /// Bytes overwritten where the structure is (the first zip header, the pickle, the central directory at the end) and
    /// anywhere, or a byte appended: loading into the model and optimiser the checkpoint came from either works (a
    /// changed tensor value or time stamp) or throws an <see cref="InvalidDataException"/> naming the file.
    /// </summary>
    [Fact]
    public void Checkpoint_mutations_fail_with_a_message_naming_the_file()
    {
        var (valid, load) = CheckpointUnderTest(_dir);
        var rng = new Random(9);
        var cases = new List<(string, byte[])> { ("one byte appended", [.. valid, 7]) };
        int pickle = IndexOf(valid, "data.pkl"u8);
        for (int i = 0; i < 400; i++)
        {
            var m = (byte[])valid.Clone();
            int flips = rng.Next(1, 4);
            for (int f = 0; f < flips; f++)
            {
                int at = rng.Next(4) switch
                {
                    0 => rng.Next(Math.Min(m.Length, 120)),                        // first local header
                    1 => m.Length - 1 - rng.Next(Math.Min(m.Length, 2500)),        // central directory
                    2 => Math.Clamp(pickle + rng.Next(-64, 1500), 0, m.Length - 1), // around the pickle
                    _ => rng.Next(m.Length),
                };
                m[at] = (byte)rng.Next(256);
            }
            cases.Add(($"mutation {i}", m));
        }
        var (_, rejected) = LoadAll(cases, load, "mutation");
        rejected.Should().BeGreaterThan(100, "broken headers and pickles are rejected");
    }

    /// <summary>Runs <paramref name="load"/>: null when it succeeds, "" when it throws an InvalidDataException naming
    /// <paramref name="file"/>, else a description of what went wrong.</summary>
    private static string? Outcome(string file, string what, Action load)
    {
        var task = Task.Run(load);
        try
        {
            return task.Wait(TimeSpan.FromSeconds(30)) ? null : $"{what}: loading hangs";
        }
        catch (AggregateException e) when (e.InnerException is InvalidDataException invalid && invalid.Message.Contains(file, StringComparison.Ordinal))
        {
            return "";
        }
        catch (AggregateException e)
        {
            return $"{what}: {e.InnerException!.GetType().FullName}: {e.InnerException.Message.Split('\n')[0]}";
        }
    }

    private static int IndexOf(byte[] haystack, ReadOnlySpan<byte> needle) => haystack.AsSpan().IndexOf(needle);
}
