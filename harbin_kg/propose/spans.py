"""Where things are in a text: spans, sentences, clauses and paragraphs, all by code point."""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["Span", "sentences", "clause_around", "paragraph_of"]

# A sentence ends at a full stop, question or exclamation mark, semicolon or a blank line;
# the report mixes full-width and ASCII punctuation, so both count.
_SENTENCE_END = re.compile(r"[。！？!?；;]+|\n\s*\n|\n(?=#)")
_CLAUSE_END = re.compile(r"[,，、:：。！？!?；;\n]")


@dataclass(frozen=True, order=True)
class Span:
    """Characters ``start`` (0-based) to ``end`` (excluded) of the text: ``text[start:end]``."""

    start: int
    end: int

    def of(self, text: str) -> str:
        return text[self.start:self.end]

    def overlaps(self, other: "Span") -> bool:
        return self.start < other.end and other.start < self.end

    def contains(self, other: "Span") -> bool:
        return self.start <= other.start and other.end <= self.end


def _trimmed(text: str, start: int, end: int) -> Span | None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return Span(start, end) if end > start else None


def sentences(text: str) -> list[Span]:
    """The sentences of ``text``, each with its closing punctuation, surrounding space trimmed."""
    found, start = [], 0
    for match in _SENTENCE_END.finditer(text):
        span = _trimmed(text, start, match.end() if match.group().strip() else match.start())
        if span:
            found.append(span)
        start = match.end()
    span = _trimmed(text, start, len(text))
    if span:
        found.append(span)
    return found


def clause_around(text: str, span: Span, within: Span) -> Span:
    """The clause (between commas, colons or sentence ends) of ``within`` that holds ``span``."""
    start = span.start
    while start > within.start and not _CLAUSE_END.match(text[start - 1]):
        start -= 1
    end = span.end
    while end < within.end and not _CLAUSE_END.match(text[end]):
        end += 1
    return _trimmed(text, start, end) or span


def paragraph_of(text: str, offset: int) -> int:
    """The 1-based number of the non-empty text block (line) that holds ``offset``.

    Web pages are cited by paragraph ("para 3"): the N-th non-empty line of the page as read,
    title included, which is how the project's citations count them.
    """
    number = 0
    for line_start, line in _lines(text):
        if line.strip():
            number += 1
        if line_start <= offset < line_start + len(line) + 1:
            return max(number, 1)
    return max(number, 1)


def _lines(text: str):
    start = 0
    for line in text.split("\n"):
        yield start, line
        start += len(line) + 1
