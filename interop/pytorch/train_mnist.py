#!/usr/bin/python3
"""Trains a Group-Net (groupnet_torch.GroupNetModel: any structure, network and bit widths; the tiny v1 K=2 W1A2 by
default) on MNIST in PyTorch for a few steps and writes a checkpoint that `groupnet export` reads, then prints PyTorch's own test accuracy (eval mode) as one JSON line:
{"checkpoint", "steps", "test_images", "correct", "top1", "seconds", "torch"}.

    /usr/bin/python3 interop/pytorch/train_mnist.py --data .cache/mnist/package/data --out out/interop/torch.ckpt

The recipe is the trainer's (Nesterov SGD, momentum 0.9, weight decay 5e-5 on weights, cosine learning rate),
images p / 255 as the exporter expects. At scale the same module set trains with DistributedDataParallel on
GPUs (docs/train-anywhere.md); only save_checkpoint's file comes back.
"""
import argparse
import gzip
import json
import math
import os
import struct
import sys
import time

import torch
import torch.nn as nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from groupnet_torch import (ACTIVATION_BITS, FIRST_LAST, NETWORKS, STRUCTURES, WEIGHT_BITS, GroupNetModel,  # noqa: E402
                            ModelConfig, reestimate_statistics, save_checkpoint)


def read_idx(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        data = f.read()
    magic, count = struct.unpack(">II", data[:8])
    if magic == 2051:
        rows, cols = struct.unpack(">II", data[8:16])
        return torch.frombuffer(bytearray(data[16:16 + count * rows * cols]), dtype=torch.uint8).view(count, 1, rows, cols)
    if magic == 2049:
        return torch.frombuffer(bytearray(data[8:8 + count]), dtype=torch.uint8).long()
    raise SystemExit(f"{path}: not an IDX images or labels file (magic {magic})")


def evaluate(model, images, labels, batch=500):
    model.eval()
    correct = 0
    with torch.no_grad():
        for i in range(0, len(images), batch):
            x = images[i:i + batch].float() / 255.0
            correct += int((model(x).argmax(dim=1) == labels[i:i + batch]).sum())
    return correct


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", required=True, help="folder with the MNIST IDX files (scripts/setup.sh: .cache/mnist/package/data)")
    ap.add_argument("--out", required=True, help="checkpoint to write (groupnet-checkpoint-1)")
    ap.add_argument("--network", default="Tiny", choices=list(NETWORKS))
    ap.add_argument("--structure", default=None, choices=list(STRUCTURES), help="default: V1, or Baseline for K = 1")
    ap.add_argument("--bases", type=int, default=2, help="K (1 = the baseline)")
    ap.add_argument("--bits", type=int, default=2, choices=list(ACTIVATION_BITS), help="activation bits")
    ap.add_argument("--weight-bits", type=int, default=1, choices=list(WEIGHT_BITS))
    ap.add_argument("--first-last", default="Float32", choices=list(FIRST_LAST))
    ap.add_argument("--bn-batches", type=int, default=0,
                    help="re-estimate batch-norm statistics and 1-bit scales on this many training batches before saving")
    ap.add_argument("--steps", type=int, default=300)
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--lr", type=float, default=0.05)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--test-count", type=int, default=0, help="test images for PyTorch's accuracy (0 = all)")
    args = ap.parse_args()

    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)
    train_x = read_idx(os.path.join(args.data, "train-images-idx3-ubyte"))
    train_y = read_idx(os.path.join(args.data, "train-labels-idx1-ubyte"))
    test_x = read_idx(os.path.join(args.data, "t10k-images-idx3-ubyte"))
    test_y = read_idx(os.path.join(args.data, "t10k-labels-idx1-ubyte"))
    if args.test_count > 0:
        test_x, test_y = test_x[:args.test_count], test_y[:args.test_count]

    structure = args.structure or ("Baseline" if args.bases == 1 else "V1")
    config = ModelConfig(network=args.network, structure=structure, bases=args.bases, weight_bits=args.weight_bits,
                         activation_bits=args.bits, first_last=args.first_last,
                         input_height=train_x.shape[-2], input_width=train_x.shape[-1])
    model = GroupNetModel(config)
    decay = [p for n, p in model.named_parameters() if n.endswith("weight") and p.dim() > 1]
    other = [p for n, p in model.named_parameters() if not (n.endswith("weight") and p.dim() > 1)]
    optimizer = torch.optim.SGD([{"params": decay, "weight_decay": 5e-5}, {"params": other, "weight_decay": 0.0}],
                                lr=args.lr, momentum=0.9, nesterov=True)
    loss_fn = nn.CrossEntropyLoss()
    generator = torch.Generator().manual_seed(args.seed)
    start = time.time()
    model.train()
    order = torch.randperm(len(train_x), generator=generator)
    for step in range(args.steps):
        for group in optimizer.param_groups:
            group["lr"] = args.lr * 0.5 * (1 + math.cos(math.pi * step / args.steps))
        at = (step * args.batch) % len(train_x)
        idx = order[at:at + args.batch]
        x = train_x[idx].float() / 255.0
        loss = loss_fn(model(x), train_y[idx])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        if (step + 1) % max(1, args.steps // 4) == 0:
            print(f"step {step + 1}/{args.steps}: loss {loss.item():.4f}", file=sys.stderr, flush=True)
    seconds = time.time() - start

    if args.bn_batches > 0:
        at = torch.randperm(len(train_x), generator=generator)[:args.bn_batches * args.batch]
        reestimate_statistics(model, [train_x[at[i:i + args.batch]].float() / 255.0 for i in range(0, len(at), args.batch)])
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    save_checkpoint(model, args.out, epoch=0)
    correct = evaluate(model, test_x, test_y)
    print(json.dumps({"checkpoint": args.out, "steps": args.steps, "test_images": len(test_x), "correct": correct,
                      "top1": correct / len(test_x), "seconds": round(seconds, 1), "torch": torch.__version__}))


if __name__ == "__main__":
    main()
