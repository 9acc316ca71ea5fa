using GroupNet.Codegen;
using GroupNet.Deployment.Model;
using GroupNet.Firmware;
using GroupNet.Tests.Codegen;

namespace GroupNet.Tests.Reliability;

/// <summary>Builds a model's gn_host_stream_runner (firmware/common/gn_stream_main.c with stdio) and runs images through it.</summary>
internal static class HostStreamRunner
{
    /// <summary>Generates the model's C and builds the streaming host runner; <paramref name="cFlags"/> e.g. sanitizers.</summary>
    public static string Build(DeploymentModel model, string work, string? cFlags = null)
    {
        string modelDir = Path.Combine(work, "model");
        new ModelEmitter().Emit(model, modelDir, EmitOptions.Default);
        return new FirmwareBuilder(CCompiler.RepoRoot()).BuildHost(modelDir, Path.Combine(work, "build"), FirmwareBuilder.HostStreamTarget, cFlags);
    }

    /// <summary>Writes the images to <c>images.raw</c> in <paramref name="work"/> and returns its path.</summary>
    public static string WriteImages(string work, IReadOnlyList<byte[]> images)
    {
        string path = Path.Combine(work, "images.raw");
        StreamingAgreement.WriteImages(path, images);
        return path;
    }
}
