"""Group-Net in PyTorch with the TorchSharp trainer's module structure and state-dict names.

The modules mirror trainer/GroupNet.Trainer/Models/*.cs for the tiny network (NetworkKind.Tiny: stem 16,
groups 16 / 32 s2 / 64 s2), Group-Net v1 (StructureKind.V1, K >= 2 bases per group) and the direct-quantisation
baseline (StructureKind.Baseline, K = 1), binary weights, 2- or 4-bit activations, float first and last layers.
A state dict saved from GroupNetModel loads into the C# GroupNetModel of the same configuration, and back:

    stem.weight, stem_bn.{weight,bias,running_mean,running_var,num_batches_tracked},
    groups.<g>.scales, groups.<g>.input_bn.*, groups.<g>.bases.<k>.{conv1,bn1,conv2,bn2}.*,
    groups.<g>.bases.<k>.{shortcut_conv,shortcut_bn}.* (where the shape changes), classifier.{weight,bias}

Forward semantics (what the exporter folds into the integer program; docs/integer-arithmetic.md):
* binary weights (Eq. 1): W_b = alpha * sign(W), alpha = mean |W| per output filter, sign(0) = +1; training
  passes the gradient straight through, zeroed where |W| > 1;
* k-bit activations (Eq. 2): q = floor(clip(x, 0, 1) * (2^k - 1) + 0.5) / (2^k - 1); training passes the
  gradient straight through inside [0, 1];
* group: q0 = quant(input_bn(x)), y = sum_k scales[k] * base_k(q0);
* residual base: bn2(conv2(quant1(bn1(conv1(q0))))) + shortcut(q0);
* model: relu(stem_bn(stem(x))) on x = pixel / 255, the groups, mean over H and W, classifier.

save_checkpoint writes the file `groupnet export` reads (trainer/GroupNet.Trainer/Training/Checkpoint.cs): a
torch.save'd dict {"format": "groupnet-checkpoint-1", "model": state dict, "epoch": int, "metadata": the
model configuration as the trainer's JSON}.
"""

import json

import torch
import torch.nn as nn
import torch.nn.functional as F

CHECKPOINT_FORMAT = "groupnet-checkpoint-1"
TINY_STEM = 16
TINY_GROUPS = [(16, 1), (32, 2), (64, 2)]  # NetworkLayout.Of(NetworkKind.Tiny): (channels, stride)


class ActivationQuantizer(nn.Module):
    """Eq. 2 for k = 2 or 4 bits (no parameters, no buffers: nothing in the state dict). `observer`, when set, is
    called with every input (scripts/make-pytorch-golden.py measures the distance to the rounding steps)."""

    def __init__(self, bits, observer=None):
        super().__init__()
        if bits not in (2, 4):
            raise ValueError(f"activation bits {bits}: this module set has 2 and 4 (1-bit sign activations keep a scale the trainer estimates)")
        self.levels = (1 << bits) - 1
        self.observer = observer

    def forward(self, x):
        if self.observer is not None:
            self.observer(x)
        xc = x.clamp(0, 1)
        q = xc.mul(self.levels).add(0.5).floor().div(self.levels)
        if self.training and torch.is_grad_enabled():
            return xc + (q - xc).detach()
        return q


class BinaryConv2d(nn.Module):
    """Eq. 1: convolves with alpha * sign(W) per output filter; the state holds the latent float weight."""

    def __init__(self, cin, cout, kernel, stride, padding):
        super().__init__()
        self.weight = nn.Parameter(torch.empty(cout, cin, kernel, kernel))
        nn.init.kaiming_normal_(self.weight, mode="fan_out", nonlinearity="relu")
        self.stride = stride
        self.padding = padding

    def binary_weight(self):
        w = self.weight
        alpha = w.abs().mean(dim=(1, 2, 3), keepdim=True)
        wb = alpha * torch.where(w >= 0, torch.ones_like(w), -torch.ones_like(w))
        if self.training and torch.is_grad_enabled():
            # Straight through, zeroed where |W| > 1; alpha is a constant for the backward pass.
            inside = (w.abs() <= 1).to(w.dtype)
            return (w * inside - (w * inside).detach()) + wb.detach()
        return wb

    def forward(self, x):
        return F.conv2d(x, self.binary_weight(), stride=self.stride, padding=self.padding)


class ResidualBlock(nn.Module):
    def __init__(self, cin, cout, stride, bits, observer=None):
        super().__init__()
        self.conv1 = BinaryConv2d(cin, cout, 3, stride, 1)
        self.bn1 = nn.BatchNorm2d(cout)
        self.quant1 = ActivationQuantizer(bits, observer)
        self.conv2 = BinaryConv2d(cout, cout, 3, 1, 1)
        self.bn2 = nn.BatchNorm2d(cout)
        if cin != cout or stride != 1:
            self.shortcut_conv = BinaryConv2d(cin, cout, 1, stride, 0)
            self.shortcut_bn = nn.BatchNorm2d(cout)
        else:
            self.shortcut_conv = None
            self.shortcut_bn = None

    def forward(self, q0):
        f = self.bn2(self.conv2(self.quant1(self.bn1(self.conv1(q0)))))
        shortcut = q0 if self.shortcut_conv is None else self.shortcut_bn(self.shortcut_conv(q0))
        return f + shortcut


class BaseGroup(nn.Module):
    """K homogeneous binary residual bases on one quantised input, summed with learned scales (Eq. 5)."""

    def __init__(self, cin, cout, stride, bases, bits, observer=None):
        super().__init__()
        self.scales = nn.Parameter(torch.full((bases,), 1.0 / bases))
        self.input_bn = nn.BatchNorm2d(cin)
        self.input_quant = ActivationQuantizer(bits, observer)
        self.bases = nn.ModuleList([ResidualBlock(cin, cout, stride, bits, observer) for _ in range(bases)])

    def forward(self, x):
        q0 = self.input_quant(self.input_bn(x))
        y = None
        for k, base in enumerate(self.bases):
            term = base(q0) * self.scales[k]
            y = term if y is None else y + term
        return y


class GroupNetModel(nn.Module):
    """The tiny Group-Net v1 (bases >= 2) or baseline (bases = 1) on `side` x `side` one-channel images."""

    def __init__(self, bases=2, bits=2, classes=10, side=28, observer=None):
        super().__init__()
        self.bases, self.bits, self.classes, self.side = bases, bits, classes, side
        self.stem = nn.Conv2d(1, TINY_STEM, 3, stride=1, padding=1, bias=False)
        self.stem_bn = nn.BatchNorm2d(TINY_STEM)
        groups = []
        cin = TINY_STEM
        for cout, stride in TINY_GROUPS:
            groups.append(BaseGroup(cin, cout, stride, bases, bits, observer))
            cin = cout
        self.groups = nn.ModuleList(groups)
        self.classifier = nn.Linear(cin, classes)

    def forward(self, x):
        x = F.relu(self.stem_bn(self.stem(x)))
        for g in self.groups:
            x = g(x)
        return self.classifier(x.mean(dim=(2, 3)))

    def config_json(self):
        """The trainer's ModelConfig as checkpoint metadata (cli/GroupNet.Cli/Commands/ModelCheckpoint.cs)."""
        return json.dumps({
            "Network": "Tiny",
            "Structure": "Baseline" if self.bases == 1 else "V1",
            "Bases": self.bases,
            "WeightBits": 1,
            "ActivationBits": self.bits,
            "FirstLast": "Float32",
            "NumClasses": self.classes,
            "InputChannels": 1,
            "InputHeight": self.side,
            "InputWidth": self.side,
        }, separators=(",", ":"))


def save_checkpoint(model, path, epoch):
    """Writes what `groupnet export`, `evaluate` and `train --parent` read."""
    state = {name: t.detach().cpu().contiguous() for name, t in model.state_dict().items()}
    torch.save({"format": CHECKPOINT_FORMAT, "model": state, "epoch": int(epoch), "metadata": model.config_json()}, path)
