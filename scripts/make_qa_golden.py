#!/usr/bin/env python3
"""Writes tests/fixtures/<id>-golden.json: reference start/end logits of a shipped QA model,
computed by HF transformers' BertForQuestionAnswering (PyTorch, f32) on the shipped f16
weights (laid over their base file, as Sesame loads them).

Each case is one window `[CLS] question [SEP] document [SEP]`, tokenized here with the
`tokenizers` library from the model's own tokenizer.json; the Rust test checks that Sesame's
windowing builds the same ids, then compares the logits.

Run once per shipped model version (the fixture is committed; CI does not need Python):
    python3 -m venv .cache/golden-venv && .cache/golden-venv/bin/pip install torch transformers safetensors
    .cache/golden-venv/bin/python scripts/make_qa_golden.py assets/models/qa-zh/v1 qa-zh
"""
import json
import sys
from pathlib import Path

import tokenizers
import torch
import transformers
from safetensors.torch import load_file
from transformers import BertConfig, BertForQuestionAnswering

CASES = {
    "qa-zh": [
        ("臺灣大學創立於哪一年？", "國立臺灣大學位於臺北市大安區，創立於1928年，前身是日治時期的臺北帝國大學。"),
        ("李白是哪個朝代的詩人？", "李白，字太白，號青蓮居士，是唐朝著名的浪漫主義詩人，被後人譽為詩仙。"),
        ("長江流入哪個海？", "长江是中国第一长河，全长约6300公里，最终注入东海。"),
    ],
    "qa-en": [
        ("When was the Eiffel Tower completed?", "The Eiffel Tower was completed in 1889 for the World's Fair in Paris."),
        ("Who built the tower?", "Gustave Eiffel's engineering company designed and built the tower on the Champ de Mars."),
        ("What is the capital of France?", "Paris is the capital and most populous city of France, with about two million residents."),
    ],
}


def main():
    model_dir, model_id = Path(sys.argv[1]), sys.argv[2]
    config_json = json.loads((model_dir / "config.json").read_text())
    config = BertConfig(**{k: v for k, v in config_json.items() if not k.startswith("sesame_")})
    weights = {}
    if "sesame_base_weights" in config_json:
        base = load_file(str(model_dir.parent.parent / config_json["sesame_base_weights"]))
        # A base stored with HF BertModel names (no "bert." prefix) gets one.
        weights.update({(k if k.startswith(("bert.", "cls.", "qa_outputs.")) else "bert." + k): v for k, v in base.items()})
    weights.update(load_file(str(model_dir / "model.safetensors")))
    model = BertForQuestionAnswering(config)
    state = {k: v.float() for k, v in weights.items() if k in model.state_dict()}
    missing = [k for k in model.state_dict() if k not in state]
    assert not missing, f"missing tensors: {missing}"
    model.load_state_dict(state)
    model.eval()
    tok = tokenizers.Tokenizer.from_file(str(model_dir / "tokenizer.json"))
    tok.no_truncation()
    tok.no_padding()
    cases = []
    for question, document in CASES[model_id]:
        enc = tok.encode(question, document)
        ids, types = enc.ids, enc.type_ids
        with torch.no_grad():
            out = model(input_ids=torch.tensor([ids]), token_type_ids=torch.tensor([types]), attention_mask=torch.ones(1, len(ids), dtype=torch.long))
        cases.append({
            "question": question,
            "document": document,
            "ids": ids,
            "type_ids": types,
            "start_logits": [round(float(x), 6) for x in out.start_logits[0]],
            "end_logits": [round(float(x), 6) for x in out.end_logits[0]],
        })
    fixture = {
        "model": model_id,
        "weights": str(model_dir / "model.safetensors"),
        "reference": f"transformers {transformers.__version__} BertForQuestionAnswering, torch {torch.__version__}, f32 on CPU",
        "cases": cases,
    }
    out = Path("tests/fixtures") / f"{model_id}-golden.json"
    out.write_text(json.dumps(fixture, ensure_ascii=False, indent=1) + "\n")
    print(f"wrote {out}: {len(cases)} cases")


if __name__ == "__main__":
    main()
