using GroupNet.Trainer.Modules;
using GroupNet.Trainer.Tensors;

namespace GroupNet.Trainer.Models;

/// <summary>One whole binary network body of Group-Net v3 (its groups in sequence, one base each).</summary>
public sealed class Trunk : Module
{
    /// <summary>Wraps <paramref name="groups"/>.</summary>
    public Trunk(TrainingContext context, IReadOnlyList<BaseGroup> groups)
        : base(context)
    {
        Groups = RegisterModule("Groups", new ModuleList<BaseGroup>(context, groups));
    }

    /// <summary>The groups.</summary>
    public ModuleList<BaseGroup> Groups { get; }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input)
    {
        var x = input;
        foreach (var g in Groups)
        {
            x = g.Forward(x);
        }
        return x;
    }
}
