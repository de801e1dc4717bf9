"""Benchmark: argos-translate's own path against tm's batch engine, same model, same segments.

    python bench/mt_throughput.py [--segments 2000] [--realistic-segments 200]

Two models: the tiny model the tests train (tests/tiny_mt.py, real weights) and a model of
realistic size with random weights (transformer-base: 6+6 layers, d=512, 8 heads, FFN 2048,
a 32k vocabulary). Argos path: `argostranslate.translate.translate`, one document (100
segments, a line each) at a time, as LibreTranslate calls it. Its sentence splitter (MiniSBD)
downloads a model at first use, impossible here, so it is replaced by one that returns each
line as it is — which spares argos that cost. tm path: `Engine.translate` over all segments,
as `tm translate` runs it, with the seed glossary enforced (the segments are drawn among those
holding none of its terms). Then, tm alone: the same segments with one and with three glossary
terms each, against the same unconstrained (what enforcement costs a segment).
With random weights both paths are held to the same output length (CTranslate2 options
min/max_decoding_length, injected into argos's calls), so they decode the same tokens.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))
os.environ.setdefault("ARGOS_PACKAGES_DIR", tempfile.mkdtemp(prefix="tm-bench-argos-"))  # before argos loads

import corpus  # noqa: E402  (bench/corpus.py)

DOC_SIZE = 100
BATCH_TOKENS = 2048


def segments(n: int, seed: int = 7) -> list[str]:
    """Chinese sentences holding none of the seed glossary's terms."""
    from tm.text.normalize import to_simplified
    from tm.text.segment import split_zh

    rng = random.Random(seed)
    glossary = seed_glossary()
    pool = [to_simplified(zh) for zh, _ in corpus.base_pairs() if 4 <= len(zh) <= 60]
    pool = [zh for zh in pool if not glossary.find(zh)]
    picked = rng.sample(pool, n)
    return [split_zh(s)[0] if split_zh(s) else s for s in picked]


def realistic_package(workdir: Path) -> Path:
    """transformer-base shapes with random weights, and a 32k SentencePiece vocabulary."""
    import sentencepiece

    from tm.mt.build import Shape, random_weights, train_sentencepiece, write_argos_package

    text = [zh for zh, _ in corpus.base_pairs()] + [en for _, en in corpus.base_pairs()]
    sp_model = train_sentencepiece(text, workdir / "sp32k", vocab_size=32000, character_coverage=0.9995)
    sp = sentencepiece.SentencePieceProcessor(model_file=str(sp_model))
    shape = Shape(vocab=sp.get_piece_size(), d_model=512, heads=8, ffn=2048, layers=6, max_len=512)
    return write_argos_package(workdir / "base-random.argosmodel", shape, random_weights(shape), sp_model)


def run_argos(segs: list[str], decoding: dict) -> tuple[float, float, list[str]]:
    """(start-up s, translate s, outputs) through argostranslate.translate, in this process."""
    started = time.perf_counter()
    import argostranslate.translate as argos
    import ctranslate2

    class WholeLines:  # offline stand-in for MiniSBD: one sentence per line
        def __init__(self, pkg):
            pass

        def split_sentences(self, text):
            return [text]

    class Held(ctranslate2.Translator):  # the same output length as the tm path
        def translate_batch(self, *args, **kwargs):
            return super().translate_batch(*args, **{**kwargs, **decoding})

    argos.MiniSBDSentencizer = WholeLines
    argos.ctranslate2.Translator = Held
    translation = argos.get_translation_from_codes("zh", "en")
    translation.translate(segs[0])  # imports, loads the model, translates one segment
    startup = time.perf_counter() - started
    docs = ["\n".join(segs[i : i + DOC_SIZE]) for i in range(0, len(segs), DOC_SIZE)]
    started = time.perf_counter()
    outputs = []
    for doc in docs:
        outputs += translation.translate(doc).split("\n")
    return startup, time.perf_counter() - started, outputs


def seed_glossary():
    from glossary.formats.tabular import read_table
    from glossary.match import Recognizer

    return Recognizer([e for _, e in read_table(ROOT / "seeds" / "glossary.csv", "csv")])


def run_tm(segs: list[str], decoding: dict) -> tuple[float, float, list[str]]:
    """As `tm translate` runs it: the seed glossary enforced (the segments hold none of its terms,
    so this measures what looking for them costs)."""
    started = time.perf_counter()
    from tm.mt.engine import Engine
    from tm.workflow.pipeline import dictionary_lexicon

    recognizer, lexicon = seed_glossary(), dictionary_lexicon()
    engine = Engine(beam_size=4, decoding=decoding, max_batch_tokens=BATCH_TOKENS)
    engine.translate([segs[0]], recognizer=recognizer, lexicon=lexicon)
    startup = time.perf_counter() - started
    started = time.perf_counter()
    outputs = [r.text for r in engine.translate(segs, recognizer=recognizer, lexicon=lexicon)]
    return startup, time.perf_counter() - started, outputs


def run_terms(segs: list[str], decoding: dict) -> dict:
    """Seconds per segment for the same segments unconstrained, then with one and with three
    glossary terms each (entries made from their own two-character runs, with renderings the
    model has no reason to produce)."""
    import re

    from glossary.match import Recognizer
    from glossary.model import Entry
    from tm.mt.engine import Engine
    from tm.workflow.pipeline import dictionary_lexicon

    engine = Engine(beam_size=4, decoding=decoding, max_batch_tokens=BATCH_TOKENS)
    lexicon = dictionary_lexicon()
    engine.translate(segs[:2], recognizer=Recognizer([Entry("中国", "China")]), lexicon=lexicon)
    out = {}
    for terms in (0, 1, 3):
        entries, used = [], set()
        for seg in segs:
            runs = [r for r in re.findall(r"[\u4e00-\u9fff]{2}", seg) if r not in used]
            picked = runs[:: max(1, len(runs) // terms)][:terms] if terms else []
            used.update(picked)
            entries += [Entry(run, f"glossary rendering {len(entries) + 1}") for run in picked]
        recognizer = Recognizer(entries) if entries else None
        started = time.perf_counter()
        results = engine.translate(segs, recognizer=recognizer, lexicon=lexicon)
        out[terms] = {
            "seconds": (time.perf_counter() - started) / len(segs),
            "missing": sum(len(r.missing_terms) for r in results),
            "terms": len(entries),
        }
    return out


def worker(path: str, job: Path) -> None:
    """One path in a fresh process: nothing loaded by the other path can help or hurt it."""
    spec = json.loads(job.read_text(encoding="utf-8"))
    if path == "terms":
        print(json.dumps(run_terms(spec["segments"], spec["decoding"])))
        return
    run = run_argos if path == "argos" else run_tm
    startup, seconds, outputs = run(spec["segments"], spec["decoding"])
    print(json.dumps({"startup": startup, "seconds": seconds, "outputs": outputs}))


def compare(label: str, package: Path, segs: list[str], decoding: dict) -> None:
    import subprocess

    from tm.mt import packages as models

    model = models.install(package)
    with tempfile.TemporaryDirectory() as tmp:
        job = Path(tmp) / "job.json"
        job.write_text(json.dumps({"segments": segs, "decoding": decoding}), encoding="utf-8")
        results = {}
        for path in ("argos", "tm", "terms"):
            done = subprocess.run(
                [sys.executable, __file__, "--worker", path, str(job)],
                check=True,
                capture_output=True,
                text=True,
            )
            results[path] = json.loads(done.stdout.strip().splitlines()[-1])
    models.remove(model.name)
    a, t = results["argos"], results["tm"]
    same = sum(x.strip() == y.strip() for x, y in zip(a["outputs"], t["outputs"]))
    print(
        f"{label}: {len(segs)} segments, beam 4; start-up = a fresh process importing, loading the "
        "model and translating one segment"
    )
    for name, r in (("argostranslate.translate", a), ("tm Engine", t)):
        print(f"  {name:<25} start-up {r['startup']:6.2f} s   {len(segs) / r['seconds']:8.1f} segments/s")
    print(f"  speed-up {a['seconds'] / t['seconds']:.1f} ×, identical outputs {same}/{len(segs)}")
    terms = results["terms"]
    alone = terms["0"]["seconds"]
    for n in ("1", "3"):
        print(
            f"  tm with {n} glossary term(s) in every segment ({terms[n]['terms']} entries): "
            f"{1000 * terms[n]['seconds']:.1f} ms a segment against {1000 * alone:.1f} ms unconstrained "
            f"({terms[n]['seconds'] / alone:.1f} ×), renderings missing {terms[n]['missing']}"
        )


def main() -> None:
    if sys.argv[1:2] == ["--worker"]:
        worker(sys.argv[2], Path(sys.argv[3]))
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--segments", type=int, default=2000)
    parser.add_argument("--realistic-segments", type=int, default=200)
    parser.add_argument("--output-tokens", type=int, default=32, help="fixed output length, random model")
    parser.add_argument("--threads", type=int, default=os.cpu_count())
    args = parser.parse_args()
    import ctranslate2

    print(
        f"# mt_throughput | segments={args.segments} realistic_segments={args.realistic_segments} "
        f"output_tokens={args.output_tokens} cores={os.cpu_count()} ctranslate2={ctranslate2.__version__} "
        f"python={platform.python_version()} machine={platform.machine()}"
    )
    from tiny_mt import build_package

    cache = ROOT / "bench" / "out"
    tiny = build_package(cache, max_len=512)
    compare("tiny model (tests/tiny_mt.py)", tiny, segments(args.segments), {"max_decoding_length": 256})
    if args.realistic_segments:
        with tempfile.TemporaryDirectory() as tmp:
            started = time.perf_counter()
            base = realistic_package(Path(tmp))
            print(f"(built the random transformer-base package in {time.perf_counter() - started:.0f} s)")
            fixed = {"min_decoding_length": args.output_tokens, "max_decoding_length": args.output_tokens}
            compare("transformer-base, random weights", base, segments(args.realistic_segments, 8), fixed)


if __name__ == "__main__":
    main()
