using GroupNet.Trainer.Data;

namespace GroupNet.Cli.Experiments;

/// <summary>Loads a run's data set (cached per folder within one process) and takes its subsets.</summary>
public sealed class ExperimentData
{
    private readonly Dictionary<(DatasetKind, string), TrainTestSplit> _cache = new();

    /// <summary>The default folder of a data set (where scripts/setup.sh puts it).</summary>
    public static string DefaultFolder(DatasetKind dataset) => dataset == DatasetKind.Mnist
        ? Path.Combine(".cache", "mnist", "package", "data")
        : Path.Combine(".cache", "fashion-mnist");

    /// <summary>Training and test sets of <paramref name="config"/>, cut to its train and test counts.</summary>
    public TrainTestSplit Load(RunConfig config)
    {
        string folder = Path.GetFullPath(config.Data ?? DefaultFolder(config.Dataset));
        if (!_cache.TryGetValue((config.Dataset, folder), out var split))
        {
            split = config.Dataset == DatasetKind.Mnist
                ? new TrainTestSplit(MnistIdx.LoadSplit(folder, train: true), MnistIdx.LoadSplit(folder, train: false))
                : FashionMnistJson.Load(folder);
            _cache[(config.Dataset, folder)] = split;
        }
        return Cut(split, config);
    }

    /// <summary>Applies the run's train and test counts to <paramref name="split"/>.</summary>
    public static TrainTestSplit Cut(TrainTestSplit split, RunConfig config) =>
        new(Subset(split.Train, config.TrainCount), Subset(split.Test, config.TestCount));

    /// <summary>
    /// <paramref name="count"/> images at evenly spaced indices floor(i * N / count) (all when count is 0 or >= N):
    /// deterministic, and class-balanced on a class-ordered set such as the Fashion-MNIST split.
    /// </summary>
    public static ImageDataset Subset(ImageDataset data, int count)
    {
        if (count <= 0 || count >= data.Count)
        {
            return data;
        }
        int size = data.ImageSize;
        var pixels = new byte[(long)count * size];
        var labels = new byte[count];
        for (int i = 0; i < count; i++)
        {
            int j = (int)((long)i * data.Count / count);
            Array.Copy(data.Pixels, (long)j * size, pixels, (long)i * size, size);
            labels[i] = data.Labels[j];
        }
        return new ImageDataset(pixels, labels, data.Channels, data.Height, data.Width, data.NumClasses);
    }
}
