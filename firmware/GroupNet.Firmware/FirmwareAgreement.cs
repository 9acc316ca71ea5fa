using GroupNet.Codegen;
using GroupNet.Deployment.Model;
using GroupNet.Deployment.Reference;

namespace GroupNet.Firmware;

/// <summary>
/// The product's central check: generate a model's C with embedded test images, build the firmware
/// for a board, run it in QEMU and compare every logit with the managed reference.
/// </summary>
public sealed class FirmwareAgreement
{
    private readonly string _repoRoot;

    /// <summary>Creates the check for a repository checkout.</summary>
    /// <param name="repoRoot">Folder holding CMakeLists.txt, firmware/ and c-runtime/.</param>
    public FirmwareAgreement(string repoRoot) => _repoRoot = repoRoot;

    /// <summary>Generates, builds, emulates and compares.</summary>
    /// <param name="model">The deployment model.</param>
    /// <param name="board">Board to build for.</param>
    /// <param name="images">Test images embedded in the firmware.</param>
    /// <param name="workDir">Where the generated model and the build go (created).</param>
    /// <param name="countInstructions">Load the instruction-count plugin.</param>
    /// <param name="perLayer">Also attribute the inference instructions to layers with class histograms
    /// (<see cref="AgreementResult.Layers"/>; summed over all images, see <see cref="LayerProfile"/>). Implies counting.</param>
    public AgreementResult Run(DeploymentModel model, Board board, IReadOnlyList<byte[]> images, string workDir, bool countInstructions = false, bool perLayer = false)
    {
        if (images.Count == 0)
        {
            throw new ArgumentException("at least one test image is needed", nameof(images));
        }
        string modelDir = Path.Combine(workDir, "model");
        var emitOptions = new EmitOptions(images);
        new ModelEmitter().Emit(model, modelDir, emitOptions);
        var build = new FirmwareBuilder(_repoRoot).Build(board, modelDir, Path.Combine(workDir, "build-" + board.Name));
        countInstructions |= perLayer;
        var timeout = TimeSpan.FromSeconds(60 + images.Count * (countInstructions ? 2.0 : 0.5));
        var run = new QemuRunner(_repoRoot).Run(board, build.ElfPath, new QemuRunOptions { CountInstructions = countInstructions, PerLayer = perLayer, Timeout = timeout, Configuration = Describe(model, emitOptions) });
        var expected = new ReferenceExecutor(model).InferMany(images);
        var mismatches = LogitMismatch.Compare(run.Logits, expected);
        int identical = Enumerable.Range(0, images.Count).Count(i => i < run.Logits.Length && run.Logits[i].AsSpan().SequenceEqual(expected[i]));
        var layers = run.Profile is null ? null : LayerProfile.Build(model, run.Profile);
        return new AgreementResult(board, images.Count, identical, mismatches, build.Size, run, build.ElfPath, layers, build.StackUsage);
    }

    /// <summary>The configuration named in failure messages: model name, description, file hash prefix and emit options.</summary>
    public static string Describe(DeploymentModel model, EmitOptions options)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(options);
        return $"model {model.Name} ({model.Description}), {options.Describe()}";
    }
}
