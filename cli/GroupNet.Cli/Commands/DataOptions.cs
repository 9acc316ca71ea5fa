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
        Description = "folder with the MNIST IDX files (train-/t10k-images-idx3-ubyte, -labels-idx1-ubyte); scripts/setup.sh puts them in .cache/mnist/package/data",
        DefaultValueFactory = _ => new DirectoryInfo(Path.Combine(".cache", "mnist", "package", "data")),
    };

    public static Option<FileInfo> RunConfigFile() => new("--config")
    {
        Description = "a run's configuration (NAME.config.yaml next to its checkpoint): use its data set and train/test counts instead of --data",
    };

    /// <summary>The training and test images: the run configuration's when given, else the MNIST folder.</summary>
    public static TrainTestSplit Load(DirectoryInfo mnistFolder, FileInfo? runConfig) => runConfig is null
        ? new TrainTestSplit(MnistIdx.LoadSplit(mnistFolder.FullName, train: true), MnistIdx.LoadSplit(mnistFolder.FullName, train: false))
        : new ExperimentData().Load(RunConfigYaml.Load(runConfig.FullName));
}
