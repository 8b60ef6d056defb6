"""Who is central, who brokers, which groups: measures on any networkx graph, as plain dicts.

These functions know nothing of RDF; :mod:`~harbin_kg.analysis.rankings` applies them to the
knowledge graph year by year and explains a score by its facts.

Every measure is defined on disconnected graphs and on isolates (see each function), works on
the undirected, weighted view of a graph (``weight``; ``distance = 1/weight`` for shortest
paths) and returns ``{node: float}``. Two backends give the same numbers: networkx (reference,
pure Python) and igraph (C), chosen automatically above :data:`IGRAPH_THRESHOLD` nodes and fed
through an integer edge list (never ``from_networkx``). Above :data:`EXACT_PATHS_MAX` nodes
betweenness and closeness are estimated from a seeded sample of sources.

>>> import networkx as nx
>>> G = nx.star_graph(3)
>>> centrality(G, "degree")
{0: 3.0, 1: 1.0, 2: 1.0, 3: 1.0}
>>> centrality(G, "constraint")[0]
0.3333333333333333
"""

from __future__ import annotations

import math
import random
import threading
from contextlib import contextmanager
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import networkx as nx
import numpy as np

from .brokerage import constraint as burt_constraint, edge_list, effective_size as burt_effective_size
from ..errors import HarbinKGError

__all__ = [
    "Measure", "MEASURES", "UnknownMeasure", "IGRAPH_THRESHOLD", "EXACT_PATHS_MAX", "PATH_SAMPLES",
    "centrality", "compute", "Scores", "choose_backend", "to_igraph", "rank", "bridges", "articulation_points",
    "louvain", "communities", "adjusted_rand", "undirected_weighted",
]

IGRAPH_THRESHOLD = 2_000   # nodes: from here on the igraph backend is used ("auto")
EXACT_PATHS_MAX = 5_000    # nodes: above, betweenness and closeness sample PATH_SAMPLES sources
PATH_SAMPLES = 200
EIGEN_DENSE_MAX = 400      # component size solved exactly with numpy.linalg.eigh
PAGERANK_ALPHA = 0.85


class UnknownMeasure(HarbinKGError):
    """A measure name that does not exist; the message lists the valid ones."""


@dataclass(frozen=True)
class Measure:
    name: str
    title_zh: str
    title_en: str
    higher_is_central: bool
    description: str


MEASURES: dict[str, Measure] = {m.name: m for m in (
    Measure("degree", "度", "Degree", True, "Number of distinct partners."),
    Measure("weighted_degree", "加权度", "Weighted degree (strength)", True,
            "Sum of edge weights: in the partnership network, sum over shared relators of 1/(n-1)."),
    Measure("betweenness", "中介中心性", "Betweenness", True,
            "Share of shortest paths (distance = 1/weight) through the node, normalised by (n-1)(n-2)/2; "
            "pairs in different components have no path and count for nobody."),
    Measure("closeness", "接近中心性", "Closeness", True,
            "Wasserman-Faust closeness: (r-1)/sum of distances to the r-1 reachable nodes, times (r-1)/(n-1); "
            "isolates 0."),
    Measure("eigenvector", "特征向量中心性", "Eigenvector", True,
            "Per connected component the Perron vector of the weighted adjacency (unit norm), scaled by "
            "sqrt(component size / n), so components weigh by size (without isolates the whole vector "
            "has unit norm); isolates 0."),
    Measure("pagerank", "PageRank", "PageRank", True,
            "Weighted PageRank, damping 0.85, dangling mass spread uniformly (defined for any graph)."),
    Measure("constraint", "结构洞约束", "Burt's constraint", False,
            "Burt's constraint with weights (low = broker); isolates have no contacts and no value."),
    Measure("effective_size", "有效规模", "Burt's effective size", True,
            "Burt's effective size with weights (non-redundant contacts); isolates 0."),
    Measure("articulation", "割点", "Articulation point", True,
            "1 if removing the node disconnects its component, else 0."),
    Measure("bridges", "桥边数", "Bridge edges", True, "Number of the node's edges whose removal disconnects the graph."),
)}


def _measure(name: str) -> Measure:
    try:
        return MEASURES[name.replace("-", "_")]
    except KeyError:
        raise UnknownMeasure(f"Unknown measure {name!r}; valid measures: {', '.join(MEASURES)}.") from None


def undirected_weighted(G: nx.Graph) -> nx.Graph:
    """A simple undirected Graph with ``weight`` (default 1) and ``distance = 1/weight`` on every edge."""
    H = nx.Graph()
    H.add_nodes_from(G.nodes(data=True))
    H.graph.update(G.graph)
    for u, v, d in G.edges(data=True):
        if u == v:
            continue
        w = float(d.get("weight", 1.0))
        if H.has_edge(u, v):  # directed u->v and v->u, or multi-edges: weights add
            w += H.edges[u, v]["weight"]
        H.add_edge(u, v, **{**d, "weight": w, "distance": 1.0 / w if w > 0 else math.inf})
    return H


def choose_backend(G: nx.Graph, backend: str = "auto") -> str:
    if backend not in ("auto", "networkx", "igraph"):
        raise HarbinKGError(f"Unknown backend {backend!r}; use auto, networkx or igraph.")
    if backend == "auto":
        return "igraph" if G.number_of_nodes() >= IGRAPH_THRESHOLD else "networkx"
    return backend


def to_igraph(G: nx.Graph):
    """``(igraph.Graph, nodes)``: vertex i is ``nodes[i]``, edge i is the i-th of ``G.edges``; built
    from an integer edge list with ``weight`` and ``distance`` edge attributes (much faster than
    ``igraph.Graph.from_networkx``)."""
    import igraph as ig

    nodes, edges, weights = edge_list(G, "weight")
    g = ig.Graph(n=len(nodes), edges=edges, directed=False)
    g.es["weight"] = weights
    with np.errstate(divide="ignore"):
        g.es["distance"] = (1.0 / np.array(weights)).tolist()
    return g, nodes


def _samples(G: nx.Graph, samples: int | None) -> int | None:
    n = G.number_of_nodes()
    if samples is None:
        return PATH_SAMPLES if n > EXACT_PATHS_MAX else None
    return None if samples >= n or samples <= 0 else samples


# ----------------------------------------------------------------------------- single measures

def _degree(G, ig_graph=None):
    return {n: float(d) for n, d in G.degree()}


def _weighted_degree(G, ig_graph=None):
    return {n: float(d) for n, d in G.degree(weight="weight")}


def _betweenness(G, backend, seed, samples, ig_graph=None):
    n = G.number_of_nodes()
    k = _samples(G, samples)
    if backend == "networkx":
        return dict(nx.betweenness_centrality(G, k=k, weight="distance", normalized=True, seed=seed))
    g, nodes = ig_graph or to_igraph(G)
    if n <= 2:
        return dict.fromkeys(nodes, 0.0)
    if k is None:
        raw = g.betweenness(directed=False, weights="distance")
        return {v: 2.0 * b / ((n - 1) * (n - 2)) for v, b in zip(nodes, raw)}
    # The same sources networkx would draw (random.Random(seed).sample of the node list) and the
    # same rescaling (networkx 3.6 _rescale, endpoints excluded): estimates agree exactly.
    sources = random.Random(seed).sample(nodes, k)
    raw = g.betweenness(directed=False, weights="distance", sources=_indices(nodes, sources))
    chosen = set(sources)
    return {v: 2.0 * b / ((k - 1 if v in chosen else k) * (n - 2)) for v, b in zip(nodes, raw)}


def _indices(nodes, wanted):
    index = {n: i for i, n in enumerate(nodes)}
    return [index[w] for w in wanted]


def _closeness(G, backend, seed, samples, ig_graph=None) -> dict:
    n = G.number_of_nodes()
    k = _samples(G, samples)
    if backend == "networkx" and k is None:
        return dict(nx.closeness_centrality(G, distance="distance"))
    if backend == "networkx":
        return _closeness_sampled_nx(G, seed, k)
    g, nodes = ig_graph or to_igraph(G)
    membership = g.connected_components().membership
    sizes = np.bincount(membership) if n else np.array([])
    out = dict.fromkeys(nodes, 0.0)
    if k is None:
        values = g.closeness(weights="distance", normalized=True)
        for i, (v, c) in enumerate(zip(nodes, values)):
            r = sizes[membership[i]]
            out[v] = 0.0 if r < 2 or c != c else float(c) * (r - 1) / (n - 1)
        return out
    # Sampled (Eppstein-Wang): small components exactly, large ones from k sampled sources each.
    rng = random.Random(seed)
    by_comp: dict[int, list[int]] = defaultdict(list)
    for i, c in enumerate(membership):
        by_comp[c].append(i)
    for _c, members in sorted(by_comp.items()):
        r = len(members)
        if r < 2:
            continue
        if r <= 2 * k:
            values = g.closeness(vertices=members, weights="distance", normalized=True)
            for i, val in zip(members, values):
                out[nodes[i]] = float(val) * (r - 1) / (n - 1)
            continue
        src = rng.sample(members, k)
        total = np.zeros(n)
        for start in range(0, k, 16):
            block = np.array(g.distances(source=src[start:start + 16], weights="distance"))
            block[~np.isfinite(block)] = 0.0
            total += block.sum(axis=0)
        is_src = np.zeros(n, dtype=bool)
        is_src[src] = True
        for i in members:
            m = k - 1 if is_src[i] else k
            mean = total[i] / m if m else 0.0
            out[nodes[i]] = 0.0 if mean <= 0 else (1.0 / mean) * (r - 1) / (n - 1)
    return out


def _closeness_sampled_nx(G, seed, k):
    n = G.number_of_nodes()
    out = dict.fromkeys(G, 0.0)
    rng = random.Random(seed)
    for comp in sorted((sorted(c, key=str) for c in nx.connected_components(G)), key=lambda c: str(c[0])):
        r = len(comp)
        if r < 2:
            continue
        if r <= 2 * k:
            sub = G.subgraph(comp)
            for v, c in nx.closeness_centrality(sub, distance="distance", wf_improved=False).items():
                out[v] = c * (r - 1) / (n - 1)
            continue
        src = rng.sample(comp, k)
        total = defaultdict(float)
        for s in src:
            for v, d in nx.single_source_dijkstra_path_length(G, s, weight="distance").items():
                total[v] += d
        chosen = set(src)
        for v in comp:
            m = k - 1 if v in chosen else k
            out[v] = 0.0 if not total[v] else (m / total[v]) * (r - 1) / (n - 1)
    return out


def _eigenvector(G, backend, ig_graph=None):
    n = G.number_of_nodes()
    out = dict.fromkeys(G, 0.0)
    for comp in nx.connected_components(G):
        r = len(comp)
        if r < 2:
            continue
        comp = sorted(comp, key=str)
        if r <= EIGEN_DENSE_MAX:
            index = {v: i for i, v in enumerate(comp)}
            A = np.zeros((r, r))
            for u, v, w in G.subgraph(comp).edges(data="weight", default=1.0):
                A[index[u], index[v]] = A[index[v], index[u]] = w
            _, vecs = np.linalg.eigh(A)
            x = np.abs(vecs[:, -1])
            vals = dict(zip(comp, x))
        elif backend == "igraph":
            g, nodes = to_igraph(G.subgraph(comp))
            vals = dict(zip(nodes, g.eigenvector_centrality(weights="weight")))
        else:
            vals = nx.eigenvector_centrality(G.subgraph(comp), max_iter=10_000, tol=1e-12, weight="weight")
        norm = math.sqrt(sum(x * x for x in vals.values())) or 1.0
        scale = math.sqrt(r / n)
        for v, x in vals.items():
            out[v] = float(abs(x)) / norm * scale
    return out


def _pagerank(G, backend, ig_graph=None):
    if G.number_of_nodes() == 0:
        return {}
    if backend == "networkx":
        return _pagerank_power(G, alpha=PAGERANK_ALPHA, tol=1e-12, max_iter=1000)
    g, nodes = ig_graph or to_igraph(G)
    return dict(zip(nodes, g.pagerank(weights="weight", damping=PAGERANK_ALPHA, directed=False)))


def _pagerank_power(G: nx.Graph, *, alpha: float, tol: float, max_iter: int) -> dict:
    """PageRank by power iteration in pure Python, as networkx's reference implementation does it
    (``nx.pagerank`` needs SciPy, which is not a dependency): uniform teleport, a dangling node's
    rank spread over every node, stop when the L1 change is below ``len(G) * tol``."""
    W = nx.stochastic_graph(G.to_directed(), weight="weight")
    n = W.number_of_nodes()
    x = dict.fromkeys(W, 1.0 / n)
    dangling = [v for v in W if W.out_degree(v, weight="weight") == 0.0]
    for _ in range(max_iter):
        last = x
        x = dict.fromkeys(last, 0.0)
        dangling_sum = alpha * sum(last[v] for v in dangling)
        for v in x:
            for _, w, weight in W.edges(v, data="weight"):
                x[w] += alpha * last[v] * weight
            x[v] += dangling_sum * (1.0 / n) + (1.0 - alpha) * (1.0 / n)
        if sum(abs(x[v] - last[v]) for v in x) < n * tol:
            return x
    raise nx.PowerIterationFailedConvergence(max_iter)


def _constraint(G, backend, ig_graph=None):
    if backend == "networkx":  # the reference, asked for by name (pure Python: slow around hubs)
        return {v: c for v, c in nx.constraint(G, weight="weight").items() if c == c}
    return burt_constraint(G, "weight", ig_graph)


def _effective_size(G, backend, ig_graph=None):
    if backend == "networkx":
        return {v: (0.0 if s != s else s) for v, s in nx.effective_size(G, weight="weight").items()}
    return burt_effective_size(G, "weight", ig_graph)


def bridges(G: nx.Graph, backend: str = "auto") -> list[tuple]:
    """Edges whose removal disconnects their component, each as a sorted pair, sorted."""
    G = undirected_weighted(G) if G.is_directed() or G.is_multigraph() else G
    if choose_backend(G, backend) == "igraph":
        g, nodes = to_igraph(G)
        pairs = [g.es[i].tuple for i in g.bridges()]
        found = [(nodes[a], nodes[b]) for a, b in pairs]
    else:
        found = list(nx.bridges(G))
    return sorted(tuple(sorted(e, key=str)) for e in found)


def articulation_points(G: nx.Graph, backend: str = "auto") -> list:
    """Nodes whose removal disconnects their component, sorted."""
    G = undirected_weighted(G) if G.is_directed() or G.is_multigraph() else G
    if choose_backend(G, backend) == "igraph":
        g, nodes = to_igraph(G)
        return sorted((nodes[i] for i in g.articulation_points()), key=str)
    return sorted(nx.articulation_points(G), key=str)


def centrality(G: nx.Graph, measure: str = "degree", *, backend: str = "auto", seed: int = 0,
               samples: int | None = None) -> dict:
    """One measure for every node (see :data:`MEASURES`) as ``{node: float}``.

    ``samples`` overrides the number of sampled sources for betweenness/closeness (``None``:
    exact up to :data:`EXACT_PATHS_MAX` nodes, else :data:`PATH_SAMPLES`; ``0``: always exact).
    """
    return compute(G, [measure], backend=backend, seed=seed, samples=samples).values[_measure(measure).name]


@dataclass(frozen=True)
class Scores:
    """Measures computed on one graph, with everything needed to reproduce them."""

    values: dict[str, dict]
    parameters: dict


def compute(G: nx.Graph, measures: Iterable[str] | None = None, *, backend: str = "auto", seed: int = 0,
            samples: int | None = None) -> Scores:
    """Several measures at once, sharing one igraph conversion; ``parameters`` says how."""
    measures = list(MEASURES) if measures is None else [_measure(m).name for m in measures]
    # Scanning the adjacency directly: the edge view costs twice as much on 600k edges.
    H = undirected_weighted(G) if (G.is_directed() or G.is_multigraph()
                                   or any("distance" not in d for nbrs in G._adj.values() for d in nbrs.values())) \
        else G
    chosen = choose_backend(H, backend)
    # Burt's measures run in C (brokerage.py) whatever the size, on the same copy; networkx's own
    # code only when asked for by name, as the reference.
    brokerage = backend != "networkx" and bool({"constraint", "effective_size"} & set(measures))
    ig_graph = to_igraph(H) if chosen == "igraph" or brokerage else None
    k = _samples(H, samples)
    values: dict[str, dict] = {}
    for m in measures:
        if m == "degree":
            values[m] = _degree(H)
        elif m == "weighted_degree":
            values[m] = _weighted_degree(H)
        elif m == "betweenness":
            values[m] = _betweenness(H, chosen, seed, samples, ig_graph if chosen == "igraph" else None)
        elif m == "closeness":
            values[m] = _closeness(H, chosen, seed, samples, ig_graph if chosen == "igraph" else None)
        elif m == "eigenvector":
            values[m] = _eigenvector(H, chosen, ig_graph)
        elif m == "pagerank":
            values[m] = _pagerank(H, chosen, ig_graph if chosen == "igraph" else None)
        elif m == "constraint":
            values[m] = _constraint(H, "igraph" if brokerage else "networkx", ig_graph)
        elif m == "effective_size":
            values[m] = _effective_size(H, "igraph" if brokerage else "networkx", ig_graph)
        elif m == "articulation":
            points = set(articulation_points(H, chosen))
            values[m] = {v: 1.0 if v in points else 0.0 for v in H}
        elif m == "bridges":
            count = dict.fromkeys(H, 0.0)
            for u, v in bridges(H, chosen):
                count[u] += 1
                count[v] += 1
            values[m] = count
    if not H.number_of_nodes():
        components = 0
    elif ig_graph is not None:
        components = len(ig_graph[0].connected_components())
    else:
        components = nx.number_connected_components(H)
    parameters = {
        "backend": chosen, "seed": seed, "weight": "weight", "distance": "1/weight",
        "pagerank_alpha": PAGERANK_ALPHA, "path_samples": k,
        "nodes": H.number_of_nodes(), "edges": H.number_of_edges(),
        "components": components,
    }
    if k is not None and "betweenness" in measures:
        # The sampled sources follow from seed and node order alone (see _betweenness), so the
        # estimate can be recomputed, or compared with the exact value, from these parameters.
        parameters["betweenness_sources"] = "random.Random(seed).sample(nodes in graph order, path_samples)"
    return Scores(values, parameters)


def rank(scores: dict, measure: str | None = None, *, higher_is_central: bool | None = None) -> dict:
    """Competition ranks (1, 2, 2, 4 …) by score; ties compared at 12 significant digits."""
    if higher_is_central is None:
        higher_is_central = True if measure is None else _measure(measure).higher_is_central
    sign = -1.0 if higher_is_central else 1.0
    ordered = sorted(scores, key=lambda v: (sign * float(f"{scores[v]:.12g}"), str(v)))
    ranks, previous, current = {}, None, 0
    for i, v in enumerate(ordered, 1):
        key = float(f"{scores[v]:.12g}")
        if key != previous:
            current, previous = i, key
        ranks[v] = current
    return ranks


# ----------------------------------------------------------------------------- communities

_IGRAPH_RNG = threading.Lock()


@contextmanager
def seeded_igraph(seed: int):
    """Lend igraph (which draws from one process-wide generator) a private seeded one.

    igraph's default generator is Python's global ``random``; the lock keeps two threads
    (a server, a notebook) from swapping generators under each other.
    """
    import igraph as ig

    with _IGRAPH_RNG:
        ig.set_random_number_generator(random.Random(seed))
        try:
            yield
        finally:
            ig.set_random_number_generator(random)


def louvain(G: nx.Graph, *, seed: int = 0, resolution: float = 1.0, backend: str = "auto") -> list[list]:
    """Louvain communities (seeded), largest first, each sorted; isolates are singleton groups."""
    H = undirected_weighted(G) if G.is_directed() or G.is_multigraph() else G
    if H.number_of_nodes() == 0:
        return []
    if choose_backend(H, backend) == "igraph":
        g, nodes = to_igraph(H)
        with seeded_igraph(seed):
            parts = g.community_multilevel(weights="weight", resolution=resolution)
        groups = [[nodes[i] for i in part] for part in parts]
    else:
        groups = [list(c) for c in nx.community.louvain_communities(H, weight="weight", resolution=resolution,
                                                                     seed=seed)]
    groups = [sorted(c, key=str) for c in groups]
    return sorted(groups, key=lambda c: (-len(c), str(c[0])))


def adjusted_rand(a: Sequence, b: Sequence) -> float:
    """Adjusted Rand index of two labelings of the same items (1 = identical partitions)."""
    n = len(a)
    if n < 2:
        return 1.0
    pairs: defaultdict[tuple, int] = defaultdict(int)
    for x, y in zip(a, b):
        pairs[x, y] += 1
    rows: defaultdict = defaultdict(int)
    cols: defaultdict = defaultdict(int)
    for (x, y), c in pairs.items():
        rows[x] += c
        cols[y] += c

    def c2(m):
        return m * (m - 1) / 2

    index = sum(c2(c) for c in pairs.values())
    sa, sb = sum(c2(c) for c in rows.values()), sum(c2(c) for c in cols.values())
    expected = sa * sb / c2(n)
    maximum = (sa + sb) / 2
    return 1.0 if maximum == expected else (index - expected) / (maximum - expected)


def communities(G: nx.Graph, *, seed: int = 0, runs: int = 10, resolution: float = 1.0,
                backend: str = "auto") -> dict:
    """Louvain communities with seed ``seed`` and their stability over ``runs`` seeds.

    Returns a plain dict: ``communities`` (lists of nodes, largest first), ``membership``
    (node → community index), ``modularity``, and ``stability``: ``mean_ari`` (mean adjusted
    Rand index of runs ``seed+1 … seed+runs-1`` against the reported partition), ``node`` (per
    node, the mean Jaccard overlap between its reported community and its community in each
    run: 1 = always grouped with the same partners), ``community`` (mean of ``node`` over each
    community) and ``seeds``.
    """
    H = undirected_weighted(G) if G.is_directed() or G.is_multigraph() else G
    seeds = [seed + i for i in range(max(runs, 1))]
    partitions = [louvain(H, seed=s, resolution=resolution, backend=backend) for s in seeds]
    reference = partitions[0]
    member = {v: i for i, c in enumerate(reference) for v in c}
    nodes = sorted(H, key=str)
    node_share = dict.fromkeys(nodes, 0.0)
    aris = []
    for part in partitions[1:]:
        other = {v: i for i, c in enumerate(part) for v in c}
        aris.append(adjusted_rand([member[v] for v in nodes], [other[v] for v in nodes]))
        sets = [set(c) for c in part]
        for v in nodes:
            a, b = set(reference[member[v]]), sets[other[v]]
            node_share[v] += len(a & b) / len(a | b)
    extra = len(partitions) - 1
    node_share = {v: (s / extra if extra else 1.0) for v, s in node_share.items()}
    modularity = nx.community.modularity(H, reference, weight="weight", resolution=resolution) \
        if H.number_of_edges() else 0.0
    backend_used = choose_backend(H, backend) if H.number_of_nodes() else backend
    return {
        "communities": reference,
        "membership": member,
        "modularity": modularity,
        "stability": {
            "mean_ari": sum(aris) / len(aris) if aris else 1.0,
            "node": node_share,
            "community": [sum(node_share[v] for v in c) / len(c) for c in reference],
            "seeds": seeds,
        },
        "parameters": {"algorithm": "louvain", "seed": seed, "runs": len(seeds), "resolution": resolution,
                       "weight": "weight", "backend": backend_used},
    }
