#!/usr/bin/python3
"""Writes the PyTorch-saved fixtures of tests/GroupNet.Tests/Trainer/Golden that PyTorchStructureTests checks:

    pytorch-structure-names.json    the state-dict names and shapes (parameters and buffers) of groupnet_torch's
                                    GroupNetModel for every network x structure x activation bits 1, 2, 4, 32
                                    (K = 2 where K may exceed 1), and a few weight-bit and first/last variants
    pytorch-structure-<name>.pt     save_checkpoint of one seeded model per structure plus samples of the other
                                    options (FIXTURES below): the file `groupnet export` reads
    pytorch-structure-<name>.json   its configuration, two input images (pixels), PyTorch's eval-mode logits, and
                                    the sum and the sum of |g| of every parameter's gradient of the cross-entropy to
                                    two labels (eval mode, gradients on: the straight-through estimators)

Every model is filled with seeded values (binary weights with exact zeros and negative zeros, batch-norm affine
parameters, base scales), then its batch-norm statistics and 1-bit activation scales are re-estimated on seeded
random images with reestimate_statistics (as the trainer's statistics pass does); every other 1-bit quantiser's
estimated_scale is then reset to 0, so eval mode exercises both the constant and the per-sample scale.

A quantiser is a step function: where its input lies within float rounding of a step (a rounding step of Eq. 2, or 0
for sign activations), PyTorch 1.13 and LibTorch 2.10 may disagree. The two images of each fixture are the
candidates whose every quantiser input stays farthest from a step; the smallest distance is written as "margin".

Run with Debian's PyTorch: /usr/bin/python3 interop/pytorch/make_structure_fixtures.py (then review and commit).
"""
import json
import os
import sys

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from groupnet_torch import (ACTIVATION_BITS, NETWORKS, STRUCTURES, GroupNetModel, ModelConfig,  # noqa: E402
                            SignActivationQuantizer, reestimate_statistics, save_checkpoint)

SEED = 20261207
CANDIDATES = 1024
LABELS = [3, 7]
OUT = os.path.join(HERE, "..", "..", "tests", "GroupNet.Tests", "Trainer", "Golden")

# One checkpoint per structure, with the other options sampled across them (tiny network unless named; the small
# network's checkpoint would be four times the tiny one's, so it is covered by the names only).
FIXTURES = {
    "baseline-w1a1-int8": ModelConfig(structure="Baseline", bases=1, activation_bits=1, first_last="Int8"),
    "layerwise-k2-w1a4": ModelConfig(structure="Layerwise", bases=2, activation_bits=4),
    "v1-k2-w1a1": ModelConfig(structure="V1", bases=2, activation_bits=1),
    "v2-k2-w1a2-int8": ModelConfig(structure="V2", bases=2, activation_bits=2, first_last="Int8"),
    "v3-k2-w1a2": ModelConfig(structure="V3", bases=2, activation_bits=2),
    "plain-v2-k1-w1a1": ModelConfig(network="Plain", structure="V2", bases=1, activation_bits=1),
    "baseline-w32a32": ModelConfig(structure="Baseline", bases=1, weight_bits=32, activation_bits=32),
}


def names_configs():
    """Every network x structure x activation bits (K = 2 where allowed), then weight-bit and first/last variants."""
    configs = []
    for network in NETWORKS:
        for structure in STRUCTURES:
            for bits in ACTIVATION_BITS:
                configs.append(ModelConfig(network=network, structure=structure, bases=1 if structure == "Baseline" else 2,
                                           activation_bits=bits))
    for structure in STRUCTURES:
        configs.append(ModelConfig(structure=structure, bases=1 if structure == "Baseline" else 3, weight_bits=32,
                                   activation_bits=1, first_last="Int8"))
    configs.append(ModelConfig(network="Small", structure="V2", bases=3, weight_bits=32, activation_bits=32, first_last="Int8",
                               num_classes=7, input_channels=3, input_height=16, input_width=20))
    return configs


class Margin:
    """Smallest distance of any quantiser input to a step of its quantiser, per sample."""

    def __init__(self):
        self.per_sample = None

    def __call__(self, x, bits):
        x = x.detach().double()
        if bits == 32:
            return
        if bits == 1:
            distance = x.abs()
        else:
            levels = (1 << bits) - 1
            inside = (x >= 0) & (x <= 1)
            scaled = x * levels
            distance = ((scaled - torch.floor(scaled) - 0.5).abs() / levels).where(inside, torch.full_like(scaled, 1.0))
        m = distance.flatten(1).min(dim=1).values
        self.per_sample = m if self.per_sample is None else torch.minimum(self.per_sample, m)


def randomise(model, generator):
    """Seeded values for every parameter (the buffers come from reestimate_statistics)."""
    with torch.no_grad():
        for name, p in model.named_parameters():
            if name.endswith("scales"):
                p.copy_(torch.rand(p.shape, generator=generator) * 0.5 + 0.3)
            elif p.dim() == 1 and name.endswith("weight"):  # batch-norm gamma
                p.copy_(torch.rand(p.shape, generator=generator) + 0.5)
            elif p.dim() == 1:  # batch-norm beta, classifier bias
                p.copy_((torch.rand(p.shape, generator=generator) - 0.3) * 0.6)
            else:
                # Kaiming-normal values rounded to multiples of std / 8 (2^-k * std, exact in float): about 60
                # distinct values per tensor, so git compresses the file several times over.
                fan_out = p.shape[0] * (p[0].numel() // p.shape[1])
                std = 2.0 ** round(0.5 * torch.log2(torch.tensor(2.0 / fan_out)).item())
                p.copy_((torch.randn(p.shape, generator=generator) * 8).round().clamp(-32, 32) * (std / 8))
                if name.startswith(("groups.", "trunks.")):
                    # Exact zeros and negative zeros: sign(0) = sign(-0) = +1 must agree too.
                    flat = p.view(-1)
                    flat[0::29] = 0.0
                    flat[14::29] = -0.0


def state_names(model):
    return [f"{name} {','.join(str(d) for d in t.shape)}" for name, t in model.state_dict().items()]


def write_fixture(name, config, generator):
    margin = Margin()
    model = GroupNetModel(config, observer=margin)
    randomise(model, generator)
    side = (config.input_channels, config.input_height, config.input_width)
    batches = [torch.randint(0, 256, (32,) + side, generator=generator).float() / 255.0 for _ in range(3)]
    reestimate_statistics(model, batches)
    signs = [m for m in model.modules() if isinstance(m, SignActivationQuantizer)]
    for s in signs[1::2]:
        s.estimated_scale.zero_()
    pixels = torch.randint(0, 256, (CANDIDATES,) + side, generator=generator)
    with torch.no_grad():
        margin.per_sample = None
        model(pixels.float() / 255.0)
        order = torch.argsort(margin.per_sample, descending=True)[:2] if margin.per_sample is not None else torch.arange(2)
        images = pixels[order]
        margin.per_sample = None
        logits = model(images.float() / 255.0)
    save_checkpoint(model, os.path.join(OUT, f"pytorch-structure-{name}.pt"), epoch=3)
    # The straight-through estimators: eval mode (so batch-norm and the 1-bit scales are those of the logits), with
    # gradients on, the gradient of the cross-entropy to LABELS of every parameter, as its sum and its sum of |g|.
    model.zero_grad(set_to_none=True)
    torch.nn.functional.cross_entropy(model(images.float() / 255.0), torch.tensor(LABELS)).backward()
    gradients = {n: [float(p.grad.double().sum()), float(p.grad.double().abs().sum())] for n, p in model.named_parameters()}
    found = 1.0 if margin.per_sample is None else float(margin.per_sample.min())
    with open(os.path.join(OUT, f"pytorch-structure-{name}.json"), "w") as f:
        json.dump({
            "generator": "interop/pytorch/make_structure_fixtures.py",
            "torch": torch.__version__,
            "metadata": config.to_json(),
            "describe": config.describe(),
            "estimated_scales": [float(s.estimated_scale) for s in signs],
            "margin": found,
            "images": [img.flatten().tolist() for img in images],
            "logits": [[float(v) for v in row] for row in logits],
            "labels": LABELS,
            "gradients": gradients,
        }, f, indent=1)
        f.write("\n")
    print(f"{name}: {config.describe()}, {len(model.state_dict())} entries, margin {found:.3g}, "
          f"{os.path.getsize(os.path.join(OUT, f'pytorch-structure-{name}.pt')):,} bytes")


def main():
    torch.manual_seed(SEED)
    torch.set_num_threads(1)
    models = []
    for config in names_configs():
        models.append({"metadata": config.to_json(), "describe": config.describe(), "state": state_names(GroupNetModel(config))})
    with open(os.path.join(OUT, "pytorch-structure-names.json"), "w") as f:
        json.dump({"generator": "interop/pytorch/make_structure_fixtures.py", "torch": torch.__version__, "models": models}, f, indent=0)
        f.write("\n")
    print(f"names: {len(models)} configurations")
    only = sys.argv[1:]
    for i, (name, config) in enumerate(FIXTURES.items()):
        if not only or name in only:
            torch.manual_seed(SEED + i)  # per fixture, so one can be rewritten alone
            write_fixture(name, config, torch.Generator().manual_seed(SEED + i))


if __name__ == "__main__":
    main()
