using GroupNet.Trainer.Modules;
using static TorchSharp.torch;

namespace GroupNet.Trainer.Models;

/// <summary>Builds one convolution layer (square kernel, no bias) of a block: binary, float or layer-wise.</summary>
public delegate nn.Module<Tensor, Tensor> ConvFactory(int inChannels, int outChannels, int kernelSize, int stride, int padding);
