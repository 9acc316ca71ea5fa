using System.Diagnostics;
using System.Globalization;
using GroupNet.Codegen;
using GroupNet.Deployment.Model;
using GroupNet.Deployment.Reference;

namespace GroupNet.Firmware;

/// <summary>
/// <see cref="FirmwareAgreement"/> for batches too big to embed: the streaming firmware
/// (<c>gn_firmware_stream</c>, <c>firmware/common/gn_stream_main.c</c>) reads the images from a host
/// file over semihosting, so one QEMU run handles thousands of images; <see cref="Jobs"/> QEMU
/// processes share the file, each running a contiguous slice. Every logit is compared with the managed reference.
/// </summary>
public sealed class StreamingAgreement
{
    /// <summary>Name of the raw image file in the work folder (image after image, no header).</summary>
    public const string ImageFileName = "images.raw";

    private readonly string _repoRoot;

    /// <summary>Creates the check for a repository checkout.</summary>
    /// <param name="repoRoot">Folder holding CMakeLists.txt, firmware/ and c-runtime/.</param>
    public StreamingAgreement(string repoRoot)
    {
        ArgumentNullException.ThrowIfNull(repoRoot);
        _repoRoot = repoRoot;
    }

    /// <summary>QEMU processes run at once, each on its own slice of the images.</summary>
    public int Jobs { get; init; } = 1;

    /// <summary>Time-out of one QEMU run: this much per image of its slice, plus a minute.</summary>
    public TimeSpan TimeoutPerImage { get; init; } = TimeSpan.FromSeconds(0.5);

    /// <summary>Emit options (kernel choice); test images are never embedded.</summary>
    public EmitOptions EmitOptions { get; init; } = EmitOptions.Default;

    /// <summary>Generates, builds, streams every image through the firmware and compares.</summary>
    /// <param name="model">The deployment model.</param>
    /// <param name="board">Board to build for.</param>
    /// <param name="images">Images, each the model's input size.</param>
    /// <param name="workDir">Where the generated model, the build and the image file go (created).</param>
    /// <param name="expected">Reference logits per image when already computed (one reference run serves many boards); null computes them.</param>
    /// <exception cref="ExternalToolException">The build failed, e.g. the model does not fit the board (the message says so).</exception>
    /// <exception cref="EmulatorRunException">A run faulted or printed malformed output; the message names core, configuration and image.</exception>
    /// <exception cref="TimeoutException">A run hung; the message names core, configuration and image.</exception>
    public StreamingAgreementResult Run(DeploymentModel model, Board board, IReadOnlyList<byte[]> images, string workDir, int[][]? expected = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(board);
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(workDir);
        if (images.Count == 0)
        {
            throw new ArgumentException("at least one image is needed", nameof(images));
        }
        if (images.Any(i => i.Length != model.InputBytes))
        {
            throw new ArgumentException($"every image must be {model.InputBytes} bytes", nameof(images));
        }
        if (expected is not null && expected.Length != images.Count)
        {
            throw new ArgumentException($"{expected.Length} reference results for {images.Count} images", nameof(expected));
        }
        Directory.CreateDirectory(workDir);
        var options = EmitOptions with { TestImages = [] };
        string modelDir = Path.Combine(workDir, "model");
        if (Directory.Exists(modelDir))
        {
            Directory.Delete(modelDir, recursive: true);
        }
        new ModelEmitter().Emit(model, modelDir, options);
        var build = new FirmwareBuilder(_repoRoot).Build(board, modelDir, Path.Combine(workDir, "build-" + board.Name), FirmwareBuilder.StreamFirmwareTarget);
        WriteImages(Path.Combine(workDir, ImageFileName), images);

        int jobs = Math.Clamp(Jobs, 1, images.Count);
        var slices = Enumerable.Range(0, jobs)
            .Select(j => (First: (int)((long)j * images.Count / jobs), End: (int)((long)(j + 1) * images.Count / jobs)))
            .ToArray();
        var runs = new QemuRunResult[jobs];
        var runner = new QemuRunner(_repoRoot);
        string configuration = FirmwareAgreement.Describe(model, options);
        var clock = Stopwatch.StartNew();
        Parallel.For(0, jobs, new ParallelOptions { MaxDegreeOfParallelism = jobs }, j =>
        {
            var (first, end) = slices[j];
            var run = runner.Run(board, build.ElfPath, new QemuRunOptions
            {
                SemihostingArguments = [FirmwareBuilder.StreamFirmwareTarget, ImageFileName, Str(first), Str(end - first)],
                WorkingDirectory = Path.GetFullPath(workDir),
                Timeout = TimeSpan.FromSeconds(60) + TimeoutPerImage * (end - first),
                Configuration = configuration,
            });
            if (run.FirstImage != first || run.Logits.Length != end - first || run.ExitCode != 0)
            {
                throw new EmulatorRunException(board.QemuMachine, build.ElfPath,
                    $"asked for images {first}..{end - 1}, the firmware ran {run.Logits.Length} from {run.FirstImage} and exited with {run.ExitCode} ({configuration})",
                    run.ExitCode, run.Output);
            }
            runs[j] = run;
        });
        var emulatorTime = clock.Elapsed;

        var actual = runs.SelectMany(r => r.Logits).ToArray();
        expected ??= new ReferenceExecutor(model).InferMany(images);
        var mismatches = LogitMismatch.Compare(actual, expected);
        int identical = Enumerable.Range(0, images.Count).Count(i => actual[i].AsSpan().SequenceEqual(expected[i]));
        int? stack = runs.Select(r => r.StackPeakBytes).Max();
        return new StreamingAgreementResult(board, images.Count, identical, mismatches, build.Size, stack, build.ElfPath, emulatorTime, jobs);
    }

    /// <summary>Writes <paramref name="images"/> back to back, as the streaming harness reads them.</summary>
    public static void WriteImages(string path, IReadOnlyList<byte[]> images)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(images);
        using var file = File.Create(path);
        foreach (var image in images)
        {
            file.Write(image);
        }
    }

    private static string Str(int value) => value.ToString(CultureInfo.InvariantCulture);
}
