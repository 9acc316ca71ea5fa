namespace GroupNet.Trainer.Models;

/// <summary>How K binary bases approximate the full-precision network (MISSION.md, "The method").</summary>
public enum StructureKind
{
    /// <summary>Direct quantization, K = 1 (Group-Net v1 with one base).</summary>
    Baseline,

    /// <summary>Eq. 3: every binary convolution becomes K convolutions on the same quantised input, summed with learned scales.</summary>
    Layerwise,

    /// <summary>Eq. 5: every block is a group of K binary blocks summed with learned scales.</summary>
    V1,

    /// <summary>Eq. 6: every base spans two consecutive blocks (an odd last block forms a group alone).</summary>
    V2,

    /// <summary>K whole binary networks (sharing the stem) summed with learned scales before the classifier.</summary>
    V3,
}
