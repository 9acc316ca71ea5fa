using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using FluentAssertions;
using GroupNet.Codegen;
using GroupNet.Deployment.Model;
using GroupNet.Deployment.Reference;
using GroupNet.Firmware;

namespace GroupNet.Tests.Codegen;

/// <summary>The generated model folder as a library in someone else's CMake project: the README's
/// snippet, verbatim, in a host project whose main.c includes only gn_model.h.</summary>
public sealed class ModelLibraryIntegrationTests
{
    private const string ReadmeHeading = "### Using the generated code in a firmware project";

    [Fact]
    public void ReadmeSnippetBuildsAnExternalProjectThatCallsTheModelThroughItsOneHeader()
    {
        var model = new RandomModelBuilder { Name = "lib", Seed = 57, Branches = 2, ActivationBits = 4, Channels = [8, 16], Strides = [1, 2] }.Build();
        var images = GeneratedCBitExactTests.Images(811, model.InputBytes).Take(3).ToList();
        string work = GenerateBoardTreeTests.OutsideRepository("integration");
        string generated = Path.Combine(work, "generated");
        new FirmwareSourceTree(CCompiler.RepoRoot()).Write(model, Boards.Mps2An386, generated, EmitOptions.Default);

        // The user's project: the README's CMake lines with the generated folder's real path.
        string app = Path.Combine(work, "app");
        Directory.CreateDirectory(app);
        string snippet = ReadmeCMakeSnippet().Replace("generated/model", generated.Replace('\\', '/') + "/model", StringComparison.Ordinal);
        File.WriteAllText(Path.Combine(app, "CMakeLists.txt"),
            "cmake_minimum_required(VERSION 3.13)\nproject(my_firmware C)\nadd_executable(my_firmware main.c)\n" + snippet + "\n");
        File.WriteAllText(Path.Combine(app, "main.c"), MainC(images));

        string build = Path.Combine(work, "build");
        CCompiler.MustSucceed("cmake", ["-S", app, "-B", build], work);
        CCompiler.MustSucceed("cmake", ["--build", build, "--parallel", "2"], work);
        var (code, stdout, stderr) = CCompiler.Run(Path.Combine(build, "my_firmware"), [], work, 60_000);
        code.Should().Be(0, stderr);

        var expected = new ReferenceExecutor(model).InferMany(images);
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines.Should().HaveCount(images.Count);
        for (int i = 0; i < images.Count; i++)
        {
            lines[i].Should().Be(string.Join(" ", expected[i].Select(v => v.ToString(CultureInfo.InvariantCulture))), $"image {i}");
        }
        Directory.Delete(work, recursive: true);
    }

    [Fact]
    public void GeneratedModelHeaderIsTheOnlyHeaderAUserNeeds()
    {
        var model = new RandomModelBuilder { Name = "hdr", Seed = 3, Branches = 1, Channels = [8] }.Build();
        var files = new ModelEmitter().Generate(model, EmitOptions.Default);
        var header = files.Single(f => f.FileName == "gn_model.h").Content;
        // Only the C standard library: the runtime and the weights stay private to the library.
        Regex.Matches(header, @"#include\s*[<""]([^>""]+)[>""]").Select(m => m.Groups[1].Value).Should().Equal("stdint.h");
        header.Should().Contain("#define GN_MODEL_INFER gn_hdr_infer").And.Contain("GN_MODEL_NUM_CLASSES").And.Contain("GN_MODEL_INPUT_BYTES");
        files.Single(f => f.FileName == "CMakeLists.txt").Content.Should().Contain("add_library(gn_model STATIC")
            .And.Contain("target_include_directories(gn_model PUBLIC");
    }

    /// <summary>The ```cmake block under the README's integration heading.</summary>
    internal static string ReadmeCMakeSnippet()
    {
        var readme = File.ReadAllText(Path.Combine(CCompiler.RepoRoot(), "README.md"));
        int at = readme.IndexOf(ReadmeHeading, StringComparison.Ordinal);
        at.Should().BeGreaterThanOrEqualTo(0, $"README.md must have the section '{ReadmeHeading}'");
        var m = Regex.Match(readme[at..], "```cmake\n(?<body>.*?)```", RegexOptions.Singleline);
        m.Success.Should().BeTrue("the integration section starts with a ```cmake block");
        return m.Groups["body"].Value;
    }

    private static string MainC(IReadOnlyList<byte[]> images)
    {
        var text = new StringBuilder();
        text.Append("#include <stdio.h>\n#include \"gn_model.h\"\n\n");
        text.Append(CultureInfo.InvariantCulture, $"static const uint8_t images[{images.Count}][GN_MODEL_INPUT_BYTES] = {{\n");
        foreach (var image in images)
        {
            text.Append("    {").AppendJoin(",", image.Select(b => b.ToString(CultureInfo.InvariantCulture))).Append("},\n");
        }
        text.Append("""
            };

            int main(void)
            {
                int32_t logits[GN_MODEL_NUM_CLASSES];
                size_t i;
                int j;
                for (i = 0; i < sizeof images / sizeof images[0]; ++i) {
                    if (GN_MODEL_INFER(images[i], logits) != 0) {
                        return 2;
                    }
                    for (j = 0; j < GN_MODEL_NUM_CLASSES; ++j) {
                        printf(j == 0 ? "%ld" : " %ld", (long)logits[j]);
                    }
                    printf("\n");
                }
                return 0;
            }

            """);
        return text.ToString();
    }
}
