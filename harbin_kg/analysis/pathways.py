"""The 立交桥 (education "overpass"): stages, the mechanisms between them, and every route.

Each ``hv:Pathway`` fact is one direction of one step: ``hv:fromStage`` →
``hv:toStage`` (education-level concepts), one or more ``hv:mechanism``, the conditions in
``hv:eligibilityText`` and the quotes it was taken from. :func:`routes` chains them.

Stages are named by zh/en label, alias, notation (``ISCED-35``), code (``secondary-vocational``)
or IRI. A route *to* a stage also ends at any narrower stage (``skos:broader*``): a route to
应用型本科 is a route to 本科; the reverse is not assumed.
"""

from __future__ import annotations

from dataclasses import dataclass

import networkx as nx

from ..errors import HarbinKGError, UnknownEntity, close_matches
from ..graph.labels import local_name, normal_name
from ..namespaces import scheme
from .network_rows import quotes_of as fact_quotes
from .reading import open_store, select

__all__ = ["PathwayFact", "Hop", "Route", "NoRoute", "pathway_facts", "stages", "resolve_stage", "routes"]

LEVELS = str(scheme("education-level"))


class NoRoute(HarbinKGError):
    """No chain of pathway facts leads from one stage to the other."""


@dataclass(frozen=True)
class PathwayFact:
    """One ``hv:Pathway``: a step from one stage to another, with how and on what conditions."""

    iri: str
    from_stage: str
    to_stage: str
    mechanisms: tuple[str, ...]
    mechanism_labels: tuple[str, ...]
    mechanism_labels_en: tuple[str, ...]
    eligibility: tuple[str, ...]
    quotes: tuple[str, ...]
    quote_iris: tuple[str, ...]
    status: str | None
    label_zh: str
    label_en: str
    programme: str | None = None
    pathway_type: str | None = None


@dataclass(frozen=True)
class Hop:
    """One hop of a route: the pathway fact plus the stage names at both ends."""

    fact: PathwayFact
    from_zh: str
    from_en: str
    to_zh: str
    to_en: str

    def to_dict(self) -> dict:
        f = self.fact
        return {"from": f.from_stage, "from_zh": self.from_zh, "from_en": self.from_en,
                "to": f.to_stage, "to_zh": self.to_zh, "to_en": self.to_en, "pathway": f.iri,
                "mechanisms": list(f.mechanisms), "mechanisms_zh": list(f.mechanism_labels),
                "mechanisms_en": list(f.mechanism_labels_en), "conditions": list(f.eligibility),
                "quotes": list(f.quotes), "quote_iris": list(f.quote_iris), "status": f.status,
                "programme": f.programme}


@dataclass(frozen=True)
class Route:
    hops: tuple[Hop, ...]

    def to_dict(self) -> dict:
        return {"hops": [h.to_dict() for h in self.hops]}


def stages(source) -> dict[str, dict]:
    """Stage IRI → ``{label_zh, label_en, aliases, notation, broader}`` for education levels and
    every concept used as a pathway stage."""
    store = open_store(source)
    q = f"""SELECT ?c ?p ?o WHERE {{
      {{ SELECT DISTINCT ?c WHERE {{ {{ ?c skos:inScheme <{LEVELS.rstrip('/')}> }} UNION
         {{ ?x a hv:Pathway ; (hv:fromStage|hv:toStage) ?c }} }} }}
      VALUES ?p {{ skos:prefLabel skos:altLabel skos:notation skos:broader }} ?c ?p ?o }}"""
    out: dict[str, dict] = {}
    for row in select(store, q):
        c = row["c"].value
        d = out.setdefault(c, {"label_zh": None, "label_en": None, "aliases": [], "notation": None, "broader": []})
        p, o = local_name(row["p"].value), row["o"]
        lang = getattr(o, "language", None) or ""
        if p == "prefLabel":
            key = "label_en" if lang.startswith("en") else "label_zh"
            if d[key] is None or o.value < d[key]:
                d[key] = o.value
        elif p == "altLabel":
            d["aliases"].append(o.value)
        elif p == "notation":
            d["notation"] = o.value
        elif p == "broader":
            d["broader"].append(o.value)
    for c, d in out.items():
        d["label_zh"] = d["label_zh"] or d["label_en"] or local_name(c)
        d["label_en"] = d["label_en"] or d["label_zh"]
        d["aliases"].sort()
        d["broader"].sort()
    return out


def resolve_stage(source, name: str, *, known: dict[str, dict] | None = None) -> str:
    """The stage IRI named ``name``; :class:`UnknownEntity` with close matches otherwise."""
    known = stages(source) if known is None else known
    index: dict[str, set[str]] = {}
    for c, d in known.items():
        for key in [c, local_name(c), d["label_zh"], d["label_en"], d["notation"] or "", *d["aliases"]]:
            if key:
                index.setdefault(normal_name(key), set()).add(c)
    hits = index.get(normal_name(name), set())
    if len(hits) == 1:
        return next(iter(hits))
    keys = close_matches(normal_name(name), index, n=5, cutoff=0.4, contained=None)
    suggestions = []
    for k in keys:
        for c in sorted(index[k]):
            item = (known[c]["label_zh"], c)
            if item not in suggestions:
                suggestions.append(item)
    if not suggestions and not hits:
        suggestions = sorted((d["label_zh"], c) for c, d in known.items())
    raise UnknownEntity(name, suggestions[:8] if not hits else sorted((known[c]["label_zh"], c) for c in hits))


def pathway_facts(source) -> list[PathwayFact]:
    """Every ``hv:Pathway`` with its stages, mechanisms, conditions, status and quotes."""
    store = open_store(source)
    q = """SELECT ?pw ?from ?to ?m ?mzh ?men ?elig ?st ?lzh ?len ?prog ?ptype WHERE {
      ?pw a hv:Pathway ; hv:fromStage ?from ; hv:toStage ?to .
      OPTIONAL { ?pw hv:mechanism ?m .
        OPTIONAL { ?m skos:prefLabel ?mzh FILTER(langMatches(lang(?mzh), "zh")) }
        OPTIONAL { ?m skos:prefLabel ?men FILTER(langMatches(lang(?men), "en")) } }
      OPTIONAL { ?pw hv:eligibilityText ?elig }
      OPTIONAL { ?pw hv:assertionStatus ?st }
      OPTIONAL { ?pw skos:prefLabel ?lzh FILTER(langMatches(lang(?lzh), "zh")) }
      OPTIONAL { ?pw skos:prefLabel ?len FILTER(langMatches(lang(?len), "en")) }
      OPTIONAL { ?pw hv:partOfProgramme ?prog } OPTIONAL { ?pw hv:pathwayType ?ptype } }"""
    raw: dict[str, dict] = {}
    for row in select(store, q):
        pw = row["pw"].value
        d = raw.setdefault(pw, {"from": row["from"].value, "to": row["to"].value, "mech": {}, "elig": set(),
                                "st": None, "lzh": None, "len": None, "prog": None, "ptype": None})
        if row["m"] is not None:
            d["mech"].setdefault(row["m"].value, [None, None])
            if row["mzh"] is not None:
                d["mech"][row["m"].value][0] = row["mzh"].value
            if row["men"] is not None:
                d["mech"][row["m"].value][1] = row["men"].value
        if row["elig"] is not None:
            d["elig"].add(row["elig"].value)
        for key, var in (("lzh", "lzh"), ("len", "len")):
            if row[var] is not None:
                d[key] = row[var].value
        if row["st"] is not None:
            d["st"] = local_name(row["st"].value)
        if row["prog"] is not None:
            d["prog"] = row["prog"].value
        if row["ptype"] is not None:
            d["ptype"] = row["ptype"].value
    quotes = fact_quotes(store, raw)
    facts = []
    for pw, d in sorted(raw.items()):
        mechs = sorted(d["mech"])
        facts.append(PathwayFact(
            iri=pw, from_stage=d["from"], to_stage=d["to"], mechanisms=tuple(mechs),
            mechanism_labels=tuple(d["mech"][m][0] or d["mech"][m][1] or local_name(m) for m in mechs),
            mechanism_labels_en=tuple(d["mech"][m][1] or d["mech"][m][0] or local_name(m) for m in mechs),
            eligibility=tuple(sorted(d["elig"])), quotes=tuple(q["exact"] for q in quotes.get(pw, [])),
            quote_iris=tuple(q["iri"] for q in quotes.get(pw, [])), status=d["st"],
            label_zh=d["lzh"] or d["len"] or local_name(pw), label_en=d["len"] or d["lzh"] or local_name(pw),
            programme=d["prog"], pathway_type=d["ptype"]))
    return facts


def _narrower_or_self(known: dict[str, dict], stage: str) -> set[str]:
    children: dict[str, set[str]] = {}
    for c, d in known.items():
        for b in d["broader"]:
            children.setdefault(b, set()).add(c)
    out, todo = {stage}, [stage]
    while todo:
        for c in children.get(todo.pop(), ()):
            if c not in out:
                out.add(c)
                todo.append(c)
    return out


def routes(source, from_stage: str, to_stage: str, *, statuses=("stated",), max_hops: int = 6) -> list[Route]:
    """Every route from ``from_stage`` to ``to_stage`` (names or IRIs), hop by hop.

    A route is a chain of pathway facts without repeated stages; different facts for the same
    step give different routes. Routes come shortest first, then by stage labels.
    Raises :class:`UnknownEntity` for an unknown stage and :class:`NoRoute` when none exists.
    """
    store = open_store(source)
    known = stages(store)
    start = resolve_stage(store, from_stage, known=known)
    goal = resolve_stage(store, to_stage, known=known)
    starts, goals = _narrower_or_self(known, start), _narrower_or_self(known, goal)
    facts = [f for f in pathway_facts(store) if statuses is None or f.status in statuses]
    M = nx.MultiDiGraph()
    for f in facts:
        M.add_edge(f.from_stage, f.to_stage, key=f.iri, fact=f)
    name = {c: (d["label_zh"], d["label_en"]) for c, d in known.items()}
    found: list[Route] = []
    for s in sorted(starts & set(M)):
        for g in sorted(goals & set(M)):
            if s == g:
                continue
            for path in nx.all_simple_edge_paths(M, s, g, cutoff=max_hops):
                hops = []
                for u, v, k in path:
                    f = M.edges[u, v, k]["fact"]
                    fu, fv = name.get(u, (local_name(u),) * 2), name.get(v, (local_name(v),) * 2)
                    hops.append(Hop(f, fu[0], fu[1], fv[0], fv[1]))
                found.append(Route(tuple(hops)))
    if not found:
        raise NoRoute(
            f"No route from {known[start]['label_zh']} ({known[start]['label_en']}) to "
            f"{known[goal]['label_zh']} ({known[goal]['label_en']}) in the "
            f"{'/'.join(statuses) if statuses else 'any-status'} pathway facts ({len(facts)} pathways)"
            + ("; try --include-inferred." if statuses and len(statuses) < 3 else "."))
    return sorted(found, key=lambda r: (len(r.hops), [(h.to_zh, h.fact.iri) for h in r.hops]))
