using System.Text;
using GroupNet.Trainer.Modules;
using GroupNet.Trainer.Optim;
using GroupNet.Trainer.Tensors;

namespace GroupNet.Trainer.Training;

/// <summary>
/// Binary checkpoint files (little-endian): magic "GNCKPT01", int32 epoch, string metadata, int32 entry count,
/// entries (string name, int32 rank, int32 dims..., float32 values), int32 optimiser entry count, entries
/// (string name, int32 length, float32 values). Strings are length-prefixed UTF-8 (BinaryWriter). Writes go to
/// a temporary file in the same folder, then <see cref="File.Move(string, string, bool)"/> replaces the target,
/// so a crash never leaves a half-written checkpoint.
/// </summary>
public static class Checkpoint
{
    private static readonly byte[] Magic = "GNCKPT01"u8.ToArray();

    /// <summary>Writes model state, optimiser state and the epoch count atomically.</summary>
    public static void Save(string path, Module model, Optimizer? optimizer, int epoch, string metadata = "")
    {
        var full = Path.GetFullPath(path);
        var dir = Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(dir);
        var temp = Path.Combine(dir, $".{Path.GetFileName(full)}.{Environment.ProcessId}.tmp");
        using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
        using (var w = new BinaryWriter(stream, Encoding.UTF8))
        {
            w.Write(Magic);
            w.Write(epoch);
            w.Write(metadata);
            var state = model.StateDict();
            w.Write(state.Count);
            foreach (var (name, t) in state)
            {
                w.Write(name);
                w.Write(t.Rank);
                foreach (var d in t.Shape)
                {
                    w.Write(d);
                }
                WriteFloats(w, t.Data);
            }
            var opt = optimizer?.StateDict() ?? [];
            w.Write(opt.Count);
            foreach (var (name, values) in opt)
            {
                w.Write(name);
                w.Write(values.Length);
                WriteFloats(w, values);
            }
            w.Flush();
            stream.Flush(flushToDisk: true);
        }
        File.Move(temp, full, overwrite: true);
    }

    /// <summary>Reads a checkpoint; a truncated or corrupt file throws <see cref="InvalidDataException"/>.</summary>
    public static CheckpointData Read(string path)
    {
        try
        {
            using var stream = File.OpenRead(path);
            using var r = new BinaryReader(stream, Encoding.UTF8);
            var magic = r.ReadBytes(Magic.Length);
            if (!magic.AsSpan().SequenceEqual(Magic))
            {
                throw new InvalidDataException($"{path}: not a Group-Net checkpoint (bad magic)");
            }
            int epoch = r.ReadInt32();
            string metadata = r.ReadString();
            int count = r.ReadInt32();
            CheckCount(path, count);
            var state = new List<KeyValuePair<string, Tensor>>(count);
            for (int i = 0; i < count; i++)
            {
                string name = r.ReadString();
                int rank = r.ReadInt32();
                if (rank < 0 || rank > 8)
                {
                    throw new InvalidDataException($"{path}: entry '{name}' has rank {rank}");
                }
                var shape = new int[rank];
                for (int d = 0; d < rank; d++)
                {
                    shape[d] = r.ReadInt32();
                    CheckCount(path, shape[d]);
                }
                state.Add(new(name, new Tensor(ReadFloats(r, path, Tensor.Numel(shape)), shape)));
            }
            int optCount = r.ReadInt32();
            CheckCount(path, optCount);
            var opt = new List<KeyValuePair<string, float[]>>(optCount);
            for (int i = 0; i < optCount; i++)
            {
                string name = r.ReadString();
                int length = r.ReadInt32();
                CheckCount(path, length);
                opt.Add(new(name, ReadFloats(r, path, length)));
            }
            if (stream.Position != stream.Length)
            {
                throw new InvalidDataException($"{path}: {stream.Length - stream.Position} unexpected trailing bytes");
            }
            return new CheckpointData(epoch, metadata, state, opt);
        }
        catch (EndOfStreamException e)
        {
            throw new InvalidDataException($"{path}: checkpoint is truncated", e);
        }
    }

    /// <summary>Reads <paramref name="path"/> into <paramref name="model"/> and <paramref name="optimizer"/>; returns the epoch count.</summary>
    public static CheckpointData Load(string path, Module model, Optimizer? optimizer)
    {
        var data = Read(path);
        model.LoadStateDict(data.ModelState);
        optimizer?.LoadStateDict(data.OptimizerState);
        return data;
    }

    private static void CheckCount(string path, int count)
    {
        if (count < 0 || count > 1 << 28)
        {
            throw new InvalidDataException($"{path}: implausible count {count}");
        }
    }

    private static void WriteFloats(BinaryWriter w, float[] values) =>
        w.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()));

    private static float[] ReadFloats(BinaryReader r, string path, int count)
    {
        var bytes = r.ReadBytes(count * sizeof(float));
        if (bytes.Length != count * sizeof(float))
        {
            throw new InvalidDataException($"{path}: checkpoint is truncated");
        }
        var values = new float[count];
        System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(bytes).CopyTo(values);
        return values;
    }
}
