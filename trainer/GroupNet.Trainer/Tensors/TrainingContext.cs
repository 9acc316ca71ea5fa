namespace GroupNet.Trainer.Tensors;

/// <summary>
/// Every piece of mutable engine state in one explicit object (the project has no static mutable state):
/// the seeded random generator, grad mode, the thread count for parallel kernels, the buffer pool and
/// the current tensor scope. Modules hold the context they were built with. Not thread-safe: one training
/// loop per context.
/// </summary>
public sealed class TrainingContext
{
    private TensorScope? _scope;

    /// <summary>Creates a context; <paramref name="threads"/> = 0 uses every core.</summary>
    public TrainingContext(int seed = 0, int threads = 0)
    {
        if (threads < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(threads), threads, "thread count must be >= 0");
        }
        Seed = seed;
        Random = new Random(seed);
        Threads = threads == 0 ? Environment.ProcessorCount : threads;
        ParallelOptions = new ParallelOptions { MaxDegreeOfParallelism = Threads };
    }

    /// <summary>The seed the random generator started from.</summary>
    public int Seed { get; }

    /// <summary>Seeded generator for weight initialisation.</summary>
    public Random Random { get; }

    /// <summary>Number of worker threads kernels split their work over. Results are bit-identical for the
    /// same seed and thread count (reductions run in a fixed order).</summary>
    public int Threads { get; }

    /// <summary>Options passed to <see cref="Parallel"/> loops.</summary>
    public ParallelOptions ParallelOptions { get; }

    /// <summary>Grad mode (autograd recording on or off).</summary>
    public GradMode GradMode { get; } = new();

    /// <summary>Recycles activation and gradient buffers.</summary>
    public BufferPool Pool { get; } = new();

    /// <summary>The scope that owns newly created tensors, or null.</summary>
    public TensorScope? CurrentScope => _scope;

    /// <summary>Shorthand for <c>GradMode.Disable()</c>.</summary>
    public IDisposable NoGrad() => GradMode.Disable();

    /// <summary>Starts a scope: tensors created until it is disposed are freed with it.</summary>
    public TensorScope BeginScope()
    {
        _scope = new TensorScope(this, _scope);
        return _scope;
    }

    internal void PopScope(TensorScope scope, TensorScope? parent)
    {
        if (ReferenceEquals(_scope, scope))
        {
            _scope = parent;
        }
    }

    /// <summary>Runs <paramref name="body"/>(t) for t in [0, Threads) on worker threads; each t gets a
    /// fixed slice of the work, so the results do not depend on scheduling.</summary>
    public void ParallelForThreads(int count, Action<int> body)
    {
        int n = Math.Min(count, Threads);
        if (n <= 1)
        {
            for (int t = 0; t < count; t++)
            {
                body(t);
            }
            return;
        }
        Parallel.For(0, count, ParallelOptions, body);
    }

    /// <summary>Fixed static slice [start, end) of <paramref name="total"/> items for part <paramref name="part"/> of <paramref name="parts"/>.</summary>
    public static (int Start, int End) Slice(int total, int part, int parts)
    {
        long start = (long)total * part / parts;
        long end = (long)total * (part + 1) / parts;
        return ((int)start, (int)end);
    }
}
