"""Progress of a run on stderr: a bar on a terminal, a few plain lines otherwise."""
from __future__ import annotations

import sys

from pipeline.core.i18n import Translator

__all__ = ["Progress"]


class Progress:
    """tqdm bar on a terminal; otherwise a plain line at every tenth (CI logs stay short)."""

    def __init__(self, total: int, enabled: bool, tr: Translator | None = None) -> None:
        self.total, self.done, self.bar = total, 0, None
        self.tr = tr or Translator()
        self.enabled = enabled and total > 0
        if self.enabled and sys.stderr.isatty():
            from tqdm import tqdm
            self.bar = tqdm(total=total, unit=self.tr.t("file"), desc=self.tr.t("reading"), file=sys.stderr)

    def step(self) -> None:
        self.done += 1
        if self.bar is not None:
            self.bar.update()
        elif self.enabled and (self.done == self.total or self.done % max(1, self.total // 10) == 0):
            print(self.tr.t("read {done}/{total} files", done=self.done, total=self.total), file=sys.stderr, flush=True)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
