"""The header vocabulary: which words head which column, and whether a row is a header row.

One table for every reader (the text and PDF extractors find header rows with it, the
layout reader maps header cells to fields). Words are compared as ``header_key`` gives
them: simplified characters, no spaces, line breaks or quote marks.
"""
from __future__ import annotations

import re
import unicodedata

__all__ = ["HEADER_FIELDS", "header_key", "is_header", "is_header_word"]

HEADER_FIELDS = {
    "序号": "no", "主题名称": "bundle_name", "打包一件事名称": "bundle_name", "具体场景": "scenario",
    "必做事项": "required", "情形事项": "situational", "服务事项": "items", "打包事项": "scope",
    "备注": "notes", "职责分工": "duty", "办理方式及地点": "method", "办理流程": "process",
    "办理时限": "time_limit", "牵头单位": "lead", "配合单位": "partners", "事项名称": "item",
    "当前规定的办结时限": "current_limit", "提速后办结时限": "target_limit", "承办单位": "unit",
    "对接渠道": "channels", "业务分类": "category", "事项名称（主项）": "main",
    "事项名称（子项）": "sub", "办理内容": "content", "服务对象": "target",
}
# Traditional forms of the characters in HEADER_FIELDS (lists typed in Big5 or by Hong Kong/Taiwan
# tools print 序號, 事項名稱): header words are compared in simplified form.
_HEADER_T2S = str.maketrans("號題稱體場項備註職責務辦點時牽單當規結後對業類內",
                            "号题称体场项备注职责务办点时牵单当规结后对业类内")


def header_key(text: str | None) -> str:
    """The cell text as a header word: simplified characters, no spaces, line breaks or quote marks.

    >>> header_key(" 序 號 ")
    '序号'
    """
    if not text:
        return ""
    text = unicodedata.normalize("NFKC", text).translate(_HEADER_T2S)
    text = re.sub(r"[\s\"“”'‘’]", "", text)
    return text.replace("(", "（").replace(")", "）")


def is_header_word(text: str | None) -> bool:
    return header_key(text) in HEADER_FIELDS


def is_header(cells: tuple[str | None, ...] | list[str | None]) -> bool:
    """True when at least two cells (and most non-empty ones) are header words."""
    keys = [header_key(c) for c in cells if c and c.strip()]
    hits = sum(1 for k in keys if k in HEADER_FIELDS)
    return hits >= 2 and hits * 2 >= len(keys)
