"""Quotes: verbatim slices of a source text, located by the build, never by hand.

A curator writes ``hv:quote "…"`` (or ``hv:quote [ oa:prefix "…" ; oa:exact "…" ]`` when the
words occur more than once). :func:`expand_quotes` finds the slice, computes its offsets in
Unicode code points (Python ``str`` indices = SPARQL ``SUBSTR`` positions) and writes a W3C
Web Annotation ``hv:Quote`` with a ``TextQuoteSelector`` and a ``TextPositionSelector``.
"""

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, SKOS, XSD
from rdflib.term import Node

from ..errors import DataError
from ..namespaces import HV, ID, OA

__all__ = ["Source", "Span", "locate", "expand_quotes", "skolemize", "line_of", "quote_iri", "CONTEXT"]

#: Characters of context stored as oa:prefix / oa:suffix around every quote.
CONTEXT = 12


@dataclass(frozen=True)
class Source:
    """A source text: its slug (``seed-article``), file, decoded text and ``<text/slug>`` IRI."""

    slug: str
    path: Path
    text: str
    iri: URIRef


@dataclass(frozen=True)
class Span:
    start: int
    end: int


def _occurrences(text: str, needle: str) -> list[int]:
    found, start = [], text.find(needle)
    while start != -1:
        found.append(start)
        start = text.find(needle, start + 1)
    return found


def locate(source: Source, exact: str, prefix: str = "", suffix: str = "") -> Span | str:
    """The one place ``prefix + exact + suffix`` stands in the source, or why there is none."""
    if len(exact) < 2:
        return "is shorter than two characters"
    hits = _occurrences(source.text, prefix + exact + suffix)
    if len(hits) == 1:
        start = hits[0] + len(prefix)
        return Span(start, start + len(exact))
    if not hits:
        hint = ""
        if "，" in exact or "," in exact:
            hint = " (check ASCII ',' against full-width '，': copy quotes from the file, never retype)"
        elif "\n" not in exact and _occurrences(source.text.replace("\n\n", ""), exact):
            hint = r" (a page-layout break falls inside it: write it as \n\n in the literal)"
        return f"is not in {source.path.name}{hint}"
    where = ", ".join(str(h + len(prefix)) for h in hits[:5])
    return (f"occurs {len(hits)} times in {source.path.name} (at {where}); say which with "
            "hv:quote [ oa:prefix \"words just before\" ; oa:exact \"…\" ] or oa:suffix")


def quote_iri(source: Source, span: Span) -> URIRef:
    return ID[f"quote/{source.slug}/{span.start}-{span.end}"]


@lru_cache(maxsize=64)
def _file_lines(path: Path) -> tuple[str, ...]:
    try:
        return tuple(path.read_text(encoding="utf-8").splitlines())
    except (OSError, UnicodeDecodeError):
        return ()


def line_of(path: Path, needle: str) -> int | str:
    """The first line of ``path`` mentioning ``needle`` (for error messages), or ``?``."""
    probes = [needle, needle.replace("\n", "\\n"), needle.split("\n")[0][:24]]
    for probe in probes:
        if not probe:
            continue
        for number, line in enumerate(_file_lines(Path(path)), start=1):
            if probe in line:
                return number
    return "?"


def _quote_parts(path: Path, graph: Graph, value) -> tuple[str, str, str]:
    if isinstance(value, Literal):
        return str(value), "", ""
    if isinstance(value, BNode):
        exact = graph.value(value, OA.exact)
        if exact is None:
            raise DataError(f"{path}: a hv:quote [ … ] has no oa:exact; give the quoted words as oa:exact.")
        return (str(exact), str(graph.value(value, OA.prefix) or ""), str(graph.value(value, OA.suffix) or ""))
    raise DataError(f"{path}, line {line_of(path, str(value))}: hv:quote takes the quoted words, not <{value}>.")


def expand_quotes(path: Path, graph: Graph, source: Source) -> tuple[Graph, Graph, dict]:
    """Replace every ``hv:quote`` of ``graph`` with ``hv:evidence`` to a located ``hv:Quote``.

    Returns the rewritten graph, the graph of Quote nodes, and each subject's quoted words
    (for the verbatim-literal check).
    """
    out = Graph()
    quotes = Graph()
    own: dict = {}
    selector_nodes = set()
    for subject, value in graph.subject_objects(HV.quote):
        exact, prefix, suffix = _quote_parts(path, graph, value)
        if isinstance(value, BNode):
            selector_nodes.add(value)
        span = locate(source, exact, prefix, suffix)
        if isinstance(span, str):
            shown = exact if len(exact) <= 40 else exact[:37] + "…"
            raise DataError(
                f'{path}, line {line_of(path, exact)}: the quote "{shown}" {span} (引文必须逐字摘自原文).'
            )
        iri = quote_iri(source, span)
        out.add((subject, HV.evidence, iri))
        own.setdefault(subject, []).append(exact)
        _add_quote(quotes, source, span, iri)
    for triple in graph:
        s, p, o = triple
        if p == HV.quote or s in selector_nodes:
            continue
        out.add(triple)
    return out, quotes, own


def _add_quote(quotes: Graph, source: Source, span: Span, iri: URIRef) -> None:
    text = source.text
    exact = text[span.start:span.end]
    selector, position = URIRef(f"{iri}/text"), URIRef(f"{iri}/position")
    quotes.add((iri, RDF.type, HV.Quote))
    quotes.add((iri, SKOS.prefLabel, Literal(f"引文 {source.slug} {span.start}–{span.end}", lang="zh")))
    quotes.add((iri, SKOS.prefLabel, Literal(f"Quote {source.slug} {span.start}–{span.end}", lang="en")))
    quotes.add((iri, OA.hasSource, source.iri))
    quotes.add((iri, OA.hasSelector, selector))
    quotes.add((iri, OA.hasSelector, position))
    quotes.add((selector, RDF.type, OA.TextQuoteSelector))
    quotes.add((selector, OA.exact, Literal(exact)))
    prefix = text[max(0, span.start - CONTEXT):span.start]
    suffix = text[span.end:span.end + CONTEXT]
    if prefix:
        quotes.add((selector, OA.prefix, Literal(prefix)))
    if suffix:
        quotes.add((selector, OA.suffix, Literal(suffix)))
    quotes.add((position, RDF.type, OA.TextPositionSelector))
    quotes.add((position, OA.start, Literal(span.start, datatype=XSD.nonNegativeInteger)))
    quotes.add((position, OA.end, Literal(span.end, datatype=XSD.nonNegativeInteger)))


def _local(predicate: Node) -> str:
    text = str(predicate)
    return text.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def skolemize(path: Path, graph: Graph, leave: tuple = ()) -> tuple[Graph, dict]:
    """Give every blank node the stable IRI ``<parent>/<predicate local name>``.

    Returns the new graph and a map child IRI → parent IRI. A blank node with no IRI
    parent, or two blank nodes under one subject and predicate, is an error: stable
    names need one parent and one slot. Blank-node objects of the predicates in ``leave``
    (``hv:cite``, which names its nodes itself, several per subject) stay blank.
    """
    names: dict[BNode, URIRef] = {}
    parents: dict[URIRef, URIRef] = {}
    left = {o for p in leave for o in graph.objects(None, p) if isinstance(o, BNode)}
    pending = True
    while pending:
        pending = False
        for subject, predicate, obj in sorted(graph, key=lambda t: (str(t[0]), str(t[1]), str(t[2]))):
            if not isinstance(obj, BNode) or obj in names or obj in left:
                continue
            parent = subject if isinstance(subject, URIRef) else names.get(subject) if isinstance(subject, BNode) else None
            if parent is None:
                continue
            iri = URIRef(f"{parent}/{_local(predicate)}")
            if iri in names.values():
                raise DataError(
                    f"{path}, line {line_of(path, _local(predicate))}: <{parent}> has two blank nodes under "
                    f"{_local(predicate)}; give each an IRI of its own."
                )
            names[obj] = iri
            parents[iri] = parent
            pending = True
    orphans = {s for s in graph.subjects() if isinstance(s, BNode) and s not in names and s not in left}
    if orphans:
        raise DataError(f"{path}: a blank node [ … ] stands on its own; give it an IRI (see data/README.md).")
    out = Graph()
    for s, p, o in graph:
        out.add((names.get(s, s) if isinstance(s, BNode) else s, p, names.get(o, o) if isinstance(o, BNode) else o))
    return out, parents
