#!/usr/bin/env python3
"""The PyTorch side of bench/train_throughput: the same tiny Group-Net v1 as GroupNet.Trainer's GroupNetV1,
trained on random 28x28 images, one setting per process.

Network (as in trainer/GroupNet.Trainer/Models): stem conv3x3 1->16 + BN + ReLU; groups (16, s1), (32, s2),
(64, s2), each: BN + activation quantizer on the group input (shared by the bases), K bases each
conv3x3(s) - BN - quantizer - conv3x3 - BN, plus shortcut (identity, or 1x1 conv stride s + BN), the K base
outputs summed with learned scales (initialised 1/K); global average pooling; linear 64->10 with bias.
No conv bias. Binary settings: every conv inside the groups (shortcuts too) uses alpha * sign(W), alpha =
mean |W| per output filter (a constant for backward), sign(0) = +1, straight-through gradient zeroed where
|W| > 1. Activations: k bits = floor(clip(x, 0, 1) * (2^k - 1) + 0.5) / (2^k - 1) with the straight-through
estimator x_c + (q - x_c).detach(), x_c = clip(x, 0, 1) (gradient 1 inside [0, 1], 0 outside); 32 bits =
clip only (the full-precision network); 1 bit = sign(x) times the per-image mean |x| (XNOR-Net style), with
the straight-through gradient inside [-1, 1]. Nesterov SGD (lr 0.05, momentum 0.9, weight decay 1e-4 on
conv/linear weights only), cross-entropy loss.

Prints one JSON line: {"name", "images_per_second", "peak_bytes", "median_step_seconds"}; peak_bytes is the
process's peak resident set (ru_maxrss), the interpreter and libtorch included.
"""
import argparse
import json
import os
import resource
import statistics
import sys
import time

# Debian's torch does its matrix products through the system BLAS (OpenBLAS once scripts/setup-bench.sh has
# installed libopenblas0-pthread): give it the same thread count as torch.set_num_threads, before import.
_threads = sys.argv[sys.argv.index("--threads") + 1] if "--threads" in sys.argv[:-1] else "2"
os.environ.setdefault("OPENBLAS_NUM_THREADS", _threads)
os.environ.setdefault("OMP_NUM_THREADS", _threads)

import torch  # noqa: E402
import torch.nn as nn  # noqa: E402
import torch.nn.functional as F  # noqa: E402

SETTINGS = {
    "full precision": (1, 32),
    "v1 K=1 W1A2": (1, 2),
    "v1 K=5 W1A2": (5, 2),
    "v1 K=5 W1A1": (5, 1),
}


class ActQuant(nn.Module):
    def __init__(self, bits):
        super().__init__()
        self.bits = bits

    def forward(self, x):
        if self.bits == 1:
            xc = x.clamp(-1, 1)
            scale = x.abs().mean(dim=(1, 2, 3), keepdim=True).detach()
            q = torch.where(x >= 0, torch.ones_like(x), -torch.ones_like(x)) * scale
            return xc + (q - xc).detach()
        xc = x.clamp(0, 1)
        if self.bits == 32:
            return xc
        levels = float(2 ** self.bits - 1)
        q = torch.floor(xc * levels + 0.5) / levels
        return xc + (q - xc).detach()


class Conv(nn.Conv2d):
    """Conv without bias; binary weights alpha * sign(W) with a clipped straight-through gradient when binary."""

    def __init__(self, cin, cout, k, stride, binary):
        super().__init__(cin, cout, k, stride, k // 2, bias=False)
        self.binary = binary

    def forward(self, x):
        w = self.weight
        if self.binary:
            alpha = w.detach().abs().mean(dim=(1, 2, 3), keepdim=True)
            wb = torch.where(w.detach() >= 0, alpha, -alpha)
            wc = w.clamp(-1, 1)
            w = wc + (wb - wc).detach()
        return F.conv2d(x, w, None, self.stride, self.padding)


class Base(nn.Module):
    def __init__(self, cin, cout, stride, bits, binary):
        super().__init__()
        self.conv1 = Conv(cin, cout, 3, stride, binary)
        self.bn1 = nn.BatchNorm2d(cout)
        self.quant1 = ActQuant(bits)
        self.conv2 = Conv(cout, cout, 3, 1, binary)
        self.bn2 = nn.BatchNorm2d(cout)
        self.shortcut = None
        if cin != cout or stride != 1:
            self.shortcut = nn.Sequential(Conv(cin, cout, 1, stride, binary), nn.BatchNorm2d(cout))

    def forward(self, q0):
        f = self.bn2(self.conv2(self.quant1(self.bn1(self.conv1(q0)))))
        return f + (q0 if self.shortcut is None else self.shortcut(q0))


class Group(nn.Module):
    def __init__(self, cin, cout, stride, k, bits, binary):
        super().__init__()
        self.bn = nn.BatchNorm2d(cin)
        self.quant = ActQuant(bits)
        self.bases = nn.ModuleList([Base(cin, cout, stride, bits, binary) for _ in range(k)])
        self.scales = nn.Parameter(torch.full((k,), 1.0 / k))

    def forward(self, x):
        q0 = self.quant(self.bn(x))
        y = self.scales[0] * self.bases[0](q0)
        for i in range(1, len(self.bases)):
            y = y + self.scales[i] * self.bases[i](q0)
        return y


class GroupNetV1(nn.Module):
    def __init__(self, k, bits):
        super().__init__()
        binary = bits != 32
        self.stem = nn.Conv2d(1, 16, 3, 1, 1, bias=False)
        self.stem_bn = nn.BatchNorm2d(16)
        groups, cin = [], 16
        for cout, stride in [(16, 1), (32, 2), (64, 2)]:
            groups.append(Group(cin, cout, stride, k, bits, binary))
            cin = cout
        self.groups = nn.Sequential(*groups)
        self.classifier = nn.Linear(cin, 10)

    def forward(self, x):
        x = F.relu(self.stem_bn(self.stem(x)))
        x = self.groups(x)
        return self.classifier(x.mean(dim=(2, 3)))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--setting", required=True, choices=sorted(SETTINGS))
    parser.add_argument("--steps", type=int, default=15)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--batch", type=int, default=128)
    a = parser.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(1)
    k, bits = SETTINGS[a.setting]
    model = GroupNetV1(k, bits)
    model.train()
    decayed = [p for p in model.parameters() if p.dim() >= 2]
    plain = [p for p in model.parameters() if p.dim() < 2]
    opt = torch.optim.SGD([{"params": decayed, "weight_decay": 1e-4}, {"params": plain, "weight_decay": 0.0}],
                          lr=0.05, momentum=0.9, nesterov=True)
    g = torch.Generator().manual_seed(3)
    images = torch.randint(0, 256, (a.batch, 1, 28, 28), generator=g).float() / 255.0
    labels = torch.randint(0, 10, (a.batch,), generator=g)
    times = []
    for step in range(a.warmup + a.steps):
        start = time.perf_counter()
        opt.zero_grad(set_to_none=True)
        loss = F.cross_entropy(model(images), labels)
        loss.backward()
        opt.step()
        elapsed = time.perf_counter() - start
        if step >= a.warmup:
            times.append(elapsed)
    median = statistics.median(times)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # Linux: KiB
    print(json.dumps({"name": a.setting, "images_per_second": round(a.batch / median, 1), "peak_bytes": peak,
                      "median_step_seconds": round(median, 5)}))


if __name__ == "__main__":
    main()
