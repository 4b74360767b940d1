#!/usr/bin/env python3
"""Writes tests/fixtures/<heads id>-golden.json: the NSP and SOP heads' pair logits (and the base
model's own pretraining head's) computed by HF transformers' BertForPreTraining (PyTorch, f32) on
the shipped f16 files: each head's two tensors (`bert.pooler.dense.*`, `cls.seq_relationship.*`)
swapped into the base model, which is otherwise unchanged.

Run once per shipped version (the fixture is committed; CI does not need Python):
    .cache/peer-venv/bin/python scripts/make_pair_heads_golden.py assets/models/pair-heads-zh/v1
    .cache/peer-venv/bin/python scripts/make_pair_heads_golden.py assets/models/pair-heads-en/v1
"""
import json
import sys
from pathlib import Path

import tokenizers
import torch
import transformers
from safetensors.torch import load_file

sys.path.insert(0, str(Path(__file__).resolve().parent))
from make_pretraining_golden import load_model  # noqa: E402

CASES = {
    "pair-heads-zh": [
        ("我早上七點起床。", "吃完早餐以後，我就去學校上課。"),
        ("吃完早餐以後，我就去學校上課。", "我早上七點起床。"),
        ("台北是臺灣最大的城市。", "春天到了，花都開了。"),
        ("床前明月光，疑是地上霜。", "舉頭望明月，低頭思故鄉。"),
    ],
    "pair-heads-en": [
        ("She opened the door.", "Then she walked into the room."),
        ("Then she walked into the room.", "She opened the door."),
        ("Paris is the capital of France.", "By morning, the streets were flooded."),
        ("I woke up at seven this morning.", "After breakfast, I walked to school."),
    ],
}


def main() -> None:
    heads_dir = Path(sys.argv[1])
    heads_id = heads_dir.parent.name
    out = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / f"{heads_id}-golden.json"
    base = json.loads((heads_dir / "config.json").read_text())["sesame_pair_heads_base"]
    base_dir = heads_dir.parent.parent / base
    heads = {k: v.float() for k, v in load_file(str(heads_dir / "heads.safetensors")).items()}
    tok = tokenizers.Tokenizer.from_file(str(base_dir / "tokenizer.json"))
    tok.no_truncation()
    tok.no_padding()
    models = {"own": load_model(base_dir)[1]}
    for name in ("nsp", "sop"):
        replace = {k[len(name) + 1:]: v for k, v in heads.items() if k.startswith(name + ".")}
        assert len(replace) == 4, replace.keys()
        models[name] = load_model(base_dir, replace)[1]
    cases = []
    for a, b in CASES[heads_id]:
        enc = tok.encode(a, b)
        ids = torch.tensor([enc.ids])
        types = torch.tensor([enc.type_ids])
        case = {"text": a, "text_b": b, "ids": enc.ids, "type_ids": enc.type_ids}
        for name, model in models.items():
            with torch.no_grad():
                logits = model(input_ids=ids, token_type_ids=types, attention_mask=torch.ones_like(ids)).seq_relationship_logits[0]
            case[f"{name}_logits"] = [float(f"{v:.6g}") for v in logits.tolist()]
        cases.append(case)
        print(f"{a!r} {b!r}: own {case['own_logits']} nsp {case['nsp_logits']} sop {case['sop_logits']}")
    fixture = {
        "model": f"{heads_id} ({heads_dir}, heads.safetensors as shipped, f16 → f32) on {base}",
        "generator": f"scripts/make_pair_heads_golden.py: transformers {transformers.__version__}, torch {torch.__version__}, tokenizers {tokenizers.__version__}, BertForPreTraining with each head's pooler and seq_relationship swapped in, f32 eager",
        "cases": cases,
    }
    out.write_text(json.dumps(fixture, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {out} ({out.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
