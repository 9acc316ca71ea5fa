namespace GroupNet.Trainer.Tensors;

/// <summary>
/// Exact-length pool of <c>float[]</c> buffers. Training repeats the same shapes every step, so
/// renting by exact length recycles activations and gradients without garbage-collector churn.
/// Thread-safe; owned by a <see cref="TrainingContext"/>, never static.
/// </summary>
public sealed class BufferPool
{
    private readonly Dictionary<int, Stack<float[]>> _free = new();
    private readonly object _gate = new();

    /// <summary>Rents a buffer of exactly <paramref name="length"/> floats, zeroed when <paramref name="clear"/>.</summary>
    public float[] Rent(int length, bool clear)
    {
        if (length == 0)
        {
            return Array.Empty<float>();
        }
        float[]? buffer = null;
        lock (_gate)
        {
            if (_free.TryGetValue(length, out var stack) && stack.Count > 0)
            {
                buffer = stack.Pop();
            }
        }
        if (buffer is null)
        {
            return clear ? new float[length] : GC.AllocateUninitializedArray<float>(length);
        }
        return clear ? Clear(buffer) : buffer;
    }

    /// <summary>Returns a buffer; the caller must not touch it afterwards.</summary>
    public void Return(float[] buffer)
    {
        if (buffer.Length == 0)
        {
            return;
        }
        lock (_gate)
        {
            if (!_free.TryGetValue(buffer.Length, out var stack))
            {
                stack = new Stack<float[]>();
                _free[buffer.Length] = stack;
            }
            stack.Push(buffer);
        }
    }

    /// <summary>Drops every pooled buffer.</summary>
    public void Trim()
    {
        lock (_gate)
        {
            _free.Clear();
        }
    }

    private static float[] Clear(float[] buffer)
    {
        Array.Clear(buffer);
        return buffer;
    }
}
