"""Figures in a text: value, unit, qualifier, indicator, and whether it is a target or a count.

A figure is a number followed by a unit (15万余人, 400家, 18大类, 30%), possibly with a
qualifier before (近, 约, 超, 累计, 达到) or after (余, 多, 以上, 左右) and a range (3-5个).
Chinese numerals count only before a unit, so 一体两翼 and 四位一体 are not figures. Years
(2024年), dates, ordinals (第一) and figures inside slogans in quotation marks are not either.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from rdflib import URIRef

from .lexicon import Lexicon
from .mentions import Mention
from .numbers import parse_number
from .spans import Span, clause_around

__all__ = ["Figure", "find_figures", "UNITS", "TARGET_MARKERS"]

_AR = r"\d+(?:,\d{3})*(?:\.\d+)?"
_CN = r"[零〇一二两三四五六七八九十百千]+(?:[万亿][零〇一二两三四五六七八九十百千]*)?"
_NUM = rf"(?:{_AR}|{_CN})"
# Units as the reports write them, longest first; the value is the concept's local name in the
# count-unit scheme where there is one (the graph's own labels are used when it has them).
UNITS = ("个百分点", "万人次", "人次", "万元", "亿元", "大类", "个月", "人", "名", "所", "个", "家",
         "项", "元", "门", "类", "种", "部", "批", "支", "次", "倍", "%", "％", "座", "本", "套",
         "间", "台", "场", "期", "届", "年", "天")
_QUAL_BEFORE = ("超过", "不少于", "不低于", "累计", "达到", "总计", "合计", "大约", "近", "约", "超",
                "逾", "达", "共", "计", "仅")
_QUAL_AFTER = ("余", "多", "以上", "左右", "之多")
_FIGURE = re.compile(
    rf"(?P<before>{'|'.join(_QUAL_BEFORE)})?"
    rf"(?P<value>{_NUM})(?:\s*(?:-|—|–|~|～|至|到)\s*(?P<upper>{_NUM}))?"
    rf"(?P<big>[万亿](?!元|人次))?(?P<after1>余|多)?"
    rf"(?P<unit>{'|'.join(re.escape(u) for u in UNITS)})?"
    rf"(?P<after2>{'|'.join(_QUAL_AFTER)})?")
TARGET_MARKERS = re.compile(r"力争|争取|目标|预计|计划|确保|将要|将达")
_DEADLINE = re.compile(r"(?:到|至)(20\d\d)年(?:底|末|前)?")
_QUOTED = re.compile(r"“[^”]{1,12}”|\"[^\"]{1,12}\"")


@dataclass(frozen=True)
class Figure:
    span: Span
    text: str  # as written
    value: Decimal
    upper: Decimal | None
    unit: str
    unit_iri: URIRef | None
    qualifier: str  # exact, at-least, approximately, rounded
    modifier: str  # 累计, 达到 …: said of the figure, not of its precision
    indicator: Mention | None
    kind: str  # observation or target
    deadline: int | None
    deadline_span: Span | None  # 到2025年 as written, for the deadline's own quote
    clause: Span
    confidence: float


def _qualifier(before: str, after: str, value_text: str, big: str) -> str:
    if after in ("余", "多", "以上", "之多") or before in ("超过", "超", "逾", "不少于", "不低于"):
        return "at-least"
    if before in ("近", "约", "大约") or after == "左右":
        return "approximately"
    if "." in value_text and big:
        return "rounded"
    return "exact"


# A unit followed by these is the start of another word: 部门, 个人, 名单, 家长, 所有, 次要.
_UNIT_CONTINUES = {"部": "门署分", "个": "人体性", "名": "单称义额", "家": "庭长乡", "所": "有以在属",
                   "次": "要", "类": "型似", "种": "类", "门": "类", "支": "持撑", "项": "目"}


def _excluded(text: str, match: re.Match) -> bool:
    start, end = match.start("value"), match.end()
    unit = match.group("unit") or ""
    value = match.group("value")
    if not unit and not match.group("big"):
        return True  # a bare number is not a figure; 6.73万 is (the text left the unit out)
    if not value[0].isdigit() and not unit:
        return True
    if end < len(text) and unit and text[end] in _UNIT_CONTINUES.get(unit, ""):
        return True
    if value == "一" and unit in ("个", "批", "部", "种", "支", "项", "所", "家", "次", "类", "门"):
        return True  # 一个, 一批: an article, not a count
    if start and text[start - 1] == "第":
        return True  # 第一批, 第45届: ordinals
    if unit == "年":
        # 2024年 is a date; 三年 a duration, which a date proposal covers (三年来)
        return True
    if unit == "天":
        return True
    if unit in ("届", "期") and not value[0].isdigit():
        return True
    if end < len(text) and text[end] in "月日号":
        return True
    if value[0].isdigit() and start and (text[start - 1].isdigit() or text[start - 1] == "."):
        return True
    for quoted in _QUOTED.finditer(text, max(0, start - 12), min(len(text), end + 12)):
        if quoted.start() <= start and end <= quoted.end():
            return True  # “五个率先”, “4567”: slogans, not counts
    return False


def _nearest_indicator(figure_span: Span, clause: Span, sentence: Span,
                       indicators: list[Mention], clause_text: str, lexicon: Lexicon) -> tuple[Mention | None, float]:
    near = [m for m in indicators if sentence.contains(m.span)]
    if near:
        in_clause = [m for m in near if clause.contains(m.span)]
        pool = in_clause or near
        nearest = min(pool, key=lambda m: (abs(m.span.start - figure_span.start), m.span.start))
        return nearest, 0.9 if in_clause else 0.7
    # No indicator named: the one whose label shares most character pairs with the clause.
    pairs = {clause_text[i:i + 2] for i in range(len(clause_text) - 1)}
    best: Mention | None = None
    best_score = 0.0
    for key, names in lexicon.of_kind("indicator").items():
        label = names[0].label_zh or key
        label_pairs = {label[i:i + 2] for i in range(len(label) - 1)}
        if not label_pairs:
            continue
        score = len(pairs & label_pairs) / len(label_pairs)
        if score > best_score or (score == best_score and best and str(names[0].iri) < str(best.iri)):
            best_score = score
            best = Mention(Span(0, 0), label, "indicator", names[0].iri, names[0].label_zh,
                           names[0].label_en, round(score, 2))
    if best is not None and best_score >= 0.5:
        return best, round(0.4 + best_score / 4, 2)
    return None, 0.0


def find_figures(text: str, sentence_spans: list[Span], mentions: list[Mention], lexicon: Lexicon,
                 units: dict[str, URIRef], published_year: int | None = None) -> list[Figure]:
    """Every figure of ``text`` with its unit, qualifier, indicator and kind.

    A sentence with 到2025年 (a year not before publication) or 力争, 目标 … sets targets; one
    with 到2023年 in a 2024 report says what was reached, so its figures are observations.
    """
    indicators = [m for m in mentions if m.kind == "indicator"]
    figures: list[Figure] = []
    for sentence in sentence_spans:
        sentence_text = sentence.of(text)
        deadline_match = _DEADLINE.search(text, sentence.start, sentence.end)
        if deadline_match and published_year and int(deadline_match.group(1)) < published_year:
            deadline_match = None
        is_target = bool(deadline_match or TARGET_MARKERS.search(sentence_text))
        for match in _FIGURE.finditer(text, sentence.start, sentence.end):
            if _excluded(text, match):
                continue
            try:
                value = parse_number(match.group("value"))
                upper = parse_number(match.group("upper")) if match.group("upper") else None
            except (ValueError, ArithmeticError):
                continue
            big = match.group("big") or ""
            unit = match.group("unit") or ""
            if unit == "万人次":
                big, unit = "万", "人次"
            # Money keeps the unit as written (5000万元 is 5000 of 万元); counts are scaled.
            scale = {"万": 10_000, "亿": 100_000_000}.get(big, 1)
            value, upper = value * scale, (upper * scale if upper is not None else None)
            before = match.group("before") or ""
            after = (match.group("after1") or "") + (match.group("after2") or "")
            qualifier = _qualifier(before, after, match.group("value"), big)
            span = Span(match.start(), match.end())
            clause = clause_around(text, span, sentence)
            indicator, ind_conf = _nearest_indicator(span, clause, sentence, indicators, clause.of(text), lexicon)
            kind = "target" if is_target else "observation"
            figures.append(Figure(
                span=span, text=span.of(text), value=value, upper=upper, unit=unit,
                unit_iri=units.get(unit), qualifier=qualifier,
                modifier=before if before in ("累计", "达到", "达", "共", "总计", "合计", "计") else "",
                indicator=indicator, kind=kind,
                deadline=int(deadline_match.group(1)) if deadline_match else None,
                deadline_span=Span(deadline_match.start(), deadline_match.end()) if deadline_match else None,
                clause=clause, confidence=round(0.5 + ind_conf / 2, 2)))
    return figures
