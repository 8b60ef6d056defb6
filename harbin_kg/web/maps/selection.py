"""Scope and reliability filters on a projected graph, for graphs whose projection does not apply them.

``--scope harbin`` keeps the organisations the build marks ``hv:inHarbinEcosystem true``;
``--min-reliability G`` keeps the facts with evidence at least that reliable. A quote from the
shipped seed text counts as reliable at every grade (the text is shipped and its slices are
checked byte for byte); a cited fact needs one citation whose source's grade (``skos:notation``
3 high, 2 medium, 1 low) reaches the threshold. A fact with no evidence at all (structure such
as ``hv:governs``) is kept: the filter is about evidence, and that fact has none to weigh.
Links and fact nodes that fail are dropped; a node left with no link it had before goes too.
"""

from __future__ import annotations

import networkx as nx

from ...errors import HarbinKGError
from ...graph.store import solutions
from .evidence import fact_iris_of_edge, map_details

__all__ = ["GRADES", "SCOPES", "filter_scope", "filter_reliability"]

GRADES = {"low": 1, "medium": 2, "high": 3}
SCOPES = ("all", "harbin")
HVNS = "https://w3id.org/hrbvet/ont#"


def _prune(G: nx.Graph, before: dict, drop: set) -> nx.Graph:
    H = G.copy()
    H.remove_nodes_from(drop)
    H.remove_nodes_from([n for n in list(H) if before.get(n, 0) > 0 and H.degree(n) == 0])
    return H


def filter_scope(G: nx.Graph, source, scope: str) -> nx.Graph:
    """Keep what ``scope`` covers: ``all`` (everything) or ``harbin`` (see the module doc)."""
    if scope not in SCOPES:
        raise HarbinKGError(f'Unknown scope "{scope}"; use {" or ".join(SCOPES)}.')
    if scope == "all":
        return G
    from ...analysis.network import open_store

    store = open_store(source)
    rows = list(solutions(store, f"SELECT ?n ?v WHERE {{ ?n <{HVNS}inHarbinEcosystem> ?v }}"))
    if not rows:
        raise HarbinKGError(
            "This graph does not say which organisations belong to the Harbin ecosystem "
            "(no hv:inHarbinEcosystem; 图中没有范围信息). Rebuild it with `harbin-kg build`, "
            "or use --scope all.")
    inside = {r["n"].value for r in rows if r["v"].value in ("true", "1")}
    agents = {r["a"].value for r in solutions(store,
        f"SELECT DISTINCT ?a WHERE {{ {{ ?p <{HVNS}agent> ?a }} UNION {{ ?m <http://www.w3.org/ns/org#member> ?a }} "
        f"UNION {{ ?a <{HVNS}inHarbinEcosystem> ?v }} }}")}
    before = dict(G.degree())
    drop = {n for n, d in G.nodes(data=True) if str(d.get("iri") or n) in agents
            and str(d.get("iri") or n) not in inside}
    return _prune(G, before, drop)


def filter_reliability(G: nx.Graph, source, grade: str | None, details: dict | None = None) -> nx.Graph:
    """Keep facts whose evidence reaches ``grade`` (``low``, ``medium``, ``high``; None: all)."""
    if grade is None:
        return G
    if grade not in GRADES:
        raise HarbinKGError(f'Unknown reliability "{grade}"; use {", ".join(GRADES)}.')
    need = GRADES[grade]
    details = details if details is not None else map_details(source, G)
    evidence = details["evidence"]

    def ok(fact: str) -> bool:
        recs = evidence.get(fact)
        if not recs:
            return True
        return any(r["t"] == "q" or (r.get("rn") or 0) >= need for r in recs)

    before = dict(G.degree())
    drop = {n for n, d in G.nodes(data=True) if not ok(str(d.get("iri") or n))}
    H = _prune(G, before, drop)
    bad = []
    for u, v, d in H.edges(data=True):
        facts = fact_iris_of_edge(u, v, d, H)
        if facts and not any(ok(f) for f in facts):
            bad.append((u, v))
    H.remove_edges_from(bad)
    return H.subgraph([n for n in H if before.get(n, 0) == 0 or H.degree(n) > 0]).copy()
