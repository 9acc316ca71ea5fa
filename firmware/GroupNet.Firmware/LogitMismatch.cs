namespace GroupNet.Firmware;

/// <summary>One logit where firmware and managed reference disagree.</summary>
/// <param name="Image">Image index.</param>
/// <param name="Class">Logit index.</param>
/// <param name="Actual">What the firmware printed.</param>
/// <param name="Expected">What the managed reference computed.</param>
public sealed record LogitMismatch(int Image, int Class, int Actual, int Expected)
{
    /// <summary>Compares two sets of logits; every disagreement (including missing images) is listed.</summary>
    /// <param name="actual">Firmware logits per image.</param>
    /// <param name="expected">Reference logits per image.</param>
    public static IReadOnlyList<LogitMismatch> Compare(int[][] actual, int[][] expected)
    {
        var list = new List<LogitMismatch>();
        for (int i = 0; i < expected.Length; i++)
        {
            var a = i < actual.Length ? actual[i] : [];
            for (int j = 0; j < expected[i].Length; j++)
            {
                int got = j < a.Length ? a[j] : int.MinValue;
                if (got != expected[i][j])
                {
                    list.Add(new LogitMismatch(i, j, got, expected[i][j]));
                }
            }
        }
        return list;
    }

    /// <summary>"image 3 logit 7: firmware 120, reference 121" for the first <paramref name="first"/>, and the count.</summary>
    /// <param name="mismatches">The disagreements.</param>
    /// <param name="first">How many to list.</param>
    public static string Describe(IReadOnlyList<LogitMismatch> mismatches, int first = 10)
    {
        var lines = mismatches.Take(first).Select(m => $"  image {m.Image} logit {m.Class}: firmware {m.Actual}, reference {m.Expected}");
        return $"{mismatches.Count} logits differ; first {Math.Min(first, mismatches.Count)}:{Environment.NewLine}{string.Join(Environment.NewLine, lines)}";
    }
}
