"""Rankings in context: a measure year by year on the graph's dated ties, and the facts behind a score.

:mod:`~harbin_kg.analysis.centrality` computes measures on any networkx graph; this module is
where they meet the knowledge graph: :func:`by_year` projects the graph once per year (the
cumulative network and a moving window), :func:`explain` lists the ties, relators and quotes
that give one organisation its score.
"""

from __future__ import annotations

from collections.abc import Iterable

import networkx as nx

from ..errors import HarbinKGError
from .centrality import _measure, centrality, rank
from .network import get_projection, node_info, open_store, project, relator_years

__all__ = ["by_year", "explain"]


def by_year(source, measure: str = "degree", *, projection="partnership", statuses=("stated",),
            years: Iterable[int] | None = None, backend: str = "auto", seed: int = 0, window: int = 3,
            min_reliability: str | None = None, scope: str | None = None) -> dict:
    """Scores and ranks of ``measure`` year by year, on two networks per year.

    ``scores``/``ranks``: the cumulative network (every tie dated up to that year);
    ``window_scores``/``window_ranks``: the windowed network (ties dated in the ``window`` years
    ending that year, e.g. 2019–2021 for 2021 with ``window=3``). ``sizes`` gives nodes and edges
    of both. The years are those of the dated relators (or ``years``); a relator counts from its
    year on. Undated relators are never put in a year: they are listed apart in ``undated``
    (IRIs) and ``undated_labels`` (zh, en).
    """
    if window < 1:
        raise HarbinKGError(f"The window must be at least one year, not {window}.")
    store = open_store(source)
    spec = get_projection(projection)
    _measure(measure)
    filters = {"statuses": statuses, "min_reliability": min_reliability, "scope": scope}
    # Ranks need no evidence: ties are projected without it (names of undated relators below).
    full = project(store, spec, evidence=False, **filters)
    dated = relator_years(store)
    used = {r for _, _, d in full.edges(data=True) for r in d.get("via", ())} | \
        {n for n, d in full.nodes(data=True) if d.get("bipartite") == 1}
    in_use = {r: y for r, y in dated.items() if r in used} if used else dated
    all_years = sorted(set(in_use.values())) if years is None else sorted(set(int(y) for y in years))
    first = min(all_years) if all_years else None
    names = {n: (d.get("label_zh", n), d.get("label_en", n)) for n, d in full.nodes(data=True)
             if d.get("bipartite") == 1}
    undated = sorted(r for r in used if r not in dated)
    named = node_info(store, [r for r in undated if r not in names], {})
    names.update({r: (i["label_zh"], i["label_en"]) for r, i in named.items()})
    out = {"measure": measure, "projection": spec.name, "years": all_years, "window": window,
           "scores": {}, "ranks": {}, "window_scores": {}, "window_ranks": {}, "sizes": {},
           "undated": undated, "undated_labels": {r: names.get(r, (r, r)) for r in undated},
           "data_version": full.graph.get("data_version")}
    for y in all_years:
        assert first is not None  # there is a year, so a first year
        sizes = {}
        for key, span in (("", range(first, y + 1)), ("window_", range(max(first, y - window + 1), y + 1))):
            G = project(store, spec, years=span, evidence=False, **filters)
            values = centrality(G, measure, backend=backend, seed=seed) if G.number_of_nodes() else {}
            out[key + "scores"][y] = values
            out[key + "ranks"][y] = rank(values, measure) if values else {}
            sizes[key.rstrip("_") or "cumulative"] = {"nodes": G.number_of_nodes(), "edges": G.number_of_edges()}
        out["sizes"][y] = sizes
    return out


def explain(G: nx.Graph, entity: str) -> dict:
    """The facts that give ``entity`` its score in ``G``: its partners (one-mode) or relators
    (two-mode), each with the relator IRIs, labels, kinds, years and quotes behind the tie."""
    if entity not in G:
        raise HarbinKGError(
            f"{entity} is not in the {G.graph.get('projection', 'given')} projection (it takes part in no "
            f"relator the filters keep); try --include-inferred or another --projection.")
    node = dict(G.nodes[entity])
    ties = []
    for other in sorted(G[entity], key=lambda o: (-G[entity][o].get("weight", 1.0), str(o))):
        e = G[entity][other]
        o = G.nodes[other]
        if "facts" in e:
            facts = e["facts"]
        else:  # two-mode: the neighbour is the relator itself
            facts = [{"relator": other, "relation": o.get("relation"), "label_zh": o.get("label_zh"),
                      "label_en": o.get("label_en"), "year": o.get("year"), "status": o.get("status"),
                      "n_parties": o.get("n_parties"), "quotes": list(o.get("quotes", [])) + list(e.get("quotes", []))}]
        ties.append({"partner": other, "label_zh": o.get("label_zh", str(other)),
                     "label_en": o.get("label_en", str(other)), "kind": o.get("kind"),
                     "weight": e.get("weight", 1.0), "facts": facts})
    return {"node": entity, "label_zh": node.get("label_zh", str(entity)), "label_en": node.get("label_en", str(entity)),
            "kind": node.get("kind"), "placeholder": node.get("placeholder", False),
            "degree": G.degree(entity), "weighted_degree": G.degree(entity, weight="weight"), "ties": ties}
