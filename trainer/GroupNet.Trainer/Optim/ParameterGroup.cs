using GroupNet.Trainer.Modules;

namespace GroupNet.Trainer.Optim;

/// <summary>Parameters sharing optimiser settings (PyTorch's param group); null weight decay means the optimiser default.</summary>
public sealed record ParameterGroup(IReadOnlyList<Parameter> Parameters, float? WeightDecay = null);
