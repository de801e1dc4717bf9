"""The package layout is a contract: imports go downward only (text ← memory ← formats ← glossary
← align, mt ← workflow ← cli), align and mt do not import each other, no command module imports
a sibling, and every module imports in a fresh interpreter in that order (no cycles)."""

import ast
import subprocess
import sys
from pathlib import Path

from .conftest import ROOT

LAYERS = {
    "tm.errors": 0,
    "tm": 0,
    "tm.text": 1,
    "tm.memory": 2,
    "tm.formats": 3,
    "glossary": 4,
    "tm.align": 5,
    "tm.mt": 5,
    "tm.workflow": 6,
    "tm.web": 6,  # the look-up page of `tm serve`
    "tm.cli": 7,
    "tm.__main__": 8,  # python -m tm
}


def _modules() -> dict[str, Path]:
    out = {}
    for package in ("tm", "glossary"):
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            out[".".join(parts)] = path
    return out


def _room(module: str) -> str:
    """The layer a module belongs to: its longest prefix in LAYERS."""
    parts = module.split(".")
    for n in range(len(parts), 0, -1):
        if ".".join(parts[:n]) in LAYERS:
            return ".".join(parts[:n])
    raise AssertionError(f"{module} is in no layer; add its package to LAYERS")


def _imports(path: Path) -> set[str]:
    """Every tm or glossary module a file imports, at module level or inside a function."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found |= {f"{node.module}.{alias.name}" for alias in node.names}
    modules = _modules()
    return {name for name in found if name in modules and name.split(".")[0] in ("tm", "glossary")}


def test_every_package_has_a_docstring_saying_what_it_owns():
    for module, path in _modules().items():
        if path.name == "__init__.py" and module != "tm":
            assert ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))), module


def test_imports_go_downward_only():
    wrong = []
    for module, path in _modules().items():
        own = _room(module)
        for imported in _imports(path):
            other = _room(imported)
            if LAYERS[other] > LAYERS[own]:
                wrong.append(f"{module} imports {imported} ({other} is above {own})")
            elif LAYERS[other] == LAYERS[own] and other != own and LAYERS[own] > 0:
                wrong.append(f"{module} imports its peer {imported}")
    assert wrong == []


def test_command_modules_import_only_the_shared_one():
    for module, path in _modules().items():
        if module.startswith("tm.cli.") and module != "tm.cli.common":
            siblings = {m for m in _imports(path) if m.startswith("tm.cli")}
            assert siblings <= {"tm.cli.common"}, f"{module} imports {siblings}"


def test_every_module_imports_in_a_fresh_interpreter_in_layer_order():
    """(tm.__main__ is left out: importing it runs the command line.)"""
    order = sorted((m for m in _modules() if m != "tm.__main__"), key=lambda m: (LAYERS[_room(m)], m))
    script = "import importlib\n" + "".join(f"importlib.import_module({m!r})\n" for m in order)
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-2000:]


def test_no_module_is_a_room_of_everything():
    """Modules stay small enough to read in one sitting (see the README's layout section)."""
    long = {
        m: n for m, p in _modules().items() if (n := len(p.read_text(encoding="utf-8").splitlines())) > 400
    }
    assert long == {}


def test_the_format_modules_import_each_other_in_no_circle():
    """A format reader imports the shared base (tm.formats.blocks), never the registry that picks
    between the readers (tm.formats.documents): one format per module, none depending on another."""
    modules = {m: p for m, p in _modules().items() if m.startswith("tm.formats.")}
    graph = {m: {i for i in _imports(p) if i in modules and i != m} for m, p in modules.items()}

    def reaches(start: str, goal: str) -> bool:
        seen, todo = set(), [start]
        while todo:
            module = todo.pop()
            if module == goal:
                return True
            if module not in seen:
                seen.add(module)
                todo.extend(graph[module])
        return False

    assert sorted(f"{a} ⇄ {b}" for a in graph for b in graph[a] if reaches(b, a)) == []
