#!/usr/bin/env python3
"""Writes tests/fixtures/<id>-golden.json: reference class scores of a shipped classifier
(the lecture's cases 1 and 3) or tagger (case 2, one row of scores per token), computed by HF
transformers' BertForSequenceClassification / BertForTokenClassification (PyTorch, f32)
on the shipped f16 weights (laid over their base files, as Sesame loads them).

Each case is `[CLS] text [SEP]` (or `[CLS] a [SEP] b [SEP]`), tokenized here with the `tokenizers`
library from the model's own tokenizer.json; the Rust test checks that Sesame builds the same ids,
then compares the logits.

Run once per shipped model version (the fixture is committed; CI does not need Python):
    .cache/peer-venv/bin/python scripts/make_classify_golden.py assets/models/sentiment-zh/v1 sentiment-zh
"""
import json
import sys
from pathlib import Path

import tokenizers
import torch
import transformers
from safetensors.torch import load_file
from transformers import BertConfig, BertForSequenceClassification, BertForTokenClassification

CASES = {
    "sentiment-zh": ["这本书写得太好了，强烈推荐！", "质量很差，用了两天就坏了，非常失望。", "还行吧，价格有点贵。", "物流很快，包装完好，孩子很喜欢。"],
    # Pairs: [question, sentence] (the first holds the answer, the second does not).
    "qnli-zh": [["台北101於哪一年完工？", "台北101於2004年完工，曾是世界最高的建築物。"], ["台北101於哪一年完工？", "大樓的設計者是李祖原。"], ["长城有多长？", "长城东起山海关，西至嘉峪关，全长约六千公里。"], ["谁发明了电话？", "电话让人们可以远距离交谈。"]],
    "qnli-en": [["When was the Eiffel Tower finished?", "The tower was finished in 1889 for the World's Fair."], ["When was the Eiffel Tower finished?", "It was designed by the engineer Gustave Eiffel's company."], ["Who wrote Hamlet?", "Hamlet is a tragedy written by William Shakespeare."], ["What is the capital of Japan?", "Japan is an island country in East Asia."]],
    # Token classification (the lecture's case 2): one row of class scores per token.
    "pos-zh": ["我爱北京天安门。", "中共中央总书记江泽民发表新年讲话。", "他在家里看书。", "这本书在桌子上。"],
    "pos-en": ["The jury said the book was a good read.", "I book a table and read the book.", "She quickly walked to the old station in Boston.", "Don't stop unbelievably tagging!"],
    "sentiment-en": ["A gorgeous, witty and moving film.", "Dull, lifeless and far too long.", "It has its moments, but not many.", "One of the best movies of the year."],
}


def main():
    model_dir, model_id = Path(sys.argv[1]), sys.argv[2]
    config_json = json.loads((model_dir / "config.json").read_text())
    config = BertConfig(**{k: v for k, v in config_json.items() if not k.startswith("sesame_")})
    # A delta lies over its base, which may itself be a delta (follow each base's config.json).
    chain = [model_dir / "model.safetensors"]
    conf = config_json
    while "sesame_base_weights" in conf:
        chain.append(model_dir.parent.parent / conf["sesame_base_weights"])
        base_config = chain[-1].parent / "config.json"
        conf = json.loads(base_config.read_text()) if base_config.exists() else {}
    weights = {}
    for path in reversed(chain):  # deepest base first, the model's own tensors last
        # A base stored with HF BertModel names (no "bert." prefix) gets one.
        weights.update({(k if k.startswith(("bert.", "cls.", "classifier.")) else "bert." + k): v for k, v in load_file(str(path)).items()})
    tagger = config_json.get("architectures") == ["BertForTokenClassification"]
    model = (BertForTokenClassification if tagger else BertForSequenceClassification)(config)
    state = {k: v.float() for k, v in weights.items() if k in model.state_dict()}
    missing = [k for k in model.state_dict() if k not in state]
    assert not missing, f"missing tensors: {missing}"
    model.load_state_dict(state)
    model.eval()
    tok = tokenizers.Tokenizer.from_file(str(model_dir / "tokenizer.json"))
    tok.no_truncation()
    tok.no_padding()
    cases = []
    for case in CASES[model_id]:
        text, text_b = (case, None) if isinstance(case, str) else case
        enc = tok.encode(text) if text_b is None else tok.encode(text, text_b)
        with torch.no_grad():
            out = model(input_ids=torch.tensor([enc.ids]), token_type_ids=torch.tensor([enc.type_ids]), attention_mask=torch.ones(1, len(enc.ids), dtype=torch.long))
        logits = out.logits[0]
        if tagger:
            # [T, C]: every token's scores, [CLS] and [SEP] included.
            cases.append({"text": text, "ids": enc.ids, "logits": [[round(float(x), 6) for x in row] for row in logits]})
            continue
        cases.append({"text": text, "text_b": text_b, "ids": enc.ids, "logits": [round(float(x), 6) for x in logits], "probs": [round(float(x), 6) for x in torch.softmax(logits, 0)]})
    fixture = {
        "model": model_id,
        "classes": [config_json["id2label"][str(i)] for i in range(len(config_json["id2label"]))],
        "weights": str(model_dir / "model.safetensors"),
        "reference": f"transformers {transformers.__version__} {type(model).__name__}, torch {torch.__version__}, f32 on CPU",
        "cases": cases,
    }
    out = Path("tests/fixtures") / f"{model_id}-golden.json"
    out.write_text(json.dumps(fixture, ensure_ascii=False, indent=1) + "\n")
    print(f"wrote {out}: {len(cases)} cases")


if __name__ == "__main__":
    main()
