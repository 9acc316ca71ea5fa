using System.CommandLine;
using GroupNet.Trainer.Data;

namespace GroupNet.Cli.Commands;

/// <summary>The MNIST-layout data folder option shared by several verbs.</summary>
public static class DataOptions
{
    public static Option<DirectoryInfo> DataFolder() => new("--data")
    {
        Description = "folder with the MNIST IDX files (train-/t10k-images-idx3-ubyte, -labels-idx1-ubyte), or the Fashion-MNIST package folder (.cache/fashion-mnist); scripts/setup.sh puts MNIST in .cache/mnist/package/data",
        DefaultValueFactory = _ => new DirectoryInfo(Path.Combine(".cache", "mnist", "package", "data")),
    };

    /// <summary>
    /// The training or test split of <paramref name="folder"/>: MNIST IDX files when the folder has them,
    /// otherwise the Fashion-MNIST package layout, so verbs that calibrate or evaluate take either data set.
    /// </summary>
    public static ImageDataset LoadSplit(string folder, bool train) =>
        File.Exists(Path.Combine(folder, "train-images-idx3-ubyte"))
            ? MnistIdx.LoadSplit(folder, train)
            : FashionMnistJson.LoadSplit(folder, train);
}
