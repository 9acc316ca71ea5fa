#!/usr/bin/python3
"""Writes the PyTorch golden files of tests/GroupNet.Tests/Trainer/Golden (PyTorchGoldenTests).

interop/pytorch/groupnet_torch.py's GroupNetModel, a PyTorch nn.Module with exactly the parameter and buffer names
of the C# trainer's GroupNetModel, for ModelConfig(NetworkKind.Tiny, StructureKind.V1, Bases: 2, WeightBits: 1,
ActivationBits: 2) (defaults: float first and last layers, 10 classes, one 28x28 channel), is filled
with seeded random values (batch-norm statistics and counters included) and saved the way a PyTorch user saves
weights:

    torch.save(model.state_dict(), "pytorch-tiny-v1-k2.pt")

pytorch-tiny-v1-k2.json holds what the C# test checks after loading the file into a GroupNetModel: float64 sums and
first elements of some tensors, the batch-norm counters, two input images and the logits PyTorch computes for them
in eval mode with the trainer's quantiser semantics:

* binary weights (Eq. 1): W_b = alpha * sign(W), alpha = mean |W| per output filter, sign(0) = sign(-0) = +1
  (every 29th binary weight is an exact zero or negative zero, so the convention is exercised);
* 2-bit activations (Eq. 2): q = floor(clip(x, 0, 1) * 3 + 0.5) / 3, computed as clamp, mul, add, floor, div;
* group: q0 = quant(input_bn(x)), y = scales[0] * base0(q0) + scales[1] * base1(q0);
* residual base: bn2(conv2(quant1(bn1(conv1(q0))))) + shortcut(q0), shortcut = shortcut_bn(shortcut_conv(q0))
  where the shape changes, else q0;
* model: relu(stem_bn(stem(x))), the three groups, mean over H and W, classifier.

A quantiser is a step function: where its input lies within float rounding of a step, two correct implementations
(PyTorch 1.13 here, LibTorch 2.10 in the trainer) may round it to different levels. The two images are therefore
chosen, among seeded random candidates, as those whose every quantiser input stays at least MARGIN away from the
steps; the smallest distance is written to the JSON.

Run with Debian's PyTorch: /usr/bin/python3 scripts/make-pytorch-golden.py (then review and commit both files).
"""

import json
import os
import sys

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
# The module set is interop/pytorch's, the one a user trains with elsewhere (docs/train-anywhere.md).
sys.path.insert(0, os.path.join(HERE, "..", "interop", "pytorch"))
from groupnet_torch import GroupNetModel  # noqa: E402

SEED = 20240611
K = 2
BITS = 2
LEVELS = (1 << BITS) - 1
CLASSES = 10
SIDE = 28
CANDIDATES = 200
MARGIN = 1e-5
OUT = os.path.join(HERE, "..", "tests", "GroupNet.Tests", "Trainer", "Golden")


class Probe:
    """Records the smallest distance of any quantiser input (inside [0, 1]) to a rounding step, per sample."""

    def __init__(self):
        self.margin = None

    def observe(self, x, bits=BITS):
        inside = (x >= 0) & (x <= 1)
        scaled = x.double() * LEVELS
        distance = ((scaled - torch.floor(scaled) - 0.5).abs() / LEVELS).where(inside, torch.full_like(scaled, 1.0))
        m = distance.flatten(1).min(dim=1).values
        self.margin = m if self.margin is None else torch.minimum(self.margin, m)


PROBE = Probe()



def randomise(model, generator):
    """Seeded values for every entry; statistics and counters too, so a dropped buffer shows."""
    with torch.no_grad():
        for name, t in model.state_dict().items():
            if name.endswith("num_batches_tracked"):
                t.fill_(int(torch.randint(1, 10000, (1,), generator=generator)))
            elif name.endswith("running_var"):
                t.copy_(torch.rand(t.shape, generator=generator) * 1.5 + 0.5)
            elif name.endswith("running_mean"):
                t.copy_((torch.rand(t.shape, generator=generator) - 0.5) * 0.4)
            elif name.endswith("bn.weight") or name.endswith("bn1.weight") or name.endswith("bn2.weight") or name.endswith("_bn.weight"):
                t.copy_(torch.rand(t.shape, generator=generator) + 0.5)
            elif name.endswith(".bias") and "bn" in name:
                t.copy_((torch.rand(t.shape, generator=generator) - 0.3) * 0.6)
            elif name.endswith("scales"):
                t.copy_(torch.rand(t.shape, generator=generator) * 0.5 + 0.3)
            elif name == "classifier.bias":
                t.copy_(torch.randn(t.shape, generator=generator) * 0.1)
            else:  # convolution and classifier weights
                fan_out = t.shape[0] * (t[0].numel() // t.shape[1])
                t.copy_(torch.randn(t.shape, generator=generator) * (2.0 / fan_out) ** 0.5)
                if ".bases." in name:
                    # Exact zeros and negative zeros in the binary weights: sign(0) = sign(-0) = +1 must agree too.
                    flat = t.view(-1)
                    flat[0::29] = 0.0
                    flat[14::29] = -0.0


def main():
    generator = torch.Generator().manual_seed(SEED)
    model = GroupNetModel(bases=K, bits=BITS, classes=CLASSES, side=SIDE, observer=PROBE.observe)
    randomise(model, generator)
    model.eval()

    # Candidate images: p / 255 for seeded pixels, like the trainer's data loader.
    pixels = torch.randint(0, 256, (CANDIDATES, 1, SIDE, SIDE), generator=generator)
    candidates = pixels.to(torch.float32) * (1.0 / 255.0)
    with torch.no_grad():
        PROBE.margin = None
        model(candidates)
    order = torch.argsort(PROBE.margin, descending=True)[:2]
    images = candidates[order]
    with torch.no_grad():
        PROBE.margin = None
        logits = model(images)
    margin = float(PROBE.margin.min())
    if margin < MARGIN:
        raise SystemExit(f"no two candidates keep every quantiser input {MARGIN} away from a step (best {margin})")

    os.makedirs(OUT, exist_ok=True)
    state = model.state_dict()
    torch.save(state, os.path.join(OUT, "pytorch-tiny-v1-k2.pt"))

    checked = ["stem.weight", "stem_bn.running_var", "groups.0.input_bn.bias", "groups.0.bases.1.conv1.weight",
               "groups.0.scales", "groups.1.bases.0.shortcut_conv.weight", "groups.2.bases.1.bn2.running_mean",
               "groups.2.scales", "classifier.weight", "classifier.bias"]
    golden = {
        "generator": "scripts/make-pytorch-golden.py",
        "torch": torch.__version__,
        "model": "ModelConfig(NetworkKind.Tiny, StructureKind.V1, 2, 1, 2): tiny v1 K=2 W1A2, 10 classes, 1x28x28",
        "seed": SEED,
        "entries": len(state),
        "sums": {n: float(state[n].double().sum()) for n in checked},
        "first": {n: float(state[n].flatten()[0]) for n in checked},
        "counters": {n: int(t) for n, t in state.items() if n.endswith("num_batches_tracked")},
        "zero_weights": sum(int((t == 0).sum()) for n, t in state.items() if ".bases." in n and n.endswith("weight")),
        "input_shape": list(images.shape),
        "input": [float(v) for v in images.flatten()],
        "logits": [[float(v) for v in row] for row in logits],
        "min_step_margin": margin,
    }
    with open(os.path.join(OUT, "pytorch-tiny-v1-k2.json"), "w", encoding="utf-8") as f:
        json.dump(golden, f, indent=1)
        f.write("\n")
    print(f"{len(state)} entries, logits {logits.tolist()}, smallest distance of a quantiser input to a step {margin:.3g}")


if __name__ == "__main__":
    main()
