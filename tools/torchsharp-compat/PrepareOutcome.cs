namespace GroupNet.Tools.TorchSharpCompat;

/// <summary>What <see cref="LibStdCxxCompat.Prepare"/> did.</summary>
public enum PrepareOutcome
{
    /// <summary>The system libstdc++ defines every version the bridge needs; no copy exists afterwards.</summary>
    NotNeeded,

    /// <summary>A patched copy was written (there was none, or it differed).</summary>
    Written,

    /// <summary>The patched copy already there is byte-identical to the one it would write.</summary>
    UpToDate,
}
