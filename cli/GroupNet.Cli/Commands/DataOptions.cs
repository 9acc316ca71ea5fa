using System.CommandLine;
using GroupNet.Deployment.Data;

namespace GroupNet.Cli.Commands;

/// <summary>The MNIST-layout data folder option shared by several verbs.</summary>
public static class DataOptions
{
    public const string TestImages = "t10k-images-idx3-ubyte";
    public const string TestLabels = "t10k-labels-idx1-ubyte";
    public const string TrainImages = "train-images-idx3-ubyte";
    public const string TrainLabels = "train-labels-idx1-ubyte";

    public static Option<DirectoryInfo> DataFolder() => new("--data")
    {
        Description = "folder with the MNIST IDX files (train-/t10k-images-idx3-ubyte, -labels-idx1-ubyte); scripts/setup.sh puts them in .cache/mnist/package/data",
        DefaultValueFactory = _ => new DirectoryInfo(Path.Combine(".cache", "mnist", "package", "data")),
    };

    public static (IdxImages Images, byte[] Labels) LoadTest(DirectoryInfo folder)
    {
        var images = IdxFile.ReadImages(Path.Combine(folder.FullName, TestImages));
        var labels = IdxFile.ReadLabels(Path.Combine(folder.FullName, TestLabels));
        if (labels.Length != images.Count)
        {
            throw new InvalidDataException($"{folder.FullName}: {images.Count} test images but {labels.Length} labels");
        }
        return (images, labels);
    }
}
