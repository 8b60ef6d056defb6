"""What a graph holds: entities per class, facts per kind, sources and quotes (``harbin-kg stats``)."""

from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from .diskstore import open_store
from .namespaces import PREFIXES

__all__ = ["ClassCount", "Stats", "graph_stats"]

_PREFIXES = "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items())

_PER_CLASS = _PREFIXES + """
SELECT ?class (COUNT(DISTINCT ?s) AS ?n) (SAMPLE(?zh0) AS ?zh) (SAMPLE(?en0) AS ?en) (SAMPLE(?fact0) AS ?fact)
WHERE {
  ?s a ?class .
  FILTER(STRSTARTS(STR(?s), "https://w3id.org/hrbvet/id/"))
  OPTIONAL { ?class rdfs:label ?zh0 FILTER(LANG(?zh0) = "zh") }
  OPTIONAL { ?class rdfs:label ?en0 FILTER(LANG(?en0) = "en") }
  BIND(EXISTS { ?class rdfs:subClassOf* hv:Fact } AS ?fact0)
}
GROUP BY ?class ORDER BY DESC(?n) ?class
"""

_INFERRED_PARTS = _PREFIXES + """
SELECT (COUNT(DISTINCT ?d) AS ?n) WHERE { ?d a time:Instant ; hv:assertionStatus ?s FILTER(?s != status:stated) }
"""

_TOTALS = _PREFIXES + """
SELECT
  (COUNT(DISTINCT ?q) AS ?quotes) (COUNT(DISTINCT ?src) AS ?sources) (COUNT(DISTINCT ?version) AS ?versions) (SAMPLE(?version) AS ?dataVersion)
WHERE {
  { ?q a hv:Quote } UNION { ?src a hv:SourceText } UNION { ?g dcterms:hasVersion ?version }
}
"""

_STATUS = _PREFIXES + """
SELECT ?status (COUNT(DISTINCT ?f) AS ?n) (SAMPLE(?zh0) AS ?zh) (SAMPLE(?en0) AS ?en)
WHERE {
  ?f hv:assertionStatus ?status .
  # A date or link node with its own status (a stated fact's inferred year) is not a fact.
  FILTER NOT EXISTS { ?f a time:Instant }
  OPTIONAL { ?status skos:prefLabel ?zh0 FILTER(LANG(?zh0) = "zh") }
  OPTIONAL { ?status skos:prefLabel ?en0 FILTER(LANG(?en0) = "en") }
}
GROUP BY ?status ORDER BY ?status
"""


@dataclass(frozen=True)
class ClassCount:
    iri: str
    label_zh: str
    label_en: str
    count: int
    is_fact: bool


@dataclass(frozen=True)
class Stats:
    triples: int
    classes: tuple[ClassCount, ...]
    statuses: tuple[ClassCount, ...]
    quotes: int
    sources: int
    data_version: str
    #: dates of facts whose own status is inferred (the fact's value is stated, its year is not)
    inferred_dates: int = 0

    @property
    def entities(self) -> tuple[ClassCount, ...]:
        return tuple(c for c in self.classes if not c.is_fact)

    @property
    def facts(self) -> tuple[ClassCount, ...]:
        return tuple(c for c in self.classes if c.is_fact)


def _value(term) -> str:
    return "" if term is None else term.value


def graph_stats(source: "Path | ox.Store") -> Stats:
    """Counts of a graph file or a pyoxigraph Store."""
    store = source if isinstance(source, ox.Store) else open_store(Path(source))
    classes = tuple(
        ClassCount(_value(r["class"]), _value(r["zh"]), _value(r["en"]), int(r["n"].value),
                   _value(r["fact"]) == "true")
        for r in store.query(_PER_CLASS)
    )
    statuses = tuple(
        ClassCount(_value(r["status"]), _value(r["zh"]), _value(r["en"]), int(r["n"].value), True)
        for r in store.query(_STATUS)
    )
    totals = next(iter(store.query(_TOTALS)))
    inferred_dates = int(next(iter(store.query(_INFERRED_PARTS)))["n"].value)
    return Stats(triples=len(store), classes=classes, statuses=statuses, quotes=int(totals["quotes"].value),
                 sources=int(totals["sources"].value), data_version=_value(totals["dataVersion"]),
                 inferred_dates=inferred_dates)
