"""What a graph holds: entities per class, facts per kind, sources and quotes (``harbin-kg stats``)."""

from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from .diskstore import open_store
from .store import solutions
from ..namespaces import PREFIXES

__all__ = ["ClassCount", "Stats", "graph_stats", "Coverage", "coverage"]

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
        for r in solutions(store, _PER_CLASS)
    )
    statuses = tuple(
        ClassCount(_value(r["status"]), _value(r["zh"]), _value(r["en"]), int(r["n"].value), True)
        for r in solutions(store, _STATUS)
    )
    totals = next(iter(solutions(store, _TOTALS)))
    inferred_dates = int(next(iter(solutions(store, _INFERRED_PARTS)))["n"].value)
    return Stats(triples=len(store), classes=classes, statuses=statuses, quotes=int(totals["quotes"].value),
                 sources=int(totals["sources"].value), data_version=_value(totals["dataVersion"]),
                 inferred_dates=inferred_dates)


# --------------------------------------------------------------------------- coverage (issue 11)

_ORG = 'FILTER(STRSTARTS(STR(?o), "https://w3id.org/hrbvet/id/org/") && !CONTAINS(STRAFTER(STR(?o), "/id/org/"), "/"))'

_YEAR = """?d (time:inXSDgYear|time:inXSDgYearMonth|time:inXSDDate) ?t . BIND(xsd:integer(SUBSTR(STR(?t), 1, 4)) AS ?y)"""

_BY_SOURCE_TYPE = _PREFIXES + """
SELECT ?type (COUNT(DISTINCT ?s) AS ?n) (SAMPLE(?zh0) AS ?zh) (SAMPLE(?en0) AS ?en) WHERE {
  { ?s a hv:CitedSource . OPTIONAL { ?s hv:sourceType ?type0 } }
  UNION { ?s a hv:SourceText }
  BIND(COALESCE(?type0, IF(EXISTS { ?s a hv:SourceText }, "shipped", "none")) AS ?type)
  OPTIONAL { ?type0 skos:prefLabel ?zh0 FILTER(LANG(?zh0) = "zh") }
  OPTIONAL { ?type0 skos:prefLabel ?en0 FILTER(LANG(?en0) = "en") }
} GROUP BY ?type ORDER BY DESC(?n) ?type
"""

# Named ties with both parties: a relator with two or more named agents, or a consortium membership
# (member and consortium are both named by definition).
_TIES = _PREFIXES + """
SELECT ?tie (MIN(?y0) AS ?year) WHERE {
  {
    SELECT ?tie WHERE { ?p hv:relator ?tie ; hv:agent ?a . } GROUP BY ?tie HAVING (COUNT(DISTINCT ?a) >= 2)
  } UNION {
    ?tie org:member ?m ; org:organization ?c .
  }
  OPTIONAL {
    { ?tie (hv:signedOn|hv:occurredOn|dcterms:date|schema:startDate) ?d } UNION { ?tie org:memberDuring/time:hasBeginning ?d }
    ?d (time:inXSDgYear|time:inXSDgYearMonth|time:inXSDDate) ?t . BIND(xsd:integer(SUBSTR(STR(?t), 1, 4)) AS ?y0)
  }
} GROUP BY ?tie
"""

_FIGURES = _PREFIXES + """
SELECT ?obs (MIN(?y0) AS ?year) WHERE {
  ?obs a hv:StatObservation ; sdmx-measure:obsValue ?v .
  OPTIONAL { ?obs sdmx-dimension:refPeriod ?d .
    ?d (time:inXSDgYear|time:inXSDgYearMonth|time:inXSDDate) ?t . BIND(xsd:integer(SUBSTR(STR(?t), 1, 4)) AS ?y0) }
} GROUP BY ?obs
"""

_SOURCE_YEARS = _PREFIXES + """
SELECT ?s (MIN(?y0) AS ?year) WHERE {
  ?s a hv:CitedSource . OPTIONAL { ?s dcterms:issued ?t . BIND(xsd:integer(SUBSTR(STR(?t), 1, 4)) AS ?y0) }
} GROUP BY ?s
"""

_ORGANISATIONS = _PREFIXES + """
SELECT (COUNT(DISTINCT ?o) AS ?n) (COUNT(DISTINCT ?h) AS ?harbin) WHERE {
  ?o a ?c . """ + _ORG + """
  OPTIONAL { ?o hv:inHarbinEcosystem true . BIND(?o AS ?h) }
}
"""


@dataclass(frozen=True)
class Coverage:
    """What the evidence covers: sources by type, organisations, named ties and dated figures,
    and per year (publication year of cited pages, year of ties and of figures)."""

    by_source_type: tuple[ClassCount, ...]
    sources: int
    cited_sources: int
    organisations: int
    organisations_in_harbin: int
    named_ties: int
    dated_ties: int
    figures: int
    dated_figures: int
    by_year: tuple[tuple[int, int, int, int], ...]  # (year, sources, ties, figures)

    def to_dict(self) -> dict:
        return {"by_source_type": [c.__dict__ for c in self.by_source_type], "sources": self.sources,
                "cited_sources": self.cited_sources, "organisations": self.organisations,
                "organisations_in_harbin": self.organisations_in_harbin, "named_ties": self.named_ties,
                "dated_ties": self.dated_ties, "figures": self.figures, "dated_figures": self.dated_figures,
                "by_year": [{"year": y, "sources": s, "ties": t, "figures": f} for y, s, t, f in self.by_year]}


def _years(store, query: str) -> list[int | None]:
    return [None if r["year"] is None else int(r["year"].value) for r in solutions(store, query)]


def coverage(source: "Path | ox.Store") -> Coverage:
    """Counts of sources (by type), organisations, named ties and dated figures, by year."""
    store = source if isinstance(source, ox.Store) else open_store(Path(source))
    types = []
    for r in solutions(store, _BY_SOURCE_TYPE):
        code = r["type"].value
        zh, en = _value(r["zh"]), _value(r["en"])
        if code == "shipped":
            zh, en = "随项目提供的来源文本", "shipped source text"
        elif code == "none":
            zh, en = "未注明类型", "no source type"
        types.append(ClassCount(code, zh, en, int(r["n"].value), False))
    ties, figures, pages = _years(store, _TIES), _years(store, _FIGURES), _years(store, _SOURCE_YEARS)
    orgs = next(iter(solutions(store, _ORGANISATIONS)))
    years = sorted({y for y in ties + figures + pages if y is not None})
    by_year = tuple((y, pages.count(y), ties.count(y), figures.count(y)) for y in years)
    return Coverage(
        by_source_type=tuple(types), sources=sum(t.count for t in types), cited_sources=len(pages),
        organisations=int(orgs["n"].value), organisations_in_harbin=int(orgs["harbin"].value),
        named_ties=len(ties), dated_ties=sum(y is not None for y in ties),
        figures=len(figures), dated_figures=sum(y is not None for y in figures), by_year=by_year)
