namespace GroupNet.Trainer.Tensors;

/// <summary>
/// A float32 tensor with reverse-mode autograd, PyTorch style.
/// <para>Layout: row-major and contiguous; image tensors are NCHW (batch, channel, row, column), so the
/// element (n, c, y, x) of an [N, C, H, W] tensor is at <c>((n * C + c) * H + y) * W + x</c>. Convolution
/// weights are [Cout, Cin, kh, kw], linear weights [out, in].</para>
/// <para>Memory: tensors created while a <see cref="TensorScope"/> is active borrow their buffers from the
/// context's pool and lose them when the scope ends; do not keep such tensors beyond their scope (copy
/// out what you need). Tensors created with no scope (parameters, buffers) own their arrays.</para>
/// </summary>
public class Tensor
{
    private readonly int[] _shape;
    private GradNode? _gradFn;
    private bool _scoped;

    /// <summary>Creates a tensor over <paramref name="data"/> (not copied) with the given shape.</summary>
    public Tensor(float[] data, params int[] shape)
    {
        ArgumentNullException.ThrowIfNull(data);
        _shape = (int[])shape.Clone();
        long n = 1;
        foreach (int d in _shape)
        {
            if (d < 0)
            {
                throw new ArgumentException($"negative dimension in shape [{string.Join(", ", shape)}]", nameof(shape));
            }
            n *= d;
        }
        if (n != data.Length)
        {
            throw new ArgumentException($"data length {data.Length} does not match shape [{string.Join(", ", shape)}] ({n} elements)", nameof(data));
        }
        Data = data;
    }

    /// <summary>A zero tensor with its own (unpooled) array.</summary>
    public static Tensor Zeros(params int[] shape) => new(new float[Numel(shape)], shape);

    /// <summary>Creates a tensor for an op result: pooled and scope-owned when a scope is active.</summary>
    public static Tensor Create(TrainingContext context, bool clear, params int[] shape)
    {
        var scope = context.CurrentScope;
        if (scope is null)
        {
            return new Tensor(new float[Numel(shape)], shape);
        }
        var t = new Tensor(context.Pool.Rent(Numel(shape), clear), shape) { _scoped = true };
        scope.Track(t);
        return t;
    }

    /// <summary>The elements, row-major.</summary>
    public float[] Data { get; private set; }

    /// <summary>Accumulated gradient (same layout as <see cref="Data"/>), or null before backward.</summary>
    public float[]? Grad { get; set; }

    /// <summary>Whether backward computes a gradient for this tensor.</summary>
    public bool RequiresGrad { get; set; }

    /// <summary>The shape (do not modify).</summary>
    public ReadOnlySpan<int> Shape => _shape;

    /// <summary>Number of dimensions.</summary>
    public int Rank => _shape.Length;

    /// <summary>Number of elements.</summary>
    public int Count => Data.Length;

    /// <summary>Size of dimension <paramref name="dim"/> (negative counts from the end).</summary>
    public int Size(int dim) => _shape[dim < 0 ? _shape.Length + dim : dim];

    /// <summary>A copy of the shape.</summary>
    public int[] ShapeArray() => (int[])_shape.Clone();

    /// <summary>The function that produced this tensor, or null for leaves.</summary>
    internal GradNode? GradFn => _gradFn;

    /// <summary>True when this tensor was produced by a recorded operation.</summary>
    public bool IsLeaf => _gradFn is null;

    /// <summary>Scalar value of a one-element tensor.</summary>
    public float Item()
    {
        if (Data.Length != 1)
        {
            throw new InvalidOperationException($"Item() needs one element, tensor has {Data.Length}");
        }
        return Data[0];
    }

    /// <summary>Element count of a shape.</summary>
    public static int Numel(ReadOnlySpan<int> shape)
    {
        long n = 1;
        foreach (int d in shape)
        {
            n *= d;
        }
        return checked((int)n);
    }

    /// <summary>Returns the gradient buffer, allocating a zeroed one (pooled when scope-owned) if absent.</summary>
    public float[] EnsureGrad(TrainingContext context)
    {
        if (Grad is null)
        {
            Grad = _scoped ? context.Pool.Rent(Data.Length, clear: true) : new float[Data.Length];
        }
        return Grad;
    }

    /// <summary>Drops the gradient (sets it to null; parameters keep no stale buffers).</summary>
    public void ZeroGrad()
    {
        if (Grad is not null)
        {
            Array.Clear(Grad);
        }
    }

    /// <summary>Same data viewed with another shape (shares the array; gradient flows back).</summary>
    public Tensor Reshape(TrainingContext context, params int[] shape)
    {
        if (Numel(shape) != Data.Length)
        {
            throw new ArgumentException($"cannot reshape {Data.Length} elements to [{string.Join(", ", shape)}]");
        }
        var result = new Tensor(Data, shape);
        var source = this;
        result.AttachGrad(context, [this], output =>
        {
            var g = source.EnsureGrad(context);
            System.Numerics.Tensors.TensorPrimitives.Add(g, output.Grad!, g);
        });
        return result;
    }

    /// <summary>
    /// Records <paramref name="backward"/> as this tensor's gradient function when grad mode is on and any
    /// input requires a gradient. The callback reads <c>output.Grad</c> and adds into its inputs' gradients.
    /// </summary>
    public void AttachGrad(TrainingContext context, Tensor[] inputs, Action<Tensor> backward)
    {
        if (!context.GradMode.Enabled)
        {
            return;
        }
        bool any = false;
        foreach (var input in inputs)
        {
            any |= input.RequiresGrad;
        }
        if (!any)
        {
            return;
        }
        RequiresGrad = true;
        _gradFn = new GradNode(inputs, backward);
    }

    /// <summary>Back-propagates from this scalar (seed gradient 1) through the recorded graph, in reverse
    /// topological order, accumulating into every <see cref="RequiresGrad"/> leaf's <see cref="Grad"/>.</summary>
    public void Backward(TrainingContext context)
    {
        if (Data.Length != 1)
        {
            throw new InvalidOperationException("Backward() without a gradient needs a scalar tensor");
        }
        var g = EnsureGrad(context);
        g[0] += 1f;
        BackwardFromGrad(context);
    }

    /// <summary>Back-propagates the gradient already stored in <see cref="Grad"/>.</summary>
    public void BackwardFromGrad(TrainingContext context)
    {
        var order = new List<Tensor>();
        var visited = new HashSet<Tensor>(ReferenceEqualityComparer.Instance);
        var stack = new Stack<(Tensor Node, int Next)>();
        stack.Push((this, 0));
        visited.Add(this);
        while (stack.Count > 0)
        {
            var (node, next) = stack.Pop();
            var inputs = node._gradFn?.Inputs ?? [];
            if (next < inputs.Length)
            {
                stack.Push((node, next + 1));
                var child = inputs[next];
                if (child._gradFn is not null && visited.Add(child))
                {
                    stack.Push((child, 0));
                }
            }
            else
            {
                order.Add(node);
            }
        }
        for (int i = order.Count - 1; i >= 0; i--)
        {
            var node = order[i];
            if (node.Grad is not null && node._gradFn is not null)
            {
                node._gradFn.Backward(node);
            }
            node._gradFn = null; // the graph is consumed; leaves keep their gradients
        }
    }

    internal void ReleaseTo(BufferPool pool)
    {
        if (!_scoped)
        {
            return;
        }
        pool.Return(Data);
        if (Grad is not null)
        {
            pool.Return(Grad);
        }
        Data = Array.Empty<float>();
        Grad = null;
        _gradFn = null;
    }

    /// <inheritdoc/>
    public override string ToString() => $"Tensor[{string.Join(", ", _shape)}]";
}
