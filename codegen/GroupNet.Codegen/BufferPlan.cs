using GroupNet.Deployment.Model;

namespace GroupNet.Codegen;

/// <summary>
/// Static activation memory, planned at generation time: every levels, signs and uint8 tensor gets a word range
/// of one arena, <c>gn_arena</c>, live from the layer that writes it to the last layer that reads it. A new
/// tensor takes the lowest offset that overlaps no live tensor (first fit), so a small tensor can sit in the
/// unused end of a large one's old place. A layer writes over one of its own inputs only in place of a shortcut:
/// when that input is read by nothing later and only by the layer's identity terms (each output pixel reads just
/// its own input pixel, before the epilogue writes that pixel) and its pixels are at least as wide as the
/// output's, the output takes the input's offset (a residual block's sum overwrites the block's input, which is
/// what lets a 28x28 network fit a 16 KiB part). Pooled tensors get their own int32 buffers; the image is the
/// caller's. With reuse off every tensor has its own range.
/// </summary>
public sealed class BufferPlan
{
    public const string ArenaName = "gn_arena";

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

        var placed = new List<(int Tensor, int Offset, int Size)>();
        var pooled = new List<PlannedBuffer>();
        int arenaWords = 0;
        for (int i = 0; i < model.Layers.Length; i++)
        {
            var output = model.Tensors[model.Layers[i].Output];
            if (output.Kind == TensorKind.Pooled)
            {
                string name = $"gn_pooled{output.Id}";
                _names[output.Id] = name;
                pooled.Add(new PlannedBuffer(name, "int32_t", output.Channels, [output.Id]));
                continue;
            }
            // uint8 tensors live in the same word arena (the layer call casts the pointer).
            int need = output.Kind == TensorKind.Uint8 ? (output.ByteSize + 3) / 4 : output.LevelWords;
            int offset;
            if (reuse && InPlaceInput(model, i, lastUse) is int alias)
            {
                offset = placed.Single(p => p.Tensor == alias).Offset;
            }
            else
            {
                var live = placed.Where(p => !reuse || lastUse[p.Tensor] >= i).OrderBy(p => p.Offset).ToList();
                offset = 0;
                foreach (var p in live)
                {
                    if (offset + need <= p.Offset)
                    {
                        break;
                    }
                    offset = Math.Max(offset, p.Offset + p.Size);
                }
            }
            placed.Add((output.Id, offset, need));
            arenaWords = Math.Max(arenaWords, offset + need);
            _names[output.Id] = offset == 0 ? ArenaName : $"({ArenaName} + {offset})";
            Ranges.Add(new TensorRange(output.Id, offset, need));
        }
        if (arenaWords > 0)
        {
            Buffers.Add(new PlannedBuffer(ArenaName, "uint32_t", arenaWords, placed.Select(p => p.Tensor).ToList()));
        }
        Buffers.AddRange(pooled);
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

    /// <summary>Buffers in declaration order: the arena, then pooled buffers.</summary>
    public List<PlannedBuffer> Buffers { get; } = [];

    /// <summary>Where each arena tensor lives, in the order the layers write them.</summary>
    public List<TensorRange> Ranges { get; } = [];

    public int TotalBytes => Buffers.Sum(b => b.Size * 4);

    /// <summary>The C expression of tensor <paramref name="tensor"/>'s storage ("image" for tensor 0).</summary>
    public string NameOf(int tensor) => tensor == 0 ? "image" : _names[tensor];
}

/// <summary>Words [Offset, Offset + Size) of the activation arena hold tensor <paramref name="Tensor"/>.</summary>
public sealed record TensorRange(int Tensor, int Offset, int Size);
