"""Running text -> bundles: numbered lists under a list heading, and enumerating sentences.

Steps, in order:
1. ``sections``: cut the running text at attachment marks ("附件1") and numbered
   headings ("二、联办事项").
2. ``numbered_lists``: under a heading naming a list of items (联办事项, 打包事项 …), each
   following numbered line ("1.单位就业登记") is one item; the attachment's name
   section ("应用名称 … ——单位就业(员工录用)") names the bundle, its 承诺时限 and
   办理渠道 sections give time limit and method.
3. ``enumerations``: sentences like "(一)单位就业(员工录用)∶包括A、B、C。" are read with
   the spaCy prose pipeline; they make a bundle only when no numbered list above
   already gave the same bundle (a notice and its attachments list the same items).
"""
from __future__ import annotations

import re
from dataclasses import replace

from rapidfuzz import fuzz

from normalizers.repair_text import repair
from normalizers.split_mentions import parse_item
from pipeline.core.records import Bundle, Mention, Row, Scenario
from pipeline.reading.tables import TableResult

__all__ = ["read_prose", "LIST_HEADINGS"]

LIST_HEADINGS = ("联办事项", "打包事项", "办理事项", "包含事项", "事项清单", "服务事项")
_HEADING = re.compile(r"^\s*([一二三四五六七八九十]+)[、.．]\s*(.+?)\s*$")
_ATTACHMENT = re.compile(r"^\s*附件\s*(\d+)\s*$")
_NUMBERED = re.compile(r"^\s*(\d{1,2})\s*[.、．]\s*(?!\d)(.+)$")
_SENTENCE = re.compile(r"^\s*[(（]([一二三四五六七八九十]+)[)）]\s*(.+?)\s*[:：∶]\s*(?:包括|包含)(.+)$")
_SAME_BUNDLE_SCORE = 80   # partial_ratio of two bundle names; "单位就业(员工录用)" vs itself in a sentence: 100


def read_prose(rows: list[Row], nlp=None) -> TableResult:
    """Bundles listed in running text (rows with ``where.table == 0``)."""
    out = TableResult("bundle")
    text_rows = [r for r in rows if r.where.table == 0 and (r.cells[0] or "").strip()]
    attachment = ""
    heading = ""
    pending: dict[str, dict] = {}
    sentences: list[tuple[Row, re.Match]] = []
    for row in text_rows:
        line = row.cells[0] or ""
        if m := _ATTACHMENT.match(line):
            attachment, heading = m.group(1), ""
            continue
        if m := _HEADING.match(line):
            heading = m.group(2)
            continue
        if m := _SENTENCE.match(line):
            sentences.append((row, m))
            continue
        if not attachment:
            continue
        info = pending.setdefault(attachment, {"items": [], "name": "", "time": [], "method": [], "row": row})
        if any(word in heading for word in LIST_HEADINGS) and (_NUMBERED.match(line) or _looks_like_item(line)):
            info["items"].append(row)   # Word's automatic numbers are not in the text
        elif "名称" in heading and not info["name"]:
            info["name"] = line.split("——")[-1].strip()
        elif "时限" in heading:
            info["time"].append(line.strip())
        elif "渠道" in heading or "办理方式" in heading:
            info["method"].append(line.strip())
    for no, info in sorted(pending.items(), key=lambda kv: int(kv[0])):
        if info["items"]:
            _emit(out, no, info["name"], info["items"], info["row"], "".join(info["time"]), "".join(info["method"]))
    if nlp is not None:
        _read_sentences(out, sentences, nlp)
    return out


def _looks_like_item(line: str) -> bool:
    text = line.strip()
    return 2 <= len(text) <= 40 and not re.search(r"[。：:；;]", text)


def _emit(out: TableResult, no: str, name: str, item_rows: list[Row], first: Row, time: str, method: str) -> None:
    bundle = Bundle(replace(first.where), no, repair(name), time_limit=repair(time), method=repair(method))
    out.bundles.append(bundle)
    out.scenarios.append(Scenario(replace(first.where), no, "", ""))
    for seq, row in enumerate(item_rows, start=1):
        printed = (row.cells[0] or "").strip()
        parsed = parse_item(printed)
        out.mentions.append(Mention(
            where=row.where, list_kind="bundle", seq=seq, printed=printed, text=repair(parsed.text),
            end=len(printed), printed_codes=parsed.codes, bundle_no=no, bundle_name=bundle.name, role="item",
            ocr_confidence=_ocr_confidence(row)))


def _read_sentences(out: TableResult, sentences: list[tuple[Row, re.Match]], nlp) -> None:
    for k, (row, m) in enumerate(sentences, start=1):
        name = repair(m.group(2))
        if any(fuzz.partial_ratio(name, b.name) >= _SAME_BUNDLE_SCORE for b in out.bundles):
            continue
        no = str(len(out.bundles) + 1)
        line = row.cells[0] or ""
        doc = nlp(line)
        bundle = Bundle(row.where, no, name)
        out.bundles.append(bundle)
        out.scenarios.append(Scenario(row.where, no, "", ""))
        for seq, ent in enumerate(doc.ents, start=1):
            out.mentions.append(Mention(
                where=row.where, list_kind="bundle", seq=seq, printed=ent.text, text=repair(ent.text),
                start=ent.start_char, end=ent.end_char, bundle_no=no, bundle_name=name, role="item",
                ocr_confidence=_ocr_confidence(row)))


def _ocr_confidence(row: Row) -> float:
    """The OCR confidence of a text line (1.0 for text from a text layer), as table cells carry theirs."""
    return row.confidences[0] if row.confidences and row.confidences[0] is not None else 1.0
