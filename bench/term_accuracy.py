"""Benchmark: term accuracy of machine translation with and without glossary enforcement.

    python bench/term_accuracy.py

Model: the tiny model the tests train (tests/tiny_mt.py), run in float32. Glossary: the seed
glossary (seeds/glossary.csv). Segments: the model's training sources that hold a glossary
term, in traditional script (the model learned some with a forbidden rendering).
Term accuracy = recognized term occurrences whose approved or accepted rendering is in the
output / all recognized occurrences (tm.mt.evaluate.term_accuracy).
"""

from __future__ import annotations

import os
import platform
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))
os.environ["ARGOS_PACKAGES_DIR"] = tempfile.mkdtemp(prefix="tm-bench-argos-")


def main() -> None:
    from tiny_mt import PAIRS, build_package

    from glossary.formats.tabular import read_table
    from glossary.match import Recognizer
    from tm.mt import packages as models
    from tm.mt.engine import Engine
    from tm.mt.evaluate import term_accuracy
    from tm.text.normalize import has_han

    entries = [e for _, e in read_table(ROOT / "seeds" / "glossary.csv", "csv")]
    recognizer = Recognizer(entries)
    model = models.install(build_package(ROOT / "bench" / "out"))
    import opencc

    to_traditional = opencc.OpenCC("s2t")
    sources = sorted({to_traditional.convert(zh) for zh, _ in PAIRS if recognizer.find(zh)})
    print(
        f"# term_accuracy | segments={len(sources)} glossary=seeds/glossary.csv ({len(entries)} entries) "
        f"model=tests/tiny_mt.py float32 python={platform.python_version()}"
    )
    for beam in (1, 4):
        engine = Engine(model, beam_size=beam, compute_type="float32")
        plain = [r.text for r in engine.translate(sources)]
        enforced = engine.translate(sources, recognizer=recognizer)
        hits0, total = term_accuracy(sources, plain, recognizer)
        hits1, _ = term_accuracy(sources, [r.text for r in enforced], recognizer)
        flagged = sum(len(r.missing_terms) for r in enforced)
        print(
            f"beam {beam}: term accuracy without enforcement {hits0}/{total} = {hits0 / total:.3f}, "
            f"with enforcement {hits1}/{total} = {hits1 / total:.3f}; still missing and flagged: {flagged}"
        )
    assert all(has_han(s) for s in sources)


if __name__ == "__main__":
    main()
