using FluentAssertions;
using GroupNet.Codegen;
using GroupNet.Deployment.Model;

namespace GroupNet.Tests.Codegen;

/// <summary>
/// The generated C of one small fixed model (+/-1 signs, a downsampling group with 32 channels, so both the
/// per-channel and the vertical kernels appear) equals the files in Codegen/Golden byte for byte: any change to
/// the generator's output shows up in review as a diff of those files. Regenerate them on purpose with
/// <c>scripts/update-golden.sh</c> (sets GN_UPDATE_GOLDEN=1 for this test).
/// </summary>
public sealed class GoldenOutputTests
{
    private static DeploymentModel Model() => new RandomModelBuilder
    {
        Name = "golden", Seed = 42, Branches = 2, ActivationBits = 1, Channels = [8, 32], Strides = [1, 2], ImageSize = 8,
    }.Build();

    [Fact]
    public void Generated_files_equal_the_golden_files()
    {
        string golden = Path.Combine(CCompiler.RepoRoot(), "tests", "GroupNet.Tests", "Codegen", "Golden");
        var files = new ModelEmitter().Generate(Model(), EmitOptions.Default);
        if (Environment.GetEnvironmentVariable("GN_UPDATE_GOLDEN") == "1")
        {
            Directory.CreateDirectory(golden);
            foreach (var stale in Directory.GetFiles(golden))
            {
                File.Delete(stale);
            }
            foreach (var file in files)
            {
                File.WriteAllText(Path.Combine(golden, file.FileName), file.Content);
            }
        }
        Directory.GetFiles(golden).Select(Path.GetFileName).Order(StringComparer.Ordinal)
            .Should().Equal(files.Select(f => f.FileName).Order(StringComparer.Ordinal), "the golden folder holds exactly the generated files");
        foreach (var file in files)
        {
            string expected = File.ReadAllText(Path.Combine(golden, file.FileName));
            file.Content.Should().Be(expected, $"{file.FileName} differs from its golden copy (scripts/update-golden.sh regenerates it on purpose)");
        }
    }
}
