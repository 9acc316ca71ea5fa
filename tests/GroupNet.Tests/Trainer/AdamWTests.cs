using FluentAssertions;
using GroupNet.Trainer.Modules;
using GroupNet.Trainer.Optim;

namespace GroupNet.Tests.Trainer;

public class AdamWTests
{
    /// <summary>
    /// Two steps worked by hand (lr 0.1, betas 0.9 / 0.999, eps 1e-8, decoupled weight decay 0.1), from
    /// p *= 1 - lr * wd; m = b1 m + (1 - b1) g; v = b2 v + (1 - b2) g^2; p -= lr / (1 - b1^t) * m / (sqrt(v / (1 - b2^t)) + eps):
    /// <list type="bullet">
    /// <item>t = 1, p = 1, g = 0.5: p = 0.99; m = 0.05, v = 0.00025; m / 0.1 = 0.5, v / 0.001 = 0.25, sqrt 0.5;
    /// p = 0.99 - 0.1 * 0.5 / 0.5 = 0.89.</item>
    /// <item>t = 2, g = -1: p = 0.89 * 0.99 = 0.8811; m = 0.045 - 0.1 = -0.055, v = 0.00024975 + 0.001 = 0.00124975;
    /// m / 0.19 = -0.2894737, v / 0.001999 = 0.6251876, sqrt 0.7906880; p = 0.8811 + 0.1 * 0.2894737 / 0.7906880 = 0.9177104.</item>
    /// </list>
    /// </summary>
    [Fact]
    public void Two_steps_match_a_hand_computed_example()
    {
        var p = new Parameter([1f], 1);
        var opt = new AdamW([p], learningRate: 0.1f, weightDecay: 0.1f);
        p.Grad = [0.5f];
        opt.Step();
        p.Data[0].Should().BeApproximately(0.89f, 1e-6f);
        p.Grad = [-1f];
        opt.Step();
        p.Data[0].Should().BeApproximately(0.9177104f, 1e-6f);
    }

    [Fact]
    public void Weight_decay_is_decoupled_from_the_moments()
    {
        // Zero gradients: the moments stay zero, so the only change is p *= 1 - lr * wd, every step.
        // (Adam's L2 decay would feed wd * p into the moments and move p by about lr instead.)
        var p = new Parameter([2f, -4f], 2);
        var opt = new AdamW([p], learningRate: 0.5f, weightDecay: 0.2f);
        for (int t = 0; t < 3; t++)
        {
            p.Grad = [0f, 0f];
            opt.Step();
        }
        p.Data[0].Should().BeApproximately(2f * 0.9f * 0.9f * 0.9f, 1e-6f);
        p.Data[1].Should().BeApproximately(-4f * 0.9f * 0.9f * 0.9f, 1e-6f);

        var q = new Parameter([2f], 1);
        var adam = new Adam([q], learningRate: 0.5f, weightDecay: 0.2f);
        q.Grad = [0f];
        adam.Step();
        q.Data[0].Should().BeApproximately(1.5f, 1e-5f, "Adam's coupled decay normalises to a step of lr");
    }

    [Fact]
    public void Group_weight_decay_overrides_the_default()
    {
        var decayed = new Parameter([1f], 1);
        var plain = new Parameter([1f], 1);
        var opt = new AdamW([new ParameterGroup([decayed]), new ParameterGroup([plain], 0f)], learningRate: 0.1f, weightDecay: 0.5f);
        decayed.Grad = [0f];
        plain.Grad = [0f];
        opt.Step();
        decayed.Data[0].Should().BeApproximately(0.95f, 1e-7f);
        plain.Data[0].Should().Be(1f);
    }

    [Fact]
    public void State_round_trips_through_the_state_dict()
    {
        var p = new Parameter([1f, 2f], 2);
        var opt = new AdamW([p], learningRate: 0.01f);
        p.Grad = [0.5f, -0.25f];
        opt.Step();
        var state = opt.StateDict();
        var p2 = new Parameter((float[])p.Data.Clone(), 2);
        var opt2 = new AdamW([p2], learningRate: 0.01f);
        opt2.LoadStateDict(state);
        p.Grad = [0.1f, 0.2f];
        p2.Grad = [0.1f, 0.2f];
        opt.Step();
        opt2.Step();
        p2.Data.Should().Equal(p.Data, "a restored optimiser (moments and step count) continues exactly like the original");
        var wrong = () => new AdamW([new Parameter([1f], 1)]).LoadStateDict(state);
        wrong.Should().Throw<ArgumentException>().WithMessage("*0.m*");
    }

    public static TheoryData<string, float, float, float, float, float> InvalidHyperParameters => new()
    {
        { "negative learning rate", -1e-3f, 0.9f, 0.999f, 1e-8f, 0.01f },
        { "NaN learning rate", float.NaN, 0.9f, 0.999f, 1e-8f, 0.01f },
        { "beta1 of one", 1e-3f, 1f, 0.999f, 1e-8f, 0.01f },
        { "negative beta1", 1e-3f, -0.1f, 0.999f, 1e-8f, 0.01f },
        { "beta2 of one", 1e-3f, 0.9f, 1f, 1e-8f, 0.01f },
        { "NaN beta2", 1e-3f, 0.9f, float.NaN, 1e-8f, 0.01f },
        { "zero eps", 1e-3f, 0.9f, 0.999f, 0f, 0.01f },
        { "negative eps", 1e-3f, 0.9f, 0.999f, -1e-8f, 0.01f },
        { "negative weight decay", 1e-3f, 0.9f, 0.999f, 1e-8f, -0.01f },
        { "infinite weight decay", 1e-3f, 0.9f, 0.999f, 1e-8f, float.PositiveInfinity },
    };

    [Theory]
    [MemberData(nameof(InvalidHyperParameters))]
    public void Constructor_rejects_invalid_hyper_parameters(string what, float lr, float beta1, float beta2, float eps, float weightDecay)
    {
        var act = () => new AdamW([new Parameter([1f], 1)], lr, beta1, beta2, eps, weightDecay);
        act.Should().Throw<ArgumentException>(what);
    }
}
