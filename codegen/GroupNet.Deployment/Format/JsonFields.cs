using System.Text.Json;

namespace GroupNet.Deployment.Format;

/// <summary>Typed, path-aware reads of a JSON element, so every rejection names the field.</summary>
internal readonly struct JsonFields(JsonElement element, string path)
{
    public string Path => path;

    public JsonFields Object(string name)
    {
        var child = Get(name);
        if (child.ValueKind != JsonValueKind.Object)
        {
            throw Error(name, "must be an object");
        }
        return new JsonFields(child, Join(name));
    }

    public IReadOnlyList<JsonFields> Objects(string name, int max)
    {
        var child = Get(name);
        if (child.ValueKind != JsonValueKind.Array)
        {
            throw Error(name, "must be an array");
        }
        int n = child.GetArrayLength();
        if (n > max)
        {
            throw Error(name, $"has {n} entries, at most {max} allowed");
        }
        var list = new List<JsonFields>(n);
        int i = 0;
        foreach (var item in child.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Object)
            {
                throw new ModelFormatException($"{Join(name)}[{i}]: must be an object");
            }
            list.Add(new JsonFields(item, $"{Join(name)}[{i}]"));
            i++;
        }
        return list;
    }

    public string String(string name)
    {
        var child = Get(name);
        if (child.ValueKind != JsonValueKind.String)
        {
            throw Error(name, "must be a string");
        }
        return child.GetString()!;
    }

    public int Int(string name, int min = int.MinValue, int max = int.MaxValue)
    {
        var child = Get(name);
        if (child.ValueKind != JsonValueKind.Number || !child.TryGetInt32(out int v))
        {
            throw Error(name, "must be a 32-bit integer");
        }
        if (v < min || v > max)
        {
            throw Error(name, $"must be in {min}..{max}, found {v}");
        }
        return v;
    }

    public double Double(string name)
    {
        var child = Get(name);
        if (child.ValueKind != JsonValueKind.Number || !child.TryGetDouble(out double v) || !double.IsFinite(v))
        {
            throw Error(name, "must be a finite number");
        }
        return v;
    }

    public T[] Numbers<T>(string name, int maxCount, Func<JsonElement, (bool Ok, T Value)> read, string what)
    {
        var child = Get(name);
        if (child.ValueKind != JsonValueKind.Array)
        {
            throw Error(name, "must be an array");
        }
        int n = child.GetArrayLength();
        if (n > maxCount)
        {
            throw Error(name, $"has {n} values, at most {maxCount} allowed");
        }
        var result = new T[n];
        int i = 0;
        foreach (var item in child.EnumerateArray())
        {
            var (ok, value) = item.ValueKind == JsonValueKind.Number ? read(item) : (false, default!);
            if (!ok)
            {
                throw new ModelFormatException($"{Join(name)}[{i}]: must be {what}");
            }
            result[i++] = value;
        }
        return result;
    }

    public int[] Ints(string name, int maxCount) =>
        Numbers(name, maxCount, e => (e.TryGetInt32(out int v), v), "a 32-bit integer");

    public uint[] UInts(string name, int maxCount) =>
        Numbers(name, maxCount, e => (e.TryGetUInt32(out uint v), v), "an unsigned 32-bit integer");

    public long[] Longs(string name, int maxCount) =>
        Numbers(name, maxCount, e => (e.TryGetInt64(out long v), v), "a 64-bit integer");

    public sbyte[] SBytes(string name, int maxCount) =>
        Numbers(name, maxCount, e => (e.TryGetSByte(out sbyte v), v), "an 8-bit signed integer");

    public ModelFormatException Error(string name, string problem) => new($"{Join(name)}: {problem}");

    private JsonElement Get(string name)
    {
        if (!element.TryGetProperty(name, out var child))
        {
            throw new ModelFormatException($"{Join(name)}: missing");
        }
        return child;
    }

    private string Join(string name) => path.Length == 0 ? name : $"{path}.{name}";
}
