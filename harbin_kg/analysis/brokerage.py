"""Burt's brokerage measures, constraint and effective size, for large weighted networks.

Both are networkx's weighted definitions (``nx.constraint``, ``nx.effective_size`` with
``weight=``) on a simple undirected graph, self-loops ignored:

* **constraint** is igraph's ``constraint(weights=)``, in C. On a simple undirected graph its
  ``p(u,v) = w(u,v) / Σ_x w(u,x)`` and its sum over the ego's contacts ``v`` of
  ``(p(u,v) + Σ_w p(u,w)·p(w,v))²`` are networkx's (tests/test_brokerage.py checks it against
  ``nx.constraint`` by hand and on random weighted graphs). igraph sums parallel edges and
  counts self-loops, so both are removed first;
* **effective size** has no C counterpart: ``u`` loses ``p(u,w)·w(w,v) / max_x w(v,x)`` for every
  pair of its contacts ``v``, ``w`` tied to each other, that is for every triangle. One list of
  triangles (igraph, in C), the three edge weights of each looked up in sorted edge keys, and
  a few numpy sums give it for every node.

Either takes the igraph copy that :func:`harbin_kg.analysis.centrality.to_igraph` already made
(``ig_graph=(graph, nodes)``), or makes one from networkx in one pass over the edges.
"""

from __future__ import annotations

from itertools import chain

import networkx as nx
import numpy as np

__all__ = ["burt_measures", "constraint", "effective_size", "edge_list"]


def edge_list(G: nx.Graph, weight: str = "weight") -> tuple[list, list[tuple[int, int]], list[float]]:
    """``(nodes, edges, weights)``: edge ``i`` joins ``nodes[edges[i][0]]`` and ``nodes[edges[i][1]]``
    with weight ``weights[i]`` (1 if unset), in ``G.edges`` order. One plain loop: on 600k edges it
    is faster than numpy.fromiter over generators (each element then costs a generator step)."""
    nodes = list(G)
    index = {node: i for i, node in enumerate(nodes)}
    edges, weights = [], []
    for u, v, d in G.edges(data=True):
        edges.append((index[u], index[v]))
        weights.append(float(d.get(weight, 1.0)))
    return nodes, edges, weights


def _igraph_copy(G: nx.Graph, weight: str, ig_graph):
    """``(graph, nodes)`` without self-loops, with the weights as edge attribute ``weight``."""
    import igraph as ig

    if G.is_directed() or G.is_multigraph():
        raise ValueError("Burt's measures need a simple undirected graph (see centrality.undirected_weighted)")
    if ig_graph is None:
        nodes, edges, weights = edge_list(G, weight)
        kept = [i for i, (a, b) in enumerate(edges) if a != b] if nx.number_of_selfloops(G) else None
        g = ig.Graph(n=len(nodes), edges=edges if kept is None else [edges[i] for i in kept])
        g.es["weight"] = weights if kept is None else [weights[i] for i in kept]
        return g, nodes
    g, nodes = ig_graph
    if nx.number_of_selfloops(G):
        non_loops = np.flatnonzero(~np.asarray(g.is_loop(), dtype=bool))
        g = g.subgraph_edges(non_loops.tolist(), delete_vertices=False)
    return g, nodes


def constraint(G: nx.Graph, weight: str = "weight", ig_graph=None) -> dict:
    """Burt's constraint of every node with a contact (networkx gives isolates NaN: left out)."""
    g, nodes = _igraph_copy(G, weight, ig_graph)
    values = g.constraint(weights="weight")
    degree = g.degree()
    return {nodes[i]: float(c) for i, c in enumerate(values) if degree[i]}


def effective_size(G: nx.Graph, weight: str = "weight", ig_graph=None) -> dict:
    """Burt's effective size of every node (isolates 0, where networkx gives NaN)."""
    g, nodes = _igraph_copy(G, weight, ig_graph)
    n = len(nodes)
    ends = np.array(g.get_edgelist(), dtype=np.int64).reshape(-1, 2)
    lo, hi = ends.min(axis=1), ends.max(axis=1)
    w = np.asarray(g.es["weight"], dtype=float)
    degree = np.bincount(lo, minlength=n) + np.bincount(hi, minlength=n)
    strength = np.bincount(lo, weights=w, minlength=n) + np.bincount(hi, weights=w, minlength=n)
    top = np.zeros(n)
    np.maximum.at(top, lo, w)
    np.maximum.at(top, hi, w)
    redundancy = np.zeros(n)
    triangles = g.list_triangles()
    if triangles:
        # Each triangle a<b<c with its three weights; ego a loses p(a,b)·w(b,c)/max(c) (b is
        # redundant through c) and p(a,c)·w(c,b)/max(b); likewise b and c.
        a, b, c = np.sort(np.fromiter(chain.from_iterable(triangles), dtype=np.int64,
                                      count=3 * len(triangles)).reshape(-1, 3), axis=1).T
        keys = lo * n + hi
        order = np.argsort(keys)
        keys, w_sorted = keys[order], w[order]

        def weight_of(x, y):
            return w_sorted[np.searchsorted(keys, x * n + y)]

        wab, wac, wbc = weight_of(a, b), weight_of(a, c), weight_of(b, c)
        redundancy += np.bincount(a, weights=wbc * (wab / top[c] + wac / top[b]) / strength[a], minlength=n)
        redundancy += np.bincount(b, weights=wac * (wab / top[c] + wbc / top[a]) / strength[b], minlength=n)
        redundancy += np.bincount(c, weights=wab * (wac / top[b] + wbc / top[a]) / strength[c], minlength=n)
    size = degree - redundancy
    return {nodes[i]: float(size[i]) if degree[i] else 0.0 for i in range(n)}


def burt_measures(G: nx.Graph, weight: str = "weight", ig_graph=None) -> tuple[dict, dict]:
    """``(constraint, effective_size)`` of every node of the simple undirected graph ``G``."""
    copy = _igraph_copy(G, weight, ig_graph)
    return constraint(G, weight, copy), effective_size(G, weight, copy)
