namespace GroupNet.Trainer.Models;

/// <summary>Precision of the first (stem) and last (classifier) layers during training.</summary>
public enum LayerPrecision
{
    /// <summary>Float weights.</summary>
    Float32,

    /// <summary>Fake-quantised 8-bit weights per output channel (what the device runs).</summary>
    Int8,
}
