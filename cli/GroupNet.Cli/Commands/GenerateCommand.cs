using System.CommandLine;
using GroupNet.Codegen;
using GroupNet.Deployment.Data;
using GroupNet.Deployment.Format;
using GroupNet.Firmware;

namespace GroupNet.Cli.Commands;

/// <summary>`groupnet generate MODEL --board NAME --out DIR`: a complete firmware source tree for the
/// board (<see cref="FirmwareSourceTree"/>: CMake preset, start-up, linker script, runtime, Renode
/// files), with the model as a C library folder in model/ (CMake target gn_model, one header
/// gn_model.h), written atomically.</summary>
public static class GenerateCommand
{
    public static Command Create()
    {
        var model = new Argument<FileInfo>("model") { Description = "deployment model file (.gndm)" };
        var board = new Option<string>("--board") { Description = "target board: " + string.Join(", ", Boards.All.Select(b => b.Name)), DefaultValueFactory = _ => "mps2-an386" }.KnownBoard();
        var output = new Option<DirectoryInfo>("--out") { Description = "output folder (replaced atomically)", Required = true }.FolderToWrite();
        var images = new Option<FileInfo?>("--images") { Description = "IDX images to embed as test data (gn_test_data.c)" };
        var count = new Option<int>("--count") { Description = "how many test images to embed", DefaultValueFactory = _ => 32 }.AtLeast(1);
        var command = new Command("generate", "Generate a complete firmware source tree (CMake preset, board, runtime, model library) for a board");
        command.Arguments.Add(model);
        command.Options.Add(board);
        command.Options.Add(output);
        command.Options.Add(images);
        command.Options.Add(count);
        command.SetAction(parse =>
        {
            var m = ModelFile.Load(parse.GetValue(model)!.FullName);
            var b = Boards.Get(parse.GetValue(board)!);
            var testImages = parse.GetValue(images) is { } idxFile
                ? LoadImages(idxFile.FullName, parse.GetValue(count), m.InputBytes)
                : [];
            string target = parse.GetValue(output)!.FullName;
            var files = AtomicFolder.Write(target, dir => new FirmwareSourceTree(Cli.RepositoryRoot()).Write(m, b, dir, new EmitOptions(testImages)));
            Console.WriteLine($"generated {files.Count} files for {b.Describe()} in {target}");
            Console.WriteLine($"model library: {Path.Combine(target, FirmwareSourceTree.ModelFolder)} (CMake target gn_model, header gn_model.h)");
            Console.WriteLine($"build: cd {target} && cmake --preset {b.Name} && cmake --build --preset {b.Name}");
            Console.WriteLine($"run:   qemu-system-arm -M {b.QemuMachine} -cpu {b.QemuCpu} -nographic -semihosting-config enable=on,target=native -kernel {RenodeScripts.ElfPathInTree(b)}");
            Console.WriteLine($"renode: renode renode/{b.Name}.resc (test: renode-test renode/{b.Name}.robot)");
            return 0;
        });
        return command;
    }

    public static IReadOnlyList<byte[]> LoadImages(string path, int count, int inputBytes)
    {
        var idx = IdxFile.ReadImages(path);
        if (idx.ImageBytes != inputBytes)
        {
            throw new UserInputException($"{path}: images are {idx.Rows}x{idx.Columns} ({idx.ImageBytes} bytes), the model expects {inputBytes} bytes");
        }
        if (count < 1 || count > idx.Count)
        {
            throw new UserInputException($"--count {count}: {Path.GetFileName(path)} holds {idx.Count} images; 1 to {idx.Count} is accepted");
        }
        return idx.Take(count);
    }
}
