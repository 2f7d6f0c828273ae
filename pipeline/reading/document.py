"""One input file -> one `Extraction` (document, bundles, scenarios, mentions, catalog rows).

Steps: ``extract_rows`` (format-specific, in ``extractors/``) -> group rows by table ->
``read_table`` each -> ``read_prose`` on the running text -> title and region.
Errors are wrapped: a bad file yields an Extraction whose document status is
``refused`` with a message naming the file and what to do; nothing raises past here.
`pipeline.core.limits.Limits` bound the file's size, pages, unpacked bytes and reading time
(checked between pages and tables); ``password`` opens encrypted PDFs.
"""
from __future__ import annotations

import hashlib
from dataclasses import replace
from itertools import groupby
from pathlib import Path

from pipeline.core.i18n import t
from extractors.dispatch import extract_rows
from normalizers.repair_text import name_key, to_simplified
from pipeline.catalog.reference import Catalog
from pipeline.core.errors import (
    InternalError,
    LimitExceeded,
    PipelineError,
    StructureNotRecognised,
    UnreadableInput,
)
from pipeline.core.header_words import HeaderVocabulary
from pipeline.core.limits import Deadline, Limits
from pipeline.core.records import Document, Extraction, Row
from pipeline.reading.layout import ReadingContext
from pipeline.reading.prose import read_prose
from pipeline.reading.region import RegionFinding, detect_title, locate_region
from pipeline.reading.tables import TableResult, read_table

# the list kinds a city's list is compared with its province's by (pipeline.diff.baseline.COMPARED_KINDS)
COMPARED_KINDS = {"bundle", "speedup", "hotlist"}

__all__ = ["read_document", "read_rows", "rows_to_extraction", "reading_context"]


def read_document(path: Path, rel: str, catalog: Catalog, manifest: dict[str, dict[str, str]] | None = None,
                  nlp=None, *, limits: Limits | None = None, password: str | None = None) -> Extraction:
    """Read one file into an `Extraction`; a file that cannot be read comes back ``refused`` with the reason."""
    limits = limits or Limits()
    deadline = Deadline(limits, rel)
    sha = ""
    try:
        sha = _sha256(path, rel, limits)
        rows = read_rows(path, rel, deadline, password, catalog.headers)
        extraction = rows_to_extraction(rows, rel, catalog, nlp, deadline)
    except PipelineError as err:
        return _refused(rel, err, sha)
    except MemoryError:
        return _refused(rel, LimitExceeded(t("reading ran out of memory"), where=rel,
                                           hint=t("lower the limits (--max-file-mb, --max-pages) or split the file")),
                        sha)
    except Exception as err:  # a bug: report it as such, keep the run going
        return _refused(rel, InternalError(f"{type(err).__name__}: {err}", where=rel,
                                           hint=t("please report this with the file attached")), sha)
    doc = replace(extraction.document, sha256=sha)
    override = (manifest or {}).get(rel, {})
    if override:
        doc = apply_manifest(doc, override, catalog)
    return replace(extraction, document=doc)


_REGION_NOTES = ("no region was found", "names a place that could be", "the document number's issuer")


def apply_manifest(doc: Document, override: dict[str, str], catalog: Catalog) -> Document:
    """The manifest row's region, province, level, title (and region_code) over what was detected.

    A region the gazetteer knows (by name or division code) is shown under its gazetteer name and takes
    its code, province and level unless the row gives them; the warning that asked for the region goes
    once the manifest gives it."""
    values = {k: v for k, v in override.items() if k in ("region", "province", "level", "title", "region_code") and v}
    if not values:
        return doc
    if "region" in values or "region_code" in values:
        place = catalog.gazetteer.by_name(values.get("region_code") or values["region"])
        if place is not None:
            province = catalog.gazetteer.by_code(place.province_code)
            values = {"region_code": place.code, "level": place.level,
                      "province": province.name if province else place.province, **values,
                      "region": place.name}       # one name per place (平度市 -> 青岛市平度市), as detection gives
        else:
            values.setdefault("region_code", "")
        kept = [m for m in doc.message.split(" | ") if m and not any(n in m for n in _REGION_NOTES)]
        values["message"] = " | ".join(kept)
        if doc.status == "warning" and not kept:
            values["status"] = "ok"
    return replace(doc, **values)


def read_rows(path: Path, rel: str, deadline: Deadline, password: str | None = None,
              headers: HeaderVocabulary | None = None) -> list[Row]:
    """The file's rows as its extractor gives them (what ``read_document`` reads; ``explain`` shows them)."""
    return list(extract_rows(path, rel, deadline=deadline, password=password, headers=headers))


def reading_context(rows: list[Row], catalog: Catalog) -> ReadingContext:
    """What the tables of a document are read with: the catalog's vocabulary and names, the title."""
    names = {name_key(n) for _, n, aliases in catalog.bundles for n in (n, *aliases)}
    return ReadingContext(catalog.headers, catalog.index, tuple(sorted(names)), detect_title(rows))


def _refused(rel: str, err: PipelineError, sha: str) -> Extraction:
    return Extraction(Document(rel, status="refused", message=err.render(), sha256=sha))


def _sha256(path: Path, rel: str, limits: Limits) -> str:
    """Hash of the file's bytes, read in chunks ("" for a file over the size limit: it is refused unread)."""
    try:
        if path.stat().st_size > limits.max_file_bytes:
            return ""
        digest = hashlib.sha256()
        with path.open("rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                digest.update(chunk)
        return digest.hexdigest()
    except FileNotFoundError as err:
        raise UnreadableInput(t("the file does not exist (moved or deleted during the run?)"), where=rel,
                              hint=t("check the path and run again")) from err
    except OSError as err:
        raise UnreadableInput(t("the file cannot be read ({reason})", reason=err.strerror or type(err).__name__), where=rel,
                              hint=t("check its permissions; a folder or a device is not a document")) from err


def rows_to_extraction(rows: list[Row], rel: str, catalog: Catalog, nlp=None,
                       deadline: Deadline | None = None) -> Extraction:
    results: list[TableResult] = []
    context = reading_context(rows, catalog)
    run: list[Row] = []                     # the rows of the last list table, with its continuations
    run_context = context
    for table, group in groupby(sorted((r for r in rows if r.where.table), key=lambda r: (r.where.table, r.where.row)),
                                key=lambda r: r.where.table):
        if deadline is not None:
            deadline.check(f"table {table}")
        group = list(group)
        result = read_table(group, context)
        if result.layout is not None and result.layout.continues and run:
            # a table without a header that goes on with the one before (a next page that starts
            # inside a bundle, a scenario, a catalog group): read as one table with it, so its first
            # rows belong to the bundle still open there
            run += group
            joined = read_table(run, run_context)
            joined.warnings.extend(result.layout.warnings)
            results[-1] = joined
            continue
        results.append(result)
        if result.layout is not None and result.layout.kind:
            run, run_context = group, context
            context = replace(context, previous=result.layout)
        else:
            run = []
    prose = read_prose(rows, nlp)
    if prose.mentions:
        results.append(prose)
    warnings = [w for r in results for w in r.warnings] + duplicated_row_warnings(rows)
    warnings += [note for r in rows for note in r.notes]      # the extractor's: a hidden sheet not read …
    kinds = tuple(sorted({r.kind for r in results if r.kind and (r.mentions or r.catalog_entries)}))
    if not kinds:
        unplaced = sorted({h for r in results if r.layout is not None for h in r.layout.unplaced})
        message = (t("no bundle, speed-up, hot or catalog list was found (header cells not placed: {cells})",
                     cells=" | ".join(unplaced)) if unplaced
                   else t("no bundle, speed-up, hot or catalog list was found"))
        raise StructureNotRecognised(
            message, where=rel,
            hint=t("check that the tables have a header row such as 序号/主题名称/必做事项 or 序号/事项名称; a header "
                 "word this tool does not know can be added to raw/catalog/header_words.tsv (word, field, source); "
                 "if the list is a scan, run it through OCR"))
    title = context.title
    finding = locate_region(title, rows, catalog.gazetteer)
    place = finding.place
    warnings += region_warnings(title, place, catalog.gazetteer, rel)
    if set(kinds) & COMPARED_KINDS:        # a catalog list alone is compared with nothing: its region can wait
        warnings += unknown_region_warnings(finding, rel)
    province = catalog.gazetteer.by_code(finding.common_province_code) if place is None else None
    document = Document(
        rel, title=title, region=place.name if place else "",
        province=place.province if place else province.name if province else "",
        level=place.level if place else "", list_kinds=kinds,
        status="warning" if warnings else "ok", message=" | ".join(warnings),
        region_code=place.code if place else "")
    return Extraction(
        document,
        bundles=tuple(b for r in results for b in r.bundles),
        scenarios=tuple(s for r in results for s in r.scenarios),
        mentions=tuple(m for r in results for m in r.mentions),
        catalog_entries=tuple(c for r in results for c in r.catalog_entries),
        warnings=tuple(warnings))


def duplicated_row_warnings(rows: list[Row]) -> list[str]:
    """One warning per table row that repeats an earlier data row cell for cell (both are kept).

    A page pasted twice or a table printed twice shows up like this; the reader decides.
    """
    seen: dict[tuple[int, tuple], Row] = {}
    out = []
    for row in rows:
        if not row.where.table or row.where.row <= 1 or not any((c or "").strip() for c in row.cells):
            continue
        key = (row.where.table, tuple((c or "").strip() for c in row.cells))
        first = seen.setdefault(key, row)
        if first is not row:
            out.append(t("{where}: repeats row {row} cell for cell; both were kept (delete one from the source if it "
                         "is a copy)", where=row.where.describe(), row=first.where.row))
    return out


def unknown_region_warnings(finding: RegionFinding, rel: str) -> list[str]:
    """A warning when no region, or no single region, was found: the list would get no baseline."""
    fix = t("set region (a name such as 青岛市 or a division code such as 370200) for {file} in raw/manifest.tsv "
            "(columns file, region)", file=rel)
    if finding.ambiguous:
        named = ", ".join(f"{p.name} ({p.code or '-'}, {p.province})" for p in finding.candidates)
        if finding.evidence == "issuer":
            what = t("{file}: the document number's issuer names a place that could be several ('{form}': {named}) "
                     "and nothing else in the document decides", file=rel, form=finding.form, named=named)
        else:
            what = t("{file}: the title names a place that could be several ('{form}': {named}) and nothing else "
                     "in the document decides", file=rel, form=finding.form, named=named)
        return [what + " — " + fix]
    if finding.place is None:
        return [t("{file}: no region was found (no place of the gazetteer in the title, no known issuer in a "
                  "document number, no place named in the text): region, region_code and province stay empty and "
                  "a city's or district's list gets no baseline", file=rel) + " — " + fix]
    return []


def region_warnings(title: str, place, gazetteer, rel: str) -> list[str]:
    """A warning when the title names other places of the level the chosen region has (济南市 and 青岛市)."""
    if place is None:
        return []
    others = sorted({forms[0].place.name for _, _, forms in gazetteer.scan(to_simplified(title)) if len(forms) == 1
                     and forms[0].place.level == place.level and forms[0].place.name != place.name})
    if not others:
        return []
    return [t("{file}: the title names several regions ({regions}); {region} was taken", file=rel,
              regions=", ".join(sorted([place.name] + others)), region=place.name)
            + " — " + t("give the region in raw/manifest.tsv if that is wrong")]
