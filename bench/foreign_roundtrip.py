"""Files other tools wrote, round-tripped through tm as a user would (issue 21).

For every zh→en copy in the corpus (shared/foreign, or $TM_FOREIGN_CORPUS/foreign): TMX import →
export, TBX glossary import → export (basic and v3), XLIFF / HTML / Word translate → every row
filled and approved → review → export-doc (XLIFF also through the XLIFF batch), each in a fresh
SQLite memory through the real command line. Each file is "round-tripped whole", "refused
clearly" (exit status 4, one message, nothing written or stored) or "anything else", with the
reasons. What is checked, per format: tests/roundtrip_*.py.

    python bench/foreign_roundtrip.py [--json] [--format xliff12 …] [FILE …]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.foreign_corpus import corpus_dir, schemas_dir  # noqa: E402
from tests.roundtrip_cli import ELSE  # noqa: E402
from tests.roundtrip_corpus import ROUTES, corpus_files, details, round_trip, table  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("files", nargs="*", type=Path, help="only these files (default: the whole corpus)")
    parser.add_argument("--format", action="append", choices=sorted(ROUTES), help="only this format folder")
    parser.add_argument("--json", action="store_true", help="print the outcomes as JSON")
    args = parser.parse_args(argv)
    if not (corpus_dir() / "README.md").is_file():
        print(f"no corpus at {corpus_dir()}: set TM_FOREIGN_CORPUS to the shared folder", file=sys.stderr)
        return 2
    files = [f.resolve() for f in args.files] or corpus_files()
    files = [f for f in files if not args.format or f.parent.name in args.format]
    started = time.perf_counter()
    outcomes = [round_trip(f, schemas_dir()) for f in files]
    seconds = time.perf_counter() - started
    command = "python bench/foreign_roundtrip.py " + " ".join(sys.argv[1:] if argv is None else argv)
    signature = {
        "command": command.strip(),
        "corpus": str(corpus_dir()),
        "commit": _commit(),
        "python": platform.python_version(),
        "seconds": round(seconds, 1),
    }
    if args.json:
        print(
            json.dumps(
                {"signature": signature, "files": [o.as_dict() for o in outcomes]},
                ensure_ascii=False,
                indent=1,
            )
        )
    else:
        print(" | ".join(f"{k}: {v}" for k, v in signature.items()))
        print()
        print(table(outcomes))
        print()
        print(details(outcomes))
    return 1 if any(o.verdict == ELSE for o in outcomes) else 0


def _commit() -> str:
    import subprocess

    result = subprocess.run(
        ["git", "-C", str(ROOT), "describe", "--always", "--dirty"], capture_output=True, text=True
    )
    return result.stdout.strip() or "unknown"


if __name__ == "__main__":
    os.environ.setdefault("TM_USER", "roundtrip")
    raise SystemExit(main())
