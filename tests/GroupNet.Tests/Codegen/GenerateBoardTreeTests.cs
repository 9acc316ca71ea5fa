using FluentAssertions;
using GroupNet.Deployment.Format;
using GroupNet.Deployment.Model;
using GroupNet.Deployment.Reference;
using GroupNet.Firmware;

namespace GroupNet.Tests.Codegen;

/// <summary>`groupnet generate --board` writes a firmware source tree that builds with its CMake
/// preset outside the repository, and the ELF it builds gives the reference's logits in QEMU.</summary>
public sealed class GenerateBoardTreeTests
{
    private const int ImageCount = 5;

    /// <summary>The Cortex-M0 part (16 KiB RAM) and the M33, whose image is linked at Secure aliases.</summary>
    [Theory]
    [InlineData("microbit")]
    [InlineData("mps2-an505")]
    public void GeneratedTreeBuildsWithItsPresetOutsideTheRepositoryAndMatchesTheReferenceInQemu(string boardName)
    {
        var board = Boards.Get(boardName);
        var model = new RandomModelBuilder { Name = "tree", Seed = 41, Branches = 1, ActivationBits = 2, Channels = [8, 16], Strides = [2, 2] }.Build();
        var images = GeneratedCBitExactTests.Images(4099, model.InputBytes).Take(ImageCount).ToList();
        string work = OutsideRepository("generate-" + boardName);
        string gndm = Path.Combine(work, "tree.gndm");
        string idx = Path.Combine(work, "images.idx");
        string tree = Path.Combine(work, "firmware");
        ModelFile.Save(model, gndm);
        WriteIdx(idx, images, 28, 28);

        int rc = GroupNet.Cli.Program.Main(["generate", gndm, "--board", boardName, "--out", tree, "--images", idx, "--count", ImageCount.ToString(System.Globalization.CultureInfo.InvariantCulture)]);

        rc.Should().Be(0);
        foreach (var file in new[]
        {
            "CMakeLists.txt", "CMakePresets.json", "README.md",
            $"firmware/boards/{boardName}/board.cmake", $"firmware/boards/{boardName}/{boardName}.ld", $"firmware/boards/{boardName}/preset.json",
            "firmware/common/startup_cortexm.c", "firmware/common/gn_sections.ld", "firmware/common/main.c", "firmware/cmake/arm-none-eabi.cmake",
            "c-runtime/CMakeLists.txt", "c-runtime/include/gn_kernels.h", "model/gn_model.h", "model/CMakeLists.txt", "model/gn_tree.c",
            $"renode/{boardName}.resc", $"renode/{boardName}.robot",
        })
        {
            File.Exists(Path.Combine(tree, file)).Should().BeTrue($"the tree must hold {file}");
        }
        Directory.GetDirectories(Path.Combine(tree, "firmware", "boards")).Should().ContainSingle("only the chosen board is copied");

        CCompiler.MustSucceed("cmake", ["--preset", boardName], tree);
        CCompiler.MustSucceed("cmake", ["--build", "--preset", boardName], tree);
        string elf = Path.Combine(tree, RenodeScripts.ElfPathInTree(board));
        File.Exists(elf).Should().BeTrue();

        var run = new QemuRunner(CCompiler.RepoRoot()).Run(board, elf, new QemuRunOptions { Timeout = TimeSpan.FromSeconds(120) });
        run.ExitCode.Should().Be(0);
        run.CompletedCount.Should().Be(ImageCount);
        var expected = new ReferenceExecutor(model).InferMany(images);
        run.Logits.Should().HaveCount(ImageCount);
        for (int i = 0; i < ImageCount; i++)
        {
            run.Logits[i].Should().Equal(expected[i], $"image {i} on {boardName}");
        }

        // -fstack-usage call graphs come with every ARM build; the inference's worst case is below the reserved stack.
        var stack = StackUsageReport.FromBuildDirectory(Path.Combine(tree, "build", boardName));
        stack.Should().NotBeNull();
        stack!.Root.Should().Be("gn_tree_infer");
        stack.WorstCaseBytes.Should().BeGreaterThan(0).And.BeLessThan(board.StackBytes);
        run.StackPeakBytes.Should().BeGreaterThan(0);
        Directory.Delete(work, recursive: true);
    }

    internal static string OutsideRepository(string tag)
    {
        string dir = Path.Combine(Path.GetTempPath(), "gn-outside-repo", $"{tag}-{Guid.NewGuid():N}");
        Path.GetFullPath(dir).Should().NotStartWith(CCompiler.RepoRoot(), "the build must not lean on repository files");
        Directory.CreateDirectory(dir);
        return dir;
    }

    internal static void WriteIdx(string path, IReadOnlyList<byte[]> images, int rows, int columns)
    {
        using var stream = File.Create(path);
        void Int(int v)
        {
            stream.WriteByte((byte)(v >> 24));
            stream.WriteByte((byte)(v >> 16));
            stream.WriteByte((byte)(v >> 8));
            stream.WriteByte((byte)v);
        }
        Int(0x00000803);
        Int(images.Count);
        Int(rows);
        Int(columns);
        foreach (var image in images)
        {
            stream.Write(image);
        }
    }
}
