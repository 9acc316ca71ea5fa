using System.Collections;
using System.Globalization;
using TorchSharp.Modules;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace GroupNet.Tests.Trainer;

/// <summary>An optimiser's state as PyTorch lays it out (what a checkpoint stores), flattened to path -> tensor or
/// scalar, for exact comparisons.</summary>
internal static class StateValues
{
    /// <summary>Every tensor and scalar of <paramref name="optimizer"/>'s PyTorch-format state dict by path, e.g.
    /// <c>state.3.momentum_buffer</c> or <c>param_groups.0.lr</c>; tensors are detached copies.</summary>
    public static SortedDictionary<string, object> Of(optim.Optimizer optimizer)
    {
        using var buffer = new MemoryStream();
        ((OptimizerHelper)optimizer).save_py(buffer, leaveOpen: true);
        buffer.Position = 0;
        return Flatten(PyTorchUnpickler.UnpickleStateDict(buffer, leaveOpen: true, skipTensorRead: false));
    }

    /// <summary>A nested Hashtable / list structure flattened to path -> leaf.</summary>
    public static SortedDictionary<string, object> Flatten(object root)
    {
        var result = new SortedDictionary<string, object>(StringComparer.Ordinal);
        Walk(root, "", result);
        return result;
    }

    /// <summary>Empty when both hold the same paths with equal leaves (tensors by torch.equal); else the differences.</summary>
    public static List<string> Differences(IReadOnlyDictionary<string, object> actual, IReadOnlyDictionary<string, object> expected)
    {
        var lines = new List<string>();
        foreach (var key in expected.Keys.Union(actual.Keys).Order(StringComparer.Ordinal))
        {
            if (!actual.TryGetValue(key, out var a) || !expected.TryGetValue(key, out var e))
            {
                lines.Add($"{key}: only in {(actual.ContainsKey(key) ? "actual" : "expected")}");
            }
            else if (a is Tensor ta && e is Tensor te)
            {
                if (TrainerTestData.TensorDifference(ta, te) is { } d)
                {
                    lines.Add($"{key}: {d}");
                }
            }
            else if (!Equals(a, e))
            {
                lines.Add($"{key}: actual {a}, expected {e}");
            }
        }
        return lines;
    }

    private static void Walk(object? node, string path, SortedDictionary<string, object> result)
    {
        string Child(object key) => path.Length == 0 ? Convert.ToString(key, CultureInfo.InvariantCulture)! : $"{path}.{Convert.ToString(key, CultureInfo.InvariantCulture)}";
        switch (node)
        {
            case Tensor t:
                result[path] = t.detach().clone().DetachFromDisposeScope();
                break;
            case string or null:
                result[path] = node ?? "null";
                break;
            case IDictionary map:
                foreach (DictionaryEntry entry in map)
                {
                    Walk(entry.Value, Child(entry.Key), result);
                }
                break;
            case IEnumerable list:
                int i = 0;
                foreach (var item in list)
                {
                    Walk(item, Child(i++), result);
                }
                break;
            default:
                result[path] = node;
                break;
        }
    }
}
