"""Command line: ``python -m pipeline run [INPUT ...] [--out DIR] [--catalog DIR]``,
``python -m pipeline review export|import|status`` (see ``pipeline.review.import_workbook``)
and ``python -m pipeline diff LOCAL BASELINE [--out DIR]`` (see ``pipeline.diff.write``).

Parses arguments, calls the library, prints a summary, sets the exit code:
0 all files read, 1 some files refused, 2 usage errors.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from pipeline.core.errors import PipelineError

__all__ = ["main"]

_CATALOG_HELP = "catalog folder (default: raw/catalog/ when the current folder has one, else the shipped catalog)"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m pipeline", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="read the lists and write the dataset")
    run.add_argument("inputs", nargs="*", type=Path, help="files or folders (default: everything under raw/)")
    run.add_argument("--out", type=Path, default=Path("out"), help="output folder (default: out/)")
    run.add_argument("--catalog", type=Path, default=None, help=_CATALOG_HELP)
    run.add_argument("--root", type=Path, default=Path("raw"), help="names in the dataset are relative to this folder")
    run.add_argument("--cache", type=Path, help="cache of per-file results (default: .cache in the output folder)")
    run.add_argument("--no-cache", action="store_true", help="read every file again and keep no cache")
    run.add_argument("--jobs", type=_jobs, default=0, help="worker processes, 1 or more (default: one per core)")
    _add_limit_options(run)
    _add_review_parser(sub)
    _add_diff_parser(sub)
    _add_explain_parser(sub)
    _add_catalog_parser(sub)
    return parser


def _add_catalog_parser(sub) -> None:
    """``catalog import FILE``: an official national catalog document into national.tsv."""
    catalog = sub.add_parser("catalog", help="reference data: import the official national catalog")
    steps = catalog.add_subparsers(dest="step", required=True)
    imp = steps.add_parser("import", help="read an official catalog (DOCX, PDF, XLSX …) into national.tsv, "
                                          "showing what changes first")
    imp.add_argument("file", type=Path)
    imp.add_argument("--catalog", type=Path, default=None, help=_CATALOG_HELP)
    imp.add_argument("--dry-run", action="store_true", help="show the changes, write nothing")
    imp.add_argument("--force", action="store_true",
                     help="write even when the file gives a code two names (the first is kept) or a removed code "
                          "still has aliases (they are dropped)")


def _run_catalog(args) -> int:
    from pipeline.catalog.import_national import apply_import, plan_import
    plan = plan_import(args.file, args.catalog)
    print(plan.summary())
    if args.dry_run:
        print("dry run: nothing written")
        return 0
    written = apply_import(plan, force=args.force)
    print("wrote " + ", ".join(written) if written else "nothing to write")
    return 0


def _jobs(text: str) -> int:
    try:
        jobs = int(text)
    except ValueError:
        jobs = -1
    if jobs < 1:
        raise argparse.ArgumentTypeError(f"'{text}' is not a number of worker processes: give 1 or more "
                                         f"(leave --jobs out for one per core)")
    return jobs


def _add_limit_options(run) -> None:
    """Password and per-file limits (defaults and allowed ranges: ``pipeline.core.limits.Limits``)."""
    run.add_argument("--password", help="password of encrypted PDFs among the inputs")
    run.add_argument("--max-file-mb", type=float, help="refuse files bigger than this (default 100)")
    run.add_argument("--max-pages", type=int, help="refuse PDFs with more pages (default 300)")
    run.add_argument("--max-unpacked-mb", type=float, help="refuse Word files that unpack to more (default 200)")
    run.add_argument("--max-unpack-ratio", type=int, help="refuse Word members packed tighter than this (default 200)")
    run.add_argument("--max-seconds", type=float, help="stop reading a file after this many seconds (default 120)")
    run.add_argument("--max-cells", type=int,
                     help="refuse spreadsheets, web pages and OFD files laid out over more cells (default 1000000)")


def _run_options(args):
    """RunOptions from the arguments; a bad limit is a usage error naming the setting."""
    from pipeline.core.limits import limits_from_options
    from pipeline.runner.runner import RunOptions
    limits = limits_from_options(args.max_file_mb, args.max_pages, args.max_unpacked_mb, args.max_unpack_ratio,
                                 args.max_seconds, args.max_cells)
    return RunOptions(out_dir=args.out, catalog_dir=args.catalog, root=args.root, limits=limits,
                      password=args.password, cache_dir=args.cache, use_cache=not args.no_cache, jobs=args.jobs,
                      progress=True)


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
        step.add_argument("--catalog", type=Path, default=None, help=_CATALOG_HELP)


def _review(args) -> int:
    from pipeline.review import export as review_export
    from pipeline.review import import_workbook as review_import
    if args.step == "export":
        report = review_export.export_review(args.from_dir, args.catalog, args.out or args.from_dir / "review.xlsx",
                                             args.all_of)
    elif args.step == "import":
        report = review_import.import_review(args.workbook, args.reviewer, args.catalog, args.from_dir, args.replace)
    else:
        report = review_import.review_status(args.from_dir, args.catalog)
    print(report.summary())
    return 1 if getattr(report, "conflict", 0) else 0


def _add_diff_parser(sub) -> None:
    diff = sub.add_parser(
        "diff", help="compare two documents: which bundles, scenarios, items and speed-up promises differ",
        description="Compare LOCAL with BASELINE. Each is a source name as in out/documents.csv (read from the "
                    "existing dataset in --out, default out/, no re-run) or the path of an input file (read afresh). "
                    "Writes DIR/diffs/<local>__vs__<baseline>.json, .md and .xlsx.")
    diff.add_argument("local", help="the local document: source name in the dataset, or input file path")
    diff.add_argument("baseline", help="the document to compare with (e.g. the provincial list)")
    diff.add_argument("--out", type=Path, default=Path("out"),
                      help="dataset folder to read (default: out/); the diff goes to its diffs/ subfolder")
    diff.add_argument("--catalog", type=Path, default=None, help=_CATALOG_HELP)
    diff.add_argument("--root", type=Path, default=Path("raw"), help="bare file names are also looked up here")


def _add_explain_parser(sub) -> None:
    explain = sub.add_parser("explain", help="show how one file is read: tables, headers, cells, mentions, matches")
    explain.add_argument("file", type=Path)
    explain.add_argument("--catalog", type=Path, default=None, help=_CATALOG_HELP)
    explain.add_argument("--root", type=Path, default=Path("raw"), help="names (and the manifest) are relative to this folder")
    _add_limit_options(explain)


def _run_explain(args) -> int:
    """Read one file as ``run`` would with the same options, and show each stage."""
    from pipeline.catalog.manifest import load_manifest
    from pipeline.core.limits import limits_from_options
    from pipeline.explain import explain
    from pipeline.runner.runner import relative_name
    from pipeline.runner.workers import FileReader
    if not args.file.exists():
        raise PipelineError(f"input {args.file} does not exist", hint="check the path")
    limits = limits_from_options(args.max_file_mb, args.max_pages, args.max_unpacked_mb, args.max_unpack_ratio,
                                 args.max_seconds, args.max_cells)
    reader = FileReader(args.catalog, load_manifest(args.root / "manifest.tsv"), limits, args.password)
    print(explain(args.file, reader, relative_name(args.file, args.root)))
    return 0


def _run_diff(args) -> int:
    from pipeline.runner.diff_on_demand import diff_on_demand
    diff, paths, warnings = diff_on_demand(args.local, args.baseline, args.out, args.catalog, args.root)
    counts = ", ".join(f"{k} {v}" for k, v in diff.counts().items()) or "no differences"
    print(f"{diff.local['source']} vs {diff.baseline['source']}: {len(diff.findings)} findings ({counts})")
    for line in [f"note: {n}" for n in diff.notes] + [f"warning: {w}" for w in warnings]:
        print(line)
    print("wrote " + ", ".join(paths))
    return 0


def _expand(inputs: list[Path], root: Path, catalog: Path) -> list[Path]:
    """The files to read; folders are searched (what they hold beside documents is kept as ``skipped``)."""
    from pipeline.runner.runner import DiscoveredInputs, discover_inputs
    if not inputs:
        return discover_inputs(root, catalog)
    files = DiscoveredInputs()
    skipped: list[str] = []
    for path in inputs:
        if path.is_dir():
            found = discover_inputs(path, catalog)
            files.extend(found)
            skipped += found.skipped
        elif path.exists():
            files.append(path)
        else:
            raise PipelineError(f"input {path} does not exist", hint="check the path")
    files.skipped = tuple(skipped)
    return files


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return 2 if exc.code else 0
    if hasattr(args, "catalog") and args.catalog is None:
        from pipeline.core.files import default_catalog_dir
        args.catalog = default_catalog_dir()
    try:
        if args.command == "run":
            from pipeline.runner.runner import run
            options = _run_options(args)
            inputs = _expand(args.inputs, args.root, args.catalog)
            report = run(inputs, options)
            print(report.summary())
            return report.exit_code
        if args.command == "review":
            return _review(args)
        if args.command == "diff":
            return _run_diff(args)
        if args.command == "explain":
            return _run_explain(args)
        if args.command == "catalog":
            return _run_catalog(args)
    except PipelineError as err:
        print(err.render(), file=sys.stderr)
        return 2
    return 2


if __name__ == "__main__":
    sys.exit(main())
