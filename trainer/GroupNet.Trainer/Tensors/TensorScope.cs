namespace GroupNet.Trainer.Tensors;

/// <summary>
/// Owns every tensor created while it is the context's current scope (activations, intermediate
/// gradients). Disposing it returns their buffers to the pool and empties the tensors, so one training
/// step allocates nothing after the first. Tensors that must outlive a step (parameters, buffers,
/// anything created with no scope active) are never owned by a scope.
/// </summary>
public sealed class TensorScope : IDisposable
{
    private readonly TrainingContext _context;
    private readonly TensorScope? _parent;
    private readonly List<Tensor> _owned = new();
    private bool _disposed;

    internal TensorScope(TrainingContext context, TensorScope? parent)
    {
        _context = context;
        _parent = parent;
    }

    internal void Track(Tensor tensor) => _owned.Add(tensor);

    /// <summary>Releases every owned tensor's data and gradient buffers.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        foreach (var tensor in _owned)
        {
            tensor.ReleaseTo(_context.Pool);
        }
        _owned.Clear();
        _context.PopScope(this, _parent);
    }
}
