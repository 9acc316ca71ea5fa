namespace GroupNet.Deployment.Model;

/// <summary>
/// Requantises z to uint8 per output channel: out = clamp(round_shift((int64)z * M[o] + O[o], Shift), Low[o], High[o])
/// (docs/integer-arithmetic.md, "int8 networks"). Low/High (0..255) carry ReLU and clip, per channel, because a
/// batch-norm folded behind a ReLU turns the ReLU's floor into a per-channel bound.
/// </summary>
public sealed record RequantizeEpilogue(
    EquatableArray<int> Multipliers,
    EquatableArray<long> Offsets,
    int Shift,
    EquatableArray<int> Low,
    EquatableArray<int> High) : Epilogue;
