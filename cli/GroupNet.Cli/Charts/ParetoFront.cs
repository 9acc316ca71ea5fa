namespace GroupNet.Cli.Charts;

/// <summary>
/// The configurations worth choosing: those no other configuration beats on both cost (instructions, flash:
/// lower is better) and accuracy (higher is better).
/// </summary>
public static class ParetoFront
{
    /// <summary>The indices of the non-dominated points, by increasing cost (and so increasing accuracy).
    /// Of points with equal cost only the most accurate stays; a point as accurate as a cheaper one is dominated.</summary>
    public static IReadOnlyList<int> Of(IReadOnlyList<(double Cost, double Accuracy)> points)
    {
        ArgumentNullException.ThrowIfNull(points);
        var front = new List<int>();
        double best = double.NegativeInfinity;
        foreach (int i in Enumerable.Range(0, points.Count).OrderBy(i => points[i].Cost).ThenByDescending(i => points[i].Accuracy).ThenBy(i => i))
        {
            if (points[i].Accuracy > best)
            {
                front.Add(i);
                best = points[i].Accuracy;
            }
        }
        return front;
    }
}
