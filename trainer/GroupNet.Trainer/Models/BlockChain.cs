using GroupNet.Trainer.Modules;
using GroupNet.Trainer.Quantization;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace GroupNet.Trainer.Models;

/// <summary>
/// One Group-Net v2 base (Eq. 6): consecutive blocks inside one base, each block after the first fed by its own
/// BN and quantiser: x1 = blocks[0](q0), x_{j+1} = blocks[j](quants[j-1](norms[j-1](x_j))).
/// </summary>
public sealed class BlockChain : nn.Module<Tensor, Tensor>
{
    private readonly ModuleList<nn.Module<Tensor, Tensor>> blocks;
    private readonly ModuleList<BatchNorm2d> norms;
    private readonly ModuleList<ActivationQuantizer> quants;

    /// <summary>Chains <paramref name="chained"/>; <paramref name="inputChannels"/>[j] is block j's input width.</summary>
    public BlockChain(IReadOnlyList<nn.Module<Tensor, Tensor>> chained, IReadOnlyList<int> inputChannels, int activationBits)
        : base(nameof(BlockChain))
    {
        if (chained.Count < 1 || inputChannels.Count != chained.Count)
        {
            throw new ArgumentException("a block chain needs at least one block and one input width per block", nameof(chained));
        }
        blocks = new ModuleList<nn.Module<Tensor, Tensor>>(chained.ToArray());
        norms = new ModuleList<BatchNorm2d>(inputChannels.Skip(1).Select(c => nn.BatchNorm2d(c)).ToArray());
        quants = new ModuleList<ActivationQuantizer>(inputChannels.Skip(1).Select(_ => new ActivationQuantizer(activationBits)).ToArray());
        register_module(nameof(blocks), blocks);
        register_module(nameof(norms), norms);
        register_module(nameof(quants), quants);
    }

    /// <summary>The chained blocks.</summary>
    public IReadOnlyList<nn.Module<Tensor, Tensor>> Blocks => blocks.AsReadOnly();

    /// <summary>BN in front of block j + 1.</summary>
    public IReadOnlyList<BatchNorm2d> Norms => norms.AsReadOnly();

    /// <summary>Quantiser in front of block j + 1.</summary>
    public IReadOnlyList<ActivationQuantizer> Quants => quants.AsReadOnly();

    /// <inheritdoc/>
    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var x = blocks[0].forward(input);
        for (int j = 1; j < blocks.Count; j++)
        {
            x = blocks[j].forward(quants[j - 1].forward(BatchNormForward.Of(norms[j - 1], x)));
        }
        return x.MoveToOuterDisposeScope();
    }
}
