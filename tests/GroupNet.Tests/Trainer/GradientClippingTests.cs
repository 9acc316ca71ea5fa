using FluentAssertions;
using GroupNet.Trainer.Data;
using GroupNet.Trainer.Models;
using GroupNet.Trainer.Modules;
using GroupNet.Trainer.Optim;
using GroupNet.Trainer.Tensors;
using GroupNet.Trainer.Training;
using static GroupNet.Tests.Trainer.TrainerTestData;

namespace GroupNet.Tests.Trainer;

public class GradientClippingTests
{
    [Fact]
    public void Clipping_scales_the_global_norm_exactly_to_the_limit_and_keeps_the_direction()
    {
        // Gradients (3, 4) and (12): global norm 13. Limit 6.5 halves every entry.
        var a = new Parameter([0f, 0f], 2) { Grad = [3f, 4f] };
        var b = new Parameter([0f], 1) { Grad = [12f] };
        var none = new Parameter([0f], 1); // no gradient: skipped
        double before = GradientClipping.ClipGradNorm([a, b, none], 6.5);
        before.Should().Be(13.0);
        a.Grad.Should().Equal([1.5f, 2f]);
        b.Grad.Should().Equal([6f]);
        none.Grad.Should().BeNull();
        GradientClipping.GlobalNorm([a, b]).Should().Be(6.5);
    }

    [Fact]
    public void Clipping_to_an_awkward_limit_meets_it_to_float_rounding()
    {
        var random = new Random(3);
        var ps = Enumerable.Range(0, 4).Select(i => Uniform(random, false, -3, 3, 7 + i)).ToList();
        foreach (var p in ps)
        {
            p.Grad = (float[])p.Data.Clone();
        }
        double before = GradientClipping.GlobalNorm(ps);
        GradientClipping.ClipGradNorm(ps, 0.7).Should().Be(before);
        GradientClipping.GlobalNorm(ps).Should().BeApproximately(0.7, 0.7 * 1e-6);
    }

    [Fact]
    public void Gradients_under_the_limit_are_left_bit_identical()
    {
        var a = new Parameter([0f, 0f], 2) { Grad = [0.3f, -0.4f] };
        GradientClipping.ClipGradNorm([a], 0.5000001).Should().BeApproximately(0.5, 1e-7);
        a.Grad.Should().Equal([0.3f, -0.4f]);
        var bad = () => GradientClipping.ClipGradNorm([a], 0);
        bad.Should().Throw<ArgumentOutOfRangeException>();
    }

    [Fact]
    public void Trainer_clips_the_global_gradient_norm_before_the_step_when_the_option_is_set()
    {
        var ctx = new TrainingContext(seed: 4, threads: 2);
        var model = new GroupNetV1(ctx, Config(1, 32));
        var options = new TrainerOptions { MaxGradNorm = 1e-3f, LearningRate = 0.01f };
        var trainer = new GroupNet.Trainer.Training.Trainer(model, options, 4);
        var images = Uniform(new Random(5), false, 0, 1, 4, 1, Side, Side);
        trainer.TrainStep(new Batch(images, [0, 1, 2, 3]));
        trainer.LastGradNorm.Should().BeGreaterThan(1e-3, "an untrained model's gradient is far above the limit");
        // The step does not zero gradients, so what the optimiser used is still there.
        GradientClipping.GlobalNorm(model.Parameters()).Should().BeApproximately(1e-3, 1e-3 * 1e-5);

        var unclipped = new GroupNet.Trainer.Training.Trainer(new GroupNetV1(new TrainingContext(seed: 4, threads: 2), Config(1, 32)), options with { MaxGradNorm = null }, 4);
        unclipped.TrainStep(new Batch(images, [0, 1, 2, 3]));
        double.IsNaN(unclipped.LastGradNorm).Should().BeTrue();
        GradientClipping.GlobalNorm(unclipped.Model.Parameters()).Should().BeApproximately(trainer.LastGradNorm, trainer.LastGradNorm * 1e-5,
            "same seed, same batch: the unclipped gradient has the norm the clipped trainer measured");
    }

    [Fact]
    public void Trainer_options_reject_invalid_clipping_and_smoothing()
    {
        ((Action)(() => new TrainerOptions { MaxGradNorm = 0f }.Validate())).Should().Throw<ArgumentOutOfRangeException>();
        ((Action)(() => new TrainerOptions { MaxGradNorm = float.NaN }.Validate())).Should().Throw<ArgumentOutOfRangeException>();
        ((Action)(() => new TrainerOptions { LabelSmoothing = -0.1f }.Validate())).Should().Throw<ArgumentOutOfRangeException>();
        new TrainerOptions { MaxGradNorm = 5f, LabelSmoothing = 0.1f }.Validate();
    }
}
