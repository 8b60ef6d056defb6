"""Projections of the knowledge graph to networkx, as named, documented, reproducible specifications.

A *projection* turns RDF facts into a network. Each one is a frozen :class:`Projection` in
:data:`PROJECTIONS` (name, zh/en title, relation kinds, statuses, years, weighting), so a score
can always say exactly which network it was computed on:

``two-mode``
    organisations (``bipartite=0``) × relators (``bipartite=1``): agreements, consortia (through
    memberships), co-built initiatives, pilot programmes; one edge per stated participation.
``partnership``
    one-mode organisation–organisation graph: two organisations are linked wherever they share a
    relator; each shared relator with *n* surviving parties adds ``1/(n−1)`` (Newman), so one
    50-member consortium cannot swamp everything. Edges keep ``via`` (relator IRIs) and
    ``facts`` (relator labels, kinds, years and quotes).
``membership``
    the two-mode graph restricted to consortium memberships (organisation × consortium).
``hierarchy``
    a DiGraph child → parent of ``org:subOrganizationOf``, ``hv:competentAuthority``,
    ``hv:governs`` (body → place), ``hv:guidedBy`` and document → issuer (``eli:passed_by``).
``documents``
    a DiGraph of policy documents: issuers, ``hv:transmits``, ``eli:is_part_of``,
    ``eli:based_on``, ``eli:cites``.
``pathways``
    a DiGraph of education stages, one edge per (from, to) pair with its pathways and mechanisms.
``ecosystem``
    the union of two-mode, hierarchy, documents and pathways, each edge tagged with ``layer``.

Rules that hold for every projection: literals and ``rdf:type`` never become nodes (only the
listed object properties are read); dates are attributes, so two agreements signed the same day
are never linked through their date; every node keeps ``iri``, ``kind`` (class local name),
``kind_iri``, ``label_zh``, ``label_en`` (each falling back to the other, then to the local name)
and ``placeholder``. Filters: relation kind, year (a relator is kept if its year — from
``hv:signedOn``/``hv:occurredOn``/``dcterms:issued``/membership dates — is in ``years``; undated
relators are dropped while a year filter is on), assertion status (``stated`` only by
default; a participation counts only if both it and its relator have an allowed status),
reliability (``min_reliability``: a fact with citations counts only if one of its cited pages is
graded at least that high; facts quoted from a shipped text have no grade and always count) and
scope (``"harbin"``: only organisations the build marked ``hv:inHarbinEcosystem``). Relator nodes
and partnership facts carry ``citations``: one line of text per citation (outlet, date, locator,
key phrase, URL), beside their ``quotes``.

What is read comes from :mod:`harbin_kg.network_rows` (rows with integer ids, names, quotes and
citations); this module only shapes it into graphs. ``source`` may be a graph file path, a
``pyoxigraph.Store``, an ``rdflib.Graph`` or a remote endpoint's store.

>>> sorted(PROJECTIONS)
['documents', 'ecosystem', 'goals', 'hierarchy', 'membership', 'partnership', 'pathways', 'two-mode']
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Iterable
from dataclasses import asdict, dataclass, replace
from itertools import combinations

import networkx as nx
import pyoxigraph as ox

from ..errors import HarbinKGError
from ..namespaces import HV, PREFIXES
from .network_rows import (GRAPH_IRI, RELATION_KINDS, ParticipationRows, citations_of, data_version, gc_paused,
                           in_harbin, node_info, open_store, participation_rows, quotes_of, select,
                           subclass_closure)

__all__ = [
    "RELATION_KINDS", "HIERARCHY_KINDS", "DOCUMENT_KINDS", "STATUSES", "STATED", "Projection",
    "PROJECTIONS", "UnknownProjection", "EmptyProjection", "open_store", "data_version",
    "get_projection", "project", "two_mode", "one_mode", "hierarchy", "documents", "goals", "GOAL_KINDS",
    "pathway_graph", "ecosystem", "relator_years", "GRAPH_IRI", "RELIABILITY", "SCOPES", "citations_of",
    "partnership", "attach_evidence",
]

logger = logging.getLogger(__name__)

STATUS_NS = PREFIXES["status"]
STATED = "stated"
STATUSES = ("stated", "inferred-context", "inferred-caption")
#: Reliability grades of cited pages (the reliability scheme's skos:notation), lowest first.
RELIABILITY = {"low": 1, "medium": 2, "high": 3}
#: ``all``: every organisation; ``harbin``: those the build derived hv:inHarbinEcosystem for.
SCOPES = ("all", "harbin")

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


# --------------------------------------------------------------------------- reading (harbin_kg.network_rows)



def relator_years(source) -> dict[str, int]:
    """Relator IRI → year (its own date: signed, held, issued …) for every dated relator."""
    found = participation_rows(open_store(source))
    return {iri: y for iri, y in zip(found.relators, found.own_year) if y is not None}


# --------------------------------------------------------------------------- projections

def _metadata(spec: Projection, store: ox.Store, **extra) -> dict:
    return {"projection": spec.name, "spec": spec.to_dict(), "data_version": data_version(store), **extra}


def _kept(store: ox.Store, spec: Projection) -> tuple[list[tuple], ParticipationRows]:
    """The participation rows the spec keeps (relation kind, statuses, years, reliability, scope)."""
    found = participation_rows(store)
    reliable = _reliability_filter(store, spec, found)
    harbin = in_harbin(store) if spec.scope == "harbin" else None
    kinds, statuses = set(spec.kinds), set(spec.statuses)
    relator_ok = [k in kinds and (s is None or s in statuses) and (spec.years is None or y in spec.years)
                  for k, s, y in zip(found.kind, found.status, found.year)]
    kept = []
    for p in found.parts:
        r, a, key, _, status, _ = p
        if not relator_ok[r] or status not in statuses:
            continue
        if reliable is not None and not (reliable(key) and reliable(found.relators[r])):
            continue
        if harbin is not None and found.agents[a] not in harbin:
            continue
        kept.append(p)
    return kept, found


def _reliability_filter(store: ox.Store, spec: Projection, found: ParticipationRows):
    """A test fact → bool for ``spec.min_reliability`` (None when there is no such filter).

    A cited fact passes when its best cited page is graded at least the minimum; a fact with no
    citation (quoted from a shipped text) has no page to grade and passes.
    """
    if not spec.min_reliability:
        return None
    need = RELIABILITY[spec.min_reliability]
    facts = {p[2] for p in found.parts} | {found.relators[p[0]] for p in found.parts}
    cites = citations_of(store, facts)
    return lambda fact: not cites.get(fact) or max(c["grade"] for c in cites[fact]) >= need


def _by_relator(kept: list[tuple]) -> dict[int, list[tuple]]:
    out: dict[int, list[tuple]] = {}
    for p in kept:  # sorted by relator: one pass, not a scan of `kept` per relator
        out.setdefault(p[0], []).append(p)
    return out


def _evidence(quotes: dict, cites: dict, facts: list[str]) -> tuple[list[dict], list[dict]]:
    """The quotes of ``facts`` once each in text order, and their citations once each."""
    evidence = {q["iri"]: q for f in facts for q in quotes.get(f, [])}
    cited = {c["iri"]: c for f in facts for c in cites.get(f, [])}
    return sorted(evidence.values(), key=lambda q: (q["start"], q["iri"])), list(cited.values())


def two_mode(source, spec: Projection | str = "two-mode") -> nx.Graph:
    """Organisations (``bipartite=0``) × relators (``bipartite=1``), one edge per participation.

    Relator nodes carry ``relation`` (kind), ``status``, ``year``, ``quotes`` and ``n_parties``;
    edges carry ``roles``, ``status`` and ``participation`` (the fact IRI).
    """
    spec = get_projection(spec)
    store = open_store(source)
    kept, found = _kept(store, spec)
    agents, rels = found.agents, found.relators
    by_relator = _by_relator(kept)
    agent_ids = sorted({p[1] for p in kept})
    info = node_info(store, [agents[a] for a in agent_ids] + [rels[r] for r in by_relator], subclass_closure(store))
    facts = [rels[r] for r in by_relator] + [p[2] for p in kept]
    quotes, cites = quotes_of(store, facts), citations_of(store, facts)
    B = nx.Graph(**_metadata(spec, store))
    B.add_nodes_from((agents[a], {**info[agents[a]], "bipartite": 0}) for a in agent_ids)
    for r, mine in by_relator.items():
        rel = rels[r]
        ordered, cited = _evidence(quotes, cites, [rel] + [p[2] for p in mine])
        B.add_node(rel, **info[rel], bipartite=1, relation=found.kind[r], status=found.status[r],
                   year=found.year[r], n_parties=len({p[1] for p in mine}),
                   quotes=[q["exact"] for q in ordered], quote_iris=[q["iri"] for q in ordered],
                   citations=[c["text"] for c in cited], citation_urls=[c["url"] or "" for c in cited])
    for r, a, key, roles, status, _ in kept:
        agent, rel = agents[a], rels[r]
        if B.has_edge(agent, rel):
            B.edges[agent, rel]["roles"] = sorted(set(B.edges[agent, rel]["roles"]) | roles)
            continue
        B.add_edge(agent, rel, roles=sorted(roles), status=status, participation=key, relation=found.kind[r],
                   quotes=[q["exact"] for q in quotes.get(key, [])],
                   citations=[c["text"] for c in cites.get(key, [])])
    B.graph["quotes"] = dict(quotes)
    return B


#: Key of ``G.graph`` where a partnership network projected with ``evidence=False`` keeps, per
#: relator, what :func:`attach_evidence` needs: (relation, year, status, n_parties, participations).
PENDING = "pending_evidence"


def partnership(source, spec: Projection | str = "partnership", *, evidence: bool = True) -> nx.Graph:
    """The one-mode organisation network, projected from participation rows with integer ids.

    The same graph as ``one_mode(two_mode(…))`` (nodes, edges, weights, ``via``, ``facts``, in the
    same order), without building the two-mode graph. With ``evidence=False`` edges have no
    ``facts`` (relator labels, quotes, citations): :func:`attach_evidence` adds them to the edges
    a map draws or an explanation lists, so a 1M-triple graph is projected without reading the
    evidence of 100,000 ties nobody looks at.
    """
    spec = get_projection(spec)
    store = open_store(source)
    kept, found = _kept(store, spec)
    agents, rels = found.agents, found.relators
    by_relator = _by_relator(kept)
    newman = spec.weighting == "newman"
    pairs: dict[tuple, list] = {}  # (agent id, agent id) → [weight, relator ids], first-seen order
    pending = {}
    for r, mine in by_relator.items():
        members = sorted({p[1] for p in mine})
        if len(members) < 2:
            continue
        add = 1.0 / (len(members) - 1) if newman else 1.0
        pending[rels[r]] = (found.kind[r], found.year[r], found.status[r], len(members), [p[2] for p in mine])
        for pair in combinations(members, 2):
            e = pairs.get(pair)
            if e is None:
                pairs[pair] = [add, [r]]
            else:
                e[0] += add
                e[1].append(r)
    agent_ids = sorted({p[1] for p in kept})
    info = node_info(store, [agents[a] for a in agent_ids], subclass_closure(store))
    G = nx.Graph(**_metadata(spec, store))
    G.add_nodes_from((agents[a], info[agents[a]]) for a in agent_ids)
    kind, year = found.kind, found.year
    records = _fact_records(store, pending) if evidence else None

    def attrs(w, via):
        if len(via) == 1:  # most ties stand on one relator
            r = via[0]
            d = {"weight": w, "via": [rels[r]]}
            if records is not None:
                d["facts"] = [records[rels[r]]]
            d.update(relations=[kind[r]], years=[] if year[r] is None else [year[r]], distance=1.0 / w, count=1)
            return d
        relations = {kind[r] for r in via}
        years = {year[r] for r in via if year[r] is not None}
        d = {"weight": w, "via": [rels[r] for r in via]}
        if records is not None:
            d["facts"] = [records[rels[r]] for r in via]
        d.update(relations=[*relations] if len(relations) == 1 else sorted(relations, key=str),
                 years=[*years] if len(years) < 2 else sorted(years), distance=1.0 / w, count=len(via))
        return d

    G.add_edges_from((agents[u], agents[v], attrs(w, via)) for (u, v), (w, via) in pairs.items())
    if not evidence:
        G.graph[PENDING] = pending
    return G


def _fact_records(store, pending: dict, relators: Iterable[str] | None = None) -> dict[str, dict]:
    """One fact record per relator (shared by all its ties): relator, kind, labels, year, status,
    parties, quotes and citations of the relator and of its kept participations."""
    relators = list(pending) if relators is None else list(relators)
    info = node_info(store, relators, {})
    facts = relators + [key for r in relators for key in pending[r][4]]
    quotes, cites = quotes_of(store, facts), citations_of(store, facts)
    out = {}
    for r in relators:
        relation, year, status, n, parts = pending[r]
        ordered, cited = _evidence(quotes, cites, [r] + parts)
        out[r] = {"relator": r, "relation": relation, "label_zh": info[r]["label_zh"],
                  "label_en": info[r]["label_en"], "year": year, "status": status, "n_parties": n,
                  "quotes": [q["exact"] for q in ordered], "citations": [c["text"] for c in cited]}
    return out


def attach_evidence(G: nx.Graph, source, edges: Iterable[tuple] | None = None) -> nx.Graph:
    """Give ``edges`` (default: all) of a partnership network projected with ``evidence=False``
    their ``facts``, exactly as an eager projection has them; other graphs are left as they are.

    Returns ``G`` (changed in place).
    """
    pending = G.graph.get(PENDING)
    if not pending:
        return G
    edges = [(u, v) for u, v in (G.edges() if edges is None else edges) if G.has_edge(u, v)]
    todo = [(u, v) for u, v in edges if "facts" not in G.edges[u, v] and G.edges[u, v].get("via")]
    needed = sorted({r for u, v in todo for r in G.edges[u, v]["via"] if r in pending})
    if not needed:
        return G
    records = _fact_records(open_store(source), pending, needed)
    for u, v in todo:
        d = G.edges[u, v]
        items = list(d.items())
        d.clear()  # rebuilt in place, so that "facts" follows "via" as in an eager projection
        for key, value in items:
            d[key] = value
            if key == "via":
                d["facts"] = [records[r] for r in value]
    return G



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
        edges += [(r["s"].value, r["o"].value, kind) for r in select(store, q)]
    info = node_info(store, {e[0] for e in edges} | {e[1] for e in edges})
    # Facts carry their own evidence: keep each fact's quotes on its node (tooltips, exports).
    quotes = quotes_of(store, {e[0] for e in edges}) if by_status else {}
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
    from .pathways import pathway_facts  # pathways.py reads the facts; this only shapes them

    spec = get_projection(spec)
    store = open_store(source)
    facts = [f for f in pathway_facts(store) if f.status in spec.statuses]
    G = nx.DiGraph(**_metadata(spec, store))
    stages = {f.from_stage for f in facts} | {f.to_stage for f in facts}
    info = node_info(store, stages)
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
            min_reliability: str | None = None, scope: str | None = None, evidence: bool = True) -> nx.Graph:
    """Build the named projection of ``source`` with optional filters.

    ``G.graph`` records ``projection``, the full ``spec`` (after filters) and ``data_version``,
    so any score computed on ``G`` can say where it came from. ``evidence=False`` leaves the
    ``facts`` of partnership ties to :func:`attach_evidence` (other projections ignore it).

    Raises :class:`UnknownProjection` for an unknown name or kind.
    """
    spec = get_projection(projection).with_filters(kinds=kinds, statuses=statuses, years=years,
                                                   min_reliability=min_reliability, scope=scope)
    store = open_store(source)
    with gc_paused():
        return _project(store, spec, evidence)


def _project(store, spec: Projection, evidence: bool) -> nx.Graph:
    if spec.shape == "two-mode":
        return two_mode(store, spec)
    if spec.shape == "one-mode":
        return partnership(store, spec, evidence=evidence)
    if spec.shape == "hierarchy":
        return hierarchy(store, spec)
    if spec.shape == "documents":
        return documents(store, spec)
    if spec.shape == "goals":
        return goals(store, spec)
    if spec.shape == "pathways":
        return pathway_graph(store, spec)
    return ecosystem(store, spec)
