#!/usr/bin/env python3
"""Writes tests/fixtures/ae-golden.json: reference outputs of Sesame's shipped image models,
computed by an independent PyTorch (f32) definition of the same architectures on the shipped
f16 weights and the shipped test images.

For each model and each of the first four MNIST test images it stores the code (bottleneck
vector, or the VQ-VAE's 49 code numbers), the per-image reconstruction MSE and the
reconstruction itself.

Run once per shipped model version (the fixture is committed; CI does not need Python):
    python3 -m venv .cache/golden-venv && .cache/golden-venv/bin/pip install torch safetensors numpy
    .cache/golden-venv/bin/python scripts/make_ae_golden.py
"""
import json
from pathlib import Path

import torch
import torch.nn as nn
import torch.nn.functional as F
from safetensors.torch import load_file

ROOT = Path(__file__).resolve().parent.parent
MODELS = ROOT / "assets/models"
IMAGES = 4


class ConvAE(nn.Module):
    def __init__(self, k, c):
        super().__init__()
        self.c = c
        self.conv1 = nn.Conv2d(1, c, 3, stride=2, padding=1)
        self.conv2 = nn.Conv2d(c, 2 * c, 3, stride=2, padding=1)
        self.to_code = nn.Linear(2 * c * 49, k)
        self.from_code = nn.Linear(k, 2 * c * 49)
        self.deconv1 = nn.ConvTranspose2d(2 * c, c, 4, stride=2, padding=1)
        self.deconv2 = nn.ConvTranspose2d(c, 1, 4, stride=2, padding=1)

    def forward(self, x):
        h = F.relu(self.conv2(F.relu(self.conv1(x))))
        code = self.to_code(h.flatten(1))
        h = F.relu(self.from_code(code)).view(-1, 2 * self.c, 7, 7)
        return torch.sigmoid(self.deconv2(F.relu(self.deconv1(h)))), code


class VqVae(nn.Module):
    def __init__(self, codes, d, c):
        super().__init__()
        self.conv1 = nn.Conv2d(1, c, 3, stride=2, padding=1)
        self.conv2 = nn.Conv2d(c, 2 * c, 3, stride=2, padding=1)
        self.to_code = nn.Conv2d(2 * c, d, 1)
        self.from_code = nn.Conv2d(d, 2 * c, 3, padding=1)
        self.deconv1 = nn.ConvTranspose2d(2 * c, c, 4, stride=2, padding=1)
        self.deconv2 = nn.ConvTranspose2d(c, 1, 4, stride=2, padding=1)
        self.codebook = nn.Parameter(torch.zeros(codes, d))

    def forward(self, x):
        z = self.to_code(F.relu(self.conv2(F.relu(self.conv1(x)))))
        b, d, h, w = z.shape
        flat = z.permute(0, 2, 3, 1).reshape(-1, d)
        dist = (flat[:, None, :] - self.codebook[None, :, :]).pow(2).sum(-1)
        idx = dist.argmin(1)
        q = self.codebook[idx].view(b, h, w, d).permute(0, 3, 1, 2)
        out = torch.sigmoid(self.deconv2(F.relu(self.deconv1(F.relu(self.from_code(q))))))
        return out, idx.view(b, h * w).float()


def images():
    st = load_file(str(MODELS / "demo-images/v1/mnist-test.safetensors"))
    return st["images"][:IMAGES].float().div(255.0).unsqueeze(1)


def main():
    x = images()
    cases = []
    for family in ["ae-mnist", "vqvae-mnist"]:
        card = json.loads((MODELS / family / "v1/card.json").read_text())
        for m in card["models"]:
            cfg = m["config"]
            if cfg["kind"] == "conv":
                net = ConvAE(cfg["bottleneck"], cfg["channels"])
            else:
                net = VqVae(cfg["codes"], cfg["code_dim"], cfg["channels"])
            weights = {k: v.float() for k, v in load_file(str(MODELS / family / "v1" / m["file"])).items()}
            net.load_state_dict(weights, strict=True)
            with torch.no_grad():
                out, code = net(x)
            mse = (out - x).pow(2).flatten(1).mean(1)
            cases.append({
                "family": family,
                "file": m["file"],
                "codes": [[round(v, 6) for v in row] for row in code.tolist()],
                "mse": [round(v, 8) for v in mse.tolist()],
                "reconstructions": [[round(v, 6) for v in row] for row in out.flatten(1).tolist()],
            })
            print(family, m["file"], "mse", [round(v, 5) for v in mse.tolist()])
    fixture = {"generator": f"torch {torch.__version__}, scripts/make_ae_golden.py", "images": IMAGES, "cases": cases}
    (ROOT / "tests/fixtures/ae-golden.json").write_text(json.dumps(fixture) + "\n")


if __name__ == "__main__":
    main()
