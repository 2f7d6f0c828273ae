"""Command line: ``python -m pipeline run [INPUT ...] [--out DIR] [--catalog DIR]``.

Parses arguments, calls the library, prints a summary, sets the exit code:
0 all files read, 1 some files refused, 2 usage errors.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from pipeline.errors import PipelineError

__all__ = ["main"]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m pipeline", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="read the lists and write the dataset")
    run.add_argument("inputs", nargs="*", type=Path, help="files or folders (default: everything under raw/)")
    run.add_argument("--out", type=Path, default=Path("out"), help="output folder (default: out/)")
    run.add_argument("--catalog", type=Path, default=Path("raw/catalog"), help="catalog folder (default: raw/catalog/)")
    run.add_argument("--root", type=Path, default=Path("raw"), help="names in the dataset are relative to this folder")
    return parser


def _expand(inputs: list[Path], root: Path, catalog: Path) -> list[Path]:
    from pipeline.run import discover_inputs
    if not inputs:
        return discover_inputs(root, catalog)
    files: list[Path] = []
    for path in inputs:
        if path.is_dir():
            files.extend(discover_inputs(path, catalog))
        elif path.exists():
            files.append(path)
        else:
            raise PipelineError(f"input {path} does not exist", hint="check the path")
    return files


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return 2 if exc.code else 0
    try:
        if args.command == "run":
            from pipeline.run import RunOptions, run
            inputs = _expand(args.inputs, args.root, args.catalog)
            report = run(inputs, RunOptions(out_dir=args.out, catalog_dir=args.catalog, root=args.root))
            print(report.summary())
            return report.exit_code
    except PipelineError as err:
        print(err.render(), file=sys.stderr)
        return 2
    return 2


if __name__ == "__main__":
    sys.exit(main())
