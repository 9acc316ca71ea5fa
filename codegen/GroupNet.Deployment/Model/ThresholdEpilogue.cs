namespace GroupNet.Deployment.Model;

/// <summary>Level = number of thresholds z reaches; thresholds stored [Cout][2^Bits - 1], non-decreasing.
/// With Bits = 1 the output is a signs tensor: z &gt;= T gives +1 (bit 1), otherwise -1 (bit 0).</summary>
public sealed record ThresholdEpilogue(int Bits, EquatableArray<int> Thresholds) : Epilogue
{
    public int ThresholdsPerChannel => (1 << Bits) - 1;
}
