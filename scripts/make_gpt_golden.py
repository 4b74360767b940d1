#!/usr/bin/env python3
"""Writes a GPT golden fixture: reference tokens, logits and greedy continuations computed by HF
transformers (PyTorch, f32) from the same weights Sesame loads.

- SmolLM2-135M-Instruct from its GGUF (tests/fixtures/smollm2-golden.json): transformers
  dequantizes the GGUF (Q4_1 / Q8_0) to f32 and un-permutes llama.cpp's Q/K rows itself, so the
  reference shares Sesame's weights exactly but none of its loading code.
- Sesame's character GPT from its folder (tests/fixtures/gpt-zh-golden.json): config.json,
  f16 model.safetensors (HF LlamaForCausalLM names, upcast to f32) and tokenizer.json.

For each prompt the fixture keeps: the token ids (HF's tokenizer built from the GGUF), the
top-10 logits at every position, the logits of 64 fixed vocabulary ids at every position, the
last position's logits for ids 0..1023, and a greedy continuation of 16 tokens.

Run once (the fixture is committed; CI does not need Python):
    .cache/golden-venv/bin/pip install torch transformers gguf
    .cache/golden-venv/bin/python scripts/make_gpt_golden.py .cache/smollm2/SmolLM2-135M-Instruct.Q4_1.gguf
    .cache/golden-venv/bin/python scripts/make_gpt_golden.py assets/models/gpt-zh/v1 tests/fixtures/gpt-zh-golden.json
"""
import json
import sys
from pathlib import Path

import torch
import transformers
from transformers import AutoModelForCausalLM, AutoTokenizer, LlamaForCausalLM, PreTrainedTokenizerFast

PROMPTS = [
    "The capital of France is",
    "Once upon a time, there was a little",
    "1 + 2 = 3, 10 + 20 = 30, 7 + 8 =",
    "happy -> sad\nbig -> small\nhot ->",
    "台湾大学",
    "<|im_start|>user\nWhat is the capital of Japan?<|im_end|>\n<|im_start|>assistant\n",
]
# Sesame's character GPT: the lecture's 台→湾→大→学 chain in both scripts, poem openings, prose,
# a character outside the vocabulary and the end-of-text token written in the text.
PROMPTS_ZH = [
    "台",
    "台湾大",
    "臺灣大學",
    "床前明月光，",
    "白日依山尽，黄河入海流。",
    "中華民國的首都是",
    "北京是中国的首都，也是",
    "🙂春眠不觉晓，<|endoftext|>",
]


def fixed_ids_of(vocab):
    """64 ids spread over the vocabulary, whose logits the fixture keeps at every position."""
    return list(range(0, vocab, vocab // 64))[:64]


def golden_case(model, prompt, ids, fixed_ids, pad, decode):
    """One fixture case (the format `sesame::task::gpt_golden::GptFixture` reads): the top-10
    logits and the fixed ids' logits at every position, the last position's logits for ids
    0..1023, and 16 greedy tokens with their text (`decode`)."""
    with torch.no_grad():
        logits = model(torch.tensor([ids])).logits[0]  # [T, V]
        top = torch.topk(logits, 10, dim=-1)
        greedy = model.generate(torch.tensor([ids]), max_new_tokens=16, do_sample=False, pad_token_id=pad)[0, len(ids):].tolist()
    return {
        "prompt": prompt,
        "ids": ids,
        "top_ids": top.indices.tolist(),
        "top_logits": [[round(x, 5) for x in row] for row in top.values.tolist()],
        "fixed_logits": [[round(x, 5) for x in row] for row in logits[:, fixed_ids].tolist()],
        "last_logits_0_1024": [round(x, 5) for x in logits[-1, :1024].tolist()],
        "greedy_ids": greedy,
        "greedy_text": decode(greedy),
    }


def main():
    path = Path(sys.argv[1])
    out = Path(sys.argv[2] if len(sys.argv) > 2 else "tests/fixtures/smollm2-golden.json")
    torch.manual_seed(0)
    if path.is_dir():
        tok = PreTrainedTokenizerFast(tokenizer_file=str(path / "tokenizer.json"))
        model = LlamaForCausalLM.from_pretrained(str(path), torch_dtype=torch.float32)
        prompts, pad = PROMPTS_ZH, model.config.eos_token_id
    else:
        tok = AutoTokenizer.from_pretrained(str(path.parent), gguf_file=path.name)
        model = AutoModelForCausalLM.from_pretrained(str(path.parent), gguf_file=path.name, torch_dtype=torch.float32)
        prompts, pad = PROMPTS, 2
    model.eval()
    vocab = model.config.vocab_size
    fixed_ids = fixed_ids_of(vocab)
    cases = []
    for prompt in prompts:
        ids = tok(prompt, add_special_tokens=False)["input_ids"]
        cases.append(golden_case(model, prompt, ids, fixed_ids, pad, tok.decode))
        print(repr(prompt), "->", repr(cases[-1]["greedy_text"]))
    fixture = {
        "source": "scripts/make_gpt_golden.py",
        "model": path.name,
        "transformers": transformers.__version__,
        "torch": torch.__version__,
        "fixed_ids": fixed_ids,
        "cases": cases,
    }
    out.write_text(json.dumps(fixture, ensure_ascii=False) + "\n")
    print("wrote", out)


if __name__ == "__main__":
    main()
