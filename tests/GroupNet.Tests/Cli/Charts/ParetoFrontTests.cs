using FluentAssertions;
using GroupNet.Cli.Charts;

namespace GroupNet.Tests.Cli.Charts;

public class ParetoFrontTests
{
    [Fact]
    public void The_front_keeps_the_points_no_other_point_beats_on_both_cost_and_accuracy_by_increasing_cost()
    {
        (double, double)[] points =
        [
            (30, 0.93), // 0: on the front (most accurate)
            (10, 0.90), // 1: on the front (cheapest)
            (20, 0.89), // 2: dominated by 1 (dearer, less accurate)
            (20, 0.92), // 3: on the front
            (40, 0.93), // 4: dominated by 0 (as accurate, dearer)
            (10, 0.85), // 5: same cost as 1, less accurate
        ];

        ParetoFront.Of(points).Should().Equal(1, 3, 0);
        ParetoFront.Of([]).Should().BeEmpty();
        ParetoFront.Of([(5, 0.5)]).Should().Equal(0);
    }
}
