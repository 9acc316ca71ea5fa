using System.Buffers.Binary;
using FluentAssertions;
using GroupNet.Deployment.Data;
using GroupNet.Deployment.Format;
using GroupNet.Deployment.Model;

namespace GroupNet.Tests.Reliability;

/// <summary>
/// Random and malformed argument vectors run through <c>groupnet</c> in-process: every run ends within the
/// time-out with exit code 0, or with exit code 2 and exactly one line on stderr starting "groupnet: error:",
/// nothing on stdout and no stack trace. The files they name are missing, empty, garbage or mismatched, so
/// nothing trains or starts an emulator.
/// </summary>
[Collection(ConsoleCollection.Name)]
public sealed class CliArgumentFuzzTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "gn-cli-fuzz-" + Guid.NewGuid().ToString("N"));

    public CliArgumentFuzzTests()
    {
        Directory.CreateDirectory(_dir);
        Directory.CreateDirectory(Path.Combine(_dir, "empty-folder"));
        var rng = new Random(11);
        // 8x8 model: no IDX file below matches it, so infer/emulate/generate --images always stop at the check.
        var valid = ModelFile.Serialize(new RandomModelBuilder { Seed = 3, Branches = 1, Channels = [4, 8, 8], ImageSize = 8 }.Build());
        File.WriteAllBytes(Path.Combine(_dir, "valid.gndm"), valid);
        File.WriteAllBytes(Path.Combine(_dir, "truncated.gndm"), valid[..(valid.Length / 2)]);
        File.WriteAllBytes(Path.Combine(_dir, "empty.gndm"), []);
        File.WriteAllBytes(Path.Combine(_dir, "garbage.bin"), Bytes(rng, 3000));
        File.WriteAllBytes(Path.Combine(_dir, "fake.ckpt"), [.. "GNCKPT01"u8, .. Bytes(rng, 200)]);
        File.WriteAllBytes(Path.Combine(_dir, "images6x6.idx"), Idx(IdxFile.ImagesMagic, [5, 6, 6], 5 * 36, rng));
        // Fits the model: only named cases use it (asking for more images than it holds), never the random vectors,
        // which would otherwise build and emulate firmware.
        File.WriteAllBytes(Path.Combine(_dir, "five8x8.idx"), Idx(IdxFile.ImagesMagic, [5, 8, 8], 5 * 64, rng));
        File.WriteAllText(Path.Combine(_dir, "a-file"), "not a folder");
        File.WriteAllBytes(Path.Combine(_dir, "truncated.idx"), Idx(IdxFile.ImagesMagic, [5, 8, 8], 100, rng));
        File.WriteAllBytes(Path.Combine(_dir, "labels.idx"), Idx(IdxFile.LabelsMagic, [5], 5, rng));
        File.WriteAllText(Path.Combine(_dir, "broken.yaml"), "name: [unclosed\nmodel: {bases: 2\n");
        File.WriteAllText(Path.Combine(_dir, "invalid.yaml"), "name: x\nmodel:\n  bases: -3\n  activationBits: 3\n");
        File.WriteAllText(Path.Combine(_dir, "args.rsp"), "inspect\n--json\nmissing.gndm\n");
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static byte[] Bytes(Random rng, int count)
    {
        var b = new byte[count];
        rng.NextBytes(b);
        return b;
    }

    private static byte[] Idx(int magic, int[] dims, int dataBytes, Random rng)
    {
        var bytes = new byte[4 + 4 * dims.Length + dataBytes];
        BinaryPrimitives.WriteInt32BigEndian(bytes, magic);
        for (int i = 0; i < dims.Length; i++)
        {
            BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4 + 4 * i), dims[i]);
        }
        rng.NextBytes(bytes.AsSpan(4 + 4 * dims.Length));
        return bytes;
    }

    private static readonly string[] Verbs = ["train", "ablate", "export", "inspect", "infer", "evaluate", "generate", "emulate"];

    private static readonly string[][] ValidVectors =
    [
        ["inspect", "valid.gndm"],
        ["inspect", "valid.gndm", "--json"],
        ["generate", "valid.gndm", "--out", "out-folder"],
        ["generate", "valid.gndm", "--out", "out-folder", "--board", "mps2-an386"],
        ["infer", "valid.gndm", "--images", "images6x6.idx", "--first", "2", "--json"],
        ["export", "fake.ckpt", "--out", "out.gndm", "--name", "x"],
        ["train", "--out", "t.ckpt", "--bases", "2", "--bits", "2", "--epochs", "1"],
        ["inspect", "--help"],
    ];

    private static readonly string[] Options =
    [
        "--out", "--images", "--first", "--count", "--json", "--board", "--bases", "--bits", "--epochs", "--lr", "--weight-decay", "--batch",
        "--seed", "--threads", "--max-shift", "--train-count", "--bn-batches", "--resume", "--config", "--data", "--name",
        "--calibration", "--count-instructions", "--per-layer", "--bogus", "-x", "-", "--", "--out=", "--first=-1",
    ];

    private static readonly string[] Values =
    [
        "valid.gndm", "truncated.gndm", "empty.gndm", "garbage.bin", "fake.ckpt", "images6x6.idx", "truncated.idx", "labels.idx",
        "broken.yaml", "invalid.yaml", "missing.gndm", "missing-folder/x.gndm", "empty-folder", "out-folder", "out.gndm",
        "0", "-1", "1", "2", "32", "99999999999", "2147483648", "-2147483649", "1e999", "NaN", "abc", "", " ", "\t", "mps2-an386",
        "no-such-board", "nrf52", "ü/😀", "..", "/", "@args.rsp", "@missing.rsp", "@garbage.bin", "-1.5", "0x10",
    ];

    /// <summary>Phrases of .NET's own exception messages and type names, which say nothing to a user of the tool.</summary>
    private static readonly string[] DotNetWords =
    [
        "(Parameter '", "Specified argument was out of the range", "System.", "Exception", "Nullable`1", "Actual value was",
        "Cannot create '", "already exists", "Could not find",
    ];

    /// <summary>Checks one run; returns its exit code and whether it failed past parsing (in a command's own checks).</summary>
    private (int ExitCode, bool PastParsing) Check(string[] args)
    {
        string what = "groupnet " + string.Join(' ', args.Select(a => $"'{a}'"));
        var run = InProcessCli.Run(_dir, args);
        run.Unhandled.Should().BeNull($"{what} must not throw ({run})");
        run.Stderr.Should().NotContain("   at ", $"{what} prints no stack trace");
        run.Stdout.Should().NotContain("   at ", $"{what} prints no stack trace");
        foreach (var dotnetWords in DotNetWords)
        {
            run.Stderr.Should().NotContain(dotnetWords, $"{what}: errors are in the user's words, not .NET's");
        }
        if (run.ExitCode == 0)
        {
            run.Stderr.Should().BeEmpty($"{what} succeeded");
            return (0, true);
        }
        run.ExitCode.Should().Be(2, $"{what}: bad input is exit code 2 ({run})");
        var lines = run.Stderr.TrimEnd('\n', '\r').Split('\n');
        lines.Should().HaveCount(1, $"{what}: one line of error ({run})");
        lines[0].Should().StartWith("groupnet: error: ", what);
        lines[0].Length.Should().BeGreaterThan("groupnet: error: ".Length + 10, $"{what}: the error says what is wrong");
        run.Stdout.Should().BeEmpty($"{what}: a failed command prints no partial output ({run})");
        return (run.ExitCode, !lines[0].EndsWith("--help' for usage)", StringComparison.Ordinal));
    }

    [Fact]
    public void Malformed_argument_vectors_give_exit_code_2_and_one_clear_line()
    {
        string[][] cases =
        [
            [],
            ["bogus"],
            ["inspect"],
            ["inspect", "missing.gndm"],
            ["inspect", "garbage.bin"],
            ["inspect", "truncated.gndm", "--json"],
            ["inspect", "empty-folder"],
            ["infer", "valid.gndm"],
            ["infer", "valid.gndm", "--images", "images6x6.idx"],
            ["infer", "valid.gndm", "--images", "labels.idx", "--first", "-1"],
            ["infer", "valid.gndm", "--images", "truncated.idx"],
            ["infer", "valid.gndm", "--images", "missing.idx", "--first", "abc"],
            ["evaluate", "valid.gndm", "--data", "empty-folder"],
            ["evaluate", "valid.gndm", "--first", "99999999999"],
            ["generate", "valid.gndm"],
            ["generate", "valid.gndm", "--out", "g", "--board", "no-such-board"],
            ["generate", "valid.gndm", "--out", "g", "--images", "images6x6.idx"],
            ["generate", "valid.gndm", "--out", "g", "--images", "garbage.bin", "--count", "0"],
            ["emulate", "valid.gndm", "--images", "images6x6.idx"],
            ["emulate", "garbage.bin", "--images", "images6x6.idx", "--board", "x"],
            ["export", "fake.ckpt", "--out", "out.gndm"],
            ["export", "garbage.bin", "--out", "out.gndm", "--calibration", "-5"],
            ["export", "missing.ckpt", "--out", "empty-folder"],
            ["train", "--out", "t.ckpt", "--data", "empty-folder"],
            ["train", "--out", "t.ckpt", "--bases", "0"],
            ["train", "--out", "t.ckpt", "--bits", "3", "--data", "empty-folder"],
            ["train", "--out", "t.ckpt", "--epochs", "1e999"],
            ["train", "--out", "t.ckpt", "--config", "broken.yaml"],
            ["train", "--out", "t.ckpt", "--config", "invalid.yaml"],
            ["train", "--out", "t.ckpt", "--config", "garbage.bin"],
            ["train", "--out", "fake.ckpt", "--resume", "--data", "empty-folder"],
            ["ablate", "--config", "broken.yaml", "--out", "a"],
            ["ablate", "--config", "invalid.yaml", "--out", "a"],
            ["ablate", "--config", "missing.yaml", "--out", "a", "--threads", "-1"],
            ["@args.rsp"],
            ["@missing.rsp"],
            ["inspect", "valid.gndm", "--bogus"],
            ["inspect", "valid.gndm", "extra", "arguments"],
        ];
        foreach (var args in cases)
        {
            Check(args).ExitCode.Should().Be(2, "groupnet " + string.Join(" ", args) + " is bad input");
        }
    }

    /// <summary>Each bad value gives one line that names the option and the value given and says what is accepted.</summary>
    [Theory]
    [InlineData("--first -1: a whole number of 1 or more is accepted", "infer", "valid.gndm", "--images", "five8x8.idx", "--first", "-1")]
    [InlineData("--first 0: a whole number of 1 or more is accepted", "infer", "valid.gndm", "--images", "five8x8.idx", "--first", "0")]
    [InlineData("--first 'abc': a whole number of 1 or more is accepted", "infer", "valid.gndm", "--images", "five8x8.idx", "--first", "abc")]
    [InlineData("--first 6: five8x8.idx holds 5 images; 1 to 5 is accepted", "infer", "valid.gndm", "--images", "five8x8.idx", "--first", "6")]
    [InlineData("--count 6: five8x8.idx holds 5 images; 1 to 5 is accepted", "emulate", "valid.gndm", "--images", "five8x8.idx", "--count", "6")]
    [InlineData("--count 0: a whole number of 1 or more is accepted", "emulate", "valid.gndm", "--images", "five8x8.idx", "--count", "0")]
    [InlineData("--count 6: five8x8.idx holds 5 images; 1 to 5 is accepted", "generate", "valid.gndm", "--out", "g", "--images", "five8x8.idx", "--count", "6")]
    [InlineData("--board 'nrf52' is not accepted; use one of microbit, mps2-an385,", "generate", "valid.gndm", "--out", "g", "--board", "nrf52")]
    [InlineData("--board 'nrf52' is not accepted; use one of microbit, mps2-an385,", "emulate", "valid.gndm", "--images", "five8x8.idx", "--board", "nrf52")]
    [InlineData("a-file is a file; give a folder", "generate", "valid.gndm", "--out", "a-file")]
    [InlineData("a-file is a file, so it cannot hold", "generate", "valid.gndm", "--out", "a-file/firmware")]
    [InlineData("a-file is a file, so it cannot hold", "emulate", "valid.gndm", "--images", "five8x8.idx", "--out", "a-file/work")]
    [InlineData("empty-folder is a folder; give a file name", "export", "fake.ckpt", "--out", "empty-folder")]
    [InlineData("a-file is a file, so it cannot hold", "train", "--out", "a-file/t.ckpt", "--data", "empty-folder")]
    [InlineData("--calibration -5: a whole number of 1 or more is accepted", "export", "fake.ckpt", "--out", "m.gndm", "--calibration", "-5")]
    [InlineData("--epochs 0: a whole number of 1 or more is accepted", "train", "--out", "t.ckpt", "--epochs", "0", "--data", "empty-folder")]
    [InlineData("--batch 'x': a whole number of 1 or more is accepted", "train", "--out", "t.ckpt", "--batch", "x", "--data", "empty-folder")]
    [InlineData("--lr '-1': a number above 0 is accepted", "train", "--out", "t.ckpt", "--lr", "-1", "--data", "empty-folder")]
    [InlineData("--distill '1.5': a number from 0 to 1 is accepted", "train", "--out", "t.ckpt", "--distill", "1.5", "--data", "empty-folder")]
    [InlineData("--weight-decay '-0.1': a number from 0 to 1 is accepted", "train", "--out", "t.ckpt", "--weight-decay", "-0.1", "--data", "empty-folder")]
    [InlineData("--distill-temperature '0': a number above 0 is accepted", "train", "--out", "t.ckpt", "--distill-temperature", "0", "--data", "empty-folder")]
    [InlineData("--threads -2: a whole number of 0 or more is accepted", "train", "--out", "t.ckpt", "--threads", "-2", "--data", "empty-folder")]
    [InlineData("--device 'gpu' is not accepted; use one of cpu, cuda", "train", "--out", "t.ckpt", "--device", "gpu", "--data", "empty-folder")]
    [InlineData("--jobs 0: a whole number of 1 or more is accepted", "report", "valid.gndm", "--out", "r", "--jobs", "0")]
    public void A_bad_value_is_named_with_what_is_accepted(string expected, params string[] args)
    {
        Check(args).ExitCode.Should().Be(2);
        var run = InProcessCli.Run(_dir, args);
        run.Stderr.Should().Contain(expected, "groupnet " + string.Join(" ", args));
    }

    [Fact]
    public void Random_argument_vectors_never_crash_hang_or_print_a_stack_trace()
    {
        var rng = new Random(12);
        int succeeded = 0, pastParsing = 0;
        T Pick<T>(T[] from) => from[rng.Next(from.Length)];
        for (int i = 0; i < 400; i++)
        {
            List<string> args;
            if (rng.Next(2) == 0)
            {
                // A valid command with one to three tokens replaced, inserted or removed.
                args = [.. Pick(ValidVectors)];
                for (int n = rng.Next(0, 4); n > 0; n--)
                {
                    int at = rng.Next(args.Count + 1);
                    switch (rng.Next(3))
                    {
                        case 0 when at < args.Count:
                            args[at] = rng.Next(3) == 0 ? Pick(Options) : Pick(Values);
                            break;
                        case 1 when at < args.Count:
                            args.RemoveAt(at);
                            break;
                        default:
                            args.Insert(at, rng.Next(3) == 0 ? Pick(Options) : Pick(Values));
                            break;
                    }
                }
            }
            else
            {
                args = [];
                if (rng.Next(8) != 0)
                {
                    args.Add(Pick(Verbs));
                }
                for (int n = rng.Next(0, 7); n > 0; n--)
                {
                    args.Add(rng.Next(3) == 0 ? Pick(Options) : Pick(Values));
                }
            }
            if (args.Count > 0 && args[0] is "train" or "ablate")
            {
                // Never a real training: point every data folder at an empty one and configurations at broken files.
                args.AddRange(["--data", "empty-folder"]);
                for (int a = 0; a + 1 < args.Count; a++)
                {
                    if (args[a] == "--config" && args[a + 1] is not ("broken.yaml" or "invalid.yaml"))
                    {
                        args[a + 1] = "broken.yaml";
                    }
                }
            }
            var (exit, past) = Check([.. args]);
            succeeded += exit == 0 ? 1 : 0;
            pastParsing += past && exit != 0 ? 1 : 0;
        }
        succeeded.Should().BeGreaterThan(0, "some vectors are valid (help, inspect, generate)");
        pastParsing.Should().BeGreaterThan(20, "many vectors reach a command's own input checks, not only the parser");
    }
}
