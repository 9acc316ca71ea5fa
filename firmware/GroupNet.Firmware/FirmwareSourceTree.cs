using System.Text;
using GroupNet.Codegen;
using GroupNet.Deployment.Model;

namespace GroupNet.Firmware;

/// <summary>
/// Writes a complete firmware source tree for one board, buildable outside this repository:
/// <code>
/// CMakeLists.txt                 the repository's top level (board, runtime, model, firmware)
/// CMakePresets.json              includes the board's preset: cmake --preset &lt;board&gt; &amp;&amp; cmake --build --preset &lt;board&gt;
/// README.md                      how to build, run (QEMU, Renode) and integrate
/// firmware/CMakeLists.txt, firmware/cmake/arm-none-eabi.cmake
/// firmware/common/               start-up and vector table, semihosting, fault report, markers, main.c harness, gn_sections.ld
/// firmware/boards/&lt;board&gt;/      board.cmake, &lt;board&gt;.ld (the part's memory), preset.json
/// c-runtime/                     CMakeLists.txt, include/, src/ (target gn_runtime)
/// model/                         the generated model (target gn_model, header gn_model.h)
/// renode/                        &lt;board&gt;.resc, &lt;board&gt;.robot (and &lt;board&gt;.repl)
/// </code>
/// The layout is the repository's own, so the same CMake files build both; the tree's top-level
/// CMakeLists.txt finds model/ without <c>GN_MODEL_DIR</c>.
/// </summary>
public sealed class FirmwareSourceTree
{
    /// <summary>Folder of the generated model inside the tree.</summary>
    public const string ModelFolder = "model";

    private readonly string _repoRoot;

    /// <summary>Creates a writer copying from the repository at <paramref name="repoRoot"/>.</summary>
    public FirmwareSourceTree(string repoRoot)
    {
        ArgumentNullException.ThrowIfNull(repoRoot);
        _repoRoot = Path.GetFullPath(repoRoot);
        if (!File.Exists(Path.Combine(_repoRoot, "CMakeLists.txt")) || !Directory.Exists(Path.Combine(_repoRoot, "c-runtime")))
        {
            throw new ArgumentException($"'{_repoRoot}' is not the repository root (CMakeLists.txt and c-runtime/ expected).", nameof(repoRoot));
        }
    }

    /// <summary>Writes the tree into <paramref name="outputDir"/> (created; files there with the same
    /// names are replaced). Returns the paths written, relative to it, '/'-separated, sorted.</summary>
    public IReadOnlyList<string> Write(DeploymentModel model, Board board, string outputDir, EmitOptions options)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(board);
        ArgumentNullException.ThrowIfNull(options);
        var output = Path.GetFullPath(outputDir);
        Directory.CreateDirectory(output);
        var written = new List<string>();

        foreach (var relative in SourceFiles(board))
        {
            var target = Path.Combine(output, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(Path.Combine(_repoRoot, relative), target, overwrite: true);
            written.Add(relative.Replace('\\', '/'));
        }

        var modelFiles = new ModelEmitter().Emit(model, Path.Combine(output, ModelFolder), options);
        written.AddRange(modelFiles.Select(f => $"{ModelFolder}/{f.FileName}"));

        int imageCount = Math.Max(1, options.TestImages.Count);
        var generated = new List<GeneratedFile>
        {
            new("CMakePresets.json", Presets(board)),
            new("README.md", Readme(model, board, imageCount)),
        };
        generated.AddRange(RenodeScripts.Generate(board, LinkerScriptMemory.Read(_repoRoot, board), imageCount)
            .Select(f => f with { FileName = "renode/" + f.FileName }));
        foreach (var file in generated)
        {
            var target = Path.Combine(output, file.FileName);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.WriteAllText(target, file.Content, new UTF8Encoding(false));
            written.Add(file.FileName);
        }
        return written.Order(StringComparer.Ordinal).ToArray();
    }

    /// <summary>Repository files the tree needs for <paramref name="board"/>, relative to the root.</summary>
    public IReadOnlyList<string> SourceFiles(Board board)
    {
        var files = new List<string> { "CMakeLists.txt", "firmware/CMakeLists.txt", "firmware/cmake/arm-none-eabi.cmake" };
        files.AddRange(Under("firmware/common", "*.c", "*.h", "*.ld"));
        files.AddRange(Under(board.Directory, "*"));
        files.Add("c-runtime/CMakeLists.txt");
        files.AddRange(Under("c-runtime/include", "*.h"));
        files.AddRange(Under("c-runtime/src", "*.c"));
        return files;
    }

    private IEnumerable<string> Under(string folder, params string[] patterns) =>
        patterns.SelectMany(p => Directory.GetFiles(Path.Combine(_repoRoot, folder), p, SearchOption.TopDirectoryOnly))
            .Select(f => Path.GetRelativePath(_repoRoot, f).Replace('\\', '/'))
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal);

    private static string Presets(Board board) =>
        $$"""
        {
          "version": 4,
          "include": [
            "firmware/boards/{{board.Name}}/preset.json"
          ]
        }

        """;

    private static string Readme(DeploymentModel model, Board board, int imageCount) =>
        $"""
        # Group-Net firmware: model "{model.Name}" on {board.Name}

        Board {board.Describe()}; QEMU machine `{board.QemuMachine}`, cpu `{board.QemuCpu}`.
        Generated by `groupnet generate --board {board.Name}`; {imageCount} test image(s) embedded (model/gn_test_data.c).

        ## Build (CMake 3.23 or later, arm-none-eabi-gcc on PATH)

            cmake --preset {board.Name}
            cmake --build --preset {board.Name}          # -> {RenodeScripts.ElfPathInTree(board)}

        The link fails with "region `FLASH' (or `RAM') overflowed by N bytes" when the model does not fit
        the part's memory. The `.su` / `.ci` files beside the objects (GCC `-fstack-usage
        -fcallgraph-info=su`) hold each function's stack frame and calls; `groupnet emulate` adds them up
        along the deepest path from the inference function.

        ## Run

            qemu-system-arm -M {board.QemuMachine} -cpu {board.QemuCpu} -nographic \
                -semihosting-config enable=on,target=native -kernel {RenodeScripts.ElfPathInTree(board)}
            renode renode/{board.Name}.resc      # then: start
            renode-test renode/{board.Name}.robot

        Output: one `logits <i> <v0> ... ` line per image, `GN-STACK <bytes>` (peak stack), `GN-DONE {imageCount}`.

        ## Use the model in your own firmware

        ```cmake
        add_subdirectory(path/to/this/model gn_model)   # finds ../c-runtime itself
        target_link_libraries(my_firmware PRIVATE gn_model)
        ```
        ```c
        #include "gn_model.h"
        int32_t logits[GN_MODEL_NUM_CLASSES];
        int rc = GN_MODEL_INFER(image /* GN_MODEL_INPUT_BYTES bytes */, logits);
        ```

        """;
}
