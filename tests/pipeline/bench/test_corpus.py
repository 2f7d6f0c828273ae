"""The corpus generator: deterministic, varied like other cities' lists, and scoreable against its gold."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.bench.corpus import make_corpus
from pipeline.dataset.tables import load
from pipeline.evaluate.score import Score, load_gold, pick_gold, score_items
from pipeline.runner.runner import RunOptions, run
from tests.conftest import CATALOG, GOLD

pytestmark = pytest.mark.skipif(not GOLD.exists(), reason=f"gold labels not found at {GOLD}")


def _bytes(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_same_seed_same_bytes_and_a_smaller_corpus_is_a_prefix(tmp_path):
    make_corpus(24, tmp_path / "a", seed=3)
    make_corpus(24, tmp_path / "b", seed=3)
    make_corpus(10, tmp_path / "small", seed=3)
    a = _bytes(tmp_path / "a")
    assert a == _bytes(tmp_path / "b")
    assert all(a[name] == data for name, data in _bytes(tmp_path / "small").items())
    assert _bytes(tmp_path / "a") != _bytes(make_corpus(24, tmp_path / "c", seed=4)[0].parent.parent)


def test_documents_vary_like_other_cities_lists(tmp_path):
    docs = make_corpus(40, tmp_path, seed=0)
    suffixes = {p.suffix for p in docs}
    assert {".txt", ".docx"} <= suffixes
    text = "".join(p.read_text(encoding="utf-8") for p in docs if p.suffix == ".txt")
    assert "髙" in text or "—次性" in text or "中请" in text or "遺属" in text
    golds = [json.loads(p.read_text(encoding="utf-8")) for p in sorted((tmp_path / "gold").glob("*.json"))]
    assert all(g["source"] == Path(g["source"]).stem + Path(g["source"]).suffix for g in golds)
    assert {Path(g["source"]).stem for g in golds} == {p.stem for p in docs}
    assert len({g["region"] for g in golds}) > 10
    notes = [i["note"] for g in golds for b in g["bundles"] for s in b["scenarios"] for i in s["items"]]
    assert "added by make_corpus" in notes


def test_pipeline_scores_the_generated_corpus_against_its_gold(tmp_path):
    docs = make_corpus(16, tmp_path / "corpus", seed=1)
    run(docs, RunOptions(out_dir=tmp_path / "out", catalog_dir=CATALOG, root=tmp_path / "corpus" / "docs"))
    frames = load(tmp_path / "out")
    golds = load_gold(tmp_path / "corpus" / "gold")
    total = Score()
    for source in sorted(set(frames["items"]["source"])):
        predicted = frames["items"][frames["items"]["source"] == source].reset_index(drop=True)
        gold = pick_gold(source, predicted, golds)
        assert gold is not None and gold["source"] == source
        total = total + score_items(predicted, gold)
    assert total.gold_items > 500
    assert total.f1 >= 0.97 and total.recovered_share >= 0.95


def test_the_corpus_holds_other_formats_and_layouts_with_their_gold(tmp_path):
    """Scale runs meet what users feed the tool: fixtures of other formats and layout variants (tuning half)."""
    docs = make_corpus(60, tmp_path, seed=0)
    kinds = {p.stem.split("_", 1)[1] for p in docs}
    assert {"format", "layout"} <= kinds
    for path in docs:
        if path.stem.endswith(("_format", "_layout")):
            gold = json.loads((tmp_path / "gold" / f"{path.stem}.json").read_text(encoding="utf-8"))
            assert gold["source"] == path.name
            assert gold["bundles"] or gold["speedup"] or gold["hotlist"] or gold.get("catalog_rows")
    assert any(p.suffix not in (".txt", ".docx", ".pdf") for p in docs)
