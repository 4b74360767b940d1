#!/usr/bin/env python3
"""Writes tests/fixtures/vit-golden.json: reference outputs of Sesame's shipped Vision
Transformers, computed by PyTorch with Hugging Face transformers' own `BertModel` (the encoder,
fed through `inputs_embeds`) plus a few lines for the patch layer and the two heads, on the
shipped f16 weights (as f32) and the shipped test images.

For each model and each of the first four test images of its set it stores the embedding
(mean of the last hidden states, nothing hidden), and with the patches of MASK hidden: the
predicted image and the mean squared error over the hidden pixels; and the contrastive head's
unit-length projection.

Run once per shipped model version (the fixture is committed; CI does not need Python):
    .cache/peer-venv/bin/python scripts/make_vit_golden.py
"""
import json
from pathlib import Path

import torch
from safetensors.torch import load_file
from transformers import BertConfig, BertModel

ROOT = Path(__file__).resolve().parent.parent
MODELS = ROOT / "assets/models"
IMAGES = 4
MASK = 0x5A3C  # the /vision page's first mask: bit k hides patch k (row-major 4 × 4)


def patchify(x, p):
    b, _, h, w = x.shape
    s = h // p
    return x.reshape(b, s, p, s, p).permute(0, 1, 3, 2, 4).reshape(b, s * s, p * p)


def unpatchify(x, p):
    b, n, _ = x.shape
    s = int(round(n ** 0.5))
    return x.reshape(b, s, s, p, p).permute(0, 1, 3, 2, 4).reshape(b, 1, s * p, s * p)


class Vit:
    def __init__(self, cfg, weights):
        w = {k: v.float() for k, v in weights.items()}
        self.p = cfg["patch"]
        side = 28 // self.p
        bert_cfg = BertConfig(vocab_size=1, hidden_size=cfg["hidden"], num_hidden_layers=cfg["layers"], num_attention_heads=cfg["heads"],
                              intermediate_size=cfg["intermediate"], max_position_embeddings=side * side, type_vocab_size=1,
                              hidden_act="gelu", layer_norm_eps=1e-12, hidden_dropout_prob=0.0, attention_probs_dropout_prob=0.0)
        self.bert = BertModel(bert_cfg, add_pooling_layer=False).eval()
        missing, unexpected = self.bert.load_state_dict({k[5:]: v for k, v in w.items() if k.startswith("bert.")}, strict=False)
        assert not unexpected and all("position_ids" in m for m in missing), (missing, unexpected)
        self.w = w

    def lin(self, name, x):
        return x @ self.w[f"{name}.weight"].T + self.w[f"{name}.bias"]

    def hidden(self, x, mask):
        e = self.lin("patch_embed", patchify(x, self.p))
        m = mask[:, :, None]
        mask_vector = self.w["bert.embeddings.word_embeddings.weight"][0]
        return self.bert(inputs_embeds=e * (1 - m) + mask_vector * m).last_hidden_state

    def reconstruct(self, x, mask):
        return unpatchify(torch.sigmoid(self.lin("to_pixels", self.hidden(x, mask))), self.p)

    def embed(self, x):
        return self.hidden(x, torch.zeros(x.shape[0], (28 // self.p) ** 2)).mean(1)

    def project(self, e):
        z = self.lin("project.2", torch.relu(self.lin("project.0", e)))
        return z / z.norm(dim=1, keepdim=True)


def main():
    card = json.loads((MODELS / "vit/v1/card.json").read_text())
    cases = []
    with torch.no_grad():
        for m in card["models"]:
            images = "fashion-test" if m["data"].startswith("fashion") else "mnist-test"
            st = load_file(str(MODELS / f"demo-images/v1/{images}.safetensors"))
            x = st["images"][:IMAGES].float().div(255.0).unsqueeze(1)
            vit = Vit(m["config"], load_file(str(MODELS / "vit/v1" / m["file"])))
            n = (28 // vit.p) ** 2
            mask = torch.tensor([[float(MASK >> k & 1) for k in range(n)]] * IMAGES)
            predicted = vit.reconstruct(x, mask)
            hidden_pixels = unpatchify(mask[:, :, None].expand(-1, -1, vit.p * vit.p), vit.p)
            mse = ((predicted - x) ** 2 * hidden_pixels).flatten(1).sum(1) / hidden_pixels.flatten(1).sum(1)
            e = vit.embed(x)
            cases.append({
                "file": m["file"], "images": images,
                "embeddings": e.tolist(), "projections": vit.project(e).tolist(),
                "predicted": predicted.flatten(1).tolist(), "hidden_mse": mse.tolist(),
            })
    import transformers
    fixture = {"generator": f"torch {torch.__version__}, transformers {transformers.__version__}, scripts/make_vit_golden.py",
               "images": IMAGES, "mask": f"{MASK:04x}", "cases": cases}
    (ROOT / "tests/fixtures/vit-golden.json").write_text(json.dumps(fixture) + "\n")
    print("wrote tests/fixtures/vit-golden.json:", [c["file"] for c in cases])


if __name__ == "__main__":
    main()
