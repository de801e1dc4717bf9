"""Build CTranslate2 transformer models and argos-translate packages from plain weights.

No Chinese→English model can be downloaded on these machines, so the tests train a tiny model
and the benchmarks make a realistic-size one with random weights; both go through this module
into the exact layout of the official packages (metadata.json, model/, sentencepiece.model).

Weights are named as in ``weight_names``; the architecture is the pre-norm Transformer that
CTranslate2 and OpenNMT share (ReLU, sinusoidal positions, scaled embeddings).
"""

from __future__ import annotations

import json
import shutil
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np


@dataclass(frozen=True)
class Shape:
    vocab: int
    d_model: int = 64
    heads: int = 4
    ffn: int = 128
    layers: int = 2  # encoder and decoder each
    max_len: int = 256


def sinusoidal_table(max_len: int, d_model: int) -> np.ndarray:
    """Position encodings, sin on even and cos on odd dimensions."""
    position = np.arange(max_len)[:, None]
    div = np.exp(np.arange(0, d_model, 2) * (-np.log(10000.0) / d_model))
    table = np.zeros((max_len, d_model), dtype=np.float32)
    table[:, 0::2] = np.sin(position * div)
    table[:, 1::2] = np.cos(position * div)
    return table


def weight_names(shape: Shape) -> dict[str, tuple[int, ...]]:
    """Every weight of the model and its shape."""
    d, f, v = shape.d_model, shape.ffn, shape.vocab
    names: dict[str, tuple[int, ...]] = {
        "enc.emb": (v, d),
        "dec.emb": (v, d),
        "proj.w": (v, d),
        "proj.b": (v,),
    }
    for side in ("enc", "dec"):
        names[f"{side}.ln.g"] = names[f"{side}.ln.b"] = (d,)
        for i in range(shape.layers):
            p = f"{side}.{i}"
            blocks = {"sa.qkv": (3 * d, d), "sa.out": (d, d), "ff1": (f, d), "ff2": (d, f)}
            if side == "dec":
                blocks |= {"ca.q": (d, d), "ca.kv": (2 * d, d), "ca.out": (d, d)}
            for block, (rows, cols) in blocks.items():
                names[f"{p}.{block}.w"] = (rows, cols)
                names[f"{p}.{block}.b"] = (rows,)
            for ln in ("ln1", "ln2", "ln3") if side == "dec" else ("ln1", "ln2"):
                names[f"{p}.{ln}.g"] = names[f"{p}.{ln}.b"] = (d,)
    return names


def random_weights(shape: Shape, seed: int = 0) -> dict[str, np.ndarray]:
    """Random weights of the right shapes (for speed measurements only)."""
    rng = np.random.default_rng(seed)
    out = {}
    for name, dims in weight_names(shape).items():
        if name.endswith(".g"):
            out[name] = np.ones(dims, dtype=np.float32)
        elif len(dims) == 1:
            out[name] = np.zeros(dims, dtype=np.float32)
        else:
            out[name] = (rng.standard_normal(dims) / np.sqrt(dims[-1])).astype(np.float32)
    return out


def _linear(spec, weights: dict, name: str) -> None:
    spec.weight = weights[f"{name}.w"]
    spec.bias = weights[f"{name}.b"]


def _norm(spec, weights: dict, name: str) -> None:
    spec.gamma = weights[f"{name}.g"]
    spec.beta = weights[f"{name}.b"]


def _self_attention_and_ffn(layer, weights: dict, prefix: str, ffn_norm: str) -> None:
    """The sublayers every encoder and decoder layer has."""
    _linear(layer.self_attention.linear[0], weights, f"{prefix}.sa.qkv")
    _linear(layer.self_attention.linear[1], weights, f"{prefix}.sa.out")
    _norm(layer.self_attention.layer_norm, weights, f"{prefix}.ln1")
    _linear(layer.ffn.linear_0, weights, f"{prefix}.ff1")
    _linear(layer.ffn.linear_1, weights, f"{prefix}.ff2")
    _norm(layer.ffn.layer_norm, weights, f"{prefix}.{ffn_norm}")


def ctranslate2_spec(shape: Shape, weights: dict[str, np.ndarray], vocabulary: list[str]):
    """A CTranslate2 TransformerSpec holding the weights (shared source/target vocabulary)."""
    from ctranslate2.specs import TransformerSpec

    spec = TransformerSpec.from_config((shape.layers, shape.layers), shape.heads, pre_norm=True)
    spec.config.decoder_start_token = "<s>"
    spec.config.layer_norm_epsilon = 1e-6
    table = sinusoidal_table(shape.max_len, shape.d_model)
    enc, dec = spec.encoder, spec.decoder
    enc.embeddings[0].weight = weights["enc.emb"]
    dec.embeddings.weight = weights["dec.emb"]
    enc.position_encodings.encodings = table
    dec.position_encodings.encodings = table
    _norm(enc.layer_norm, weights, "enc.ln")
    _norm(dec.layer_norm, weights, "dec.ln")
    _linear(dec.projection, weights, "proj")
    for i, layer in enumerate(enc.layer):
        _self_attention_and_ffn(layer, weights, f"enc.{i}", ffn_norm="ln2")
    for i, layer in enumerate(dec.layer):
        p = f"dec.{i}"
        _self_attention_and_ffn(layer, weights, p, ffn_norm="ln3")
        _linear(layer.attention.linear[0], weights, f"{p}.ca.q")
        _linear(layer.attention.linear[1], weights, f"{p}.ca.kv")
        _linear(layer.attention.linear[2], weights, f"{p}.ca.out")
        _norm(layer.attention.layer_norm, weights, f"{p}.ln2")
    spec.register_source_vocabulary(vocabulary)
    spec.register_target_vocabulary(vocabulary)
    spec.validate()
    return spec


def write_argos_package(
    out: Path,
    shape: Shape,
    weights: dict[str, np.ndarray],
    sentencepiece_model: Path,
    from_code: str = "zh",
    to_code: str = "en",
    version: str = "1.0",
) -> Path:
    """Write ``out`` (.argosmodel): a zip of translate-{from}_{to}-{version}/ with metadata.json,
    the CTranslate2 model in model/ and the SentencePiece model."""
    import sentencepiece

    sp = sentencepiece.SentencePieceProcessor(model_file=str(sentencepiece_model))
    vocabulary = [sp.id_to_piece(i) for i in range(sp.get_piece_size())]
    name = f"translate-{from_code}_{to_code}-{version.replace('.', '_')}"
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / name
        root.mkdir()
        spec = ctranslate2_spec(shape, weights, vocabulary)
        (root / "model").mkdir()
        spec.save(str(root / "model"))
        shutil.copy(sentencepiece_model, root / "sentencepiece.model")
        metadata = {
            "package_version": version,
            "argos_version": "1.5",
            "from_code": from_code,
            "from_name": {"zh": "Chinese", "zt": "Chinese (traditional)"}.get(from_code, from_code),
            "to_code": to_code,
            "to_name": {"en": "English"}.get(to_code, to_code),
            "type": "translate",
            "languages": [{"code": from_code}, {"code": to_code}],
        }
        (root / "metadata.json").write_text(json.dumps(metadata, indent=2), encoding="utf-8")
        (root / "README.md").write_text(f"Model built by tm.mt.build ({shape}).\n", encoding="utf-8")
        out.parent.mkdir(parents=True, exist_ok=True)
        partial = out.with_suffix(".partial")
        with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as zf:
            for path in sorted(root.rglob("*")):
                zf.write(path, path.relative_to(Path(tmp)))
        partial.replace(out)
    return out


def train_sentencepiece(
    sentences: list[str], prefix: Path, vocab_size: int, character_coverage: float = 1.0
) -> Path:
    """A unigram SentencePiece model with the special pieces argos packages use (<unk> <s> </s>)."""
    import os

    import sentencepiece

    sentencepiece.SentencePieceTrainer.train(
        sentence_iterator=iter(sentences),
        model_prefix=str(prefix),
        vocab_size=vocab_size,
        hard_vocab_limit=False,
        character_coverage=character_coverage,
        model_type="unigram",
        unk_id=0,
        bos_id=1,
        eos_id=2,
        pad_id=-1,
        minloglevel=2,
        num_threads=os.cpu_count() or 1,
    )
    return Path(f"{prefix}.model")
