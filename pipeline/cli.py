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
from pipeline.core.i18n import N_, Translator, resolve_lang, t

__all__ = ["main"]

_CATALOG_HELP = N_("catalog folder (default: raw/catalog/ when the current folder has one, else the shipped catalog)")


def _parser(tr: Translator) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m pipeline", description=tr.t("Command line of the 人社 lists pipeline: run, review, diff, explain"))
    _add_lang(parser, tr)
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help=tr.t("read the lists and write the dataset"))
    run.add_argument("inputs", nargs="*", type=Path, help=tr.t("files or folders (default: everything under raw/)"))
    run.add_argument("--out", type=Path, default=Path("out"), help=tr.t("output folder (default: out/)"))
    run.add_argument("--catalog", type=Path, default=None, help=tr.t(_CATALOG_HELP))
    run.add_argument("--root", type=Path, default=Path("raw"), help=tr.t("names in the dataset are relative to this folder"))
    run.add_argument("--cache", type=Path, help=tr.t("cache of per-file results (default: .cache in the output folder)"))
    run.add_argument("--no-cache", action="store_true", help=tr.t("read every file again and keep no cache"))
    run.add_argument("--jobs", type=_jobs, default=0, help=tr.t("worker processes, 1 or more (default: one per core)"))
    _add_limit_options(run, tr)
    _add_lang(run, tr)
    _add_review_parser(sub, tr)
    _add_diff_parser(sub, tr)
    _add_explain_parser(sub, tr)
    _add_catalog_parser(sub, tr)
    return parser


def _add_lang(parser, tr) -> None:
    """``--lang`` before or after the command (read first by ``_lang``, so that parse errors are in it too)."""
    parser.add_argument("--lang", default=argparse.SUPPRESS,
                        help=tr.t("language of messages and reports: zh (Chinese, the default) or en; "
                             "else the environment variable RENSHE_LANG"))


def _add_catalog_parser(sub, tr: Translator) -> None:
    """``catalog import FILE``: an official national catalog document into national.tsv."""
    catalog = sub.add_parser("catalog", help=tr.t("reference data: import the official national catalog"))
    steps = catalog.add_subparsers(dest="step", required=True)
    imp = steps.add_parser("import", help=tr.t("read an official catalog (DOCX, PDF, XLSX …) into national.tsv, "
                                               "showing what changes first"))
    imp.add_argument("file", type=Path)
    imp.add_argument("--catalog", type=Path, default=None, help=tr.t(_CATALOG_HELP))
    _add_lang(imp, tr)
    imp.add_argument("--dry-run", action="store_true", help=tr.t("show the changes, write nothing"))
    imp.add_argument("--force", action="store_true",
                     help=tr.t("write even when the file gives a code two names (the first is kept) or a removed "
                               "code still has aliases (they are dropped)"))


def _run_catalog(args, tr: Translator) -> int:
    from pipeline.catalog.import_national import apply_import, plan_import
    plan = plan_import(args.file, args.catalog)
    print(tr(plan.summary()))
    if args.dry_run:
        print(tr.t("dry run: nothing written"))
        return 0
    written = apply_import(plan, force=args.force)
    print(tr.t("wrote {files}", files=", ".join(written)) if written else tr.t("nothing to write"))
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


def _add_limit_options(run, tr: Translator) -> None:
    """Password and per-file limits (defaults and allowed ranges: ``pipeline.core.limits.Limits``)."""
    run.add_argument("--password", help=tr.t("password of encrypted PDFs among the inputs"))
    run.add_argument("--max-file-mb", type=float, help=tr.t("refuse files bigger than this (default 100)"))
    run.add_argument("--max-pages", type=int, help=tr.t("refuse PDFs with more pages (default 300)"))
    run.add_argument("--max-unpacked-mb", type=float, help=tr.t("refuse Word files that unpack to more (default 200)"))
    run.add_argument("--max-unpack-ratio", type=int, help=tr.t("refuse Word members packed tighter than this (default 200)"))
    run.add_argument("--max-seconds", type=float, help=tr.t("stop reading a file after this many seconds (default 120)"))
    run.add_argument("--max-cells", type=int,
                     help=tr.t("refuse spreadsheets, web pages and OFD files laid out over more cells (default 1000000)"))


def _run_options(args):
    """RunOptions from the arguments; a bad limit is a usage error naming the setting."""
    from pipeline.core.limits import limits_from_options
    from pipeline.runner.runner import RunOptions
    limits = limits_from_options(args.max_file_mb, args.max_pages, args.max_unpacked_mb, args.max_unpack_ratio,
                                 args.max_seconds, args.max_cells)
    return RunOptions(out_dir=args.out, catalog_dir=args.catalog, root=args.root, limits=limits,
                      password=args.password, cache_dir=args.cache, use_cache=not args.no_cache, jobs=args.jobs,
                      progress=True, lang=args.lang)


def _add_review_parser(sub, tr) -> None:
    """``review export|import|status``: unsure matches to a workbook and decisions back to the catalog."""
    review = sub.add_parser("review", help=tr.t("export unsure matches to a workbook, import decisions, show status"))
    steps = review.add_subparsers(dest="step", required=True)
    export = steps.add_parser("export", help=tr.t("write the review workbook"))
    export.add_argument("--out", type=Path, help=tr.t("workbook (default: review.xlsx in the --from folder)"))
    export.add_argument("--all-of", metavar="SOURCE", help=tr.t("also every mention of this source file"))
    imp = steps.add_parser("import", help=tr.t("check a filled workbook and record its decisions"))
    imp.add_argument("workbook", type=Path)
    imp.add_argument("--reviewer", required=True, help=tr.t("who decided (recorded with each decision)"))
    imp.add_argument("--replace", action="store_true", help=tr.t("record decisions that differ from earlier ones"))
    status = steps.add_parser("status", help=tr.t("count decided, pending and conflicting mentions"))
    for step in (export, imp, status):
        _add_lang(step, tr)
        step.add_argument("--from", dest="from_dir", type=Path, default=Path("out"), help=tr.t("dataset folder (default: out/)"))
        step.add_argument("--catalog", type=Path, default=None, help=tr.t(_CATALOG_HELP))


def _review(args, tr: Translator) -> int:
    from pipeline.review import export as review_export
    from pipeline.review import import_workbook as review_import
    if args.step == "export":
        report = review_export.export_review(args.from_dir, args.catalog, args.out or args.from_dir / "review.xlsx",
                                             args.all_of, tr)
    elif args.step == "import":
        report = review_import.import_review(args.workbook, args.reviewer, args.catalog, args.from_dir, args.replace)
    else:
        report = review_import.review_status(args.from_dir, args.catalog)
    print(tr(report.summary()))
    return 1 if getattr(report, "conflict", 0) else 0


def _add_diff_parser(sub, tr: Translator) -> None:
    diff = sub.add_parser(
        "diff", help=tr.t("compare two documents: which bundles, scenarios, items and speed-up promises differ"),
        description=tr.t("Compare LOCAL with BASELINE. Each is a source name as in out/documents.csv (read from the "
                    "existing dataset in --out, default out/, no re-run) or the path of an input file (read afresh). "
                    "Writes DIR/diffs/<local>__vs__<baseline>.json, .md and .xlsx."))
    diff.add_argument("local", help=tr.t("the local document: source name in the dataset, or input file path"))
    diff.add_argument("baseline", help=tr.t("the document to compare with (e.g. the provincial list)"))
    diff.add_argument("--out", type=Path, default=Path("out"),
                      help=tr.t("dataset folder to read (default: out/); the diff goes to its diffs/ subfolder"))
    diff.add_argument("--catalog", type=Path, default=None, help=tr.t(_CATALOG_HELP))
    diff.add_argument("--root", type=Path, default=Path("raw"), help=tr.t("bare file names are also looked up here"))
    _add_lang(diff, tr)


def _add_explain_parser(sub, tr: Translator) -> None:
    explain = sub.add_parser("explain", help=tr.t("show how one file is read: tables, headers, cells, mentions, matches"))
    explain.add_argument("file", type=Path)
    explain.add_argument("--catalog", type=Path, default=None, help=tr.t(_CATALOG_HELP))
    explain.add_argument("--root", type=Path, default=Path("raw"), help=tr.t("names (and the manifest) are relative to this folder"))
    _add_limit_options(explain, tr)
    _add_lang(explain, tr)


def _run_explain(args, tr: Translator) -> int:
    """Read one file as ``run`` would with the same options, and show each stage."""
    from pipeline.catalog.manifest import load_manifest
    from pipeline.core.limits import limits_from_options
    from pipeline.explain import explain
    from pipeline.runner.runner import relative_name
    from pipeline.runner.workers import FileReader
    if not args.file.exists():
        raise PipelineError(t("input {file} does not exist", file=args.file), hint=t("check the path"))
    limits = limits_from_options(args.max_file_mb, args.max_pages, args.max_unpacked_mb, args.max_unpack_ratio,
                                 args.max_seconds, args.max_cells)
    reader = FileReader(args.catalog, load_manifest(args.root / "manifest.tsv"), limits, args.password)
    print(explain(args.file, reader, relative_name(args.file, args.root), tr))
    return 0


def _run_diff(args, tr: Translator) -> int:
    from pipeline.runner.diff_on_demand import diff_on_demand
    diff, paths, warnings = diff_on_demand(args.local, args.baseline, args.out, args.catalog, args.root, tr)
    from pipeline.diff.render import WORDS
    counts = tr.t(", ").join(" ".join(tr.t(WORDS[w]) for w in k.split("_", 1)) + f" {v}"
                             for k, v in diff.counts().items()) or tr.t("no differences")
    print(tr.t("{local} vs {baseline}: {n} findings ({counts})", local=diff.local['source'],
               baseline=diff.baseline['source'], n=len(diff.findings), counts=counts))
    for line in [tr.t("note: {text}", text=tr(n)) for n in diff.notes] + \
            [tr.t("warning: {text}", text=tr(w)) for w in warnings]:
        print(line)
    print(tr.t("wrote {paths}", paths=", ".join(paths)))
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
            raise PipelineError(t("input {path} does not exist", path=path), hint=t("check the path"))
    files.skipped = tuple(skipped)
    return files


def _lang(argv: list[str] | None) -> str | None:
    """``--lang X`` / ``--lang=X`` wherever it is given (the rest is parsed by argparse)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    for n, arg in enumerate(argv):
        if arg == "--lang" and n + 1 < len(argv):
            return argv[n + 1]
        if arg.startswith("--lang="):
            return arg.split("=", 1)[1]
    return None


def main(argv: list[str] | None = None) -> int:
    try:
        lang = resolve_lang(_lang(argv))
    except PipelineError as err:
        print(Translator()(err.render()), file=sys.stderr)      # in the default language
        return 2
    tr = Translator(lang)
    parser = _parser(tr)
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return 2 if exc.code else 0
    args.lang = lang
    if hasattr(args, "catalog") and args.catalog is None:
        from pipeline.core.files import default_catalog_dir
        args.catalog = default_catalog_dir()
    try:
        if args.command == "run":
            from pipeline.runner.runner import run
            options = _run_options(args)
            inputs = _expand(args.inputs, args.root, args.catalog)
            report = run(inputs, options)
            print(report.summary(tr))
            return report.exit_code
        if args.command == "review":
            return _review(args, tr)
        if args.command == "diff":
            return _run_diff(args, tr)
        if args.command == "explain":
            return _run_explain(args, tr)
        if args.command == "catalog":
            return _run_catalog(args, tr)
    except PipelineError as err:
        print(tr(err.render()), file=sys.stderr)
        return 2
    return 2


if __name__ == "__main__":
    sys.exit(main())
