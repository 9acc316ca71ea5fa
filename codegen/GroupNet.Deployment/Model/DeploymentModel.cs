namespace GroupNet.Deployment.Model;

/// <summary>An integer-only Group-Net program: tensors, accumulate layers in execution order, a head.
/// Tensor 0 is the input image.</summary>
public sealed record DeploymentModel(
    string Name,
    string Description,
    EquatableArray<TensorSpec> Tensors,
    EquatableArray<AccumulateLayer> Layers,
    LinearHead Head,
    double LogitScale)
{
    public const int FormatVersion = 1;

    public TensorSpec InputTensor => Tensors[0];

    public int NumClasses => Head.OutFeatures;

    public int InputBytes => InputTensor.ByteSize;

    /// <summary>Output height and width of a layer (all its terms agree; the validator checks it).</summary>
    public (int Height, int Width) OutputSize(AccumulateLayer layer) =>
        layer.Terms[0].OutputSize(Tensors[layer.Terms[0].Input]);
}
