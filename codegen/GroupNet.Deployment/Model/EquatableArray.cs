using System.Collections;

namespace GroupNet.Deployment.Model;

/// <summary>
/// An immutable array with value equality, so records holding weights compare by content.
/// </summary>
public sealed class EquatableArray<T> : IEquatable<EquatableArray<T>>, IReadOnlyList<T>
    where T : IEquatable<T>
{
    private readonly T[] _items;

    public EquatableArray(T[] items) => _items = (T[])items.Clone();

    public EquatableArray(IEnumerable<T> items) => _items = items.ToArray();

    public static EquatableArray<T> Empty { get; } = new(Array.Empty<T>());

    public int Length => _items.Length;

    public int Count => _items.Length;

    public T this[int index] => _items[index];

    public ReadOnlySpan<T> AsSpan() => _items;

    public bool Equals(EquatableArray<T>? other) =>
        other is not null && _items.AsSpan().SequenceEqual(other._items);

    public override bool Equals(object? obj) => Equals(obj as EquatableArray<T>);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(_items.Length);
        for (int i = 0; i < Math.Min(_items.Length, 64); i++)
        {
            hash.Add(_items[i]?.GetHashCode() ?? 0);
        }
        return hash.ToHashCode();
    }

    public IEnumerator<T> GetEnumerator() => ((IEnumerable<T>)_items).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => _items.GetEnumerator();
}
