namespace GroupNet.Trainer.Export;

/// <summary>One binary base of a Group-Net v1 group: conv1-BN1-Q-conv2-BN2 plus its shortcut.</summary>
public sealed record BaseParams(ConvParams Conv1, BatchNormParams Bn1, ConvParams Conv2, BatchNormParams Bn2, ConvParams? ShortcutConv, BatchNormParams? ShortcutBn);

/// <summary>A group: one shared input quantiser (BN then Q) and K bases summed with learned scales.</summary>
public sealed record GroupParams(BatchNormParams InputBn, IReadOnlyList<BaseParams> Bases, float[] Scales);

/// <summary>Everything the exporter reads from a trained Group-Net v1, free of autograd types.</summary>
public sealed record GroupNetParams(
    int InputHeight,
    int InputWidth,
    int InputChannels,
    int ActivationBits,
    ConvParams Stem,
    BatchNormParams StemBn,
    IReadOnlyList<GroupParams> Groups,
    float[] ClassifierWeight,
    float[] ClassifierBias,
    int NumClasses);
