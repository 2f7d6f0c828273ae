"""Old and foreign word-processor files (.doc, .wps, .rtf, .odt) read through LibreOffice and the DOCX extractor."""
from __future__ import annotations

import os
import stat
import time
from pathlib import Path

import pytest

from extractors import extract_rows, sniff_format
from extractors.office import OfficeSettings
from extractors.office import extract_rows as office_rows
from pipeline.core.errors import (
    ConfigError,
    LimitExceeded,
    UnreadableInput,
    UnsupportedFormat,
)
from pipeline.core.limits import Deadline, Limits
from tests.extractors.formats_fixtures import (
    assert_rows_as_expected,
    format_fixtures,
    needs_libreoffice,
    story,
)

WORD = format_fixtures(".doc", ".wps", ".rtf", ".odt")


def test_every_seed_has_a_doc_and_each_other_format_two():
    suffixes = [p.suffix for p in WORD]
    assert suffixes.count(".doc") == 5 and all(suffixes.count(s) == 2 for s in (".wps", ".rtf", ".odt"))


@pytest.mark.parametrize("fixture", WORD, ids=story)
def test_the_format_is_told_by_the_bytes(fixture: Path, tmp_path: Path):
    misnamed = tmp_path / "list.txt"
    misnamed.write_bytes(fixture.read_bytes())
    assert sniff_format(misnamed) == {".wps": "doc"}.get(fixture.suffix, fixture.suffix[1:])


@needs_libreoffice
@pytest.mark.parametrize("fixture", WORD, ids=story)
def test_rows_equal_the_docx_they_were_saved_from(fixture: Path):
    rows = list(extract_rows(fixture, "raw/" + fixture.name))
    assert_rows_as_expected(fixture, rows)
    assert all(r.where.file == "raw/" + fixture.name for r in rows)   # the original file, not the converted one


def test_without_libreoffice_the_package_to_install_is_named():
    fixture = next(p for p in WORD if p.suffix == ".doc")
    with pytest.raises(UnsupportedFormat, match=r"needs LibreOffice, which is not installed here — install the Debian "
                                                r"package libreoffice-writer-nogui"):
        list(office_rows(fixture, fixture.name, OfficeSettings(soffice="no-such-soffice-here"), kind="doc"))


def _fake_soffice(tmp_path: Path, script: str) -> Path:
    path = tmp_path / "soffice"
    path.write_text("#!/bin/sh\n" + script, encoding="utf-8")
    path.chmod(path.stat().st_mode | stat.S_IEXEC)
    return path


def test_a_conversion_that_hangs_is_stopped_at_the_time_limit_with_its_processes(tmp_path: Path):
    pids = tmp_path / "pids"
    fake = _fake_soffice(tmp_path, f"sleep 300 & echo $! > {pids}\necho $$ >> {pids}\nwait\n")
    fixture = next(p for p in WORD if p.suffix == ".doc")
    started = time.monotonic()
    with pytest.raises(LimitExceeded, match=r"LibreOffice did not finish converting the file within 1\.0 s and was "
                                            r"stopped — open the file in Word/WPS and save it as \.docx"):
        list(office_rows(fixture, fixture.name, OfficeSettings(soffice=str(fake), timeout_seconds=1.0), kind="doc"))
    assert time.monotonic() - started < 10
    assert all(_gone(pid) for pid in map(int, pids.read_text().split()))


def _gone(pid: int) -> bool:
    """No such process, or only its zombie (killed, waiting for its parent to reap it)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    status = Path(f"/proc/{pid}/status")
    return status.exists() and "State:\tZ" in status.read_text()


def test_the_file_time_budget_bounds_the_conversion(tmp_path: Path):
    fake = _fake_soffice(tmp_path, "sleep 300\n")
    fixture = next(p for p in WORD if p.suffix == ".doc")
    deadline = Deadline(Limits(max_seconds_per_file=0.5), fixture.name)
    with pytest.raises(LimitExceeded, match=r"within 0\.\d s"):
        list(office_rows(fixture, fixture.name, OfficeSettings(soffice=str(fake)), deadline=deadline, kind="doc"))


def test_a_failed_conversion_is_refused_as_unreadable(tmp_path: Path):
    fake = _fake_soffice(tmp_path, "echo 'Error: source file could not be loaded' >&2\nexit 1\n")
    fixture = next(p for p in WORD if p.suffix == ".doc")
    with pytest.raises(UnreadableInput, match=r"LibreOffice could not convert the Word 97-2003 \(\.doc\) or Kingsoft "
                                              r"WPS \(\.wps\) file to \.docx \(Error: source file could not be loaded"):
        list(office_rows(fixture, fixture.name, OfficeSettings(soffice=str(fake)), kind="doc"))


@needs_libreoffice
def test_a_damaged_doc_is_refused_by_libreoffice(tmp_path: Path):
    fixture = next(p for p in WORD if p.suffix == ".doc")
    import olefile
    damaged = tmp_path / "damaged.doc"
    damaged.write_bytes(fixture.read_bytes())
    with olefile.OleFileIO(str(damaged), write_mode=True) as ole:   # the text stream overwritten, the container intact
        ole.write_stream("WordDocument", b"\xff" * ole.get_size("WordDocument"))
    with pytest.raises(UnreadableInput, match=r"LibreOffice could not convert .* source file could not be loaded"):
        list(extract_rows(damaged, damaged.name))


@pytest.mark.parametrize("bad", [{"timeout_seconds": 0}, {"timeout_seconds": "9"}, {"soffice": 3}],
                         ids=["no time", "time as text", "program as number"])
def test_bad_settings_are_named(bad: dict):
    with pytest.raises(ConfigError, match=next(iter(bad))):
        OfficeSettings(**bad)
