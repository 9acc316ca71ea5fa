namespace GroupNet.Trainer.Tensors;

/// <summary>
/// Whether operations record an autograd graph (PyTorch's grad mode), held by a
/// <see cref="TrainingContext"/>. <see cref="Disable"/> returns a scope that restores the previous mode,
/// like <c>torch.no_grad()</c>.
/// </summary>
public sealed class GradMode
{
    /// <summary>True when new operations record their backward functions.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Turns recording off until the returned scope is disposed.</summary>
    public IDisposable Disable() => new Restore(this, false);

    /// <summary>Turns recording on until the returned scope is disposed.</summary>
    public IDisposable Enable() => new Restore(this, true);

    private sealed class Restore : IDisposable
    {
        private readonly GradMode _mode;
        private readonly bool _previous;
        private bool _disposed;

        public Restore(GradMode mode, bool enabled)
        {
            _mode = mode;
            _previous = mode.Enabled;
            mode.Enabled = enabled;
        }

        public void Dispose()
        {
            if (!_disposed)
            {
                _mode.Enabled = _previous;
                _disposed = true;
            }
        }
    }
}
