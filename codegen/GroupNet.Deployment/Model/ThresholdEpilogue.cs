namespace GroupNet.Deployment.Model;

/// <summary>Level = number of thresholds z reaches; thresholds stored [Cout][2^Bits - 1], non-decreasing.</summary>
public sealed record ThresholdEpilogue(int Bits, EquatableArray<int> Thresholds) : Epilogue
{
    public int ThresholdsPerChannel => (1 << Bits) - 1;
}
