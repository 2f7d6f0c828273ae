"""The machine a benchmark ran on, printed beside its figures."""
from __future__ import annotations

import os
import platform

__all__ = ["machine"]


def machine() -> str:
    return (f"machine: nproc {os.cpu_count()}, python {platform.python_version()} ({platform.machine()}), "
            f"{platform.system()} {platform.release()}")
