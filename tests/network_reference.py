"""The partnership projections as harbin_kg.analysis.network computed them before the streamed rows
(commit 5eadc60): SPARQL SELECTs, a two-mode graph, then :func:`one_mode`. Kept only here, as
the slow reference the fast projection is tested against (tests/test_network_fast.py).
"""


from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import asdict, dataclass, replace
from itertools import combinations
from pathlib import Path

import networkx as nx
import pyoxigraph as ox
from rdflib import Graph as RDFGraph

from harbin_kg.errors import HarbinKGError
from harbin_kg.graph.labels import local_name
from harbin_kg.namespaces import HV, ID, PREFIXES
from harbin_kg.graph.store import load_store, store_from_graph

__all__ = [
    "RELATION_KINDS", "HIERARCHY_KINDS", "DOCUMENT_KINDS", "STATUSES", "STATED", "Projection",
    "PROJECTIONS", "UnknownProjection", "EmptyProjection", "open_store", "data_version",
    "get_projection", "project", "two_mode", "one_mode", "hierarchy", "documents", "goals", "GOAL_KINDS",
    "pathway_graph", "ecosystem", "relator_years", "GRAPH_IRI", "RELIABILITY", "SCOPES", "citations_of",
]

logger = logging.getLogger(__name__)

GRAPH_IRI = str(ID) + "graph/harbin-kg"
STATUS_NS = PREFIXES["status"]
STATED = "stated"
STATUSES = ("stated", "inferred-context", "inferred-caption")
#: Reliability grades of cited pages (the reliability scheme's skos:notation), lowest first.
RELIABILITY = {"low": 1, "medium": 2, "high": 3}
#: ``all``: every organisation; ``harbin``: those the build derived hv:inHarbinEcosystem for.
SCOPES = ("all", "harbin")

#: Relator kinds of the two-mode/partnership projections → the class that marks them
#: (checked in this order, so a PilotProgramme is a pilot, not an initiative).
RELATION_KINDS = {
    "agreement": str(HV.Agreement),
    "consortium": str(HV.Consortium),
    "pilot": str(HV.PilotProgramme),
    "initiative": str(HV.JointInitiative),
    "event": str(HV.Event),
}
#: Hierarchy kinds → predicate (edge direction subject → object).
HIERARCHY_KINDS = {
    "sub-organization": "http://www.w3.org/ns/org#subOrganizationOf",
    "competent-authority": str(HV.competentAuthority),
    "governs": str(HV.governs),
    "guided-by": str(HV.guidedBy),
    "issuer": PREFIXES["eli"] + "passed_by",
}
#: Document-layer kinds → predicate.
DOCUMENT_KINDS = {
    "issuer": PREFIXES["eli"] + "passed_by",
    "transmits": str(HV.transmits),
    "part-of": PREFIXES["eli"] + "is_part_of",
    "based-on": PREFIXES["eli"] + "based_on",
    "cites": PREFIXES["eli"] + "cites",
}
#: Goals-layer kinds → predicate: what the plan aims at, who is recognised, what changes.
#: These facts carry an assertion status, so the status filter applies to them.
GOAL_KINDS = {
    "target-scope": str(HV.scope),
    "set-by": str(HV.setBy),
    "recipient": str(HV.recipient),
    "conferred-by": str(HV.conferredBy),
    "original-organization": "http://www.w3.org/ns/org#originalOrganization",
    "resulting-organization": "http://www.w3.org/ns/org#resultingOrganization",
}


class UnknownProjection(HarbinKGError):
    """A projection or relation kind that does not exist; the message lists the valid ones."""


class EmptyProjection(HarbinKGError):
    """A projection that the filters left without nodes (or without edges where edges are needed)."""


@dataclass(frozen=True)
class Projection:
    """A named, reproducible recipe for turning facts into a network.

    ``kinds`` are relation kinds (see :data:`RELATION_KINDS`, :data:`HIERARCHY_KINDS`,
    :data:`DOCUMENT_KINDS`); ``statuses`` the assertion statuses kept; ``years`` the relator
    years kept (``None`` = all, undated included); ``weighting`` ``"newman"`` (1/(n−1) per
    shared relator), ``"count"`` (1 per shared relator) or ``"none"``.
    """

    name: str
    title_zh: str
    title_en: str
    shape: str  # "two-mode" | "one-mode" | "hierarchy" | "documents" | "pathways" | "ecosystem"
    kinds: tuple[str, ...] = ()
    statuses: tuple[str, ...] = (STATED,)
    years: tuple[int, ...] | None = None
    weighting: str = "none"
    directed: bool = False
    description: str = ""
    min_reliability: str | None = None
    scope: str = "all"

    def with_filters(self, *, kinds: Iterable[str] | None = None, statuses: Iterable[str] | None = None,
                     years: Iterable[int] | None = None, min_reliability: str | None = None,
                     scope: str | None = None) -> "Projection":
        """The same projection with other filters (checked); ``None`` keeps the current value."""
        spec = self
        if min_reliability is not None:
            if min_reliability not in RELIABILITY:
                raise UnknownProjection(
                    f"Unknown reliability grade {min_reliability!r}; valid: {', '.join(RELIABILITY)}.")
            spec = replace(spec, min_reliability=min_reliability)
        if scope is not None:
            if scope not in SCOPES:
                raise UnknownProjection(f"Unknown scope {scope!r}; valid: {', '.join(SCOPES)}.")
            spec = replace(spec, scope=scope)
        if kinds is not None:
            kinds = tuple(sorted(set(kinds)))
            valid = _valid_kinds(self.shape)
            bad = [k for k in kinds if k not in valid]
            if bad:
                raise UnknownProjection(
                    f"Unknown relation kind {', '.join(bad)} for projection {self.name}; "
                    f"valid kinds: {', '.join(valid)}.")
            spec = replace(spec, kinds=kinds)
        if statuses is not None:
            statuses = tuple(s for s in STATUSES if s in set(statuses))
            bad = sorted(set(statuses) - set(STATUSES))
            if bad or not statuses:
                raise UnknownProjection(f"Unknown assertion status {bad}; valid: {', '.join(STATUSES)}.")
            spec = replace(spec, statuses=statuses)
        if years is not None:
            spec = replace(spec, years=tuple(sorted({int(y) for y in years})))
        return spec

    def to_dict(self) -> dict:
        data = asdict(self)
        data["kinds"] = list(self.kinds)
        data["statuses"] = list(self.statuses)
        data["years"] = None if self.years is None else list(self.years)
        return data


def _valid_kinds(shape: str) -> list[str]:
    if shape == "hierarchy":
        return list(HIERARCHY_KINDS)
    if shape == "documents":
        return list(DOCUMENT_KINDS)
    if shape == "goals":
        return list(GOAL_KINDS)
    if shape == "pathways":
        return []
    return list(RELATION_KINDS)


_PARTNER_KINDS = ("agreement", "consortium", "initiative", "pilot")

PROJECTIONS: dict[str, Projection] = {p.name: p for p in (
    Projection("two-mode", "组织—事实二模网络", "Organisations × relators (two-mode)", "two-mode",
               _PARTNER_KINDS, description="Organisations and the relators that join them: agreements, "
               "consortia (via memberships), co-built initiatives, pilot programmes; one edge per participation."),
    Projection("partnership", "合作伙伴网络", "Partnership network (organisation–organisation)", "one-mode",
               _PARTNER_KINDS, weighting="newman", description="Two organisations are linked where they share a "
               "relator; each shared relator with n parties adds 1/(n-1) to the edge weight (Newman 2001)."),
    Projection("membership", "联合体成员网络", "Consortium memberships (two-mode)", "two-mode", ("consortium",),
               description="Organisations × consortia, from consortium memberships only."),
    Projection("hierarchy", "行政隶属层级", "Administrative hierarchy", "hierarchy", tuple(HIERARCHY_KINDS),
               statuses=STATUSES, directed=True, description="Child → parent: sub-organisation, competent "
               "authority, body → governed place, agreement → guiding agreement, document → issuer."),
    Projection("documents", "政策文件网络", "Policy documents", "documents", tuple(DOCUMENT_KINDS),
               statuses=STATUSES, directed=True, description="Documents, their issuers, parts, what they "
               "transmit, are based on or cite."),
    Projection("goals", "目标、认定与变更", "Targets, designations and changes", "goals", tuple(GOAL_KINDS),
               directed=True, description="Fact → entity: a target → what it is about (scope) and the document "
               "that sets it; a designation → its recipient and who conferred it; an organisation change → "
               "the original and resulting organisation. Filtered by the facts' assertion status."),
    Projection("pathways", "升学路径（立交桥）", "Education pathways (the overpass)", "pathways", (),
               directed=True, description="Education stages; one edge per stage pair, with the pathways and "
               "mechanisms that connect them."),
    Projection("ecosystem", "政策生态全景", "Policy ecosystem (all layers)", "ecosystem", _PARTNER_KINDS,
               directed=True, description="Union of two-mode, hierarchy, documents, goals and pathways; each edge "
               "has a layer attribute."),
)}


def get_projection(name: str | Projection) -> Projection:
    """The registered projection called ``name`` (or ``name`` itself if already a Projection)."""
    if isinstance(name, Projection):
        return name
    try:
        return PROJECTIONS[name]
    except KeyError:
        raise UnknownProjection(
            f"Unknown projection {name!r}; valid projections: {', '.join(PROJECTIONS)}.") from None


# --------------------------------------------------------------------------- reading the store

def open_store(source) -> ox.Store:
    """A pyoxigraph Store from a path, a Store or an rdflib Graph."""
    from harbin_kg.graph.remote import EndpointStore

    if isinstance(source, (ox.Store, EndpointStore)):
        return source
    if isinstance(source, RDFGraph):
        return store_from_graph(source)
    if isinstance(source, (str, Path)):
        return load_store(Path(source))
    raise TypeError(f"expected a graph path, a pyoxigraph.Store or an rdflib.Graph, not {type(source).__name__}")


_PREFIX_BLOCK = "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items())


def _select(store: ox.Store, query: str) -> list[dict]:
    solutions = store.query(_PREFIX_BLOCK + query)
    names = [v.value for v in solutions.variables]
    return [{n: s[n] for n in names} for s in solutions]


def _rows(store: ox.Store, query: str):
    """Stream a SELECT's rows as tuples of terms (``None`` where unbound), in variable order:
    no dict per row, which matters at tens of thousands of rows."""
    return map(tuple, store.query(_PREFIX_BLOCK + query))


def _v(term):
    return None if term is None else term.value


def data_version(source) -> str | None:
    """The data version the build recorded (``dcterms:hasVersion`` on the graph IRI), if any."""
    rows = _select(open_store(source), f"SELECT ?v WHERE {{ <{GRAPH_IRI}> dcterms:hasVersion ?v }} ORDER BY ?v")
    return rows[0]["v"].value if rows else None


def _values(iris: Iterable[str], size: int = 400) -> list[str]:
    iris = sorted(set(iris))
    return [" ".join(f"<{i}>" for i in iris[k:k + size]) for k in range(0, len(iris), size)]


def _subclass_closure(store: ox.Store) -> dict[str, set[str]]:
    """class → all its (strict) superclasses, from rdfs:subClassOf in the graph."""
    parents: dict[str, set[str]] = defaultdict(set)
    for row in _select(store, "SELECT ?a ?b WHERE { ?a rdfs:subClassOf ?b FILTER(isIRI(?a) && isIRI(?b)) }"):
        parents[row["a"].value].add(row["b"].value)
    closure: dict[str, set[str]] = {}

    def up(c: str, seen: set[str]) -> set[str]:
        if c in closure:
            return closure[c]
        out: set[str] = set()
        for p in parents.get(c, ()):
            if p not in seen:
                out |= {p} | up(p, seen | {p})
        closure[c] = out
        return out

    for c in list(parents):
        up(c, {c})
    return closure


def _most_specific(types: set[str], closure: dict[str, set[str]]) -> str | None:
    if not types:
        return None
    if len(types) == 1:
        return next(iter(types))
    supers = set().union(*(closure.get(t, set()) for t in types))
    best = [t for t in types if t not in supers] or list(types)
    return sorted(best, key=lambda t: (not t.startswith(str(HV)), t))[0]


def _node_info(store: ox.Store, iris: Iterable[str], closure: dict[str, set[str]] | None = None) -> dict[str, dict]:
    """Node attributes: iri, kind, kind_iri, label_zh, label_en, placeholder."""
    closure = _subclass_closure(store) if closure is None else closure
    found: dict[str, dict] = {}
    # One subject lookup per node (FILTER on ?p, not a second VALUES: with VALUES ?p Oxigraph
    # hash-joins against every triple of those predicates, ~5 s per chunk at 1M triples).
    for chunk in _values(iris, 2000):
        q = f"""SELECT ?n ?p ?o WHERE {{ VALUES ?n {{ {chunk} }} ?n ?p ?o
            FILTER(?p IN (rdf:type, skos:prefLabel, rdfs:label, hv:isPlaceholder)) }}"""
        for n, p, o in _rows(store, q):
            d = found.setdefault(n.value, {"types": set(), "zh": [], "en": [], "other": [], "ph": False})
            p = p.value
            if p.endswith("#type"):
                if isinstance(o, ox.NamedNode):
                    d["types"].add(o.value)
            elif p == str(HV.isPlaceholder):
                d["ph"] = o.value in ("true", "1")
            elif isinstance(o, ox.Literal):
                lang = (o.language or "").split("-")[0]
                d[lang if lang in ("zh", "en") else "other"].append((p.endswith("prefLabel"), o.value))
    info = {}
    for iri in iris:
        d = found.get(iri, {"types": set(), "zh": [], "en": [], "other": [], "ph": False})
        pick = {k: (d[k][0][1] if len(d[k]) == 1 else min(d[k], key=lambda x: (not x[0], x[1]))[1]) if d[k] else None
                for k in ("zh", "en", "other")}
        kind_iri = _most_specific(d["types"], closure)
        fallback = pick["zh"] or pick["en"] or pick["other"] or local_name(iri)
        info[iri] = {
            "iri": iri,
            "kind": local_name(kind_iri) if kind_iri else "Thing",
            "kind_iri": kind_iri or "",
            "label_zh": pick["zh"] or fallback,
            "label_en": pick["en"] or fallback,
            "placeholder": d["ph"],
        }
    return info


def _quotes(store: ox.Store, facts: Iterable[str]) -> dict[str, list[dict]]:
    """fact IRI → its quotes ``{"iri", "exact", "start"}`` in text order."""
    # Two steps: fact → quote links, then each distinct quote's text and start once (many facts
    # share a quote, so this reads far fewer rows than joining the selectors per fact).
    links: dict[str, list[str]] = defaultdict(list)
    for chunk in _values(facts, 2000):
        for f, q in _rows(store, f"SELECT DISTINCT ?f ?q WHERE {{ VALUES ?f {{ {chunk} }} ?f hv:evidence ?q }}"):
            if isinstance(q, ox.NamedNode):
                links[f.value].append(q.value)
    texts: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for chunk in _values({q for qs in links.values() for q in qs}, 2000):
        q = f"""SELECT DISTINCT ?q ?exact ?start WHERE {{ VALUES ?q {{ {chunk} }}
            ?q oa:hasSelector ?s . ?s oa:exact ?exact .
            OPTIONAL {{ ?q oa:hasSelector ?p . ?p oa:start ?start }} }}"""
        for qi, exact, start in _rows(store, q):
            texts[qi.value].append((exact.value, int(start.value) if start is not None else -1))
    out: dict[str, list[dict]] = defaultdict(list)
    for f, qs in links.items():
        for qi in qs:
            out[f] += [{"iri": qi, "exact": exact, "start": start} for exact, start in texts.get(qi, ())]
    for f in list(out):
        if not out[f]:
            del out[f]
            continue
        seen, uniq = set(), []
        for item in sorted(out[f], key=lambda x: (x["start"], x["iri"])):
            if item["iri"] not in seen:
                seen.add(item["iri"])
                uniq.append(item)
        out[f] = uniq
    return out


def citations_of(store: ox.Store, facts: Iterable[str]) -> dict[str, list[dict]]:
    """fact IRI → its citations (pages the project does not ship), ordered by page and locator.

    Each is ``{"iri", "source", "url", "outlet", "original_outlet", "issued", "locator",
    "key_phrase", "grade", "text"}``; ``grade`` is the page's reliability notation (0 if ungraded)
    and ``text`` one readable line (:func:`harbin_kg.sources.citations.citation_text`).
    """
    from harbin_kg.sources.citations import citation_text, locator_key

    out: dict[str, list[dict]] = defaultdict(list)
    for chunk in _values(facts, 2000):
        q = f"""SELECT ?f ?c ?s ?url ?outlet ?orig ?issued ?loc ?kp ?grade WHERE {{ VALUES ?f {{ {chunk} }}
            ?f hv:evidence ?c . ?c hv:source ?s .
            OPTIONAL {{ ?s schema:url ?url }} OPTIONAL {{ ?s hv:outlet ?outlet }}
            OPTIONAL {{ ?s hv:originalOutlet ?orig }} OPTIONAL {{ ?s dcterms:issued ?issued }}
            OPTIONAL {{ ?c hv:locator ?loc }} OPTIONAL {{ ?c hv:keyPhrase ?kp }}
            OPTIONAL {{ ?s hv:reliability/skos:notation ?grade }} }}"""
        for f, c, src, url, outlet, orig, issued, loc, kp, grade in _rows(store, q):
            item = {"iri": c.value, "source": src.value, "url": _v(url), "outlet": _v(outlet),
                    "original_outlet": _v(orig), "issued": _v(issued), "locator": _v(loc), "key_phrase": _v(kp),
                    "grade": int(grade.value) if grade is not None and grade.value.isdigit() else 0}
            item["text"] = citation_text(item)
            if all(x["iri"] != item["iri"] for x in out[f.value]):
                out[f.value].append(item)
    for items in out.values():
        items.sort(key=lambda c: (c["source"], locator_key(c["locator"] or ""), c["key_phrase"] or "", c["iri"]))
    return dict(out)


def _in_harbin(store: ox.Store) -> set[str]:
    return {row[0].value for row in _rows(store, "SELECT ?o WHERE { ?o hv:inHarbinEcosystem true }")}


_YEAR_OF = """OPTIONAL {{ {s} (hv:signedOn|hv:occurredOn|dcterms:issued|dcterms:date|schema:startDate) ?d0 .
      OPTIONAL {{ ?d0 (time:inXSDgYear|time:inXSDgYearMonth|time:inXSDDate|time:inXSDDateTimeStamp|time:inXSDDateTime) ?d1 }} }}"""


def _year(*terms) -> int | None:
    for t in terms:
        if t is not None and isinstance(t, ox.Literal):
            text = t.value.lstrip("-")
            if len(text) >= 4 and text[:4].isdigit():
                return int(text[:4])
    return None


def relator_years(source) -> dict[str, int]:
    """Relator IRI → year (own date, else earliest membership start) for every dated relator."""
    store = open_store(source)
    return {iri: r["year"] for iri, r in _relators(store).items() if r["year"] is not None}


def _relators(store: ox.Store) -> dict[str, dict]:
    """Every relator reached by a participation or membership: kind, status, year."""
    q = f"""SELECT ?rel ?t ?st ?d0 ?d1 WHERE {{
      {{ SELECT DISTINCT ?rel WHERE {{ {{ ?x a hv:Participation ; hv:relator ?rel }} UNION
         {{ ?x a ?mt ; org:organization ?rel . VALUES ?mt {{ hv:ConsortiumMembership org:Membership }} }} }} }}
      OPTIONAL {{ ?rel a ?t }} OPTIONAL {{ ?rel hv:assertionStatus ?st }}
      {_YEAR_OF.format(s="?rel")} }}"""
    rel: dict[str, dict] = {}
    for row in _select(store, q):
        r = rel.setdefault(row["rel"].value, {"types": set(), "status": None, "year": None})
        if row["t"] is not None:
            r["types"].add(row["t"].value)
        if row["st"] is not None:
            r["status"] = local_name(row["st"].value)
        y = _year(row["d1"], row["d0"])
        if y is not None and (r["year"] is None or y < r["year"]):
            r["year"] = y
    for r in rel.values():
        r["kind"] = next((k for k, c in RELATION_KINDS.items() if c in r["types"]), None)
        if str(HV.AgreementTie) in r["types"]:  # one counterpart's tie of an agreement
            r["kind"] = "agreement"
        if r["kind"] is None:  # membership of an organisation that is not typed a Consortium
            r["kind"] = "consortium" if any("Organization" in t or "Collaboration" in t for t in r["types"]) else "other"
    return rel


_PARTICIPATION_QUERIES = (
    # Participations and memberships in two SELECTs (a UNION with the membership-date path made
    # Oxigraph evaluate the whole thing ~4× slower at 1M triples); rows are streamed.
    """SELECT ?part ?rel ?agent ?role ?st WHERE {
      ?part a hv:Participation ; hv:relator ?rel ; hv:agent ?agent . OPTIONAL { ?part hv:role ?role }
      OPTIONAL { ?part hv:assertionStatus ?st }
      FILTER(isIRI(?agent) && isIRI(?rel)) }""",
    """SELECT ?part ?rel ?agent ?role ?st ?md WHERE {
      ?part a ?mt ; org:member ?agent ; org:organization ?rel . VALUES ?mt { hv:ConsortiumMembership org:Membership }
      OPTIONAL { ?part org:role ?role }
      OPTIONAL { ?part org:memberDuring ?dur . ?dur (time:hasBeginning|time:hasEnd)? ?b .
                 ?b (time:inXSDgYear|time:inXSDgYearMonth|time:inXSDDate) ?md }
      OPTIONAL { ?part hv:assertionStatus ?st }
      FILTER(isIRI(?agent) && isIRI(?rel)) }""",
)


def _participations(store: ox.Store) -> list[dict]:
    parts: dict[tuple, dict] = {}
    rows = (row + (None,) * (6 - len(row)) for q in _PARTICIPATION_QUERIES for row in _rows(store, q))
    for part, rel, agent, role, st, md in rows:
        key = (part.value if isinstance(part, ox.NamedNode) else str(part), rel.value, agent.value)
        p = parts.get(key)
        if p is None:
            p = parts[key] = {"part": key[0], "relator": key[1], "agent": key[2], "roles": set(),
                              "status": None, "year": None}
        if role is not None:
            p["roles"].add(local_name(role.value))
        if st is not None:
            p["status"] = local_name(st.value)
        y = _year(md)
        if y is not None and (p["year"] is None or y < p["year"]):
            p["year"] = y
    return sorted(parts.values(), key=lambda p: (p["relator"], p["agent"], p["part"]))


# --------------------------------------------------------------------------- projections

def _metadata(spec: Projection, store: ox.Store, **extra) -> dict:
    return {"projection": spec.name, "spec": spec.to_dict(), "data_version": data_version(store), **extra}


def _kept_participations(store: ox.Store, spec: Projection):
    relators = _relators(store)
    participations = _participations(store)
    for p in participations:
        if p["year"] is not None and relators[p["relator"]]["year"] is None:
            relators[p["relator"]]["year"] = p["year"]
    reliable = _reliability_filter(store, spec, participations)
    harbin = _in_harbin(store) if spec.scope == "harbin" else None
    kept = []
    for p in participations:
        r = relators[p["relator"]]
        if r["kind"] not in spec.kinds:
            continue
        if p["status"] not in spec.statuses or (r["status"] is not None and r["status"] not in spec.statuses):
            continue
        if spec.years is not None and r["year"] not in spec.years:
            continue
        if reliable is not None and not (reliable(p["part"]) and reliable(p["relator"])):
            continue
        if harbin is not None and p["agent"] not in harbin:
            continue
        kept.append(p)
    return kept, relators


def _reliability_filter(store: ox.Store, spec: Projection, participations: list[dict]):
    """A test fact → bool for ``spec.min_reliability`` (None when there is no such filter).

    A cited fact passes when its best cited page is graded at least the minimum; a fact with no
    citation (quoted from a shipped text) has no page to grade and passes.
    """
    if not spec.min_reliability:
        return None
    need = RELIABILITY[spec.min_reliability]
    facts = {p["part"] for p in participations} | {p["relator"] for p in participations}
    cites = citations_of(store, facts)
    return lambda fact: not cites.get(fact) or max(c["grade"] for c in cites[fact]) >= need


def two_mode(source, spec: Projection | str = "two-mode") -> nx.Graph:
    """Organisations (``bipartite=0``) × relators (``bipartite=1``), one edge per participation.

    Relator nodes carry ``relation`` (kind), ``status``, ``year``, ``quotes`` and ``n_parties``;
    edges carry ``roles``, ``status`` and ``participation`` (the fact IRI).
    """
    spec = get_projection(spec)
    store = open_store(source)
    kept, relators = _kept_participations(store, spec)
    closure = _subclass_closure(store)
    agents = {p["agent"] for p in kept}
    by_relator: dict[str, list[dict]] = defaultdict(list)  # one pass, not a scan of `kept` per relator
    for p in kept:
        by_relator[p["relator"]].append(p)
    rels = set(by_relator)
    info = _node_info(store, agents | rels, closure)
    quotes = _quotes(store, rels | {p["part"] for p in kept})
    cites = citations_of(store, rels | {p["part"] for p in kept})
    B = nx.Graph(**_metadata(spec, store))
    B.add_nodes_from((a, {**info[a], "bipartite": 0}) for a in sorted(agents))
    for r in sorted(rels):
        mine = by_relator[r]
        # The relator's own quotes, then those of its participations (who took part), once each.
        evidence = {q["iri"]: q for f in [r] + [p["part"] for p in mine] for q in quotes.get(f, [])}
        ordered = sorted(evidence.values(), key=lambda q: (q["start"], q["iri"]))
        cited = {c["iri"]: c for f in [r] + [p["part"] for p in mine] for c in cites.get(f, [])}
        B.add_node(r, **info[r], bipartite=1, relation=relators[r]["kind"], status=relators[r]["status"],
                   year=relators[r]["year"], n_parties=len({p["agent"] for p in mine}),
                   quotes=[q["exact"] for q in ordered], quote_iris=[q["iri"] for q in ordered],
                   citations=[c["text"] for c in cited.values()], citation_urls=[c["url"] or "" for c in cited.values()])
    for p in kept:
        if B.has_edge(p["agent"], p["relator"]):
            B.edges[p["agent"], p["relator"]]["roles"] = sorted(set(B.edges[p["agent"], p["relator"]]["roles"]) | p["roles"])
            continue
        B.add_edge(p["agent"], p["relator"], roles=sorted(p["roles"]), status=p["status"], participation=p["part"],
                   relation=relators[p["relator"]]["kind"],
                   quotes=[q["exact"] for q in quotes.get(p["part"], [])],
                   citations=[c["text"] for c in cites.get(p["part"], [])])
    B.graph["quotes"] = {f: qs for f, qs in quotes.items()}
    return B


def one_mode(B: nx.Graph, weighting: str = "newman") -> nx.Graph:
    """Project a two-mode graph onto its organisations (``bipartite=0``).

    Each relator with *n* parties adds ``1/(n−1)`` (``"newman"``) or 1 (``"count"``) to the weight
    of each pair of its parties, its IRI to the pair's ``via`` and a fact record (relator, kind,
    labels, year, status, quotes) to ``facts``. Organisations without partners stay as isolates.
    ``distance = 1/weight`` is stored for shortest-path measures.

    >>> B = nx.Graph()
    >>> B.add_nodes_from(["a", "b", "c"], bipartite=0)
    >>> B.add_node("r", bipartite=1, relation="consortium")
    >>> B.add_edges_from([("a", "r"), ("b", "r"), ("c", "r")])
    >>> G = one_mode(B)
    >>> G["a"]["b"]["weight"], G["a"]["b"]["via"]
    (0.5, ['r'])
    """
    G = nx.Graph(**{k: v for k, v in B.graph.items() if k != "quotes"})
    orgs = sorted(n for n, d in B.nodes(data=True) if d.get("bipartite") == 0)
    for n in orgs:
        G.add_node(n, **{k: v for k, v in B.nodes[n].items() if k != "bipartite"})
    quotes = B.graph.get("quotes", {})
    # Pairs accumulate in a plain dict (first-seen order = the order edges were added before):
    # pair → [weight, via, facts, relations, years]. One fact record per relator is shared by
    # all its pairs, so a 60-member consortium costs 1,770 list appends, not 1,770 records.
    pairs: dict[tuple, list] = {}
    for r in sorted(n for n, d in B.nodes(data=True) if d.get("bipartite") == 1):
        members = sorted(B[r])
        if len(members) < 2:
            continue
        add = 1.0 / (len(members) - 1) if weighting == "newman" else 1.0
        rd = B.nodes[r]
        fact = {"relator": r, "relation": rd.get("relation"), "label_zh": rd.get("label_zh", r),
                "label_en": rd.get("label_en", r), "year": rd.get("year"), "status": rd.get("status"),
                "n_parties": len(members), "quotes": list(rd.get("quotes", []))
                or [q["exact"] for q in quotes.get(r, [])], "citations": list(rd.get("citations", []))}
        relation, year = fact["relation"], fact["year"]
        for pair in combinations(members, 2):
            e = pairs.get(pair)
            if e is None:
                pairs[pair] = [add, [r], [fact], {relation}, set() if year is None else {year}]
            else:
                e[0] += add
                e[1].append(r)
                e[2].append(fact)
                e[3].add(relation)
                if year is not None:
                    e[4].add(year)
    G.add_edges_from((u, v, {"weight": w, "via": via, "facts": facts,
                             "relations": [*rels] if len(rels) == 1 else sorted(rels, key=str),
                             "years": [*years] if len(years) < 2 else sorted(years),
                             "distance": 1.0 / w, "count": len(via)})
                     for (u, v), (w, via, facts, rels, years) in pairs.items())
    return G


def _directed(store: ox.Store, spec: Projection, kinds: dict[str, str], layer: str,
              *, by_status: bool = False) -> nx.DiGraph:
    G = nx.DiGraph(**_metadata(spec, store))
    edges = []
    # Facts (targets, designations, changes) keep only the statuses the spec allows.
    allowed = " ".join(f"<{STATUS_NS}{st}>" for st in spec.statuses)
    status = (f"OPTIONAL {{ ?s <{HV.assertionStatus}> ?st }} FILTER(!BOUND(?st) || ?st IN ({allowed.replace(' ', ', ')}))"
              if by_status else "")
    for kind in spec.kinds:
        q = f"SELECT ?s ?o WHERE {{ ?s <{kinds[kind]}> ?o FILTER(isIRI(?s) && isIRI(?o)) {status} }}"
        edges += [(r["s"].value, r["o"].value, kind) for r in _select(store, q)]
    info = _node_info(store, {e[0] for e in edges} | {e[1] for e in edges})
    # Facts carry their own evidence: keep each fact's quotes on its node (tooltips, exports).
    quotes = _quotes(store, {e[0] for e in edges}) if by_status else {}
    for n in sorted(info):
        G.add_node(n, **info[n], **({"quotes": [q["exact"] for q in quotes[n]]} if quotes.get(n) else {}))
    for s, o, kind in sorted(edges):
        if G.has_edge(s, o):
            G.edges[s, o]["relations"] = sorted(set(G.edges[s, o]["relations"]) | {kind})
        else:
            G.add_edge(s, o, relation=kind, relations=[kind], layer=layer)
    return G


def hierarchy(source, spec: Projection | str = "hierarchy") -> nx.DiGraph:
    """The administrative hierarchy, child → parent (see :data:`HIERARCHY_KINDS`), kept apart."""
    return _directed(open_store(source), get_projection(spec), HIERARCHY_KINDS, "hierarchy")


def documents(source, spec: Projection | str = "documents") -> nx.DiGraph:
    """Policy documents and their issuers, parts and citations (see :data:`DOCUMENT_KINDS`)."""
    return _directed(open_store(source), get_projection(spec), DOCUMENT_KINDS, "documents")


def goals(source, spec: Projection | str = "goals") -> nx.DiGraph:
    """Targets, designations and organisation changes and what they are about (:data:`GOAL_KINDS`)."""
    return _directed(open_store(source), get_projection(spec), GOAL_KINDS, "goals", by_status=True)


def pathway_graph(source, spec: Projection | str = "pathways") -> nx.DiGraph:
    """Education stages as nodes; one edge per (from, to) with ``pathways`` and ``mechanisms``."""
    from harbin_kg.analysis.pathways import pathway_facts  # pathways.py reads the facts; this only shapes them

    spec = get_projection(spec)
    store = open_store(source)
    facts = [f for f in pathway_facts(store) if f.status in spec.statuses]
    G = nx.DiGraph(**_metadata(spec, store))
    stages = {f.from_stage for f in facts} | {f.to_stage for f in facts}
    info = _node_info(store, stages)
    for s in sorted(stages):
        G.add_node(s, **info[s])
    for f in facts:
        if not G.has_edge(f.from_stage, f.to_stage):
            G.add_edge(f.from_stage, f.to_stage, pathways=[], mechanisms=[], mechanism_labels=[], quotes=[],
                       layer="pathways", relation="pathway")
        e = G.edges[f.from_stage, f.to_stage]
        e["pathways"].append(f.iri)
        for m, lab in zip(f.mechanisms, f.mechanism_labels):
            if m not in e["mechanisms"]:
                e["mechanisms"].append(m)
                e["mechanism_labels"].append(lab)
        e["quotes"] += [q for q in f.quotes if q not in e["quotes"]]
    return G


def ecosystem(source, spec: Projection | str = "ecosystem") -> nx.DiGraph:
    """Union of the two-mode, hierarchy, documents and pathways layers; edges tagged ``layer``.

    Two-mode edges point organisation → relator. Where two layers join the same ordered pair,
    the first layer (in that order) keeps the edge and ``layers`` lists them all.
    """
    spec = get_projection(spec)
    store = open_store(source)
    G = nx.DiGraph(**_metadata(spec, store))
    two = two_mode(store, PROJECTIONS["two-mode"].with_filters(
        kinds=spec.kinds, statuses=spec.statuses, years=spec.years, min_reliability=spec.min_reliability,
        scope=spec.scope))
    layers = [("two-mode", two, True), ("hierarchy", hierarchy(store), False),
              ("documents", documents(store), False),
              ("goals", goals(store, PROJECTIONS["goals"].with_filters(statuses=spec.statuses)), False),
              ("pathways", pathway_graph(store, PROJECTIONS["pathways"].with_filters(statuses=spec.statuses)), False)]
    for name, H, bip in layers:
        for n, d in H.nodes(data=True):
            if n not in G:
                G.add_node(n, **{k: v for k, v in d.items() if k != "bipartite"}, layer=name)
        for u, v, d in H.edges(data=True):
            if bip and H.nodes[u].get("bipartite") == 1:
                u, v = v, u
            if G.has_edge(u, v):
                G.edges[u, v]["layers"].append(name)
            else:
                G.add_edge(u, v, **{**d, "layer": name, "layers": [name]})
                G.edges[u, v].setdefault("relation", "participation" if bip else name)
    return G


def project(source, projection: Projection | str = "partnership", *, kinds: Collection[str] | None = None,
            statuses: Collection[str] | None = None, years: Collection[int] | None = None,
            min_reliability: str | None = None, scope: str | None = None) -> nx.Graph:
    """Build the named projection of ``source`` with optional filters.

    ``G.graph`` records ``projection``, the full ``spec`` (after filters) and ``data_version``,
    so any score computed on ``G`` can say where it came from.

    Raises :class:`UnknownProjection` for an unknown name or kind.
    """
    spec = get_projection(projection).with_filters(kinds=kinds, statuses=statuses, years=years,
                                                   min_reliability=min_reliability, scope=scope)
    store = open_store(source)
    if spec.shape == "two-mode":
        return two_mode(store, spec)
    if spec.shape == "one-mode":
        B = two_mode(store, replace(spec, shape="two-mode"))
        G = one_mode(B, spec.weighting)
        G.graph.update(_metadata(spec, store))
        return G
    if spec.shape == "hierarchy":
        return hierarchy(store, spec)
    if spec.shape == "documents":
        return documents(store, spec)
    if spec.shape == "goals":
        return goals(store, spec)
    if spec.shape == "pathways":
        return pathway_graph(store, spec)
    return ecosystem(store, spec)
