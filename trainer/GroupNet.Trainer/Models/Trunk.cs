using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace GroupNet.Trainer.Models;

/// <summary>One whole binary network body of Group-Net v3 (its groups in sequence, one base each).</summary>
public sealed class Trunk : nn.Module<Tensor, Tensor>
{
    private readonly ModuleList<BaseGroup> groups;

    /// <summary>Wraps <paramref name="body"/>.</summary>
    public Trunk(IReadOnlyList<BaseGroup> body)
        : base(nameof(Trunk))
    {
        groups = new ModuleList<BaseGroup>(body.ToArray());
        register_module(nameof(groups), groups);
    }

    /// <summary>The groups.</summary>
    public IReadOnlyList<BaseGroup> Groups => groups.AsReadOnly();

    /// <inheritdoc/>
    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var x = input;
        foreach (var g in groups)
        {
            x = g.forward(x);
        }
        return x.MoveToOuterDisposeScope();
    }
}
