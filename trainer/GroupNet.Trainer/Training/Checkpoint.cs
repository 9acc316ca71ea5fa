using System.Collections;
using System.Collections.Specialized;
using System.IO.Compression;
using TorchSharp;
using TorchSharp.Modules;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace GroupNet.Trainer.Training;

/// <summary>
/// Checkpoints in PyTorch's own file format (a <c>torch.save</c> zip archive of a pickled dict, written by
/// TorchSharp.PyBridge), so Python reads them with <c>torch.load</c>:
/// <code>
/// {"format": "groupnet-checkpoint-1", "model": {name: tensor, ...}, "optimizer": {"state": ..., "param_groups": ...},
///  "epoch": int, "metadata": str (the model configuration as JSON), "generator": uint8 tensor}
/// </code>
/// <c>model.load_state_dict(torch.load(path)["model"])</c> restores the weights in PyTorch; a plain state dict saved by
/// PyTorch (<c>torch.save(model.state_dict(), path)</c>) with the same parameter names loads here as a checkpoint of
/// epoch 0. Writes go to a temporary file in the same folder, flushed to disk, then <see cref="File.Move(string, string, bool)"/>
/// replaces the target, so a crash never leaves a half-written checkpoint.
/// </summary>
public static class Checkpoint
{
    /// <summary>Value of the "format" entry.</summary>
    public const string Format = "groupnet-checkpoint-1";

    /// <summary>Writes model state, optimiser state, the epoch count, metadata and the generator's state atomically.</summary>
    public static void Save(string path, nn.Module model, optim.Optimizer? optimizer, int epoch, string metadata = "", Generator? generator = null)
    {
        var full = Path.GetFullPath(path);
        var dir = Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(dir);
        var temp = Path.Combine(dir, $".{Path.GetFileName(full)}.{Environment.ProcessId}.tmp");
        using (var scope = NewDisposeScope())
        {
            // Ordered, so Python sees the module's registration order (as PyTorch writes it).
            var state = new OrderedDictionary();
            foreach (var (name, t) in model.state_dict())
            {
                state[name] = t.detach().cpu().contiguous();
            }
            var top = new OrderedDictionary
            {
                ["format"] = Format,
                ["model"] = state,
                ["epoch"] = epoch,
                ["metadata"] = metadata,
            };
            if (optimizer is OptimizerHelper helper)
            {
                using var buffer = new MemoryStream();
                helper.save_py(buffer, leaveOpen: true);
                buffer.Position = 0;
                top["optimizer"] = PyTorchUnpickler.UnpickleStateDict(buffer, leaveOpen: true, skipTensorRead: false);
            }
            if (generator is not null)
            {
                top["generator"] = generator.get_state();
            }
            using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
            {
                PyTorchPickler.PickleStateDict(stream, top, leaveOpen: true);
                stream.Flush(flushToDisk: true);
            }
        }
        File.Move(temp, full, overwrite: true);
    }

    /// <summary>Reads a checkpoint (or a plain PyTorch state dict); a truncated, corrupt or foreign file throws
    /// <see cref="InvalidDataException"/> naming the file.</summary>
    public static CheckpointData Read(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{path}: checkpoint not found", path);
        }
        Hashtable top;
        try
        {
            // Our own stream, so a refused file is closed at once (PyBridge leaves its stream open when it throws).
            using var stream = File.OpenRead(path);
            top = PyTorchUnpickler.UnpickleStateDict(stream, leaveOpen: true, skipTensorRead: false);
        }
        catch (Exception e) when (e is InvalidDataException or IOException or Razorvine.Pickle.PickleException or NotImplementedException
            or NotSupportedException or InvalidOperationException or ArgumentException or KeyNotFoundException or IndexOutOfRangeException
            or FormatException or InvalidCastException or NullReferenceException or OverflowException
            or System.Runtime.InteropServices.ExternalException)
        {
            // The reader's own message says what it found; its exception type is no help to a user.
            throw new InvalidDataException($"{path}: not a readable PyTorch checkpoint (a torch.save zip archive): {e.Message}", e);
        }
        if (top["format"] is string format)
        {
            if (format != Format)
            {
                throw new InvalidDataException($"{path}: checkpoint format '{format}' is not '{Format}'");
            }
            var model = top["model"] as Hashtable ?? throw new InvalidDataException($"{path}: checkpoint has no model state");
            int epoch = top["epoch"] is int e ? e : throw new InvalidDataException($"{path}: checkpoint has no epoch count");
            if (epoch < 0)
            {
                throw new InvalidDataException($"{path}: negative epoch count {epoch}");
            }
            return new CheckpointData(epoch, top["metadata"] as string ?? "", Tensors(path, model), top["optimizer"] as Hashtable, top["generator"] as Tensor);
        }
        // A plain state dict, as torch.save(model.state_dict()) writes it.
        return new CheckpointData(0, "", Tensors(path, top), null, null);
    }

    /// <summary>Reads <paramref name="path"/> into <paramref name="model"/> and, when the file has optimiser state,
    /// <paramref name="optimizer"/>. Names and shapes must match exactly.</summary>
    public static CheckpointData Load(string path, nn.Module model, optim.Optimizer? optimizer, Generator? generator = null)
    {
        var data = Read(path);
        LoadModelState(path, model, data.ModelState);
        if (optimizer is OptimizerHelper helper && data.OptimizerState is { } state)
        {
            using var buffer = new MemoryStream();
            PyTorchPickler.PickleStateDict(buffer, state, leaveOpen: true);
            buffer.Position = 0;
            try
            {
                helper.load_py(buffer, leaveOpen: true);
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException or InvalidCastException or KeyNotFoundException or NullReferenceException)
            {
                throw new InvalidDataException($"{path}: the optimiser state does not fit this optimiser ({e.Message})", e);
            }
        }
        if (generator is not null && data.GeneratorState is { } g)
        {
            generator.set_state(g);
        }
        return data;
    }

    /// <summary>Copies <paramref name="state"/> into <paramref name="model"/>, naming every missing, unexpected or
    /// mis-shaped entry when they differ.</summary>
    public static void LoadModelState(string path, nn.Module model, IReadOnlyDictionary<string, Tensor> state)
    {
        var own = model.state_dict();
        var missing = own.Keys.Where(k => !state.ContainsKey(k)).ToList();
        var unexpected = state.Keys.Where(k => !own.ContainsKey(k)).ToList();
        var misshaped = own.Where(kv => state.TryGetValue(kv.Key, out var t) && !t.shape.SequenceEqual(kv.Value.shape))
            .Select(kv => $"{kv.Key} [{string.Join(", ", state[kv.Key].shape)}] vs [{string.Join(", ", kv.Value.shape)}]").ToList();
        if (missing.Count + unexpected.Count + misshaped.Count > 0)
        {
            static string List(IEnumerable<string> items) => string.Join(", ", items.Take(5)) + (items.Count() > 5 ? $" (+{items.Count() - 5} more)" : "");
            var parts = new List<string>();
            if (missing.Count > 0)
            {
                parts.Add($"missing {List(missing)}");
            }
            if (unexpected.Count > 0)
            {
                parts.Add($"unexpected {List(unexpected)}");
            }
            if (misshaped.Count > 0)
            {
                parts.Add($"shape {List(misshaped)}");
            }
            throw new InvalidDataException($"{path}: the state dict does not fit this model: {string.Join("; ", parts)}");
        }
        using var noGrad = no_grad();
        foreach (var (name, target) in own)
        {
            target.copy_(state[name].to(target.dtype));
        }
    }

    private static Dictionary<string, Tensor> Tensors(string path, Hashtable table)
    {
        var result = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (DictionaryEntry entry in table)
        {
            if (entry.Key is not string name || entry.Value is not Tensor t)
            {
                throw new InvalidDataException($"{path}: state dict entry '{entry.Key}' is not a named tensor");
            }
            result[name] = t;
        }
        return result;
    }
}
