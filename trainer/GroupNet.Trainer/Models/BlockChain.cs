using GroupNet.Trainer.Modules;
using GroupNet.Trainer.Quantization;
using GroupNet.Trainer.Tensors;

namespace GroupNet.Trainer.Models;

/// <summary>
/// One Group-Net v2 base (Eq. 6): consecutive blocks inside one base, each block after the first fed by its own
/// BN and quantiser: x1 = Blocks[0](q0), x_{j+1} = Blocks[j](Quants[j-1](Norms[j-1](x_j))).
/// </summary>
public sealed class BlockChain : Module
{
    /// <summary>Chains <paramref name="blocks"/>; <paramref name="inputChannels"/>[j] is block j's input width.</summary>
    public BlockChain(TrainingContext context, IReadOnlyList<Module> blocks, IReadOnlyList<int> inputChannels, int activationBits)
        : base(context)
    {
        if (blocks.Count < 1 || inputChannels.Count != blocks.Count)
        {
            throw new ArgumentException("a block chain needs at least one block and one input width per block", nameof(blocks));
        }
        Blocks = RegisterModule("Blocks", new ModuleList<Module>(context, blocks));
        Norms = RegisterModule("Norms", new ModuleList<BatchNorm2d>(context, inputChannels.Skip(1).Select(c => new BatchNorm2d(context, c)).ToList()));
        Quants = RegisterModule("Quants", new ModuleList<ActivationQuantizer>(context,
            inputChannels.Skip(1).Select(_ => new ActivationQuantizer(context, activationBits)).ToList()));
    }

    /// <summary>The chained blocks.</summary>
    public ModuleList<Module> Blocks { get; }

    /// <summary>BN in front of block j + 1.</summary>
    public ModuleList<BatchNorm2d> Norms { get; }

    /// <summary>Quantiser in front of block j + 1.</summary>
    public ModuleList<ActivationQuantizer> Quants { get; }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input)
    {
        var x = Blocks[0].Forward(input);
        for (int j = 1; j < Blocks.Count; j++)
        {
            x = Blocks[j].Forward(Quants[j - 1].Forward(Norms[j - 1].Forward(x)));
        }
        return x;
    }
}
