namespace GroupNet.Deployment.Model;

/// <summary>8-bit classifier: x8 = clamp(round_shift(pooled*Mq + Oq, Shift), -127, 127);
/// logits = bias + w8 . x8. Weights stored [OutFeatures][InFeatures].</summary>
public sealed record LinearHead(
    string Name,
    int Input,
    int InFeatures,
    int OutFeatures,
    EquatableArray<int> RequantMultipliers,
    EquatableArray<long> RequantOffsets,
    int RequantShift,
    EquatableArray<sbyte> Weights,
    EquatableArray<int> Bias);
