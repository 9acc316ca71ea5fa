namespace GroupNet.Deployment.Model;

/// <summary>Sums z over all output pixels into an int32 per channel (global average pool without the divide).</summary>
public sealed record PooledEpilogue : Epilogue;
