"""``harbin-kg propose``: a curator's assistant that drafts the facts of a new text.

It reads a Chinese policy or news text, finds the names the graph already knows (哈职院 →
哈尔滨职业技术学院) and new organisations, figures, dates and ties, and writes them as a draft in
the project's curation format, each with its evidence (a verbatim quote of a shipped text, or a
citation of a page) and the status "proposed", never "stated", until a person accepts it.

    >>> from harbin_kg.propose import propose_text, Lexicon
    >>> p = propose_text("2025年3月,哈尔滨职业技术学院与示例科技有限公司签署合作协议。", Lexicon())
    >>> [m.text for m in p.entities], [d.text for d in p.dates], [t.kind for t in p.ties]
    (['哈尔滨职业技术学院', '示例科技有限公司'], ['2025年3月'], ['agreement'])
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph

from .draft import SourceInfo, draft_turtle, source_turtle
from .lexicon import Lexicon, lexicon_from_graph
from .proposals import Proposals, propose_text
from .reading import MAX_BYTES, read_text
from .review import REVIEW_HEADERS, review_html, review_rows

__all__ = ["propose", "Draft", "SourceInfo", "Proposals", "Lexicon", "propose_text",
           "lexicon_from_graph", "read_text", "REVIEW_HEADERS", "MAX_BYTES"]


@dataclass
class Draft:
    """What ``propose`` makes of one text: the proposals and the files to review."""

    proposals: Proposals
    source: SourceInfo
    sha256: str
    turtle: str  # the draft facts (data/facts/SLUG/…)
    source_turtle: str | None  # the source's metadata, None when the graph has it already

    def rows(self) -> list[list[object]]:
        return review_rows(self.proposals)

    def html(self) -> str:
        return review_html(self.proposals, title=self.source.title or self.source.slug)


def _known_source(sha256: str, data_sources: Path | None) -> str | None:
    """The slug of a shipped source with these bytes (proposing again from the seed report)."""
    if data_sources is None or not data_sources.is_dir():
        return None
    for path in sorted(data_sources.glob("*.txt")):
        if hashlib.sha256(path.read_bytes()).hexdigest() == sha256:
            return path.stem
    return None


def propose(path: Path, graph: Graph, *, slug: str | None = None, cite_url: str = "", title: str = "",
            outlet: str = "", published: str = "", read_on: str = "", data_sources: Path | None = None,
            max_bytes: int = MAX_BYTES) -> Draft:
    """Propose the facts of the text at ``path`` against what ``graph`` knows.

    Without ``cite_url`` the text is to be shipped (``data/sources/SLUG.txt``) and quoted; with it,
    the text is a page the project does not ship and each proposal cites it instead.
    """
    from .dates import parse_publication_date

    path = Path(path)
    text = read_text(path, max_bytes=max_bytes)
    sha256 = hashlib.sha256(text.encode("utf-8")).hexdigest()
    known = None if cite_url else _known_source(sha256, data_sources)
    slug = known or slug or _slug_from(path)
    source = SourceInfo(slug=slug, shipped=not cite_url, url=cite_url, title=title, outlet=outlet,
                        published=published, read_on=read_on)
    try:
        pub = parse_publication_date(published)
    except ValueError as error:
        from ..errors import DataError

        raise DataError(f"--date {published!r}: {error}") from None
    proposals = propose_text(text, lexicon_from_graph(graph), published=pub)
    return Draft(proposals, source, sha256, draft_turtle(proposals, source, text_name=path.name),
                 None if known else source_turtle(source, text, sha256))


def _slug_from(path: Path) -> str:
    import re

    slug = re.sub(r"[^a-z0-9]+", "-", path.stem.lower()).strip("-")
    if not slug:
        from .draft import slug_of

        slug = slug_of(path.stem)
    return slug


