"""The HTML audit report (``out/report/``): every city against its province, one page per city or district."""
from pipeline.report.html import REPORT_FOLDER, write_report

__all__ = ["write_report", "REPORT_FOLDER"]
