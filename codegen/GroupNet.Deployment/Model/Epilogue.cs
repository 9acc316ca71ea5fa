namespace GroupNet.Deployment.Model;

/// <summary>What an accumulate layer does with its int32 sum z.</summary>
public abstract record Epilogue;
