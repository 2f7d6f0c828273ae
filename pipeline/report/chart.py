"""The chart of the report: findings per national bundle, by kind, as inline SVG (pygal, no script, no CDN).

``findings_chart(rows, kinds, labels, tr) -> str``: ``rows`` are (bundle label, {kind: count});
the SVG is deterministic (pygal's random chart id replaced by a fixed one, comments and
namespace URLs left out: it is inlined into HTML, which needs neither).
"""
from __future__ import annotations

import re
import sys

from pipeline.core.i18n import Translator

__all__ = ["findings_chart", "KIND_COLOURS"]

# one colour per finding kind, as in the diff workbooks (red missing, green added, amber role, grey unsure)
KIND_COLOURS = {"missing": "#d9534f", "added": "#3c9a5f", "role_changed": "#e0a030", "slower": "#a94442",
                "no_promise": "#c77c7c", "not_comparable": "#9e9e9e", "unsure": "#6c757d"}
_FONTS = "'Noto Sans CJK SC', 'WenQuanYi Zen Hei', 'Microsoft YaHei', 'PingFang SC', sans-serif"


def _import_pygal():
    """pygal, without the legacy import hook it adds for its map plugins (unused here).

    pygal 3 appends to ``sys.meta_path`` a finder that has no ``find_spec``; from then on every
    failed import anywhere in the process raises an ``ImportWarning`` (an error under ``-W error``).
    """
    import pygal
    sys.meta_path[:] = [f for f in sys.meta_path if type(f).__name__ != "PluginImportFixer"]
    return pygal


def findings_chart(rows: list[tuple[str, dict[str, int]]], kinds: list[str], tr: Translator) -> str:
    pygal = _import_pygal()
    from pygal.style import Style

    style = Style(background="white", plot_background="white", font_family=_FONTS, label_font_size=13,
                  major_label_font_size=13, legend_font_size=13, title_font_size=15,
                  colors=tuple(KIND_COLOURS[k] for k in kinds))
    height = 120 + 34 * max(len(rows), 1)
    longest = max((len(label) for label, _ in rows), default=0)
    chart = pygal.HorizontalStackedBar(js=[], disable_xml_declaration=True, width=900, height=height,
                                       explicit_size=True, style=style, legend_at_bottom=True, legend_at_bottom_columns=4,
                                       print_values=False, show_y_guides=False, truncate_label=-1,
                                       # pygal sizes label room for Latin letters; Chinese ones are about twice as wide
                                       margin_left=7 * longest,
                                       no_data_text=tr.t("no findings"))
    chart.uuid = "findings"            # pygal draws a random id otherwise
    chart.title = tr.t("Findings per national bundle")
    chart.x_labels = [label for label, _ in rows]
    for kind in kinds:
        chart.add(tr.t(kind), [counts.get(kind, 0) or None for _, counts in rows])
    svg = chart.render(is_unicode=True)
    svg = re.sub(r"<!--.*?-->", "", svg, flags=re.S)
    svg = re.sub(r'\s+xmlns(:xlink)?="[^"]*"', "", svg)
    return svg.replace('<svg ', '<svg role="img" aria-label="%s" ' % tr.t("Findings per national bundle"), 1)
