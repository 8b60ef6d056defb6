"""Citations: evidence from pages the project does not ship (``data/facts/web/*.ttl``).

A curator writes ``hv:cite [ hv:source <source/s14> ; hv:locator "para 3" ; hv:keyPhrase "订单班" ]``
on an entity or fact. :func:`expand_citations` turns every such blank node into a
``hv:Citation`` node ``<{fact}/cite/{source slug}>`` (``…-2``, ``-3`` when one fact cites one page
more than once, numbered in the order of locator, then key phrase), links it with
``hv:evidence`` and adds ``prov:wasDerivedFrom <source/…>`` on the fact. Numbering runs over all
web files at once, so the names do not depend on which file a citation was written in.

The build checks here only what the names need (one page per citation, no citation twice);
missing locators, key phrases, URLs and read dates are reported by the SHACL shapes, with
bilingual messages, like every other rule about content.
"""

import re
from dataclasses import dataclass
from pathlib import Path

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import PROV, RDF, SKOS

from ..errors import DataError
from ..namespaces import HV, ID
from .quotes import line_of

__all__ = ["Cite", "SOURCE_PREFIX", "CITE_PARTS", "split_cites", "expand_citations", "refuse_quotes",
           "key_phrases", "locator_key", "source_slug", "citation_text", "citation_html", "safe_href"]

SOURCE_PREFIX = str(ID["source/"])
#: What a hv:cite [ … ] may say; anything else is a typo or belongs on the fact.
CITE_PARTS = (HV.source, HV.locator, HV.keyPhrase, SKOS.editorialNote)


@dataclass(frozen=True)
class Cite:
    """One ``hv:cite [ … ]`` as written: where, on what, which page, where on it, which words."""

    path: Path
    subject: URIRef
    source: URIRef
    locator: str
    key_phrase: str
    notes: tuple


def source_slug(source: URIRef) -> str:
    """``s14`` for ``<source/s14>``."""
    return str(source)[len(SOURCE_PREFIX):]


def locator_key(locator: str) -> tuple:
    """Natural order of locators: "para 2" before "para 10"; "title" and "header" sort as words."""
    return tuple((0, int(part), "") if part.isdigit() else (1, 0, part)
                 for part in re.split(r"(\d+)", locator) if part)


def refuse_quotes(path: Path, graph: Graph) -> None:
    """hv:quote needs a shipped text to slice; a web page is cited, never quoted."""
    for subject, value in graph.subject_objects(HV.quote):
        shown = str(value) if isinstance(value, Literal) else "[ … ]"
        raise DataError(
            f"{path}, line {line_of(path, 'hv:quote')}: hv:quote is not allowed in data/facts/web/ "
            f"(<{_rel(subject)}> quotes \"{shown[:30]}\"): the page is not shipped, so its sentences are not "
            "copied. Cite it instead: hv:cite [ hv:source <source/…> ; hv:locator \"para N\" ; "
            "hv:keyPhrase \"a name or figure as the page writes it\" ] (网页事实须用 hv:cite 引用，不得用 hv:quote)."
        )


def split_cites(path: Path, graph: Graph) -> tuple[Graph, list[Cite]]:
    """The graph without its ``hv:cite`` blank nodes, and those citations as :class:`Cite` records.

    Call it after :func:`~harbin_kg.sources.quotes.skolemize` (with ``leave=(HV.cite,)``), so that every
    cited subject already has its IRI.
    """
    cites: list[Cite] = []
    nodes = set()
    for subject, node in sorted(graph.subject_objects(HV.cite), key=lambda pair: str(pair[0])):
        where = f"{path}, line {line_of(path, 'hv:cite')}"
        if not isinstance(node, BNode):
            raise DataError(
                f"{where}: hv:cite of <{_rel(subject)}> takes a [ hv:source <source/…> ; hv:locator \"…\" ; "
                f"hv:keyPhrase \"…\" ] node, not {node!r}."
            )
        if not isinstance(subject, URIRef):
            raise DataError(f"{where}: a hv:cite stands on a blank node without a parent; cite the fact itself.")
        nodes.add(node)
        for predicate in set(graph.predicates(node)):
            if predicate not in CITE_PARTS:
                raise DataError(
                    f"{path}, line {line_of(path, _local(predicate))}: a hv:cite of <{_rel(subject)}> says "
                    f"<{predicate}>; a citation holds only hv:source, hv:locator, hv:keyPhrase and skos:editorialNote "
                    "(put anything else on the fact)."
                )
        sources = list(graph.objects(node, HV.source))
        if len(sources) != 1 or not isinstance(sources[0], URIRef) or not str(sources[0]).startswith(SOURCE_PREFIX):
            raise DataError(
                f"{where}: a hv:cite of <{_rel(subject)}> needs exactly one hv:source <source/…> "
                f"(found {', '.join(f'<{_rel(s)}>' for s in sources) or 'none'}); "
                "name the cited page's node from data/sources/web/ (每条引用须恰有一个来源网页)."
            )
        single = {}
        for prop in (HV.locator, HV.keyPhrase):
            values = list(graph.objects(node, prop))
            if len(values) > 1:
                raise DataError(
                    f"{path}, line {line_of(path, str(values[0]))}: a hv:cite of <{_rel(subject)}> has "
                    f"{len(values)} {_local(prop)}s; one citation is one spot on the page — write one hv:cite per spot."
                )
            single[prop] = str(values[0]) if values else ""
        cites.append(Cite(path=path, subject=subject, source=sources[0], locator=single[HV.locator],
                          key_phrase=single[HV.keyPhrase],
                          notes=tuple(sorted(graph.objects(node, SKOS.editorialNote)))))
    rest = Graph()
    for triple in graph:
        s, p, o = triple
        if p == HV.cite or s in nodes:
            continue
        rest.add(triple)
    return rest, cites


def expand_citations(cites: list[Cite]) -> dict[Path, Graph]:
    """Citation nodes for every cite, grouped by the file they were written in."""
    groups: dict[tuple, list[Cite]] = {}
    for cite in cites:
        groups.setdefault((cite.subject, cite.source), []).append(cite)
    out: dict[Path, Graph] = {}
    for (subject, source), group in sorted(groups.items(), key=lambda item: (str(item[0][0]), str(item[0][1]))):
        group.sort(key=lambda c: (locator_key(c.locator), c.key_phrase, str(c.path)))
        for before, after in zip(group, group[1:]):
            if (before.locator, before.key_phrase) == (after.locator, after.key_phrase):
                raise DataError(
                    f"{after.path}, line {line_of(after.path, after.key_phrase or 'hv:cite')}: <{_rel(subject)}> cites "
                    f"<{_rel(source)}> at \"{after.locator}\" with key phrase \"{after.key_phrase}\" twice"
                    + (f" (also in {before.path})" if before.path != after.path else "")
                    + "; keep one (重复引用)."
                )
        slug = source_slug(source)
        for number, cite in enumerate(group, start=1):
            iri = URIRef(f"{subject}/cite/{slug}" + (f"-{number}" if number > 1 else ""))
            graph = out.setdefault(cite.path, Graph())
            graph.add((subject, HV.evidence, iri))
            graph.add((subject, PROV.wasDerivedFrom, source))
            graph.add((iri, RDF.type, HV.Citation))
            graph.add((iri, HV.source, source))
            where = f" {cite.locator}" if cite.locator else ""
            graph.add((iri, SKOS.prefLabel, Literal(f"引用 {slug}{where}", lang="zh")))
            graph.add((iri, SKOS.prefLabel, Literal(f"Citation {slug}{where}", lang="en")))
            if cite.locator:
                graph.add((iri, HV.locator, Literal(cite.locator)))
            if cite.key_phrase:
                graph.add((iri, HV.keyPhrase, Literal(cite.key_phrase)))
            for note in cite.notes:
                graph.add((iri, SKOS.editorialNote, note))
    return out


def key_phrases(cites: list[Cite]) -> dict[URIRef, list[str]]:
    """Each cited subject's key phrases (the verbatim words a web fact may repeat)."""
    own: dict[URIRef, list[str]] = {}
    for cite in cites:
        if cite.key_phrase:
            own.setdefault(cite.subject, []).append(cite.key_phrase)
    return own


def _local(predicate) -> str:
    return str(predicate).rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def _rel(node) -> str:
    text = str(node)
    return text[len(str(ID)):] if text.startswith(str(ID)) else text


# --------------------------------------------------------------------------- showing citations

def citation_text(citation: dict) -> str:
    """One line of text for a citation: outlet (original outlet), date, locator: key phrase <URL>.

    >>> citation_text({"outlet": "新浪黑龙江", "original_outlet": "黑龙江日报", "issued": "2018-05-08",
    ...                "locator": "para 3", "key_phrase": "订单班", "url": "http://hlj.sina.com.cn/x.shtml"})
    '新浪黑龙江（黑龙江日报） 2018-05-08, para 3: 订单班 <http://hlj.sina.com.cn/x.shtml>'
    """
    text = citation.get("outlet") or source_slug(URIRef(citation.get("source") or "")) or "?"
    if citation.get("original_outlet"):
        text += f"（{citation['original_outlet']}）"
    if citation.get("issued"):
        text += f" {citation['issued']}"
    text += f", {citation.get('locator') or '?'}: {citation.get('key_phrase') or '?'}"
    if citation.get("url"):
        text += f" <{citation['url']}>"
    return text


def safe_href(url: str | None) -> str | None:
    """``url`` if it may become a link (http or https only), else None: other schemes
    (javascript:, data:, file: …) are shown as plain text, never as links.

    >>> safe_href("https://example.org/a"), safe_href("javascript:alert(1)"), safe_href(" HTTP://x.cn ")
    ('https://example.org/a', None, 'HTTP://x.cn')
    """
    if not url:
        return None
    url = url.strip()
    return url if re.match(r"^https?://[^\s<>\"']+$", url, re.IGNORECASE) else None


def citation_html(citation: dict) -> str:
    """A citation as HTML: escaped text, and its URL as a link only when it is http(s)
    (``rel="noopener noreferrer"``, opening in a new tab); anything else stays plain text."""
    from markupsafe import escape

    body = dict(citation, url=None)
    text = str(escape(citation_text(body)))
    url = citation.get("url")
    href = safe_href(url)
    if href:
        return (f'{text} <a href="{escape(href)}" rel="noopener noreferrer" target="_blank">{escape(href)}</a>')
    return f"{text} {escape(url)}" if url else text
