using FluentAssertions;
using GroupNet.Codegen;
using GroupNet.Deployment.Model;

namespace GroupNet.Tests.Codegen;

/// <summary>The static activation plan: a residual sum overwrites its block's input in place, and only then.</summary>
public sealed class BufferPlanTests
{
    [Fact]
    public void A_sum_with_an_identity_shortcut_takes_the_buffer_of_the_group_input()
    {
        // stem 16 -> group 0 (stride 1, 16 channels: identity shortcut) -> group 1 (stride 2: 1x1 shortcut)
        var model = new RandomModelBuilder { Seed = 3, Channels = [16, 32], Strides = [1, 2] }.Build();
        var plan = new BufferPlan(model, reuse: true);
        var sum = model.Layers.First(l => l.Terms.Any(t => t is IdentityTerm));
        int groupInput = sum.Terms.OfType<IdentityTerm>().Single().Input;

        plan.NameOf(sum.Output).Should().Be(plan.NameOf(groupInput), "the group input is read only by the sum's identity term, pixel by pixel");
        foreach (var term in sum.Terms.OfType<BinaryConvTerm>())
        {
            plan.NameOf(term.Input).Should().NotBe(plan.NameOf(sum.Output), "a 3x3 conv reads neighbouring pixels");
        }
    }

    [Fact]
    public void A_downsampling_sum_never_overwrites_an_input()
    {
        var model = new RandomModelBuilder { Seed = 4, Channels = [16, 32, 64], Strides = [1, 2, 2] }.Build();
        var plan = new BufferPlan(model, reuse: true);
        foreach (var layer in model.Layers.Where(l => !l.Terms.Any(t => t is IdentityTerm)))
        {
            foreach (var term in layer.Terms)
            {
                if (term.Input != 0 && model.Tensors[layer.Output].IsPacked)
                {
                    plan.NameOf(term.Input).Should().NotBe(plan.NameOf(layer.Output), $"layer {layer.Name} reads tensor {term.Input} through a convolution");
                }
            }
        }
    }

    [Fact]
    public void Without_reuse_every_tensor_has_its_own_buffer()
    {
        var model = new RandomModelBuilder { Seed = 5, Channels = [16, 32], Strides = [1, 2] }.Build();
        var plan = new BufferPlan(model, reuse: false);
        var packed = model.Tensors.Where(t => t.Id != 0 && t.IsPacked).Select(t => plan.NameOf(t.Id)).ToList();
        packed.Should().OnlyHaveUniqueItems();
    }
}
