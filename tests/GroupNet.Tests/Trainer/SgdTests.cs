using FluentAssertions;
using GroupNet.Trainer.Modules;
using GroupNet.Trainer.Optim;

namespace GroupNet.Tests.Trainer;

public class SgdTests
{
    /// <summary>
    /// Two Nesterov steps (lr 0.1, momentum 0.9), worked by hand from
    /// d = g + wd * p; buf = m * buf + d; p -= lr * (d + m * buf):
    /// <list type="bullet">
    /// <item>p = 1, no decay, g = 0.5 then -1: buf 0.5, p = 1 - 0.1 * 0.95 = 0.905; buf = 0.45 - 1 = -0.55,
    /// p = 0.905 - 0.1 * (-1 - 0.495) = 1.0545.</item>
    /// <item>p = 2, weight decay 0.5, g = 0 twice: d = 1, buf 1, p = 2 - 0.1 * 1.9 = 1.81; d = 0.905,
    /// buf = 0.9 + 0.905 = 1.805, p = 1.81 - 0.1 * (0.905 + 1.6245) = 1.55705.</item>
    /// </list>
    /// </summary>
    [Fact]
    public void Nesterov_momentum_matches_a_hand_computed_two_step_example()
    {
        var plain = new Parameter([1f], 1);
        var decayed = new Parameter([2f], 1);
        var sgd = new Sgd([new ParameterGroup([plain], 0f), new ParameterGroup([decayed], 0.5f)], 0.1f, momentum: 0.9f, nesterov: true);

        plain.Grad = [0.5f];
        decayed.Grad = [0f];
        sgd.Step();
        plain.Data[0].Should().BeApproximately(0.905f, 1e-6f);
        decayed.Data[0].Should().BeApproximately(1.81f, 1e-6f);

        plain.Grad = [-1f];
        decayed.Grad = [0f];
        sgd.Step();
        plain.Data[0].Should().BeApproximately(1.0545f, 1e-6f);
        decayed.Data[0].Should().BeApproximately(1.55705f, 1e-6f);
    }

    [Fact]
    public void Classical_momentum_and_plain_sgd_match_hand_computed_steps()
    {
        // Classical momentum: p -= lr * buf. p = 1, g = 0.5 then -1: buf 0.5 -> p 0.95; buf -0.55 -> p 1.005.
        var p = new Parameter([1f], 1);
        var sgd = new Sgd([p], 0.1f, momentum: 0.9f);
        p.Grad = [0.5f];
        sgd.Step();
        p.Data[0].Should().BeApproximately(0.95f, 1e-6f);
        p.Grad = [-1f];
        sgd.Step();
        p.Data[0].Should().BeApproximately(1.005f, 1e-6f);

        // No momentum, weight decay 0.1: p = 2, g = 1: p = 2 - 0.5 * (1 + 0.2) = 1.4.
        var q = new Parameter([2f], 1);
        var plain = new Sgd([q], 0.5f, weightDecay: 0.1f);
        q.Grad = [1f];
        plain.Step();
        q.Data[0].Should().BeApproximately(1.4f, 1e-6f);
    }

    [Fact]
    public void Momentum_state_round_trips_through_the_state_dict()
    {
        var p = new Parameter([1f, 2f], 2);
        var sgd = new Sgd([p], 0.1f, momentum: 0.9f, nesterov: true);
        p.Grad = [0.5f, -0.25f];
        sgd.Step();
        var state = sgd.StateDict();

        var p2 = new Parameter((float[])p.Data.Clone(), 2);
        var sgd2 = new Sgd([p2], 0.1f, momentum: 0.9f, nesterov: true);
        sgd2.LoadStateDict(state);
        p.Grad = [0.1f, 0.2f];
        p2.Grad = [0.1f, 0.2f];
        sgd.Step();
        sgd2.Step();
        p2.Data.Should().Equal(p.Data, "a restored optimiser continues exactly like the original");
        var wrongSize = () => new Sgd([new Parameter([1f], 1)], 0.1f, momentum: 0.9f).LoadStateDict(state);
        wrongSize.Should().Throw<ArgumentException>().WithMessage("*0.momentum*");
    }

    public static TheoryData<string, float, float, bool, float> InvalidHyperParameters => new()
    {
        { "negative learning rate", -0.1f, 0f, false, 0f },
        { "NaN learning rate", float.NaN, 0f, false, 0f },
        { "infinite learning rate", float.PositiveInfinity, 0f, false, 0f },
        { "negative momentum", 0.1f, -0.1f, false, 0f },
        { "momentum of one", 0.1f, 1f, false, 0f },
        { "momentum above one", 0.1f, 1.5f, false, 0f },
        { "NaN momentum", 0.1f, float.NaN, false, 0f },
        { "negative weight decay", 0.1f, 0.9f, false, -1e-4f },
        { "infinite weight decay", 0.1f, 0.9f, false, float.PositiveInfinity },
        { "NaN weight decay", 0.1f, 0.9f, false, float.NaN },
        { "Nesterov without momentum", 0.1f, 0f, true, 0f },
    };

    [Theory]
    [MemberData(nameof(InvalidHyperParameters))]
    public void Constructor_rejects_invalid_hyper_parameters(string what, float learningRate, float momentum, bool nesterov, float weightDecay)
    {
        var act = () => new Sgd([new Parameter([1f], 1)], learningRate, momentum, nesterov, weightDecay);
        act.Should().Throw<ArgumentException>(what); // ArgumentOutOfRangeException derives from it
    }

    [Fact]
    public void Constructor_rejects_a_parameter_in_two_groups_and_negative_group_decay()
    {
        var p = new Parameter([1f], 1);
        var twice = () => new Sgd([new ParameterGroup([p]), new ParameterGroup([p])], 0.1f);
        twice.Should().Throw<ArgumentException>().WithMessage("*two groups*");
        var negative = () => new Sgd([new ParameterGroup([p], -1f)], 0.1f);
        negative.Should().Throw<ArgumentOutOfRangeException>();
    }

    [Fact]
    public void Zero_learning_rate_is_valid_and_leaves_parameters_unchanged()
    {
        var p = new Parameter([1f], 1);
        var sgd = new Sgd([p], 0f, momentum: 0.9f, nesterov: true);
        p.Grad = [3f];
        sgd.Step();
        p.Data[0].Should().Be(1f);
    }
}
