#!/usr/bin/python3
"""Writes the PyTorch-saved checkpoint fixture of tests/GroupNet.Tests/Trainer/Golden (PyTorchCheckpointExportTests):

    pytorch-checkpoint-baseline-w1a2.pt     save_checkpoint(GroupNetModel(bases=1, bits=2)) of groupnet_torch.py:
                                            the file `groupnet export` reads, as a PyTorch user writes it
    pytorch-checkpoint-baseline-w1a2.json   two input images (pixels) and PyTorch's eval-mode logits for them

The weights are seeded random; the batch-norm statistics come from training-mode passes over seeded random images,
so every layer has sensible thresholds. The two images are the candidates whose quantiser inputs stay farthest
from a rounding step (as in scripts/make-pytorch-golden.py), so LibTorch 2.10 computes the same levels.

Run with Debian's PyTorch: /usr/bin/python3 interop/pytorch/make_fixture.py (then review and commit both files).
"""
import json
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from groupnet_torch import GroupNetModel, save_checkpoint  # noqa: E402

SEED = 20261207
CANDIDATES = 100
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests", "GroupNet.Tests", "Trainer", "Golden")
NAME = "pytorch-checkpoint-baseline-w1a2"


class Margin:
    """Smallest distance of any quantiser input inside [0, 1] to a rounding step, per sample (3 levels)."""

    def __init__(self):
        self.per_sample = None

    def __call__(self, x, bits=2):
        inside = (x >= 0) & (x <= 1)
        scaled = x.double() * 3
        distance = ((scaled - torch.floor(scaled) - 0.5).abs() / 3).where(inside, torch.full_like(scaled, 1.0))
        m = distance.flatten(1).min(dim=1).values
        self.per_sample = m if self.per_sample is None else torch.minimum(self.per_sample, m)


def main():
    torch.manual_seed(SEED)
    generator = torch.Generator().manual_seed(SEED)
    margin = Margin()
    model = GroupNetModel(bases=1, bits=2, observer=margin)
    with torch.no_grad():
        model.train()
        for _ in range(4):
            model(torch.randint(0, 256, (32, 1, 28, 28), generator=generator).float() / 255.0)
        model.eval()
        pixels = torch.randint(0, 256, (CANDIDATES, 1, 28, 28), generator=generator)
        margin.per_sample = None
        model(pixels.float() / 255.0)
        order = torch.argsort(margin.per_sample, descending=True)[:2]
        images = pixels[order]
        margin.per_sample = None
        logits = model(images.float() / 255.0)
    # .pt, not .ckpt: .gitignore keeps training outputs (*.ckpt) out of git.
    save_checkpoint(model, os.path.join(OUT, NAME + ".pt"), epoch=0)
    with open(os.path.join(OUT, NAME + ".json"), "w") as f:
        json.dump({
            "generator": "interop/pytorch/make_fixture.py",
            "torch": torch.__version__,
            "metadata": model.config_json(),
            "margin": float(margin.per_sample.min()),
            "images": [img.flatten().tolist() for img in images],
            "logits": [[float(v) for v in row] for row in logits],
        }, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
