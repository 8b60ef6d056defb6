"""One text in, every proposal out: mentions, figures, dates and ties, each with its evidence."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from .dates import DateMention, find_dates
from .figures import Figure, find_figures
from .lexicon import Lexicon
from .mentions import Mention, drop_covered, find_known, find_new, fold
from .spans import Span, sentences
from .ties import Tie, find_ties

__all__ = ["Proposals", "propose_text"]


@dataclass
class Proposals:
    """What a text proposes; spans index ``text`` exactly as it was read."""

    text: str
    published: date | None
    mentions: list[Mention] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)
    dates: list[DateMention] = field(default_factory=list)
    ties: list[Tie] = field(default_factory=list)
    sentences: list[Span] = field(default_factory=list)

    @property
    def entities(self) -> list[Mention]:
        """Organisations, places and documents (not indicator or unit names)."""
        return [m for m in self.mentions if m.kind in ("organisation", "place", "document")]

    def counts(self) -> dict[str, int]:
        return {
            "known entities": len({m.iri for m in self.entities if not m.is_new}),
            "new organisations": len({m.text for m in self.entities if m.is_new}),
            "figures": len(self.figures),
            "targets": sum(1 for f in self.figures if f.kind == "target"),
            "dates": len(self.dates),
            "inferred dates": sum(1 for d in self.dates if d.inferred),
            "ties": len(self.ties),
        }


def propose_text(text: str, lexicon: Lexicon, *, published: date | None = None) -> Proposals:
    """Every proposal ``text`` yields against what ``lexicon`` knows."""
    folded = fold(text)
    known = find_known(text, lexicon, folded)
    new = find_new(text, known, folded)
    mentions = sorted(drop_covered(known, new) + new, key=lambda m: m.span)
    spans = sentences(text)
    figures = find_figures(text, spans, mentions, lexicon, lexicon.units, published.year if published else None)
    dates = find_dates(text, published)
    ties = find_ties(text, spans, mentions)
    return Proposals(text, published, mentions, figures, dates, ties, spans)
