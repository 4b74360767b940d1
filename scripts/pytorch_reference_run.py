#!/usr/bin/env python3
"""Trains HF transformers' BertForPreTraining (PyTorch) on the exact batches of a Sesame run, with
the same starting point and optimiser, and prints its loss curve beside Sesame's: does Sesame's
trainer learn as fast per step as the reference implementation?

    target/release/sesame-train dump --out runs/NAME --to .cache/batches.jsonl --to-step 600
    .cache/golden-venv/bin/python scripts/pytorch_reference_run.py runs/NAME .cache/batches.jsonl

Mirrors `sesame-train`: normal(0, initializer_range) weights (HF's own init), the scaled
sinusoid position table when the run used one, AdamW (betas 0.9/0.999, eps 1e-6, weight decay
0.01 on every parameter), each parameter's gradient clipped to norm 1 (burn's `Norm` clipping),
masked-LM + sentence-pair cross-entropy, the run's learning rate at each step. One CPU thread.
"""
import json
import math
import sys
import time

import torch
from transformers import BertConfig, BertForPreTraining

run_dir, batches_path = sys.argv[1], sys.argv[2]
run = json.load(open(f"{run_dir}/run.json"))
c = run["init"]["scratch"]
torch.manual_seed(0)
torch.set_num_threads(1)
config = BertConfig(vocab_size=c["vocab_size"], hidden_size=c["hidden_size"], num_hidden_layers=c["num_hidden_layers"],
                    num_attention_heads=c["num_attention_heads"], intermediate_size=c["intermediate_size"],
                    max_position_embeddings=c["max_position_embeddings"], hidden_dropout_prob=c["hidden_dropout_prob"],
                    attention_probs_dropout_prob=c["attention_probs_dropout_prob"], initializer_range=c["initializer_range"],
                    layer_norm_eps=c["layer_norm_eps"])
model = BertForPreTraining(config)
if run.get("sinusoidal_positions"):
    n, h = c["max_position_embeddings"], c["hidden_size"]
    scale = c["initializer_range"] * math.sqrt(2)
    pos = torch.arange(n, dtype=torch.float64)[:, None]
    angle = pos / torch.pow(10000.0, 2 * torch.arange(h // 2, dtype=torch.float64) / h)[None, :]
    table = torch.zeros(n, h, dtype=torch.float64)
    table[:, 0::2], table[:, 1::2] = torch.sin(angle) * scale, torch.cos(angle) * scale
    model.bert.embeddings.position_embeddings.weight.data = table.float()
opt = torch.optim.AdamW(model.parameters(), lr=1e-3, betas=(0.9, 0.999), eps=1e-6, weight_decay=0.01)

sesame = {}
for line in open(f"{run_dir}/log.jsonl"):
    l = json.loads(line)
    if l.get("train_mlm") is not None:
        sesame[l["step"]] = l["train_mlm"]

model.train()
acc, n, t0 = 0.0, 0, time.time()
print("step  pytorch_mlm  sesame_mlm   (mean masked-LM loss of the last 10 steps)")
for line in open(batches_path):
    b = json.loads(line)
    rows, cols = b["rows"], b["cols"]
    ids = torch.tensor(b["ids"]).view(rows, cols)
    out = model.bert(input_ids=ids, token_type_ids=torch.tensor(b["types"]).view(rows, cols), attention_mask=torch.tensor(b["mask"]).view(rows, cols))
    hidden = out.last_hidden_state.reshape(rows * cols, -1)[torch.tensor(b["positions"])]  # [M, H]
    mlm = torch.nn.functional.cross_entropy(model.cls.predictions(hidden), torch.tensor(b["targets"]))
    pair = torch.nn.functional.cross_entropy(model.cls.seq_relationship(out.pooler_output), torch.tensor(b["pair_labels"]))
    opt.zero_grad()
    (mlm + pair).backward()
    for p in model.parameters():
        if p.grad is not None:
            torch.nn.utils.clip_grad_norm_([p], 1.0)
    for g in opt.param_groups:
        g["lr"] = b["lr"]
    opt.step()
    acc, n = acc + mlm.item(), n + 1
    step = b["step"] + 1
    if step % 10 == 0:
        s = sesame.get(step)
        print(f"{step:5d}  {acc / n:10.3f}  {s if s is None else round(s, 3)!s:>10}   {time.time() - t0:.0f} s", flush=True)
        acc, n = 0.0, 0
