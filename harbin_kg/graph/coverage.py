"""Which words of each shipped source no fact quotes (``harbin-kg stats --coverage``).

Every quote in a built graph is a ``hv:Quote`` with a ``TextPositionSelector`` (code-point
offsets into its source text). A character is *covered* when at least one quote spans it. The
report lists, per source, every *stretch*: a maximal run of uncovered characters within one
line, trimmed of punctuation and spaces at both ends, that still holds a letter or a digit.
A run of punctuation between two quotes (``、``, ``。``) is not a stretch.

Each stretch is either modelled (some fact quotes it, so it disappears from the report) or
listed in a reviewed exclusion file (``data/coverage-exclusions.csv``: source, start, end,
text, reason) as deliberately left out: a heading, the byline, the writer's evaluation. A
stretch with no exclusion row is *unreviewed*; an exclusion row that matches no stretch any
more is *stale* (the text was modelled since, or the row's offsets are wrong). Both are
problems ``harbin-kg stats --coverage`` and the tests report.

The coverage figure counts non-whitespace characters, so that line breaks and the blank lines
of the page layout neither help nor hurt.
"""

import csv
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from ..errors import DataError
from ..namespaces import ID, PREFIXES
from .store import load_store, solutions

__all__ = [
    "Stretch", "Exclusion", "SourceCoverage", "EXCLUSION_FIELDS", "quoted_spans", "stretches",
    "load_exclusions", "coverage_report", "default_exclusions_path",
]

EXCLUSION_FIELDS = ("source", "start", "end", "text", "reason")

_SPANS = "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items()) + """
SELECT ?source ?start ?end WHERE {
  ?q a hv:Quote ; oa:hasSource ?source ; oa:hasSelector ?sel .
  ?sel a oa:TextPositionSelector ; oa:start ?start ; oa:end ?end .
}
"""


@dataclass(frozen=True)
class Stretch:
    """Uncovered words of a source: ``text == source_text[start:end]``."""

    source: str
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Exclusion:
    """A reviewed decision to leave a stretch unmodelled, with the reason (English)."""

    source: str
    start: int
    end: int
    text: str
    reason: str
    line: int = 0

    def matches(self, stretch: Stretch) -> bool:
        return (self.source, self.start, self.end, self.text) == (
            stretch.source, stretch.start, stretch.end, stretch.text)


@dataclass(frozen=True)
class SourceCoverage:
    """One source: its size, how much of it quotes cover, and its stretches by review state."""

    source: str
    characters: int
    covered: int
    reviewed: tuple[tuple[Stretch, Exclusion], ...] = field(default=())
    unreviewed: tuple[Stretch, ...] = field(default=())
    stale: tuple[Exclusion, ...] = field(default=())

    @property
    def percent(self) -> float:
        return 100.0 * self.covered / self.characters if self.characters else 100.0

    @property
    def ok(self) -> bool:
        return not self.unreviewed and not self.stale


def _is_content(char: str) -> bool:
    return unicodedata.category(char)[0] in "LN"


def quoted_spans(store: ox.Store) -> dict[str, list[tuple[int, int]]]:
    """Source slug → sorted (start, end) of every quote in the graph."""
    spans: dict[str, list[tuple[int, int]]] = {}
    prefix = str(ID["text/"])
    for row in solutions(store, _SPANS):
        iri = row["source"].value
        slug = iri[len(prefix):] if iri.startswith(prefix) else iri
        spans.setdefault(slug, []).append((int(row["start"].value), int(row["end"].value)))
    return {slug: sorted(set(found)) for slug, found in spans.items()}


def _covered_mask(length: int, spans: list[tuple[int, int]]) -> list[bool]:
    mask = [False] * length
    for start, end in spans:
        for i in range(max(start, 0), min(end, length)):
            mask[i] = True
    return mask


def stretches(slug: str, text: str, spans: list[tuple[int, int]]) -> list[Stretch]:
    """Every uncovered stretch of ``text`` (see the module docstring), in text order."""
    mask = _covered_mask(len(text), spans)
    found: list[Stretch] = []
    i = 0
    while i < len(text):
        if mask[i] or text[i] == "\n":
            i += 1
            continue
        j = i
        while j < len(text) and not mask[j] and text[j] != "\n":
            j += 1
        start, end = i, j
        while start < end and not _is_content(text[start]):
            start += 1
        while end > start and not _is_content(text[end - 1]):
            end -= 1
        if start < end:
            found.append(Stretch(slug, start, end, text[start:end]))
        i = j
    return found


def default_exclusions_path(data_dir: Path) -> Path:
    return Path(data_dir) / "coverage-exclusions.csv"


def load_exclusions(path: Path) -> list[Exclusion]:
    """Rows of the reviewed exclusion file; a missing file means no exclusions."""
    path = Path(path)
    if not path.exists():
        return []
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle)
            if tuple(reader.fieldnames or ()) != EXCLUSION_FIELDS:
                raise DataError(f"{path}: the header must be {','.join(EXCLUSION_FIELDS)}; "
                                f"found {','.join(reader.fieldnames or ())}.")
            rows = []
            for row in reader:
                line = reader.line_num
                try:
                    start, end = int(row["start"]), int(row["end"])
                except (TypeError, ValueError):
                    raise DataError(f"{path}, line {line}: start and end must be whole numbers "
                                    f"(code-point offsets); found {row['start']!r}, {row['end']!r}.") from None
                if not (row.get("reason") or "").strip():
                    raise DataError(f"{path}, line {line}: no reason given; say why the stretch is left out.")
                rows.append(Exclusion(row["source"], start, end, row["text"], row["reason"].strip(), line))
            return rows
    except UnicodeDecodeError as error:
        raise DataError(f"{path}: not valid UTF-8 ({error.reason}).") from None


def coverage_report(graph: "Path | ox.Store", sources_dir: Path,
                    exclusions: list[Exclusion] | None = None) -> list[SourceCoverage]:
    """Per source text in ``sources_dir`` (``NAME.txt``), what the graph's quotes leave uncovered."""
    store = graph if isinstance(graph, ox.Store) else load_store(Path(graph))
    spans = quoted_spans(store)
    exclusions = exclusions or []
    reports = []
    texts = sorted(Path(sources_dir).glob("*.txt"))
    if not texts:
        raise DataError(f"{sources_dir}: holds no source texts (*.txt).")
    for path in texts:
        slug = path.stem
        text = path.read_text(encoding="utf-8")
        own = spans.get(slug, [])
        mask = _covered_mask(len(text), own)
        content = [i for i, ch in enumerate(text) if not ch.isspace()]
        covered = sum(1 for i in content if mask[i])
        mine = [e for e in exclusions if e.source == slug]
        reviewed, unreviewed = [], []
        matched: set[int] = set()
        for stretch in stretches(slug, text, own):
            hit = next((k for k, e in enumerate(mine) if e.matches(stretch)), None)
            if hit is None:
                unreviewed.append(stretch)
            else:
                matched.add(hit)
                reviewed.append((stretch, mine[hit]))
        stale = tuple(e for k, e in enumerate(mine) if k not in matched)
        reports.append(SourceCoverage(slug, len(content), covered, tuple(reviewed), tuple(unreviewed), stale))
    known = {p.stem for p in texts}
    orphans = [e for e in exclusions if e.source not in known]
    if orphans:
        first = orphans[0]
        raise DataError(f"exclusion file, line {first.line}: source {first.source!r} is not a shipped source "
                        f"(known: {', '.join(sorted(known))}).")
    return reports
