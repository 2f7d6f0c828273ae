"""Command line: ``python -m pipeline run [INPUT ...] [--out DIR] [--catalog DIR]``
and ``python -m pipeline review export|import|status`` (see ``pipeline.review_import``).

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
    run.add_argument("--cache", type=Path, help="cache of per-file results (default: .cache in the output folder)")
    run.add_argument("--no-cache", action="store_true", help="read every file again and keep no cache")
    run.add_argument("--jobs", type=int, default=0, help="worker processes (default: one per core)")
    _add_review_parser(sub)
    return parser


def _add_review_parser(sub) -> None:
    """``review export|import|status``: unsure matches to a workbook and decisions back to the catalog."""
    review = sub.add_parser("review", help="export unsure matches to a workbook, import decisions, show status")
    steps = review.add_subparsers(dest="step", required=True)
    export = steps.add_parser("export", help="write the review workbook")
    export.add_argument("--out", type=Path, help="workbook (default: review.xlsx in the --from folder)")
    export.add_argument("--all-of", metavar="SOURCE", help="also every mention of this source file")
    imp = steps.add_parser("import", help="check a filled workbook and record its decisions")
    imp.add_argument("workbook", type=Path)
    imp.add_argument("--reviewer", required=True, help="who decided (recorded with each decision)")
    imp.add_argument("--replace", action="store_true", help="record decisions that differ from earlier ones")
    status = steps.add_parser("status", help="count decided, pending and conflicting mentions")
    for step in (export, imp, status):
        step.add_argument("--from", dest="from_dir", type=Path, default=Path("out"), help="dataset folder (default: out/)")
        step.add_argument("--catalog", type=Path, default=Path("raw/catalog"), help="catalog folder (default: raw/catalog/)")


def _review(args) -> int:
    from pipeline import review_export, review_import
    if args.step == "export":
        report = review_export.export_review(args.from_dir, args.catalog, args.out or args.from_dir / "review.xlsx",
                                             args.all_of)
    elif args.step == "import":
        report = review_import.import_review(args.workbook, args.reviewer, args.catalog, args.from_dir, args.replace)
    else:
        report = review_import.review_status(args.from_dir, args.catalog)
    print(report.summary())
    return 1 if getattr(report, "conflict", 0) else 0


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
            report = run(inputs, RunOptions(out_dir=args.out, catalog_dir=args.catalog, root=args.root,
                                            cache_dir=args.cache, use_cache=not args.no_cache, jobs=args.jobs,
                                            progress=True))
            print(report.summary())
            return report.exit_code
        if args.command == "review":
            return _review(args)
    except PipelineError as err:
        print(err.render(), file=sys.stderr)
        return 2
    return 2


if __name__ == "__main__":
    sys.exit(main())
