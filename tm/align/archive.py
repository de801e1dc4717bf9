"""A whole archive aligned in one run: the documents paired (tm.align.pairing), then every pair
aligned sentence by sentence, in parallel over the cores.

Each worker process loads the encoder and the dictionary once (from the user's cache,
tm.align.cache) and then takes pairs one at a time: it reads, aligns and writes the pair's
output, and hands back what the summary and the import need. A pair that fails (a file that
does not decode, an empty side) is reported with its error and the others carry on; the
per-pair warnings (a side in the wrong language, two documents that are not translations of
each other) are the same as for a single pair. The memory is written by the calling process
alone, one transaction per pair, so workers never contend for the database.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from tm.align.io import DOUBTFUL, doubtful
from tm.align.pairing import DocPair, Pairing, by_content, by_name, documents, listed_pairs, profile
from tm.errors import UserError

_BLAS_THREADS = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


@dataclass(frozen=True)
class Options:
    presplit: bool = False
    encodings: tuple[str, str] = ("utf-8", "utf-8")
    units: bool = False  # hand back the memory units of each pair
    force: bool = False  # units even of pairs that look wrong
    hold: bool = True  # hold back the links tm.align.floor says a person must review


@dataclass
class PairResult:
    zh: Path
    en: Path
    output: Path | None = None
    links: int = 0
    shapes: Counter = field(default_factory=Counter)  # "1-1" → links of that shape
    doubtful_links: int = 0
    mean_confidence: float = 0.0
    warnings: list[str] = field(default_factory=list)
    error: str | None = None
    units: list | None = None  # memory units to store (None: not to be stored)
    held: list[str] = field(default_factory=list)  # links held back from the units, described


_worker: dict = {}  # in a worker process (and in this one): the recognizer and the options


def _start_worker(recognizer, options: Options, warm: bool = True) -> None:
    from tm.align.embedding import _encoder
    from tm.align.lexicon import _compiled

    _worker.update(recognizer=recognizer, options=options)
    if warm:
        _encoder(), _compiled()  # loaded once per worker, before its first pair


class Workers:
    """Worker processes (``jobs`` > 1, started when there are two items to share), or this
    process: ``map`` runs a function over items and yields its results as they come."""

    def __init__(self, jobs: int, recognizer, options: Options):
        self.jobs, self.recognizer, self.options = jobs, recognizer, options
        self.pool = None

    def __enter__(self) -> Workers:
        _start_worker(self.recognizer, self.options, warm=False)  # this process loads what it uses
        return self

    def __exit__(self, *exc) -> None:
        if self.pool is not None:
            self.pool.terminate() if exc[0] else self.pool.close()
            self.pool.join()

    def map(self, function: Callable, items: list, ordered: bool = False) -> Iterator:
        if self.jobs < 2 or len(items) < 2:
            return map(function, items)
        if self.pool is None:
            # spawn: a fresh interpreter per worker, with none of this process's threads or locks;
            # its BLAS starts with one thread (no idle threads spinning beside the other workers)
            context = multiprocessing.get_context("spawn")
            saved = {name: os.environ.get(name) for name in _BLAS_THREADS}
            os.environ.update(dict.fromkeys(_BLAS_THREADS, "1"))
            try:
                self.pool = context.Pool(self.jobs, _start_worker, (self.recognizer, self.options))
            finally:
                for name, value in saved.items():
                    if value is None:
                        os.environ.pop(name, None)
                    else:
                        os.environ[name] = value
        return (self.pool.imap if ordered else self.pool.imap_unordered)(function, items)


def pair_documents(zh_dir: Path, en_dir: Path, pairs_file: Path | None, workers: Workers) -> Pairing:
    """The pairs listed, else by name, else by content (profiles computed by the workers)."""
    if pairs_file is not None:
        return listed_pairs(pairs_file, zh_dir, en_dir)
    zh_docs, en_docs = documents(zh_dir), documents(en_dir)
    if not zh_docs or not en_docs:
        raise UserError(f"{zh_dir if not zh_docs else en_dir}: no files to align")
    named, zh_rest, en_rest = by_name(zh_docs, en_docs)
    pairing = Pairing(named)
    if zh_rest and en_rest:
        tasks = [(doc, "zh") for doc in zh_rest] + [(doc, "en") for doc in en_rest]
        profiles, failed = {}, []
        for doc, result in zip([d for d, _ in tasks], workers.map(_profile, tasks, ordered=True)):
            if isinstance(result, str):
                failed.append((doc, result))
            else:
                profiles[doc] = result
        zh_ok = [d for d in zh_rest if d in profiles]
        en_ok = [d for d in en_rest if d in profiles]
        pairs, pairing.zh_alone, pairing.en_alone = by_content(zh_ok, en_ok, profiles)
        pairing.pairs += pairs
        pairing.zh_alone += [(d, why) for d, why in failed if d in zh_rest]
        pairing.en_alone += [(d, why) for d, why in failed if d in en_rest]
    else:
        pairing.zh_alone = [(d, "") for d in zh_rest]
        pairing.en_alone = [(d, "") for d in en_rest]
    pairing.pairs.sort(key=lambda p: p.zh.name)
    return pairing


def _profile(task: tuple[Path, str]):
    """A document's profile, or why it has none."""
    from tm.align.pairs import read_sentences

    doc, lang = task
    options: Options = _worker["options"]
    try:
        sentences, _ = read_sentences(doc, lang, options.presplit, options.encodings[lang == "en"])
    except UserError as exc:
        return str(exc)
    return profile(sentences) if sentences else "no sentences"


def output_paths(pairs: list[DocPair], out_dir: Path | None, fmt: str) -> list[Path | None]:
    """Each pair's output, named after its Chinese file (none without an output folder)."""
    if out_dir is None:
        return [None] * len(pairs)
    paths = [out_dir / f"{pair.zh.stem}.{fmt}" for pair in pairs]
    clashes = [path for path, count in Counter(paths).items() if count > 1]
    if clashes:
        raise UserError(f"two Chinese files would both write {clashes[0]}: rename one")
    return paths


def prepare_outputs(
    pairing: Pairing,
    dirs: tuple[Path, Path],
    out_dir: Path | None,
    fmt: str,
    guarded: tuple[str | Path, Path | None],
    force: bool,
) -> list[Path | None]:
    """Each pair's output path, after checking that none would replace an input, the pairs list,
    the memory (``guarded``: the memory and the pairs file) or, without ``force``, an earlier
    output; ``pairs.tsv`` written into the folder."""
    from tm.formats.atomic import atomic_write
    from tm.formats.outputs import check_outputs

    outputs = output_paths(pairing.pairs, out_dir, fmt)
    if out_dir is None:
        return outputs
    if out_dir.exists() and not out_dir.is_dir():
        raise UserError(f"{out_dir}: not a directory; -o takes a folder when aligning folders")
    if any(out_dir.resolve() == Path(d).resolve() for d in dirs):  # its files would be read as releases
        raise UserError(f"{out_dir}: is one of the folders being aligned; choose another -o folder")
    inputs = [p.zh for p in pairing.pairs] + [p.en for p in pairing.pairs]
    inputs += [doc for doc, _ in pairing.zh_alone + pairing.en_alone]
    memory, pairs_file = guarded
    table = out_dir / "pairs.tsv"
    check_outputs(
        [*outputs, table],
        inputs=inputs + [pairs_file] * bool(pairs_file),
        memory=memory,
        force=force,
        creates_folders=True,
    )
    out_dir.mkdir(parents=True, exist_ok=True)
    with atomic_write(table) as out:
        out.write(pairs_table(pairing, *dirs))
    return outputs


def pairs_table(pairing: Pairing, zh_dir: Path, en_dir: Path) -> str:
    """pairs.tsv: each pair (how it was paired, its confidence), then each document left alone;
    ``--pairs`` reads it back."""
    lines = ["zh_file\ten_file\tpaired_by\tconfidence\tnote"]
    for pair in pairing.pairs:
        confidence = "" if pair.confidence is None else f"{pair.confidence:.3f}"
        zh, en = _relative(pair.zh, zh_dir), _relative(pair.en, en_dir)
        lines.append(f"{zh}\t{en}\t{pair.how}\t{confidence}\t{pair.note}")
    lines += [f"{_relative(doc, zh_dir)}\t\tunpaired\t\t{why}" for doc, why in pairing.zh_alone]
    lines += [f"\t{_relative(doc, en_dir)}\tunpaired\t\t{why}" for doc, why in pairing.en_alone]
    return "\n".join(lines) + "\n"


def _relative(path: Path, directory: Path) -> str:
    try:
        return str(path.relative_to(directory))
    except ValueError:
        return str(path)


def align_pairs(pairs: list[DocPair], outputs: list[Path | None], workers: Workers) -> Iterator[PairResult]:
    """Every pair aligned (longest first, so that no worker is left with a long one at the end),
    its output written; results in the order they finish."""
    tasks = sorted(zip(pairs, outputs), key=lambda task: -_size(task[0]))
    yield from workers.map(_align_pair, tasks)


def _size(pair: DocPair) -> int:
    try:
        return pair.zh.stat().st_size + pair.en.stat().st_size
    except OSError:
        return 0


def _align_pair(task: tuple[DocPair, Path | None]) -> PairResult:
    from tm.align.floor import held_links
    from tm.align.io import describe_held, units, write_output
    from tm.align.pairs import align_files

    pair, output = task
    options: Options = _worker["options"]
    result = PairResult(pair.zh, pair.en, output)
    try:
        aligned, result.warnings = align_files(
            str(pair.zh), str(pair.en), options.presplit, options.encodings, _worker["recognizer"]
        )
        if output is not None:
            write_output(aligned, output)
    except UserError as exc:
        result.error = str(exc)
        return result
    except Exception as exc:  # one bad pair must not stop an archive: it is reported
        result.error = f"{type(exc).__name__}: {exc}"
        return result
    links = aligned.links
    result.links = len(links)
    result.shapes = Counter(f"{len(k.zh)}-{len(k.en)}" for k in links)
    result.doubtful_links = sum(doubtful(k) for k in links)
    paired = [k.score for k in links if k.zh and k.en]
    result.mean_confidence = sum(paired) / len(paired) if paired else 0.0
    if options.units and (options.force or not result.warnings):
        held = held_links(links) if options.hold else {}
        result.units = units(aligned, held=held)
        result.held = [describe_held(aligned, k, why, width=60) for k, why in held.items()]
    return result


@dataclass
class Summary:
    pairs: int = 0
    by: Counter = field(default_factory=Counter)  # how documents were paired
    links: int = 0
    shapes: Counter = field(default_factory=Counter)
    failed: list[PairResult] = field(default_factory=list)
    doubtful: list[tuple[str, str]] = field(default_factory=list)  # (pair, evidence)
    held: list[PairResult] = field(default_factory=list)  # pairs with links held back from import
    alone: int = 0


def summarize(pairing: Pairing, results: Iterable[PairResult]) -> Summary:
    """Totals, links per shape, and the pairs a reviewer should look at, with the evidence:
    failures, warnings, content pairs close to a tie, and pairs with many doubtful links."""
    summary = Summary(len(pairing.pairs), Counter(p.how for p in pairing.pairs))
    summary.alone = len(pairing.zh_alone) + len(pairing.en_alone)
    how = {(p.zh, p.en): p for p in pairing.pairs}
    for result in sorted(results, key=lambda r: r.zh.name):
        name = f"{result.zh.name} ↔ {result.en.name}"
        if result.error:
            summary.failed.append(result)
            continue
        summary.links += result.links
        if result.held:
            summary.held.append(result)
        summary.shapes.update(result.shapes)
        evidence = list(result.warnings)
        pair = how.get((result.zh, result.en))
        if pair is not None and pair.confidence is not None and pair.confidence < 0.5:
            evidence.append(f"paired by content with confidence {pair.confidence:.2f} ({pair.note})")
        if result.links and result.doubtful_links / result.links > 0.3:
            evidence.append(
                f"{result.doubtful_links} of {result.links} links doubtful (confidence under {DOUBTFUL} "
                f"or one side empty); mean confidence {result.mean_confidence:.2f}"
            )
        if evidence:
            summary.doubtful.append((name, "; ".join(evidence)))
    return summary
