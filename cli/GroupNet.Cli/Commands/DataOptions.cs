using System.CommandLine;
using GroupNet.Cli.Experiments;
using GroupNet.Trainer.Data;

namespace GroupNet.Cli.Commands;

/// <summary>The data options shared by several verbs: an MNIST-layout folder, or a run's configuration
/// (the data set and train/test counts a `groupnet train --config` / `ablate` run used).</summary>
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

    public static Option<FileInfo> RunConfigFile() => new("--config")
    {
        Description = "a run's configuration (NAME.config.yaml next to its checkpoint): use its data set and train/test counts instead of --data",
    };

    /// <summary>The training and test images: the run configuration's when given, else the --data folder
    /// (MNIST or Fashion-MNIST).</summary>
    public static TrainTestSplit Load(DirectoryInfo dataFolder, FileInfo? runConfig) => runConfig is null
        ? new TrainTestSplit(LoadSplit(dataFolder.FullName, train: true), LoadSplit(dataFolder.FullName, train: false))
        : new ExperimentData().Load(RunConfigYaml.Load(runConfig.FullName));
}
