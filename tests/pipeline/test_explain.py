"""``explain FILE`` reads a file as a run does, so what it shows is what the run writes."""
from __future__ import annotations

import re

from pipeline.cli import main
from pipeline.core.limits import Limits
from pipeline.explain import explain
from pipeline.runner.workers import FileReader
from tests.conftest import CATALOG, RAW


def _shown_matches(text: str) -> list[tuple[str, str]]:
    """(item text, method) of every mention line of an explanation."""
    lines = text.split("\nmentions:", 1)[1].splitlines()
    return [(m.group(1), m.group(2)) for ln in lines if (m := re.search(r": (.+?) -> \S+ \[(\w+) ", ln))]


def test_explain_shows_the_mentions_and_methods_the_run_wrote(seed_run):
    _, frames, _ = seed_run
    reader = FileReader(CATALOG, {})
    for path in sorted(RAW.glob("*.txt")):
        items = frames["items"][frames["items"]["source"] == path.name]
        shown = _shown_matches(explain(path, reader, path.name))
        assert sorted(shown) == sorted(zip(items["item_text"], items["method"])), path.name


def test_explain_uses_the_review_decisions_of_the_catalog_folder(tmp_path, seed_run):
    import shutil

    from pipeline.review.export import review_key
    catalog = tmp_path / "catalog"
    shutil.copytree(CATALOG, catalog)
    seed = RAW / "000_7dd4aa0705870e63.txt"
    first = seed_run[1]["items"].query("source == @seed.name").iloc[0]
    text_key, context = review_key(first["item_text"], first["list_kind"], first["bundle_name"])
    (catalog / "decisions.tsv").write_text(f"text_key\tcontext\tdecision_id\n{text_key}\t{context}\t1.1.1\n",
                                           encoding="utf-8")
    shown = _shown_matches(explain(seed, FileReader(catalog, {}), seed.name))
    assert shown[0] == (first["item_text"], "review") and first["method"] != "review"


def test_explain_obeys_the_limits_given_on_the_command_line(capsys):
    assert main(["explain", str(RAW / "002_82660bfd3293e404.txt"), "--max-file-mb", "0.001"]) == 0
    out = capsys.readouterr().out
    assert "refused" in out and "[E150]" in out


def test_explain_of_a_readable_file_names_its_format_and_tables():
    seed = RAW / "001_d4e3f231794595e4.txt"
    text = explain(seed, FileReader(CATALOG, {}, Limits()), seed.name)
    assert text.startswith("001_d4e3f231794595e4.txt: format txt")
    assert "table 1: bundle" in text and "table 2: speedup" in text
