#!/usr/bin/env python3
"""Writes tests/fixtures/<id>-golden.json: reference outputs of a model Sesame pretrained,
computed by HF transformers' BertForPreTraining (PyTorch, f32) on the shipped f16 weights.

For every case it stores the masked-LM logits of every position at a fixed set of vocabulary
ids (HF's top 20 at each [MASK] plus 32 spread over the vocabulary), the log-sum-exp of each
position's full logit row (which checks all V logits at once), and the two sentence-pair logits.

Run once per shipped model version (the fixture is committed; CI does not need Python):
    python3 -m venv .cache/golden-venv && .cache/golden-venv/bin/pip install torch transformers safetensors
    .cache/golden-venv/bin/python scripts/make_pretraining_golden.py assets/models/bert-zh/v1 bert-zh
    .cache/golden-venv/bin/python scripts/make_pretraining_golden.py assets/models/bert-en/v1 bert-en
    .cache/golden-venv/bin/python scripts/make_pretraining_golden.py assets/models/mbert/v1 mbert
"""
import json
import sys
from pathlib import Path

import tokenizers
import torch
import transformers
from transformers import BertConfig, BertForPreTraining
from safetensors.torch import load_file

CASES = {
    "bert-zh": [
        ("台湾大[MASK]。", None),
        ("臺灣大[MASK]是一所大學。", None),
        ("今天天氣很[MASK]，我們去公園散步。", None),
        ("我今天去了台北。", "那裡的天氣很好。"),
        ("床前明月光，疑是地上霜。", "舉頭望明月，低頭思故鄉。"),
    ],
    "mbert": [
        ("今天天气很[MASK]，我们去公园散步吧。", None),
        ("The weather is very [MASK] today, so we went to the park.", None),
        ("我们明天去[MASK]京看朋友。", None),
        ("The teacher is reading a book.", "老师在看书。"),
    ],
    "bert-en": [
        ("The capital of France is [MASK].", None),
        ("I drank a glass of [MASK] juice this morning.", None),
        ("She opened the door.", "Then she walked into the room."),
        ("Then she walked into the room.", "She opened the door."),
    ],
}
CASES["mbert-small"] = CASES["mbert"]


def shipped_state(src: Path) -> dict:
    """The shipped model's tensors in f32 with HF BertForPreTraining names (a delta laid over its base)."""
    state = {k: v.float() for k, v in load_file(str(src / "model.safetensors")).items()}
    base = json.loads((src / "config.json").read_text()).get("sesame_base_weights")
    if base:  # a delta model: lay the trained tensors over the frozen base (HF BertModel names)
        base_state = {(k if k.startswith(("bert.", "cls.")) else "bert." + k): v.float() for k, v in load_file(str(src.parent.parent / base)).items()}
        base_state = {k: v for k, v in base_state.items() if not k.endswith("position_ids")}
        state = {**base_state, **state}
    return state


def load_model(src: Path, replace: dict | None = None):
    """HF BertForPreTraining on the shipped weights, with `replace`'s tensors swapped in."""
    config = BertConfig.from_json_file(str(src / "config.json"))
    model = BertForPreTraining(config)
    state = {**shipped_state(src), **(replace or {})}
    missing, unexpected = model.load_state_dict(state, strict=False)
    # The decoder weight is tied to the word embeddings and its bias to cls.predictions.bias.
    missing = [m for m in missing if m not in ("cls.predictions.decoder.weight", "cls.predictions.decoder.bias")]
    assert not missing and not unexpected, (missing, unexpected)
    model.tie_weights()
    model.eval()
    return config, model


def main() -> None:
    src = Path(sys.argv[1])
    model_id = sys.argv[2]
    out = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / f"{model_id}-golden.json"
    tok = tokenizers.Tokenizer.from_file(str(src / "tokenizer.json"))
    tok.no_truncation()
    tok.no_padding()
    config, model = load_model(src)
    mask_id = tok.token_to_id("[MASK]")
    vocab = config.vocab_size
    spread = [int(i * (vocab - 1) / 31) for i in range(32)]
    cases = []
    for a, b in CASES[model_id]:
        enc = tok.encode(a, b) if b is not None else tok.encode(a)
        ids = torch.tensor([enc.ids])
        types = torch.tensor([enc.type_ids])
        with torch.no_grad():
            out_ = model(input_ids=ids, token_type_ids=types, attention_mask=torch.ones_like(ids))
        logits = out_.prediction_logits[0]  # [T, V]
        masked = [i for i, t in enumerate(enc.ids) if t == mask_id]
        checked = set(spread)
        for i in masked:
            checked.update(torch.topk(logits[i], 20).indices.tolist())
        checked = sorted(checked)
        cases.append({
            "text": a,
            "text_b": b,
            "ids": enc.ids,
            "type_ids": enc.type_ids,
            "checked_ids": checked,
            "logits": [float(f"{v:.6g}") for v in logits[:, checked].reshape(-1).tolist()],
            "logsumexp": [float(f"{v:.7g}") for v in torch.logsumexp(logits, dim=1).tolist()],
            "pair_logits": [float(f"{v:.6g}") for v in out_.seq_relationship_logits[0].tolist()],
            "top5_at_masks": [[tok.id_to_token(j) for j in torch.topk(logits[i], 5).indices.tolist()] for i in masked],
        })
        print(f"{a!r} {b!r}: {len(enc.ids)} tokens, top-5 at masks {cases[-1]['top5_at_masks']}, pair {cases[-1]['pair_logits']}")
    fixture = {
        "model": f"{model_id} ({src}, model.safetensors as shipped, f16 → f32)",
        "generator": f"scripts/make_pretraining_golden.py: transformers {transformers.__version__}, torch {torch.__version__}, tokenizers {tokenizers.__version__}, BertForPreTraining, f32 eager",
        "cases": cases,
    }
    out.write_text(json.dumps(fixture, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {out} ({out.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
