using GroupNet.Deployment.Model;

namespace GroupNet.Codegen;

/// <summary>
/// Static activation memory, planned at generation time. Levels tensors share uint32 buffers: a
/// buffer is free once the last layer reading its tensor has run. A layer writes the buffer of one of
/// its own inputs only in place of a shortcut: when that input is read by nothing later and only by the
/// layer's identity terms (each output pixel reads just its own input pixel, before the epilogue writes
/// that pixel) and its pixels are at least as wide as the output's, the output takes the input's buffer
/// (a residual block's sum overwrites the block's input, which is what lets a 28x28 network fit a 16 KiB
/// part). Otherwise best fit among free buffers, growing the largest free one if none fits.
/// Pooled tensors get their own int32 buffers; the image is the caller's.
/// </summary>
public sealed class BufferPlan
{
    private readonly Dictionary<int, string> _names = new();

    public BufferPlan(DeploymentModel model, bool reuse)
    {
        var lastUse = new int[model.Tensors.Length];
        Array.Fill(lastUse, -1);
        for (int i = 0; i < model.Layers.Length; i++)
        {
            foreach (var term in model.Layers[i].Terms)
            {
                lastUse[term.Input] = i;
            }
        }
        lastUse[model.Head.Input] = model.Layers.Length;

        var slots = new List<(int Size, int Tensor, List<int> Tensors)>();
        for (int i = 0; i < model.Layers.Length; i++)
        {
            var output = model.Tensors[model.Layers[i].Output];
            if (output.Kind == TensorKind.Pooled)
            {
                string pooled = $"gn_pooled{output.Id}";
                _names[output.Id] = pooled;
                Buffers.Add(new PlannedBuffer(pooled, "int32_t", output.Channels, [output.Id]));
                continue;
            }
            // uint8 tensors share the same word buffers (the layer call casts the pointer).
            int need = output.Kind == TensorKind.Uint8 ? (output.ByteSize + 3) / 4 : output.LevelWords;
            int chosen = -1;
            if (reuse && InPlaceInput(model, i, lastUse) is int alias)
            {
                chosen = slots.FindIndex(slot => slot.Tensor == alias);
            }
            if (reuse && chosen < 0)
            {
                var free = Enumerable.Range(0, slots.Count).Where(s => lastUse[slots[s].Tensor] < i).ToList();
                var fitting = free.Where(s => slots[s].Size >= need).OrderBy(s => slots[s].Size).ThenBy(s => s).ToList();
                chosen = fitting.Count > 0 ? fitting[0] : free.OrderByDescending(s => slots[s].Size).ThenBy(s => s).DefaultIfEmpty(-1).First();
            }
            if (chosen < 0)
            {
                slots.Add((need, output.Id, [output.Id]));
            }
            else
            {
                var slot = slots[chosen];
                slot.Tensors.Add(output.Id);
                slots[chosen] = (Math.Max(slot.Size, need), output.Id, slot.Tensors);
            }
        }
        for (int s = 0; s < slots.Count; s++)
        {
            string name = $"gn_act{s}";
            foreach (int t in slots[s].Tensors)
            {
                _names[t] = name;
            }
            Buffers.Insert(s, new PlannedBuffer(name, "uint32_t", slots[s].Size, slots[s].Tensors));
        }
    }

    /// <summary>The input tensor layer <paramref name="layer"/> may overwrite with its output, if any (see the class).</summary>
    private static int? InPlaceInput(DeploymentModel model, int layer, int[] lastUse)
    {
        var l = model.Layers[layer];
        var output = model.Tensors[l.Output];
        if (!output.IsPacked)
        {
            return null;
        }
        foreach (int input in l.Terms.Select(t => t.Input).Distinct())
        {
            var x = model.Tensors[input];
            if (input != 0 && x.IsPacked && lastUse[input] == layer && x.Height == output.Height && x.Width == output.Width
                && x.Bits * x.Words >= output.Bits * output.Words
                && l.Terms.Where(t => t.Input == input).All(t => t is IdentityTerm))
            {
                return input;
            }
        }
        return null;
    }

    /// <summary>Buffers in declaration order: activation buffers, then pooled buffers.</summary>
    public List<PlannedBuffer> Buffers { get; } = [];

    public int TotalBytes => Buffers.Sum(b => b.Size * 4);

    /// <summary>The C name of the buffer holding tensor <paramref name="tensor"/> ("image" for tensor 0).</summary>
    public string NameOf(int tensor) => tensor == 0 ? "image" : _names[tensor];
}
