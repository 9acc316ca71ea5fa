namespace GroupNet.Trainer.Training;

/// <summary>The update rule of a run (LibTorch's implementations).</summary>
public enum OptimizerKind
{
    /// <summary>SGD with (Nesterov) momentum and L2 weight decay: the paper's recipe.</summary>
    Sgd,

    /// <summary>Adam with L2 weight decay added to the gradient.</summary>
    Adam,

    /// <summary>Adam with decoupled weight decay.</summary>
    AdamW,
}
