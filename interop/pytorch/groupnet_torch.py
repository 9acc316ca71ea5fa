"""Group-Net in PyTorch with the TorchSharp trainer's module structure and state-dict names.

The modules mirror trainer/GroupNet.Trainer/Models/*.cs, Modules/*.cs and Quantization/*.cs for every
ModelConfig the trainer builds:

* networks (NetworkLayout.Of): Tiny (stem 16, residual blocks 16 / 32 s2 / 64 s2), Small (32; 32 / 64 s2 / 128 s2),
  Plain (16; plain two-layer blocks 16 / 32 s2 / 64 s2, no skips);
* structures (StructureKind): Baseline (K = 1), Layerwise (Eq. 3: every binary convolution is K branches summed with
  learned scales), V1 (Eq. 5: every block a group of K bases), V2 (Eq. 6: every base spans two consecutive blocks,
  an odd last block alone), V3 (K whole binary bodies sharing the stem, summed with trunk_scales);
* weight bits 1 (Eq. 1) or 32 (float); activation bits 1 (scaled sign), 2, 4 (Eq. 2) or 32 (clip only);
* first and last layers Float32 or Int8 (fake-quantised 8-bit weights per output row).

A state dict saved from GroupNetModel loads into the C# GroupNetModel of the same configuration, and back (the same
names and shapes, parameters and buffers; tests/GroupNet.Tests/Trainer/Checkpoints/PyTorchStructureTests.cs):

    stem.weight, stem_bn.{weight,bias,running_mean,running_var,num_batches_tracked},
    groups.<g>.scales, groups.<g>.input_bn.*, groups.<g>.input_quant.sign.estimated_scale (1-bit activations),
    groups.<g>.bases.<k>.{conv1,bn1,conv2,bn2}.*, groups.<g>.bases.<k>.quant1.sign.estimated_scale (1-bit),
    groups.<g>.bases.<k>.{shortcut_conv,shortcut_bn}.* (residual blocks where the shape changes),
    layer-wise convolutions: <conv>.scales, <conv>.branches.<k>.weight,
    V2 bases: groups.<g>.bases.<k>.{blocks.<j>.*, norms.<j-1>.*, quants.<j-1>.sign.estimated_scale},
    V3: trunks.<k>.groups.<g>.*, trunk_scales, then classifier.{weight,bias}

Forward semantics (what the exporter folds into the integer program; docs/integer-arithmetic.md):
* binary weights (Eq. 1): W_b = alpha * sign(W), alpha = mean |W| per output filter, sign(0) = sign(-0) = +1;
  training passes the gradient straight through, zeroed where |W| > 1 (clamp(W, -1, 1)'s gradient);
* int8 weights (first and last layers): per output row s = max |W| / 127 (1 for an all-zero row),
  W_q = clamp(round_half_away(W / s), -127, 127) * s; straight-through gradient;
* k-bit activations (Eq. 2): q = floor(clip(x, 0, 1) * (2^k - 1) + 0.5) / (2^k - 1) (round half up); k = 32 is
  clip(x, 0, 1) only; the gradient passes inside [0, 1] (both ends included);
* the straight-through estimators apply whenever gradients are on (eval mode too), as in the trainer;
* 1-bit activations: y = beta_n * sign(x), sign(0) = +1, beta_n = mean |x| over every element of sample n; in eval
  mode a quantiser whose buffer estimated_scale is > 0 uses that constant for every sample (reestimate_statistics
  sets it, as the trainer's statistics pass does); backward is SignActivationQuantizer.cs's;
* group: q0 = input_quant(input_bn(x)), y = sum_k scales[k] * base_k(q0);
* residual block: bn2(conv2(quant1(bn1(conv1(q0))))) + shortcut(q0); plain block: the same without the shortcut;
* V2 base (BlockChain): x1 = blocks[0](q0), x_{j+1} = blocks[j](quants[j-1](norms[j-1](x_j)));
* model: relu(stem_bn(stem(x))) on x = pixel / 255, the body, mean over H and W, classifier.

save_checkpoint writes the file `groupnet export` reads (trainer/GroupNet.Trainer/Training/Checkpoint.cs): a
torch.save'd dict {"format": "groupnet-checkpoint-1", "model": state dict, "epoch": int, "metadata": the
model configuration as the trainer's JSON}.
"""

import json
from dataclasses import dataclass

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.modules.batchnorm import _BatchNorm

CHECKPOINT_FORMAT = "groupnet-checkpoint-1"

NETWORKS = ("Tiny", "Small", "Plain")
STRUCTURES = ("Baseline", "Layerwise", "V1", "V2", "V3")
FIRST_LAST = ("Float32", "Int8")
ACTIVATION_BITS = (1, 2, 4, 32)
WEIGHT_BITS = (1, 32)

# NetworkLayout.Of: (stem channels, [(out channels, stride)], residual)
LAYOUTS = {
    "Tiny": (16, [(16, 1), (32, 2), (64, 2)], True),
    "Small": (32, [(32, 1), (64, 2), (128, 2)], True),
    "Plain": (16, [(16, 1), (32, 2), (64, 2)], False),
}
TINY_STEM = LAYOUTS["Tiny"][0]
TINY_GROUPS = LAYOUTS["Tiny"][1]


@dataclass(frozen=True)
class ModelConfig:
    """The trainer's ModelConfig (trainer/GroupNet.Trainer/Models/ModelConfig.cs), same fields, defaults and checks."""

    network: str = "Tiny"
    structure: str = "V1"
    bases: int = 1
    weight_bits: int = 1
    activation_bits: int = 2
    first_last: str = "Float32"
    num_classes: int = 10
    input_channels: int = 1
    input_height: int = 28
    input_width: int = 28

    def validate(self):
        if self.network not in NETWORKS:
            raise ValueError(f"network {self.network!r}: one of {NETWORKS}")
        if self.structure not in STRUCTURES:
            raise ValueError(f"structure {self.structure!r}: one of {STRUCTURES}")
        if self.bases < 1:
            raise ValueError("K must be >= 1")
        if self.structure == "Baseline" and self.bases != 1:
            raise ValueError("the baseline is direct quantization and has exactly K = 1")
        if self.weight_bits not in WEIGHT_BITS:
            raise ValueError("weight bits must be 1 or 32")
        if self.activation_bits not in ACTIVATION_BITS:
            raise ValueError("activation bits must be 1, 2, 4 or 32")
        if self.first_last not in FIRST_LAST:
            raise ValueError(f"first/last precision {self.first_last!r}: one of {FIRST_LAST}")
        if self.num_classes < 2 or self.input_channels < 1 or self.input_height < 8 or self.input_width < 8:
            raise ValueError("classes >= 2, channels >= 1, input at least 8x8")
        return self

    def to_json(self):
        """The checkpoint metadata: the C# record as System.Text.Json writes it (enums as names)."""
        return json.dumps({
            "Network": self.network,
            "Structure": self.structure,
            "Bases": self.bases,
            "WeightBits": self.weight_bits,
            "ActivationBits": self.activation_bits,
            "FirstLast": self.first_last,
            "NumClasses": self.num_classes,
            "InputChannels": self.input_channels,
            "InputHeight": self.input_height,
            "InputWidth": self.input_width,
        }, separators=(",", ":"))

    def describe(self):
        """ModelConfig.Describe(), e.g. "tiny v1 K=2 W1A2"."""
        return (f"{self.network.lower()} {self.structure.lower()} K={self.bases} W{self.weight_bits}A{self.activation_bits}"
                + (" int8 first/last" if self.first_last == "Int8" else ""))


def sign(x):
    """+1 where x >= 0 (-0 included), -1 elsewhere: the project-wide sign(0) = +1."""
    return torch.where(x >= 0, torch.ones_like(x), -torch.ones_like(x))


class _SignFunction(torch.autograd.Function):
    """SignQuantizerFunction.cs: y = beta * s(x); dL/dx_j = beta g_j [|x_j| <= 1] + s(x_j) / M sum_i g_i s(x_i), the
    second term only for the per-sample beta (beta's own derivative)."""

    @staticmethod
    def forward(ctx, x, beta, per_sample):
        ctx.save_for_backward(x, beta)
        ctx.per_sample = per_sample
        return sign(x) * beta

    @staticmethod
    def backward(ctx, g):
        x, beta = ctx.saved_tensors
        dx = g * ((x >= -1) & (x <= 1)).to(g.dtype) * beta
        if ctx.per_sample:
            s = sign(x)
            dims = tuple(range(1, x.dim()))
            m = x.numel() // x.shape[0]
            dx = dx + s * (g * s).sum(dim=dims, keepdim=True) / m
        return dx, None, None


class _LevelFunction(torch.autograd.Function):
    """LevelQuantizerFunction.cs: forward Eq. 2 (clip only for 0 levels), backward dL/dx = dL/dq where 0 <= x <= 1."""

    @staticmethod
    def forward(ctx, x, levels):
        ctx.save_for_backward(x)
        q = x.clamp(0, 1)
        return q if levels == 0 else q.mul(levels).add(0.5).floor().div(levels)

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return g * ((x >= 0) & (x <= 1)).to(g.dtype), None


class SignActivationQuantizer(nn.Module):
    """1-bit activations (SignActivationQuantizer.cs): y = beta_n * sign(x), beta_n = mean |x| of sample n; in eval mode
    the buffer estimated_scale, once > 0, is beta for every sample. `observed` (when a list) collects beta_n."""

    def __init__(self):
        super().__init__()
        self.register_buffer("estimated_scale", torch.zeros(1))
        self.observed = None

    def forward(self, x):
        dims = tuple(range(1, x.dim()))
        estimated = float(self.estimated_scale)
        constant = not self.training and estimated > 0
        with torch.no_grad():
            if constant:
                beta = torch.full((x.shape[0],) + (1,) * (x.dim() - 1), estimated, dtype=x.dtype, device=x.device)
            else:
                beta = x.abs().mean(dim=dims, keepdim=True)
        if self.observed is not None:
            self.observed.append(beta.detach().flatten().double().cpu())
        if x.requires_grad and torch.is_grad_enabled():
            return _SignFunction.apply(x, beta, not constant)
        return sign(x) * beta


class ActivationQuantizer(nn.Module):
    """ActivationQuantizer.cs: Eq. 2 for k = 2..16 bits, clip only for k = 32, the `sign` submodule for k = 1 (its
    estimated_scale is this module's only state). `observer`, when set, is called with (input, bits) first
    (the fixture scripts measure the distance of every input to the quantiser's steps)."""

    def __init__(self, bits, observer=None):
        super().__init__()
        if bits != 32 and not 1 <= bits <= 16:
            raise ValueError(f"activation bits {bits}: 1 (sign), 2..16 or 32")
        self.bits = bits
        self.levels = 0 if bits == 32 else (1 << bits) - 1
        self.observer = observer
        if bits == 1:
            self.sign = SignActivationQuantizer()

    def forward(self, x):
        if self.observer is not None:
            self.observer(x, self.bits)
        if self.bits == 1:
            return self.sign(x)
        if x.requires_grad and torch.is_grad_enabled():
            return _LevelFunction.apply(x, self.levels)
        xc = x.clamp(0, 1)
        if self.bits == 32:
            return xc
        return xc.mul(self.levels).add(0.5).floor().div(self.levels)


def binary_weight(w):
    """Eq. 1 with the straight-through estimator of BinaryWeightQuantizer.cs (alpha a constant for the backward pass;
    as there, whenever gradients are on, in eval mode too)."""
    with torch.no_grad():
        wb = w.abs().mean(dim=tuple(range(1, w.dim())), keepdim=True) * sign(w)
    if w.requires_grad and torch.is_grad_enabled():
        passed = w.clamp(-1, 1)
        return wb + (passed - passed.detach())
    return wb


def int8_weight(w):
    """Int8WeightQuantizer.cs: per output row s = max |W| / 127, clamp(round half away from zero(W / s), -127, 127) * s."""
    with torch.no_grad():
        rows = w.reshape(w.shape[0], -1)
        m = rows.abs().amax(dim=1, keepdim=True)
        s = torch.where(m > 0, m / 127, torch.ones_like(m))
        v = rows / s
        whole = v.trunc()
        rounded = whole + torch.where((v - whole).abs() >= 0.5, v.sign(), torch.zeros_like(v))
        q = (rounded.clamp(-127, 127) * s).reshape(w.shape)
    if w.requires_grad and torch.is_grad_enabled():
        return q + (w - w.detach())
    return q


class Conv2d(nn.Module):
    """Modules/Conv2d.cs: no bias, weight [Cout, Cin, k, k] Kaiming-normal (fan-out, ReLU gain); float weights."""

    def __init__(self, cin, cout, kernel, stride, padding):
        super().__init__()
        self.weight = nn.Parameter(torch.empty(cout, cin, kernel, kernel))
        nn.init.kaiming_normal_(self.weight, mode="fan_out", nonlinearity="relu")
        self.stride = stride
        self.padding = padding

    def effective_weight(self):
        return self.weight

    def forward(self, x):
        return F.conv2d(x, self.effective_weight(), stride=self.stride, padding=self.padding)


class BinaryConv2d(Conv2d):
    """Eq. 1: convolves with alpha * sign(W) per output filter; the state holds the latent float weight."""

    def binary_weight(self):
        return binary_weight(self.weight)

    def effective_weight(self):
        return self.binary_weight()


class Int8Conv2d(nn.Conv2d):
    """Modules/Int8Conv2d.cs: the stem with fake-quantised 8-bit weights; the state is a float nn.Conv2d's (weight)."""

    def __init__(self, cin, cout, kernel, stride, padding):
        super().__init__(cin, cout, kernel, stride=stride, padding=padding, bias=False)

    def forward(self, x):
        return F.conv2d(x, int8_weight(self.weight), stride=self.stride, padding=self.padding)


class Int8Linear(nn.Linear):
    """Modules/Int8Linear.cs: the classifier with fake-quantised 8-bit weights (float bias)."""

    def forward(self, x):
        return F.linear(x, int8_weight(self.weight), self.bias)


class LayerwiseConv2d(nn.Module):
    """Eq. 3 (Modules/LayerwiseConv2d.cs): K convolutions on the same input, y = sum_k scales[k] * branches[k](x)."""

    def __init__(self, bases, make_branch):
        super().__init__()
        self.branches = nn.ModuleList([make_branch() for _ in range(bases)])
        self.scales = nn.Parameter(torch.full((bases,), 1.0 / bases))

    def forward(self, x):
        return weighted_sum(self.scales, [b(x) for b in self.branches])


def weighted_sum(scales, terms):
    """WeightedSum.cs: sum_k scales[k] * terms[k]."""
    y = None
    for k, t in enumerate(terms):
        term = t * scales[k]
        y = term if y is None else y + term
    return y


class ResidualBlock(nn.Module):
    """bn2(conv2(quant1(bn1(conv1(q0))))) + shortcut(q0); shortcut_bn(shortcut_conv(q0)) where the shape changes."""

    def __init__(self, cin, cout, stride, bits, conv, observer=None):
        super().__init__()
        self.conv1 = conv(cin, cout, 3, stride, 1)
        self.bn1 = nn.BatchNorm2d(cout)
        self.quant1 = ActivationQuantizer(bits, observer)
        self.conv2 = conv(cout, cout, 3, 1, 1)
        self.bn2 = nn.BatchNorm2d(cout)
        if cin != cout or stride != 1:
            self.shortcut_conv = conv(cin, cout, 1, stride, 0)
            self.shortcut_bn = nn.BatchNorm2d(cout)
        else:
            self.shortcut_conv = None
            self.shortcut_bn = None

    def forward(self, q0):
        f = self.bn2(self.conv2(self.quant1(self.bn1(self.conv1(q0)))))
        shortcut = q0 if self.shortcut_conv is None else self.shortcut_bn(self.shortcut_conv(q0))
        return f + shortcut


class PlainBlock(nn.Module):
    """Two layers without a skip: bn2(conv2(quant1(bn1(conv1(q0)))))."""

    def __init__(self, cin, cout, stride, bits, conv, observer=None):
        super().__init__()
        self.conv1 = conv(cin, cout, 3, stride, 1)
        self.bn1 = nn.BatchNorm2d(cout)
        self.quant1 = ActivationQuantizer(bits, observer)
        self.conv2 = conv(cout, cout, 3, 1, 1)
        self.bn2 = nn.BatchNorm2d(cout)

    def forward(self, q0):
        return self.bn2(self.conv2(self.quant1(self.bn1(self.conv1(q0)))))


class BlockChain(nn.Module):
    """A Group-Net v2 base (Eq. 6): x1 = blocks[0](q0), x_{j+1} = blocks[j](quants[j-1](norms[j-1](x_j)))."""

    def __init__(self, blocks, input_channels, bits, observer=None):
        super().__init__()
        self.blocks = nn.ModuleList(blocks)
        self.norms = nn.ModuleList([nn.BatchNorm2d(c) for c in input_channels[1:]])
        self.quants = nn.ModuleList([ActivationQuantizer(bits, observer) for _ in input_channels[1:]])

    def forward(self, q0):
        x = self.blocks[0](q0)
        for j in range(1, len(self.blocks)):
            x = self.blocks[j](self.quants[j - 1](self.norms[j - 1](x)))
        return x


class BaseGroup(nn.Module):
    """K homogeneous bases on one quantised input, summed with learned scales (Eq. 5 / Eq. 6)."""

    def __init__(self, cin, bases, bits, make_base, observer=None):
        super().__init__()
        self.scales = nn.Parameter(torch.full((bases,), 1.0 / bases))
        self.input_bn = nn.BatchNorm2d(cin)
        self.input_quant = ActivationQuantizer(bits, observer)
        self.bases = nn.ModuleList([make_base() for _ in range(bases)])

    def forward(self, x):
        q0 = self.input_quant(self.input_bn(x))
        return weighted_sum(self.scales, [base(q0) for base in self.bases])


class Trunk(nn.Module):
    """One whole binary body of Group-Net v3: its one-base groups in sequence."""

    def __init__(self, groups):
        super().__init__()
        self.groups = nn.ModuleList(groups)

    def forward(self, x):
        for g in self.groups:
            x = g(x)
        return x


def _build_groups(config, structure, observer):
    """GroupNetModel.BuildGroups: the groups of one body of `structure`."""
    stem_channels, blocks, residual = LAYOUTS[config.network]
    bits = config.activation_bits

    def single(cin, cout, k, s, p):
        return BinaryConv2d(cin, cout, k, s, p) if config.weight_bits == 1 else Conv2d(cin, cout, k, s, p)

    if structure == "Layerwise":
        def conv(cin, cout, k, s, p):
            return LayerwiseConv2d(config.bases, lambda: single(cin, cout, k, s, p))
    else:
        conv = single

    def block(cin, cout, stride):
        return (ResidualBlock if residual else PlainBlock)(cin, cout, stride, bits, conv, observer)

    inputs = []
    c = stem_channels
    for cout, _ in blocks:
        inputs.append(c)
        c = cout
    per_group = 2 if structure == "V2" else 1
    bases = config.bases if structure in ("V1", "V2") else 1
    groups = []
    for start in range(0, len(blocks), per_group):
        end = min(start + per_group, len(blocks))

        def make_base(start=start, end=end):
            if per_group == 1:
                return block(inputs[start], blocks[start][0], blocks[start][1])
            chained = [block(inputs[j], blocks[j][0], blocks[j][1]) for j in range(start, end)]
            return BlockChain(chained, inputs[start:end], bits, observer)

        groups.append(BaseGroup(inputs[start], bases, bits, make_base, observer))
    return groups


class GroupNetModel(nn.Module):
    """The trainer's GroupNetModel for `config` (a ModelConfig). Without one, the tiny Group-Net v1 (bases >= 2) or
    baseline (bases = 1) with binary weights, `bits`-bit activations and float first and last layers on `side` x
    `side` one-channel images (the module set's first form, kept for its callers)."""

    def __init__(self, config=None, *, bases=2, bits=2, classes=10, side=28, observer=None):
        super().__init__()
        if config is None:
            config = ModelConfig(network="Tiny", structure="Baseline" if bases == 1 else "V1", bases=bases,
                                 activation_bits=bits, num_classes=classes, input_height=side, input_width=side)
        self.config = config.validate()
        stem_channels, blocks, _ = LAYOUTS[config.network]
        if config.first_last == "Int8":
            self.stem = Int8Conv2d(config.input_channels, stem_channels, 3, 1, 1)
        else:
            self.stem = nn.Conv2d(config.input_channels, stem_channels, 3, stride=1, padding=1, bias=False)
        self.stem_bn = nn.BatchNorm2d(stem_channels)
        if config.structure == "V3":
            self.trunks = nn.ModuleList([Trunk(_build_groups(config, "Baseline", observer)) for _ in range(config.bases)])
            self.trunk_scales = nn.Parameter(torch.full((config.bases,), 1.0 / config.bases))
            self.groups = None
        else:
            self.groups = nn.ModuleList(_build_groups(config, config.structure, observer))
            self.trunks = None
        features = blocks[-1][0]
        linear = Int8Linear if config.first_last == "Int8" else nn.Linear
        self.classifier = linear(features, config.num_classes)

    # The first form's attributes.
    @property
    def bases(self):
        return self.config.bases

    @property
    def bits(self):
        return self.config.activation_bits

    def forward_features(self, x):
        x = F.relu(self.stem_bn(self.stem(x)))
        if self.trunks is not None:
            x = weighted_sum(self.trunk_scales, [t(x) for t in self.trunks])
        else:
            for g in self.groups:
                x = g(x)
        return x.mean(dim=(2, 3))

    def forward(self, x):
        return self.classifier(self.forward_features(x))

    def config_json(self):
        """The trainer's ModelConfig as checkpoint metadata (cli/GroupNet.Cli/Commands/ModelCheckpoint.cs)."""
        return self.config.to_json()


def reestimate_statistics(model, batches):
    """Trainer.ReestimateBatchNorm: with every other layer in eval mode, each batch-norm layer in module order averages
    the batch statistics of `batches` (an iterable of input tensors, re-iterated per layer) cumulatively, and each
    1-bit quantiser's estimated_scale becomes the mean beta_n over them. The model ends in eval mode."""
    batches = list(batches)
    layers = [m for m in model.modules() if isinstance(m, (_BatchNorm, SignActivationQuantizer))]
    model.eval()
    for m in layers:
        if isinstance(m, SignActivationQuantizer):
            m.estimated_scale.zero_()
    with torch.no_grad():
        for m in layers:
            if isinstance(m, _BatchNorm):  # SyncBatchNorm too
                momentum = m.momentum
                m.reset_running_stats()
                m.momentum = None
                m.train()
                for x in batches:
                    model(x)
                m.eval()
                m.momentum = momentum
            else:
                m.observed = []
                for x in batches:
                    model(x)
                m.estimated_scale.fill_(float(torch.cat(m.observed).mean()))
                m.observed = None
    model.eval()


def save_checkpoint(model, path, epoch):
    """Writes what `groupnet export`, `evaluate` and `train --parent` read."""
    state = {name: t.detach().cpu().contiguous() for name, t in model.state_dict().items()}
    torch.save({"format": CHECKPOINT_FORMAT, "model": state, "epoch": int(epoch), "metadata": model.config_json()}, path)
