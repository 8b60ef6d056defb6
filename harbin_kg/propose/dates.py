"""Dates in a text, resolved against its publication date and marked where the year is inferred.

A full date (2024年5月8日), a month (2024年4月) or a year (2023年底) written with its year is
stated. A month or day without a year (5月8日), and relative forms (今年4月, 去年, 三年来, 近五年),
take their year from the publication date: the value may be right, but the year is inferred,
and the proposal says so and how.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from .numbers import parse_number
from .spans import Span

__all__ = ["DateMention", "find_dates", "parse_publication_date"]

_CN_SMALL = r"[一二两三四五六七八九十]+"
_YEAR = r"(?P<year>(?:19|20)\d\d|二[〇零]\d{2}|二[〇零][〇零一二三四五六七八九]{2})"
_PATTERNS = [
    ("full", re.compile(rf"{_YEAR}\s*(?:年|-|/|\.)\s*(?P<month>\d{{1,2}})\s*(?:月|-|/|\.)\s*(?P<day>\d{{1,2}})(?:日|号)?")),
    ("range", re.compile(rf"{_YEAR}\s*(?:年)?\s*(?:-|—|–|~|～|至|到)\s*(?P<year2>(?:19|20)\d\d)\s*年")),
    ("month", re.compile(rf"{_YEAR}\s*年\s*(?P<month>\d{{1,2}}|{_CN_SMALL})\s*月(?:份)?(?P<part>上旬|中旬|下旬|底|初)?")),
    ("year", re.compile(rf"{_YEAR}\s*年(?P<part>底|末|初|年底|年初|上半年|下半年|度)?")),
    ("relative-month", re.compile(rf"(?P<rel>今年|去年|前年|明年|当年)\s*(?P<month>\d{{1,2}}|{_CN_SMALL})\s*月(?:(?P<day>\d{{1,2}})\s*日)?")),
    ("relative-year", re.compile(r"(?P<rel>今年|去年|前年|明年)(?P<part>底|初|上半年|下半年)?")),
    ("span", re.compile(rf"(?:近|过去)(?P<n>\d{{1,2}}|{_CN_SMALL})年(?:来|间|里)?|(?P<n2>\d{{1,2}}|{_CN_SMALL})年(?:来|间)")),
    ("day", re.compile(r"(?<![\d年])(?P<month>\d{1,2})\s*月\s*(?P<day>\d{1,2})\s*(?:日|号)")),
]
_RELATIVE = {"今年": 0, "当年": 0, "去年": -1, "前年": -2, "明年": 1}


@dataclass(frozen=True)
class DateMention:
    span: Span
    text: str
    year: int | None
    month: int | None
    day: int | None
    end_year: int | None  # for a range or a span of years
    precision: str  # day, month, year, years
    inferred: bool  # the year is not written in the text
    how: str  # English: how it was resolved
    part: str = ""  # 底, 初, 上半年 … as written


def parse_publication_date(value: str | None) -> date | None:
    """``2024-05-08``, ``2024-05`` or ``2024`` as a date (first of month/year when partial)."""
    if not value:
        return None
    match = re.fullmatch(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?", value.strip())
    if not match:
        raise ValueError(f"{value!r} is not a date; write YYYY-MM-DD, YYYY-MM or YYYY.")
    year, month, day = match.group(1), match.group(2) or 1, match.group(3) or 1
    return date(int(year), int(month), int(day))


def _int(text: str | None) -> int | None:
    if not text:
        return None
    if text.startswith("二") and len(text) == 4:
        return int(parse_number(text))
    return int(parse_number(text))


def find_dates(text: str, published: date | None) -> list[DateMention]:
    """Every date of ``text``, longest forms first, never two over the same characters."""
    found: list[DateMention] = []

    def free(span: Span) -> bool:
        return not any(d.span.overlaps(span) for d in found)

    pub_year = published.year if published else None
    for kind, pattern in _PATTERNS:
        for match in pattern.finditer(text):
            span = Span(match.start(), match.end())
            if not free(span):
                continue
            groups = match.groupdict()
            part = groups.get("part") or ""
            if kind == "full":
                found.append(DateMention(span, span.of(text), _int(groups["year"]), int(groups["month"]),
                                         int(groups["day"]), None, "day", False, "written in full", part))
            elif kind == "range":
                found.append(DateMention(span, span.of(text), _int(groups["year"]), None, None,
                                         int(groups["year2"]), "years", False, "a range of written years"))
            elif kind == "month":
                found.append(DateMention(span, span.of(text), _int(groups["year"]), _int(groups["month"]),
                                         None, None, "month", False, "year and month written", part))
            elif kind == "year":
                found.append(DateMention(span, span.of(text), _int(groups["year"]), None, None, None,
                                         "year", False, "year written", part))
            elif kind in ("relative-month", "relative-year"):
                offset = _RELATIVE[groups["rel"]]
                year = pub_year + offset if pub_year else None
                how = (f"{groups['rel']} = {year}, from the publication date {published.isoformat()}"
                       if published else f"{groups['rel']}: needs the publication date (--date)")
                found.append(DateMention(span, span.of(text), year, _int(groups.get("month")),
                                         _int(groups.get("day")), None,
                                         "month" if groups.get("month") else "year", True, how, part))
            elif kind == "span":
                n = _int(groups.get("n") or groups.get("n2"))
                if not n or n > 30:
                    continue
                start, end = (pub_year - n, pub_year - 1) if pub_year else (None, None)
                how = (f"the {n} years before {pub_year} (the publication year), taken as {start}–{end}"
                       if pub_year else f"a span of {n} years before the publication date (--date)")
                found.append(DateMention(span, span.of(text), start, None, None, end, "years", True, how))
            elif kind == "day":
                year = pub_year
                how = (f"month and day written; the year {year} is the publication year"
                       if year else "month and day written; needs the publication date (--date) for the year")
                found.append(DateMention(span, span.of(text), year, int(groups["month"]), int(groups["day"]),
                                         None, "day", True, how))
    return sorted(found, key=lambda d: d.span)
