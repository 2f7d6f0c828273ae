"""Human review of unsure matches: the workbook exported (``export``) and its decisions imported
back into the catalog folder (``import_workbook``)."""
