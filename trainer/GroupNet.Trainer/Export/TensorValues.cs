using static TorchSharp.torch;

namespace GroupNet.Trainer.Export;

/// <summary>Reads trained tensors into plain arrays for the exporters (which compute in doubles and integers).</summary>
public static class TensorValues
{
    /// <summary>The values of <paramref name="tensor"/> as float32, row-major, copied to the CPU.</summary>
    public static float[] Floats(Tensor tensor)
    {
        using var scope = NewDisposeScope();
        return tensor.detach().cpu().to(ScalarType.Float32).contiguous().data<float>().ToArray();
    }

    /// <summary>Element <paramref name="index"/> of a one-dimensional tensor.</summary>
    public static float At(Tensor tensor, int index) => Floats(tensor)[index];
}
