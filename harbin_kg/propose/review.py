"""What a curator reads: the review table (terminal) and the review page (offline HTML).

The page shows the text with every proposal highlighted and, beside it, the list of proposals;
it is one self-contained file with no script from anywhere and every string escaped.
"""

from __future__ import annotations

from html import escape

from ..query.tables import text_width
from .draft import KINDS
from .proposals import Proposals
from .spans import Span

__all__ = ["review_rows", "REVIEW_HEADERS", "review_html"]

REVIEW_HEADERS = ["#", "类别 kind", "提议 proposal", "对应 match", "值 value", "置信度 conf.", "位置 at"]


def _value_of_figure(f) -> str:
    value = f"{f.value:,}".rstrip("0").rstrip(".") if "." in f"{f.value}" else f"{f.value:,}"
    parts = [value + (f"–{f.upper:,}" if f.upper is not None else ""), f.unit, f.qualifier]
    if f.kind == "target":
        parts.append(f"target{' by ' + str(f.deadline) if f.deadline else ''}")
    return " ".join(p for p in parts if p)


def _rows(p: Proposals):
    """(kind, span, proposal, match, value, confidence) for every proposal, in text order."""
    rows = []
    seen = set()
    for m in p.entities:
        key = (m.iri or m.text)
        if key in seen:
            continue
        seen.add(key)
        match = f"{m.label_zh} <{str(m.iri).rsplit('/id/', 1)[-1]}>" if m.iri else "new 新"
        rows.append(("entity", m.span, m.text, match, m.kind, m.confidence))
    for f in p.figures:
        indicator = f.indicator.label_zh if f.indicator else "needs indicator 需指标"
        rows.append(("figure", f.span, f.text, indicator, _value_of_figure(f), f.confidence))
    for d in p.dates:
        value = f"{d.year or '?'}" + (f"-{d.month:02d}" if d.month else "") + (f"-{d.day:02d}" if d.day else "")
        if d.end_year:
            value += f"–{d.end_year}"
        rows.append(("date", d.span, d.text, "inferred 推断" if d.inferred else "written 明示", value,
                     0.6 if d.inferred else 0.95))
    for t in p.ties:
        parties = ", ".join(f"{x.mention.text}({x.role})" for x in t.parties)
        rows.append(("tie", t.evidence, t.trigger, parties, t.kind, t.confidence))
    return sorted(rows, key=lambda r: (r[1].start, list(KINDS).index(r[0])))


def _short(value: object, width: int = 36) -> str:
    """``value`` cut to ``width`` terminal columns (a Chinese character takes two)."""
    text = str(value).replace("\n", "⏎")
    if text_width(text) <= width:
        return text
    while text and text_width(text) > width - 1:
        text = text[:-1]
    return text + "…"


def review_rows(p: Proposals) -> list[list[object]]:
    """The review table's rows: one per proposal, numbered in text order (long cells cut)."""
    return [[i, f"{KINDS[kind][0]} {KINDS[kind][1]}", _short(text, 24), _short(match), _short(value, 28),
             f"{conf:.2f}", f"{span.start}–{span.end}"]
            for i, (kind, span, text, match, value, conf) in enumerate(_rows(p), 1)]


_CSS = """
body{font-family:"WenQuanYi Zen Hei","Noto Sans CJK SC",sans-serif;margin:0;display:flex;height:100vh}
#text{flex:3;overflow:auto;padding:1em 2em;white-space:pre-wrap;line-height:1.9;font-size:16px}
#list{flex:2;overflow:auto;padding:1em;border-left:1px solid #ccc;font-size:14px}
mark{border-radius:3px;padding:0 1px}
mark.entity{background:#cfe8ff}mark.figure{background:#ffe0b3}mark.date{background:#d8f5d0}
mark.tie{background:none;border-bottom:3px solid #c04}
table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #eee;padding:3px 4px;text-align:left;vertical-align:top}
.legend span{margin-right:1em}
"""


def _highlighted(text: str, marks: list[tuple[Span, str, int]]) -> str:
    # Marks may nest (a tie's clause holds its parties); open and close tags by position.
    events = []
    for span, kind, number in marks:
        events.append((span.start, 1, -span.end, f'<mark class="{kind}" id="p{number}" title="#{number} {KINDS[kind][1]}">'))
        events.append((span.end, 0, span.start, "</mark>"))
    events.sort()
    out, at, stack = [], 0, 0
    for position, opening, _, tag in events:
        out.append(escape(text[at:position]))
        at = position
        if opening:
            stack += 1
            out.append(tag)
        elif stack:
            stack -= 1
            out.append(tag)
    out.append(escape(text[at:]))
    return "".join(out)


def review_html(p: Proposals, *, title: str) -> str:
    """One offline page: the text with the proposals marked, and the numbered list beside it."""
    rows = _rows(p)
    marks = [(span, kind, i) for i, (kind, span, *_rest) in enumerate(rows, 1)
             if kind != "tie"] + [(span, "tie", i) for i, (kind, span, *_r) in enumerate(rows, 1) if kind == "tie"]
    body_rows = "".join(
        f'<tr><td><a href="#p{i}">{i}</a></td><td>{escape(KINDS[k][0])} {escape(KINDS[k][1])}</td>'
        f"<td>{escape(str(text))}</td><td>{escape(str(match))}</td><td>{escape(str(value))}</td>"
        f"<td>{conf:.2f}</td><td>{span.start}–{span.end}</td></tr>"
        for i, (k, span, text, match, value, conf) in enumerate(rows, 1))
    counts = ", ".join(f"{escape(k)} {v}" for k, v in p.counts().items())
    return (
        "<!DOCTYPE html>\n<html lang=\"zh\"><head><meta charset=\"utf-8\">\n"
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n"
        f"<title>{escape(title)} · 提议审阅 proposals for review</title><style>{_CSS}</style></head>\n"
        f"<body><div id=\"text\"><h1>{escape(title)}</h1>"
        "<p class=\"legend\"><mark class=\"entity\">实体 entity</mark> <mark class=\"figure\">数字 figure</mark> "
        "<mark class=\"date\">日期 date</mark> <mark class=\"tie\">关系 tie</mark></p>"
        f"{_highlighted(p.text, marks)}</div>\n"
        f"<div id=\"list\"><h2>提议 Proposals</h2><p>{counts}</p><p>状态：提议（未经审核）· "
        "status: proposed, not reviewed</p>"
        f"<table><thead><tr>{''.join(f'<th>{escape(h)}</th>' for h in REVIEW_HEADERS)}</tr></thead>"
        f"<tbody>{body_rows}</tbody></table></div></body></html>\n")
