"""Burt's brokerage measures, constraint and effective size, for large weighted networks.

Both measures only ever look at an ego's neighbours and at the ties among them, that is at the
triangles of the network: for ego ``u``, neighbour ``v`` and a third node ``w`` tied to both,

* constraint adds ``p(u,w)·p(w,v)`` to the indirect investment of ``u`` in ``v``, where
  ``p(u,v) = w(u,v) / Σ_x w(u,x)`` (the share of u's tie strength spent on v);
* effective size subtracts ``p(u,w)·w(w,v) / max_x w(v,x)`` from ``u``'s redundancy-free
  contacts, ``v`` being redundant with ``w``.

So one list of triangles (igraph, in C) and a few numpy sums give both measures for every node,
with exactly networkx's definitions (``nx.constraint``, ``nx.effective_size`` with
``weight=``): :func:`burt_measures` agrees with them to rounding, and with Python loops over
pairs of neighbours gone the hubs of a partnership network no longer cost minutes.
"""

from __future__ import annotations

from itertools import permutations

import networkx as nx
import numpy as np

__all__ = ["burt_measures"]


def _edge_arrays(G: nx.Graph, weight: str):
    nodes = list(G)
    index = {node: i for i, node in enumerate(nodes)}
    pairs = [(index[u], index[v], float(d.get(weight, 1.0))) for u, v, d in G.edges(data=True) if u != v]
    if not pairs:
        return nodes, np.empty(0, np.int64), np.empty(0, np.int64), np.empty(0)
    arr = np.array(pairs, dtype=float)
    return nodes, arr[:, 0].astype(np.int64), arr[:, 1].astype(np.int64), arr[:, 2]


def burt_measures(G: nx.Graph, weight: str = "weight") -> tuple[dict, dict]:
    """``(constraint, effective_size)`` of every node of the undirected graph ``G``.

    Isolated nodes have no constraint (networkx gives NaN; they are left out) and an effective
    size of 0.
    """
    import igraph as ig

    if G.is_directed() or G.is_multigraph():
        raise ValueError("burt_measures needs a simple undirected graph (see centrality.undirected_weighted)")
    nodes, eu, ev, ew = _edge_arrays(G, weight)
    n = len(nodes)
    if not len(eu):
        return {}, dict.fromkeys(nodes, 0.0)
    # Directed copies of every edge, sorted by (source, target): edge k is src[k] → dst[k].
    src = np.concatenate([eu, ev])
    dst = np.concatenate([ev, eu])
    w = np.concatenate([ew, ew])
    order = np.argsort(src * n + dst, kind="stable")
    src, dst, w = src[order], dst[order], w[order]
    keys = src * n + dst
    strength = np.bincount(src, weights=w, minlength=n)
    max_weight = np.zeros(n)
    np.maximum.at(max_weight, src, w)
    share = w / strength[src]  # p(u, v) for the edge u → v

    indirect = np.zeros(len(src))
    redundancy = np.zeros(len(src))
    graph = ig.Graph(n=n, edges=np.column_stack([eu, ev]).tolist())
    triangles = np.array(graph.list_triangles(), dtype=np.int64).reshape(-1, 3)
    if len(triangles):
        def edge(a, b):
            return np.searchsorted(keys, a * n + b)

        for i, j, k in permutations(range(3)):
            u, v, x = triangles[:, i], triangles[:, j], triangles[:, k]
            uv, ux, xv = edge(u, v), edge(u, x), edge(x, v)
            np.add.at(indirect, uv, share[ux] * share[xv])
            np.add.at(redundancy, uv, share[ux] * w[xv] / max_weight[v])

    degree = np.bincount(src, minlength=n)
    constraint = np.bincount(src, weights=(share + indirect) ** 2, minlength=n)
    size = degree - np.bincount(src, weights=redundancy, minlength=n)
    return ({nodes[i]: float(constraint[i]) for i in range(n) if degree[i]},
            {nodes[i]: float(size[i]) if degree[i] else 0.0 for i in range(n)})
