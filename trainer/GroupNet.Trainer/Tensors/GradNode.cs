namespace GroupNet.Trainer.Tensors;

/// <summary>One recorded operation: its inputs and the function that turns the output gradient into
/// input gradients.</summary>
internal sealed class GradNode(Tensor[] inputs, Action<Tensor> backward)
{
    public Tensor[] Inputs { get; } = inputs;

    public void Backward(Tensor output) => backward(output);
}
