"""One file -> records: its rows (extractors) read as tables and prose into bundles, scenarios,
mentions and catalog rows, with the document's title and region (``document.read_document``)."""
