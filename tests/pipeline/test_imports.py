"""The layout stays as built: stages import only from the stages below them, with no import circle,
and the public API imports in a fresh interpreter."""
from __future__ import annotations

import ast
import subprocess
import sys

import pytest

from tests.conftest import REPO

PACKAGES = ("pipeline", "extractors", "normalizers")
# Each room may import from the rooms of earlier ranks, and from itself; never from a later
# rank or from another room of its own rank.
RANKS = (
    ("pipeline.core",),
    ("extractors", "normalizers"),
    ("pipeline.catalog",),
    ("pipeline.reading",),
    ("pipeline.dataset",),
    ("pipeline.diff", "pipeline.review"),
    ("pipeline.report",),     # the HTML audit report, over the diffs
    ("pipeline.evaluate",),
    ("pipeline.runner",),
    ("pipeline.bench",),
    ("pipeline",),            # the entry points: pipeline/__init__, __main__, cli, explain
)


def _modules() -> dict[str, object]:
    found = {}
    for package in PACKAGES:
        for path in sorted((REPO / package).rglob("*.py")):
            parts = path.relative_to(REPO).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            found[name] = path
    return found


MODULES = _modules()


def _imports(path) -> set[str]:
    """Project modules a file imports anywhere in it (function-level imports included)."""
    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names = [f"{node.module}.{a.name}" if f"{node.module}.{a.name}" in MODULES else node.module
                     for a in node.names]
        else:
            continue
        out |= {n for n in names if n.split(".")[0] in PACKAGES and n in MODULES}
    return out


# `import pipeline` at the top of these packages only fixes the load order (see extractors/__init__).
BOOTSTRAP = {("extractors", "pipeline"), ("normalizers", "pipeline")}
GRAPH = {name: {d for d in _imports(path) if (name, d) not in BOOTSTRAP} - {name} for name, path in MODULES.items()}


def room(module: str) -> str:
    """The room a module lives in: the longest room name of RANKS it falls under."""
    rooms = [r for rank in RANKS for r in rank if module == r or module.startswith(r + ".")]
    return max(rooms, key=len)


def rank(module: str) -> int:
    return next(i for i, rooms in enumerate(RANKS) if room(module) in rooms)


def test_every_module_lives_in_a_room_of_the_layout():
    assert all(room(m) for m in MODULES)
    stages = {room(m) for m in MODULES}
    assert {r for rank_ in RANKS for r in rank_} <= stages, "a room of RANKS has no module"


def test_no_module_imports_from_a_room_above_it_or_beside_it():
    wrong = sorted(f"{a} -> {b}" for a, deps in GRAPH.items() for b in deps
                   if room(a) != room(b) and rank(b) >= rank(a))
    assert wrong == []


def _cycles() -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index, low, stack, on, out, counter = {}, {}, [], set(), [], [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(GRAPH[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                out.append(sorted(group))

    for v in sorted(GRAPH):
        if v not in index:
            visit(v)
    return out


def test_there_is_no_import_circle():
    assert _cycles() == []


def test_the_walker_sees_a_circle_and_a_wrong_direction():
    """The checks above can fail: a made-up edge back up from core is caught by both."""
    GRAPH["pipeline.core.records"].add("pipeline.runner.runner")
    try:
        assert _cycles() != []
        assert rank("pipeline.runner.runner") > rank("pipeline.core.records")
    finally:
        GRAPH["pipeline.core.records"].discard("pipeline.runner.runner")


def test_no_module_named_run_sits_directly_under_pipeline():
    assert "pipeline.run" not in MODULES


@pytest.mark.parametrize("statement", [
    "import pipeline; pipeline.run; pipeline.load; pipeline.RunOptions; pipeline.RunReport; pipeline.discover_inputs",
    "from pipeline import run",
    "from pipeline import load",
    "from pipeline import RunOptions",
    "from pipeline import RunReport",
    "from pipeline import discover_inputs",
    "import pipeline.runner.runner, pipeline; assert callable(pipeline.run)",
    # any room may be the first thing a notebook imports
    "import extractors; extractors.extract_rows",
    "from extractors.pdf import extract_rows",
    "import extractors.txt",
    "import normalizers.match_catalog",
    "from normalizers.repair_text import repair",
    "import pipeline.core.records",
    "from pipeline.catalog import load_catalog",
    "import pipeline.reading.tables",
    "import pipeline.bench.__main__",
], ids=lambda s: s.split(";")[0])
def test_the_public_api_imports_in_a_fresh_interpreter(statement):
    proc = subprocess.run([sys.executable, "-c", statement], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]


def test_the_public_names_are_the_library_entry_points():
    import pipeline
    from pipeline.dataset.tables import load
    from pipeline.runner.runner import RunOptions, RunReport, discover_inputs, run
    assert (pipeline.run, pipeline.load, pipeline.RunOptions, pipeline.RunReport, pipeline.discover_inputs) == (
        run, load, RunOptions, RunReport, discover_inputs)
    assert sorted(pipeline.__all__) == sorted(["run", "load", "RunOptions", "RunReport", "discover_inputs"])


def _layout_rows() -> list[str]:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    section = text.split("\n## Layout\n", 1)[1].split("\n## ", 1)[0]
    return [ln.split("|")[1].strip().strip("`") for ln in section.splitlines() if ln.startswith("| `")]


def test_the_readme_layout_table_matches_the_tree():
    folders = _layout_rows()
    assert all((REPO / f).is_dir() for f in folders), [f for f in folders if not (REPO / f).is_dir()]
    packages = sorted(p.parent.relative_to(REPO).as_posix() + "/" for top in PACKAGES
                      for p in (REPO / top).rglob("__init__.py"))
    assert [p for p in packages if p not in folders] == []
    rooms = {r.replace(".", "/") + "/" for rank_ in RANKS for r in rank_}
    assert rooms <= set(folders)
