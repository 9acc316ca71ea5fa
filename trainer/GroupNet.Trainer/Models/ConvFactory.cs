using GroupNet.Trainer.Modules;

namespace GroupNet.Trainer.Models;

/// <summary>Builds one convolution layer (square kernel, no bias) of a block: binary, float or layer-wise.</summary>
public delegate Module ConvFactory(int inChannels, int outChannels, int kernelSize, int stride, int padding);
