namespace GroupNet.Trainer.Models;

/// <summary>Backbone of a model for 28x28 inputs; <see cref="NetworkLayout.Of"/> gives the channel plan.</summary>
public enum NetworkKind
{
    /// <summary>Residual: stem 16, blocks 16, 32 s2, 64 s2 (the deployed network).</summary>
    Tiny,

    /// <summary>Residual: stem 32, blocks 32, 64 s2, 128 s2.</summary>
    Small,

    /// <summary>Plain, no skips (the paper's AlexNet appendix): stem 16, then three two-layer units 16, 32 s2, 64 s2.</summary>
    Plain,
}
