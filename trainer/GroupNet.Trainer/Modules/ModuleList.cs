using GroupNet.Trainer.Tensors;

namespace GroupNet.Trainer.Modules;

/// <summary>An indexed list of sub-modules registered as "0", "1", ... (PyTorch's <c>nn.ModuleList</c>).</summary>
public sealed class ModuleList<T> : Module, IReadOnlyList<T> where T : Module
{
    private readonly List<T> _items = new();

    /// <summary>Registers <paramref name="items"/> in order.</summary>
    public ModuleList(TrainingContext context, IEnumerable<T> items)
        : base(context)
    {
        foreach (var item in items)
        {
            RegisterModule(_items.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), item);
            _items.Add(item);
        }
    }

    /// <inheritdoc/>
    public T this[int index] => _items[index];

    /// <inheritdoc/>
    public int Count => _items.Count;

    /// <summary>A list is a container: it has no forward of its own.</summary>
    public override Tensor Forward(Tensor input) => throw new NotSupportedException("ModuleList has no Forward; call its items");

    /// <inheritdoc/>
    public IEnumerator<T> GetEnumerator() => _items.GetEnumerator();

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
}
