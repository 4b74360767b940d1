#!/usr/bin/env python3
"""Writes Gemma 3 270M's golden fixture (tests/fixtures/gemma3-golden.json) from the pinned GGUF,
with two references that share none of Sesame's code:

- Token ids from Google's `sentencepiece` library: the GGUF's tokens, scores and types are put
  back into a SentencePiece model (BPE, byte fallback, identity normaliser, no dummy prefix: what
  llama.cpp's converter read out of Gemma's tokenizer.model), and SentencePiece encodes each
  prompt, after cutting the user-defined tokens out of the raw text as llama.cpp does (and
  transformers' Gemma tokenizer, whose added tokens they are). (transformers' own GGUF tokenizer for Gemma builds its BPE merges on the fly and splits
  ordinary words, e.g. " the" into " t" + "he", so it is not used.)
- Logits from HF transformers (PyTorch, f32): `Gemma3ForCausalLM` from the same GGUF, its
  Q5_0 / Q4_K / Q6_K / Q8_0 blocks dequantised by the gguf package, fed the ids above.

For each prompt the fixture keeps what scripts/make_gpt_golden.py keeps for SmolLM2 (its
`golden_case`; the format
`sesame::task::gpt_golden::GptFixture` reads): ids (BOS first), the top-10 logits at every
position, the logits of 64 fixed ids at every position, the last position's logits for ids
0..1023, and a greedy continuation of 16 tokens; and, for one tensor of each quantised type
(Q5_0, Q4_K, Q6_K, Q8_0), gguf's own decoding (first 256 values, sums) for Sesame's decoders.

Run once (the fixture is committed; CI does not need Python):
    python3 -m venv .cache/gemma-venv
    .cache/gemma-venv/bin/pip install torch==2.15.0 transformers==5.24.0 gguf==0.17.1 \
        sentencepiece==0.2.0 numpy==1.26.4 protobuf==7.36.2 accelerate==1.10.1
    .cache/gemma-venv/bin/python scripts/make_gemma_golden.py assets/models/gemma3-270m/v1/model.Q4_K_M.gguf
"""
import json
import sys
from pathlib import Path

import gguf
import sentencepiece
import torch
import transformers
from sentencepiece import sentencepiece_model_pb2 as sp_model
from transformers import AutoModelForCausalLM

sys.path.insert(0, str(Path(__file__).resolve().parent))
from make_gpt_golden import fixed_ids_of, golden_case  # noqa: E402

PROMPTS = [
    "台湾大",
    "The capital of France is",
    "hot → cold\nbig → small\nhappy →",
    "英译中：cat → 猫\ndog → 狗\napple →",
    "这家餐厅的菜很难吃。情感：负面\n服务很好，下次还来。情感：",
    "Self-supervised learning  lets a\tmodel learn 🙂 from raw text (ü, é, 1234).",
    "Odd bytes: \ue000\U000f0000 and 🧬.",
]


def field(reader, key):
    f = reader.fields[key]
    return [f.parts[i] for i in f.data]


def sentencepiece_from_gguf(path):
    """A SentencePiece processor equivalent to the GGUF's `llama` tokenizer."""
    reader = gguf.GGUFReader(path)
    tokens = [bytes(p).decode("utf-8") for p in field(reader, "tokenizer.ggml.tokens")]
    scores = [float(p[0]) for p in field(reader, "tokenizer.ggml.scores")]
    types = [int(p[0]) for p in field(reader, "tokenizer.ggml.token_type")]
    assert bool(field(reader, "tokenizer.ggml.add_space_prefix")[0][0]) is False
    proto = sp_model.ModelProto()
    for token, score, kind in zip(tokens, scores, types):
        piece = proto.pieces.add()
        piece.piece, piece.score, piece.type = token, score, kind  # GGUF types are SentencePiece's
    unk = int(field(reader, "tokenizer.ggml.unknown_token_id")[0][0])
    proto.pieces[unk].type = sp_model.ModelProto.SentencePiece.UNKNOWN  # the GGUF marks it "control"
    proto.trainer_spec.model_type = sp_model.TrainerSpec.BPE
    proto.trainer_spec.byte_fallback = True
    proto.trainer_spec.vocab_size = len(tokens)
    proto.trainer_spec.unk_id = unk
    proto.trainer_spec.bos_id = int(field(reader, "tokenizer.ggml.bos_token_id")[0][0])
    proto.trainer_spec.eos_id = int(field(reader, "tokenizer.ggml.eos_token_id")[0][0])
    proto.trainer_spec.pad_id = int(field(reader, "tokenizer.ggml.padding_token_id")[0][0])
    proto.normalizer_spec.name = "identity"
    proto.normalizer_spec.add_dummy_prefix = False
    proto.normalizer_spec.remove_extra_whitespaces = False
    proto.normalizer_spec.escape_whitespaces = True
    sp = sentencepiece.SentencePieceProcessor(model_proto=proto.SerializeToString())
    user_defined = {t: i for i, (t, kind) in enumerate(zip(tokens, types)) if kind == 4}
    return sp, proto.trainer_spec.bos_id, user_defined


def encode(sp, user_defined, text):
    """llama.cpp's order: user-defined tokens (runs of spaces, newlines, tabs, HTML tags) are cut
    out of the raw text first, longest match first, and SentencePiece encodes the pieces between
    them. (SentencePiece alone matches them after turning spaces into "▁", so a run of spaces
    would never match.)"""
    ids, start, i = [], 0, 0
    longest = max(len(t) for t in user_defined)
    while i < len(text):
        match = next((text[i:i + n] for n in range(min(longest, len(text) - i), 0, -1) if text[i:i + n] in user_defined), None)
        if match is None:
            i += 1
            continue
        ids += sp.encode(text[start:i]) + [user_defined[match]]
        i += len(match)
        start = i
    return ids + sp.encode(text[start:])


def main():
    path = Path(sys.argv[1])
    out = Path(sys.argv[2] if len(sys.argv) > 2 else "tests/fixtures/gemma3-golden.json")
    sp, bos, user_defined = sentencepiece_from_gguf(str(path))
    model = AutoModelForCausalLM.from_pretrained(str(path.parent), gguf_file=path.name, dtype=torch.float32).eval()
    fixed_ids = fixed_ids_of(model.config.vocab_size)
    cases = []
    for prompt in PROMPTS:
        ids = [bos] + encode(sp, user_defined, prompt)
        cases.append(golden_case(model, prompt, ids, fixed_ids, 0, sp.decode))
        print(repr(prompt), ids[:12], "->", repr(cases[-1]["greedy_text"]), flush=True)
    # gguf's own block decoders on one tensor of each quantised type, for Sesame's decoders.
    reader = gguf.GGUFReader(str(path))
    dequantized = []
    for name in ["blk.0.attn_q.weight", "blk.0.attn_output.weight", "blk.0.ffn_down.weight", "blk.0.attn_v.weight"]:
        t = next(t for t in reader.tensors if t.name == name)
        values = gguf.quants.dequantize(t.data, t.tensor_type).astype("float64").ravel()
        dequantized.append({
            "name": name, "type": t.tensor_type.name, "count": int(values.size),
            "first": [float(x) for x in values[:256]], "sum": float(values.sum()), "abs_sum": float(abs(values).sum()),
        })
        print(name, t.tensor_type.name, values.size, values[:4])
    fixture = {
        "source": "scripts/make_gemma_golden.py",
        "model": path.name,
        "transformers": transformers.__version__,
        "torch": torch.__version__,
        "sentencepiece": sentencepiece.__version__,
        "fixed_ids": fixed_ids,
        "dequantized": dequantized,
        "cases": cases,
    }
    out.write_text(json.dumps(fixture, ensure_ascii=False) + "\n")
    print("wrote", out)


if __name__ == "__main__":
    main()
