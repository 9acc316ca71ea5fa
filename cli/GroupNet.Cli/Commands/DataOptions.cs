using System.CommandLine;

namespace GroupNet.Cli.Commands;

/// <summary>The MNIST-layout data folder option shared by several verbs.</summary>
public static class DataOptions
{
    public static Option<DirectoryInfo> DataFolder() => new("--data")
    {
        Description = "folder with the MNIST IDX files (train-/t10k-images-idx3-ubyte, -labels-idx1-ubyte); scripts/setup.sh puts them in .cache/mnist/package/data",
        DefaultValueFactory = _ => new DirectoryInfo(Path.Combine(".cache", "mnist", "package", "data")),
    };

}
