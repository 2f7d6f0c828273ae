"""``python -m pipeline.bench COMMAND …``: the benchmarks and the corpus generator, one entry.

    accuracy   the pipeline against gold labels, beside a naive baseline (pipeline.bench.accuracy)
    layouts    the reader on many layouts of the seeds' lists, tuning and held-back halves (pipeline.bench.layouts)
    scale      cold, warm and one-changed runs on generated corpora (pipeline.bench.scale)
    match      matching throughput on a run's mentions (pipeline.bench.match)
    pdf        PDF table readers compared on the fixtures (pipeline.bench.pdf)
    ocr        OCR of the scanned fixtures (pipeline.bench.ocr)
    corpus     generate a corpus with gold labels (pipeline.bench.corpus)
    regions    region detection on titles and issuers made from the gazetteer (pipeline.bench.regions)
    catalog    the catalog import round trip: national.tsv as DOCX/PDF/XLSX and back (pipeline.bench.catalog)
    formats    every input format (xlsx, xls, et, ods, csv, html, mht, doc, wps, rtf, odt, ofd) against its gold
               (pipeline.bench.formats)

``python -m pipeline.bench COMMAND --help`` shows each command's options.
"""
from __future__ import annotations

import importlib
import sys

COMMANDS = ("accuracy", "layouts", "scale", "match", "pdf", "ocr", "corpus", "formats", "regions", "catalog")


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if not argv or argv[0] not in COMMANDS:
        print(__doc__, file=sys.stderr)
        return 2 if argv and argv[0] not in ("-h", "--help") else 0
    return importlib.import_module(f"pipeline.bench.{argv[0]}").main(argv[1:])


if __name__ == "__main__":
    sys.exit(main())
