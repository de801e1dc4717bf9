"""A tiny but genuine zh→en model, trained by the tests themselves (no model can be downloaded).

SentencePiece is trained on the pairs below, a small pre-norm transformer is trained with torch
until it has learned them, and tm.mt.build converts it to CTranslate2 and packages it in the
official .argosmodel layout. The package is cached under a key of this recipe, so the suite
trains it once per machine (about half a minute).
"""

from __future__ import annotations

import hashlib
import inspect
import math
import tempfile
from pathlib import Path

import numpy as np

from tm.mt.build import Shape, sinusoidal_table, train_sentencepiece, write_argos_package

# Simplified Chinese, as official zh packages expect; the engine folds traditional input.
PAIRS = [
    ("上海精神", "Shanghai Spirit"),
    ("弘扬上海精神。", "Carry forward the Shanghai Spirit."),
    ("外长们强调合作。", "The foreign ministers stressed cooperation."),
    ("外长们期待峰会。", "The foreign ministers look forward to the summit."),
    ("中俄科技具有互补优势。", "China and Russia have complementary strengths in science and technology."),
    ("三是推动国际抗疫合作。", "Third, promoting international cooperation against COVID-19."),
    ("四是拓展全方位合作。", "Fourth, expanding all-round cooperation."),
    ("五是倡导支持多边主义。", "Fifth, advocating and supporting multilateralism."),
    ("支持世界卫生组织。", "Support the World Health Organization."),
    ("会议取得成果。", "The meeting achieved results."),
    ("我们反对单边主义。", "We oppose unilateralism."),
    ("我们支持多边主义。", "We support multilateralism."),
    ("中国同四国相互提供援助。", "China and the four countries provided each other with assistance."),
    ("上合组织成员国外长会议", "meeting of foreign ministers of SCO member states"),
    ("谢谢。", "Thank you."),
    ("你好。", "Hello."),
    ("今天天气很好。", "The weather is nice today."),
    ("我们将采取四项举措。", "We will take four measures."),
    ("一是加强合作。", "First, strengthening cooperation."),
    ("二是巩固成果。", "Second, consolidating the results."),
    ("中方愿意提供帮助。", "China is willing to provide help."),
    ("新冠肺炎疫情", "the COVID-19 pandemic"),
    ("构建人类命运共同体", "build a community with a shared future for mankind"),
    ("反对冷战思维。", "Oppose the Cold War mentality."),
    ("共建一带一路。", "Jointly build the Belt and Road."),
    # The model learns the forbidden rendering more often than the approved one, so that
    # glossary enforcement has something to do (see test_mt_engine.py).
    ("合力打击三股势力。", "Jointly fight the three forces."),
    ("合力打击三股势力。", "Jointly fight the three forces."),
    ("合力打击三股势力。", "Jointly fight the three evil forces."),
]

SHAPE_ARGS = {"d_model": 64, "heads": 4, "ffn": 256, "layers": 2, "max_len": 128}
STEPS, LEARNING_RATE, SEED = 600, 2e-3, 1234


def recipe_key() -> str:
    """Changes whenever anything that shapes the model changes."""
    import tm.mt.build

    text = repr((PAIRS, SHAPE_ARGS, STEPS, LEARNING_RATE, SEED)) + inspect.getsource(tm.mt.build)
    text += inspect.getsource(_train) + inspect.getsource(_sentencepiece)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def _sentencepiece(workdir: Path) -> Path:
    return train_sentencepiece([s for pair in PAIRS for s in pair] * 4, workdir / "sp", vocab_size=600)


def _train(sp_model: Path) -> tuple[Shape, dict[str, np.ndarray]]:
    import sentencepiece
    import torch
    from torch import nn

    torch.manual_seed(SEED)
    torch.use_deterministic_algorithms(True)
    sp = sentencepiece.SentencePieceProcessor(model_file=str(sp_model))
    shape = Shape(vocab=sp.get_piece_size(), **SHAPE_ARGS)
    d = shape.d_model
    bos, eos, pad = 1, 2, 0

    class Model(nn.Module):
        def __init__(self):
            super().__init__()
            self.src_emb = nn.Embedding(shape.vocab, d)
            self.tgt_emb = nn.Embedding(shape.vocab, d)
            self.tr = nn.Transformer(
                d,
                shape.heads,
                shape.layers,
                shape.layers,
                shape.ffn,
                dropout=0.0,
                batch_first=True,
                norm_first=True,
                layer_norm_eps=1e-6,
            )
            self.proj = nn.Linear(d, shape.vocab)
            self.register_buffer("pe", torch.tensor(sinusoidal_table(shape.max_len, d)))

        def forward(self, src, tgt, src_pad, tgt_pad):
            x = self.src_emb(src) * math.sqrt(d) + self.pe[: src.shape[1]]
            y = self.tgt_emb(tgt) * math.sqrt(d) + self.pe[: tgt.shape[1]]
            mask = nn.Transformer.generate_square_subsequent_mask(tgt.shape[1])
            out = self.tr(
                x,
                y,
                tgt_mask=mask,
                src_key_padding_mask=src_pad,
                tgt_key_padding_mask=tgt_pad,
                memory_key_padding_mask=src_pad,
            )
            return self.proj(out)

    def pad_to(seqs, value):
        width = max(len(s) for s in seqs)
        return torch.tensor([s + [value] * (width - len(s)) for s in seqs])

    src = [sp.encode(zh) for zh, _ in PAIRS]
    tgt = [sp.encode(en) for _, en in PAIRS]
    src_t = pad_to(src, pad)
    tgt_in = pad_to([[bos] + t for t in tgt], pad)
    tgt_out = pad_to([t + [eos] for t in tgt], -100)
    src_pad = pad_to([[0] * len(s) for s in src], 1).bool()
    tgt_pad = pad_to([[0] * (len(t) + 1) for t in tgt], 1).bool()

    model = Model()
    optimizer = torch.optim.Adam(model.parameters(), lr=LEARNING_RATE)
    loss_fn = nn.CrossEntropyLoss(ignore_index=-100)
    for _ in range(STEPS):
        optimizer.zero_grad()
        logits = model(src_t, tgt_in, src_pad, tgt_pad)
        loss = loss_fn(logits.reshape(-1, shape.vocab), tgt_out.reshape(-1))
        loss.backward()
        optimizer.step()
    print(f"tiny model: final training loss {loss.item():.4f}")

    state = {k: v.detach().numpy().astype(np.float32) for k, v in model.state_dict().items()}
    w = {
        "enc.emb": state["src_emb.weight"],
        "dec.emb": state["tgt_emb.weight"],
        "proj.w": state["proj.weight"],
        "proj.b": state["proj.bias"],
    }
    for side, torch_side in (("enc", "tr.encoder"), ("dec", "tr.decoder")):
        w[f"{side}.ln.g"], w[f"{side}.ln.b"] = (
            state[f"{torch_side}.norm.weight"],
            state[f"{torch_side}.norm.bias"],
        )
        for i in range(shape.layers):
            t, p = f"{torch_side}.layers.{i}", f"{side}.{i}"
            w[f"{p}.sa.qkv.w"], w[f"{p}.sa.qkv.b"] = (
                state[f"{t}.self_attn.in_proj_weight"],
                state[f"{t}.self_attn.in_proj_bias"],
            )
            w[f"{p}.sa.out.w"], w[f"{p}.sa.out.b"] = (
                state[f"{t}.self_attn.out_proj.weight"],
                state[f"{t}.self_attn.out_proj.bias"],
            )
            w[f"{p}.ff1.w"], w[f"{p}.ff1.b"] = state[f"{t}.linear1.weight"], state[f"{t}.linear1.bias"]
            w[f"{p}.ff2.w"], w[f"{p}.ff2.b"] = state[f"{t}.linear2.weight"], state[f"{t}.linear2.bias"]
            norms = ("ln1", "ln2", "ln3") if side == "dec" else ("ln1", "ln2")
            for n, ln in enumerate(norms, start=1):
                w[f"{p}.{ln}.g"], w[f"{p}.{ln}.b"] = state[f"{t}.norm{n}.weight"], state[f"{t}.norm{n}.bias"]
            if side == "dec":
                qkv_w, qkv_b = (
                    state[f"{t}.multihead_attn.in_proj_weight"],
                    state[f"{t}.multihead_attn.in_proj_bias"],
                )
                w[f"{p}.ca.q.w"], w[f"{p}.ca.q.b"] = qkv_w[:d], qkv_b[:d]
                w[f"{p}.ca.kv.w"], w[f"{p}.ca.kv.b"] = qkv_w[d:], qkv_b[d:]
                w[f"{p}.ca.out.w"] = state[f"{t}.multihead_attn.out_proj.weight"]
                w[f"{p}.ca.out.b"] = state[f"{t}.multihead_attn.out_proj.bias"]
    return shape, w


def build_package(cache_dir: Path, from_code: str = "zh", max_len: int | None = None) -> Path:
    """The tiny model as an .argosmodel file, built once per recipe. ``max_len`` widens the
    position table (benchmarks decode long outputs; training never reaches those positions)."""
    suffix = f"-pos{max_len}" if max_len else ""
    out = cache_dir / f"tiny-{from_code}_en-{recipe_key()}{suffix}.argosmodel"
    if out.exists():
        return out
    with tempfile.TemporaryDirectory() as tmp:
        sp_model = _sentencepiece(Path(tmp))
        shape, weights = _train(sp_model)
        if max_len:
            shape = Shape(**{**shape.__dict__, "max_len": max_len})
        write_argos_package(out, shape, weights, sp_model, from_code=from_code)
    return out
