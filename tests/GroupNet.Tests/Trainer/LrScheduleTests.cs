using FluentAssertions;
using GroupNet.Trainer.Optim;

namespace GroupNet.Tests.Trainer;

public class LrScheduleTests
{
    [Theory]
    [InlineData(0, 0.1)]
    [InlineData(9, 0.1)]
    [InlineData(10, 0.05)]
    [InlineData(19, 0.05)]
    [InlineData(25, 0.025)]
    [InlineData(30, 0.0125)]
    public void Step_decay_multiplies_by_gamma_every_step_size_iterations(long step, double expected)
    {
        new StepLrSchedule(0.1f, 10, 0.5f).At(step).Should().BeApproximately((float)expected, 1e-8f);
    }

    [Theory]
    [InlineData(0, 1.0)]
    [InlineData(25, 0.8535533905932737)]  // (1 + cos(pi / 4)) / 2
    [InlineData(50, 0.5)]
    [InlineData(100, 0.0)]
    [InlineData(150, 0.0)]                // past the end: stays at the minimum
    public void Cosine_values_at_chosen_steps(long step, double expected)
    {
        new CosineLrSchedule(1f, 100).At(step).Should().BeApproximately((float)expected, 1e-6f);
    }

    [Theory]
    [InlineData(0, 0.025)]
    [InlineData(1, 0.05)]
    [InlineData(3, 0.1)]
    [InlineData(4, 0.1)]    // inner step 0
    [InlineData(13, 0.1)]   // inner step 9
    [InlineData(14, 0.05)]  // inner step 10: the first decay
    public void Linear_warmup_ramps_to_the_inner_schedule_then_shifts_it(long step, double expected)
    {
        var schedule = new LinearWarmupLrSchedule(new StepLrSchedule(0.1f, 10, 0.5f), 4);
        schedule.At(step).Should().BeApproximately((float)expected, 1e-8f);
    }

    [Fact]
    public void Warmup_around_cosine_equals_the_built_in_cosine_warmup()
    {
        var composed = new LinearWarmupLrSchedule(new CosineLrSchedule(0.05f, 90), 10);
        var builtIn = new CosineLrSchedule(0.05f, 100, 0f, 10);
        for (long t = 0; t < 110; t++)
        {
            composed.At(t).Should().Be(builtIn.At(t), $"step {t}");
        }
        new LinearWarmupLrSchedule(new StepLrSchedule(0.3f, 5), 0).At(7).Should().Be(new StepLrSchedule(0.3f, 5).At(7), "no warm-up is the inner schedule");
    }

    [Fact]
    public void Schedules_reject_invalid_arguments()
    {
        ((Action)(() => _ = new StepLrSchedule(-0.1f, 10))).Should().Throw<ArgumentOutOfRangeException>();
        ((Action)(() => _ = new StepLrSchedule(0.1f, 0))).Should().Throw<ArgumentOutOfRangeException>();
        ((Action)(() => _ = new StepLrSchedule(0.1f, 10, 0f))).Should().Throw<ArgumentOutOfRangeException>();
        ((Action)(() => _ = new StepLrSchedule(0.1f, 10, 1.5f))).Should().Throw<ArgumentOutOfRangeException>();
        ((Action)(() => _ = new LinearWarmupLrSchedule(new StepLrSchedule(0.1f, 10), -1))).Should().Throw<ArgumentOutOfRangeException>();
        ((Action)(() => new StepLrSchedule(0.1f, 10).At(-1))).Should().Throw<ArgumentOutOfRangeException>();
    }
}
