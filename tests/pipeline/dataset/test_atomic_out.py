"""A run killed at any moment leaves the previous out/ whole: byte for byte, and loadable."""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import pipeline
from pipeline.bench.corpus import make_corpus
from tests.conftest import CATALOG, GOLD, RAW, REPO

pytestmark = pytest.mark.skipif(not GOLD.exists(), reason=f"gold labels not found at {GOLD}")


def _bytes(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _command(docs: Path, out: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "pipeline", "run", str(docs), "--root", str(docs), "--catalog", str(CATALOG),
            "--out", str(out), *extra]


def test_killed_runs_leave_the_previous_out_whole(tmp_path):
    docs = make_corpus(50, tmp_path / "corpus", seed=2)[0].parent
    out = tmp_path / "out"
    first = subprocess.run(_command(docs, out), cwd=REPO, capture_output=True, text=True)
    assert first.returncode == 0, first.stderr
    (out / "review.xlsx").write_bytes(b"not ours")   # a file the run does not own
    # the killed runs would write a different dataset: one more input, and no cache
    shutil.copy(RAW / "000_7dd4aa0705870e63.txt", docs / "99999_extra.txt")
    started = time.monotonic()
    subprocess.run(_command(docs, tmp_path / "timing", "--no-cache"), cwd=REPO, capture_output=True, check=True)
    took = time.monotonic() - started
    whole_new = {**_bytes(tmp_path / "timing"), "review.xlsx": b"not ours"}   # what a finished run leaves
    shutil.rmtree(tmp_path / "timing")
    before, killed_mid_run = _bytes(out), 0
    # delays spread over such a run's duration, dense near its end, where the tables are written;
    # a run that finishes first tells how long runs take now, and the next delays follow it
    for fraction in (0.3, 0.7, 0.85, 0.92, 0.96, 0.99, 0.8, 0.9, 0.95, 0.98):
        if killed_mid_run >= 6:
            break
        started = time.monotonic()
        proc = subprocess.Popen(_command(docs, out, "--no-cache"), cwd=REPO, start_new_session=True,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        while proc.poll() is None and time.monotonic() - started < took * fraction:
            time.sleep(0.01)
        if proc.poll() is not None:               # it finished before the kill: the new dataset, whole
            took = time.monotonic() - started
            assert proc.returncode == 0 and _bytes(out) == whole_new
            before = whole_new
            continue
        os.killpg(proc.pid, signal.SIGKILL)       # the run and its worker processes
        proc.wait()
        killed_mid_run += 1
        now = _bytes(out)   # the old dataset, or the new one when the kill came after the swap
        assert now == before or now == whole_new, f"out/ mixed by a run killed after {took * fraction:.2f} s"
        before = now
        assert len(pipeline.load(out)["documents"]) in (50, 51)
    assert killed_mid_run >= 4   # the corpus is big enough for the kills to land mid-run
    done = subprocess.run(_command(docs, out), cwd=REPO, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert len(pipeline.load(out)["documents"]) == 51
    assert (out / "review.xlsx").read_bytes() == b"not ours"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["corpus", "out"]   # no staging folder left
