using System.Diagnostics;

namespace ConvKernels;

/// <summary>
/// Times two implementations alternately (A, B, A, B, ...) so that load from other jobs on this shared
/// 2-core machine falls on both alike; reports each one's median, which ignores the odd preempted run.
/// </summary>
internal static class PairedTimer
{
    public static (double MedianA, double MedianB) Milliseconds(Action a, Action? b, int warmup, int runs)
    {
        for (int i = 0; i < warmup; i++)
        {
            a();
            b?.Invoke();
        }
        var ta = new double[runs];
        var tb = new double[runs];
        for (int i = 0; i < runs; i++)
        {
            ta[i] = Time(a);
            tb[i] = b is null ? double.NaN : Time(b);
        }
        return (Median(ta), b is null ? double.NaN : Median(tb));
    }

    private static double Time(Action f)
    {
        long t0 = Stopwatch.GetTimestamp();
        f();
        return Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
    }

    private static double Median(double[] v)
    {
        Array.Sort(v);
        return v.Length % 2 == 1 ? v[v.Length / 2] : 0.5 * (v[v.Length / 2 - 1] + v[v.Length / 2]);
    }
}
