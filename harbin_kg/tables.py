"""Plain-text tables whose columns line up with Chinese text (wide characters count twice)."""

import re
from collections.abc import Sequence

__all__ = ["text_width", "pad", "render_table"]

# Printable ASCII is one column and CJK ideographs, CJK punctuation and full-width forms are two,
# exactly as wcwidth counts them; text made only of these is measured here, and anything else by
# wcwidth, imported on first need (its import is a tenth of a second, a fifth of a query's start).
_NARROW = re.compile(r"[\x20-\x7e]*")
_SIMPLE = re.compile(r"[\x20-\x7e\u3001-\u3029\u3030-\u303e\u3400-\u4dbf\u4e00-\u9fff\uff01-\uff60]*")
_WIDE = re.compile(r"[\u3001-\u3029\u3030-\u303e\u3400-\u4dbf\u4e00-\u9fff\uff01-\uff60]")


def text_width(text: str) -> int:
    """Display width in a terminal: 哈 counts 2, a 1; control characters count 0."""
    if _NARROW.fullmatch(text):
        return len(text)
    if _SIMPLE.fullmatch(text):
        return len(text) + len(_WIDE.findall(text))
    from wcwidth import wcswidth

    width = wcswidth(text)
    return width if width >= 0 else sum(max(wcswidth(ch), 0) for ch in text)


def pad(text: str, width: int, align: str = "<") -> str:
    gap = " " * max(width - text_width(text), 0)
    return gap + text if align == ">" else text + gap


def render_table(headers: Sequence[str], rows: Sequence[Sequence[object]], *, align: str = "") -> str:
    """Headers, a rule, then rows; ``align`` gives '<' or '>' per column (numbers right).

    >>> print(render_table(["名称 name", "n"], [["哈职院", 3], ["HVTC", 12]], align="<>"))
    名称 name   n
    ---------  --
    哈职院      3
    HVTC       12
    """
    cells = [[_clean(v) for v in row] for row in rows]
    widths = [text_width(h) for h in headers]
    for row in cells:
        for i, cell in enumerate(row):
            widths[i] = max(widths[i], text_width(cell))
    aligns = (align or "<" * len(headers)).ljust(len(headers), "<")
    lines = ["  ".join(pad(h, w, a) for h, w, a in zip(headers, widths, aligns)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    for row in cells:
        lines.append("  ".join(pad(c, w, a) for c, w, a in zip(row, widths, aligns)).rstrip())
    return "\n".join(lines)


def _clean(value: object) -> str:
    # One row per line: newlines inside a value (quotes keep the article's \n\n) are shown as ⏎.
    return "" if value is None else str(value).replace("\r", "").replace("\n", "⏎")
