using GroupNet.Deployment.Data;

namespace GroupNet.Trainer.Data;

/// <summary>
/// MNIST as an <see cref="ImageDataset"/>: the four standard IDX files, read by the one IDX reader of the
/// project (<see cref="IdxFile"/>, which names the file and the problem for corrupt or truncated input).
/// </summary>
public static class MnistIdx
{
    /// <summary>Loads a matching images/labels pair.</summary>
    public static ImageDataset Load(string imagesPath, string labelsPath)
    {
        var images = IdxFile.ReadImages(imagesPath);
        var labels = IdxFile.ReadLabels(labelsPath);
        if (labels.Length != images.Count)
        {
            throw new InvalidDataException($"{labelsPath}: {labels.Length} labels but {imagesPath} has {images.Count} images");
        }
        return new ImageDataset(images.Pixels, labels, 1, images.Rows, images.Columns);
    }

    /// <summary>Loads the training (60k) or test (10k) split from a folder holding the four standard file names.</summary>
    public static ImageDataset LoadSplit(string directory, bool train)
    {
        string prefix = train ? "train" : "t10k";
        return Load(Path.Combine(directory, $"{prefix}-images-idx3-ubyte"), Path.Combine(directory, $"{prefix}-labels-idx1-ubyte"));
    }
}
