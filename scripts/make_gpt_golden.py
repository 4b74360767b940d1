#!/usr/bin/env python3
"""Writes tests/fixtures/smollm2-golden.json: reference tokens, logits and greedy continuations of
SmolLM2-135M-Instruct computed by HF transformers (PyTorch, f32) from the same GGUF file Sesame
loads. transformers dequantizes the GGUF (Q4_1 / Q8_0) to f32 and un-permutes llama.cpp's Q/K
rows itself, so the reference shares Sesame's weights exactly but none of its loading code.

For each prompt the fixture keeps: the token ids (HF's tokenizer built from the GGUF), the
top-10 logits at every position, the logits of 64 fixed vocabulary ids at every position, the
last position's logits for ids 0..1023, and a greedy continuation of 16 tokens.

Run once (the fixture is committed; CI does not need Python):
    .cache/golden-venv/bin/pip install torch transformers gguf
    .cache/golden-venv/bin/python scripts/make_gpt_golden.py .cache/smollm2/SmolLM2-135M-Instruct.Q4_1.gguf
"""
import json
import sys
from pathlib import Path

import torch
import transformers
from transformers import AutoModelForCausalLM, AutoTokenizer

PROMPTS = [
    "The capital of France is",
    "Once upon a time, there was a little",
    "1 + 2 = 3, 10 + 20 = 30, 7 + 8 =",
    "happy -> sad\nbig -> small\nhot ->",
    "台湾大学",
    "<|im_start|>user\nWhat is the capital of Japan?<|im_end|>\n<|im_start|>assistant\n",
]
FIXED_IDS = list(range(0, 49152, 768))  # 64 ids spread over the vocabulary


def main():
    path = Path(sys.argv[1])
    out = Path(sys.argv[2] if len(sys.argv) > 2 else "tests/fixtures/smollm2-golden.json")
    torch.manual_seed(0)
    tok = AutoTokenizer.from_pretrained(str(path.parent), gguf_file=path.name)
    model = AutoModelForCausalLM.from_pretrained(str(path.parent), gguf_file=path.name, torch_dtype=torch.float32)
    model.eval()
    cases = []
    for prompt in PROMPTS:
        ids = tok(prompt, add_special_tokens=False)["input_ids"]
        with torch.no_grad():
            logits = model(torch.tensor([ids])).logits[0]  # [T, V]
            top = torch.topk(logits, 10, dim=-1)
            greedy = model.generate(torch.tensor([ids]), max_new_tokens=16, do_sample=False, pad_token_id=2)[0, len(ids):].tolist()
        cases.append({
            "prompt": prompt,
            "ids": ids,
            "top_ids": top.indices.tolist(),
            "top_logits": [[round(x, 5) for x in row] for row in top.values.tolist()],
            "fixed_logits": [[round(x, 5) for x in row] for row in logits[:, FIXED_IDS].tolist()],
            "last_logits_0_1024": [round(x, 5) for x in logits[-1, :1024].tolist()],
            "greedy_ids": greedy,
            "greedy_text": tok.decode(greedy),
        })
        print(repr(prompt), "->", repr(tok.decode(greedy)))
    fixture = {
        "source": "scripts/make_gpt_golden.py",
        "gguf": path.name,
        "transformers": transformers.__version__,
        "torch": torch.__version__,
        "fixed_ids": FIXED_IDS,
        "cases": cases,
    }
    out.write_text(json.dumps(fixture, ensure_ascii=False) + "\n")
    print("wrote", out)


if __name__ == "__main__":
    main()
