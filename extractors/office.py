"""Old and foreign word-processor files: Word .doc, Kingsoft .wps, .rtf, .odt -> .docx (LibreOffice) -> `Row`s.

Steps, in order:
1. ``find_soffice``: LibreOffice's ``soffice`` (Debian: ``libreoffice-writer-nogui``); without
   it the file is refused (E200) with the package to install.
2. ``convert_to_docx``: the file is copied into a private folder under a name that says what
   its bytes are (a Kingsoft .wps is a Word binary file: ``input.doc``), and LibreOffice
   converts it there, headless, with a profile of its own (``-env:UserInstallation``: runs
   never share or keep one), macros switched off and links to other places blocked, in a
   process group of its own. When the time limit passes (the file's remaining
   ``max_seconds_per_file``, at most ``OfficeSettings.timeout_seconds``) the whole group is
   killed and the file refused (E150); a conversion that fails is refused (E100).
3. ``extractors.docx.extract_rows`` reads the converted document; every `Row`'s provenance
   names the original file.
"""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from pipeline.core.i18n import N_, t
from pipeline.core.errors import (
    ConfigError,
    LimitExceeded,
    UnreadableInput,
    UnsupportedFormat,
)
from pipeline.core.limits import Deadline, Limits
from pipeline.core.records import Row

__all__ = ["DEBIAN_PACKAGE", "OfficeSettings", "convert_to_docx", "extract_rows", "find_soffice"]

DEBIAN_PACKAGE = "libreoffice-writer-nogui"
_WHAT = {"doc": N_("Word 97-2003 (.doc) or Kingsoft WPS (.wps)"), "rtf": N_("Rich Text Format (.rtf)"),
         "odt": N_("OpenDocument text (.odt)")}
# Macros never run; documents may not load anything from other places (LibreOffice's registry keys).
_PROFILE_SETTINGS = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" \
xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Common/Security/Scripting"><prop oor:name="MacroSecurityLevel" \
oor:op="fuse"><value>3</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Security/Scripting"><prop oor:name="DisableMacrosExecution" \
oor:op="fuse"><value>true</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Security/Scripting"><prop oor:name="BlockUntrustedRefererLinks" \
oor:op="fuse"><value>true</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Misc"><prop oor:name="FirstRun" oor:op="fuse"><value>false</value>\
</prop></item>
</oor:items>
"""


@dataclass(frozen=True)
class OfficeSettings:
    """Tunables of the LibreOffice conversion.

    soffice: the LibreOffice program ("" = ``soffice`` or ``libreoffice`` on the PATH).
    timeout_seconds: the longest one conversion may take (less when the file's own time
        budget, ``Limits.max_seconds_per_file``, runs out first). A 31-page list takes 16-19 s.
    """

    soffice: str = ""
    timeout_seconds: float = 90.0

    def __post_init__(self) -> None:
        if not isinstance(self.soffice, str):
            raise ConfigError(t("OfficeSettings.soffice must be a program name or path, not {soffice}", soffice=repr(self.soffice)))
        secs = self.timeout_seconds
        if not isinstance(secs, (int, float)) or isinstance(secs, bool) or not 0 < secs <= 3600:
            raise ConfigError(t("OfficeSettings.timeout_seconds must be a number above 0 and at most 3600, not {value}", value=repr(secs)))


def find_soffice(settings: OfficeSettings = OfficeSettings()) -> str | None:
    """The LibreOffice program to run, or None when it is not installed."""
    if settings.soffice:
        return shutil.which(settings.soffice)
    return shutil.which("soffice") or shutil.which("libreoffice")


def extract_rows(path: Path, rel: str, settings: OfficeSettings = OfficeSettings(), *,
                 deadline: Deadline | None = None, kind: str = "doc", **_) -> Iterator[Row]:
    """Convert one .doc/.wps/.rtf/.odt file to .docx and yield the rows ``extractors.docx`` reads from it."""
    from extractors import docx

    deadline = deadline or Deadline(Limits(), rel)
    soffice = find_soffice(settings)
    if soffice is None:
        raise UnsupportedFormat(t("a {kind} file: reading it needs LibreOffice, which is not installed here", kind=_WHAT.get(kind, kind)), where=rel,
                                hint=t("install the Debian package {DEBIAN_PACKAGE} (apt-get install {DEBIAN_PACKAGE}), or open the file in Word/WPS and save it as .docx", DEBIAN_PACKAGE=DEBIAN_PACKAGE))
    with tempfile.TemporaryDirectory(prefix="renshe-office-") as tmp:
        converted = convert_to_docx(path, rel, Path(tmp), soffice, kind, _budget(deadline, settings))
        rows = list(docx.extract_rows(converted, rel, deadline=deadline))
    yield from rows


def _budget(deadline: Deadline, settings: OfficeSettings) -> float:
    left = deadline.limits.max_seconds_per_file - deadline.elapsed()
    if left <= 0:
        deadline.check("the conversion by LibreOffice")
    return max(0.0, min(settings.timeout_seconds, left))


def convert_to_docx(path: Path, rel: str, workdir: Path, soffice: str, kind: str, timeout: float) -> Path:
    """``workdir/out/input.docx``, converted by LibreOffice within ``timeout`` seconds (the process group killed after)."""
    source = workdir / f"input.{kind}"
    shutil.copyfile(path, source)
    profile = workdir / "profile"
    (profile / "user").mkdir(parents=True)
    (profile / "user" / "registrymodifications.xcu").write_text(_PROFILE_SETTINGS, encoding="utf-8")
    out = workdir / "out"
    out.mkdir()
    command = [soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--invisible", "--norestore",
               "--nolockcheck", "--nodefault", "--nologo", "--convert-to", "docx:MS Word 2007 XML",
               "--outdir", str(out), str(source)]
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(workdir), "LANG": "C.UTF-8",
           "TMPDIR": str(workdir)}
    started = time.monotonic()
    proc = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            cwd=workdir, env=env, start_new_session=True)
    try:
        _, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill_group(proc)
        raise LimitExceeded(t("LibreOffice did not finish converting the file within {timeout} s and was stopped", timeout=f"{timeout:.1f}"),
                            where=rel, hint=t("open the file in Word/WPS and save it as .docx; or raise the limit "
                                            "with --max-seconds if it is a long document")) from None
    finally:
        _kill_group(proc)   # a helper process left behind by a finished conversion goes too
    converted = out / "input.docx"
    if proc.returncode != 0 or not converted.exists() or converted.stat().st_size == 0:
        detail = (err or b"").decode("utf-8", errors="replace").strip().splitlines()
        reason = detail[-1][:160] if detail else f"exit status {proc.returncode}"
        raise UnreadableInput(t("LibreOffice could not convert the {kind} file to .docx ({reason}; {seconds} s)", kind=_WHAT.get(kind, kind), reason=reason, seconds=f"{time.monotonic() - started:.1f}"), where=rel,
                              hint=t("the file may be damaged: open it in Word/WPS and save it as .docx"))
    return converted


def _kill_group(proc: subprocess.Popen) -> None:
    """Kill LibreOffice's whole process group, then reap it and close its pipes."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    try:
        proc.communicate(timeout=5)
    except (subprocess.TimeoutExpired, ValueError, OSError):
        pass
    for pipe in (proc.stdout, proc.stderr):
        if pipe is not None:
            pipe.close()
