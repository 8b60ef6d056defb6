"""Burt's measures, vectorised over triangles, against networkx's own code and by hand."""

import random

import networkx as nx
import pytest

from harbin_kg.analysis import centrality as c
from harbin_kg.analysis.brokerage import burt_measures


def _weighted(graph: nx.Graph, seed: int) -> nx.Graph:
    rng = random.Random(seed)
    for u, v in graph.edges:
        graph[u][v]["weight"] = rng.choice([0.25, 0.5, 1.0, 2.0, 3.0])
    return graph


@pytest.mark.parametrize("seed", range(4))
def test_agrees_with_networkx_on_random_weighted_graphs(seed):
    G = _weighted(nx.gnm_random_graph(80, 400, seed=seed), seed)
    G.add_node("isolate")
    constraint, size = burt_measures(G)
    nx_constraint = nx.constraint(G, weight="weight")
    nx_size = nx.effective_size(G, weight="weight")
    assert "isolate" not in constraint and size["isolate"] == 0.0
    assert constraint == pytest.approx({n: v for n, v in nx_constraint.items() if v == v}, abs=1e-12)
    assert size == pytest.approx({n: (0.0 if v != v else v) for n, v in nx_size.items()}, abs=1e-12)


def test_agrees_with_networkx_on_a_hub_and_clique_graph():
    # A hub tied to everything plus a 6-clique: many triangles through one node.
    G = nx.star_graph(30)
    G.add_edges_from((a, b) for a in range(1, 7) for b in range(a + 1, 7))
    G = _weighted(G, 9)
    constraint, size = burt_measures(G)
    assert constraint == pytest.approx(nx.constraint(G, weight="weight"), abs=1e-12)
    assert size == pytest.approx(nx.effective_size(G, weight="weight"), abs=1e-12)


def test_by_hand_on_a_triangle_with_a_tail():
    # a–b (1), a–c (1), b–c (1), c–d (2). For a: p(b) = p(c) = ½, b–c tied, p(b→c) = ½, p(c→b) = ¼:
    #   constraint (½ + ½·¼)² + (½ + ½·½)² = 25/64 + 36/64 = 61/64;
    #   effective size: b is redundant with c by ½·1/max(c)=½·½, c with b by ½·1/max(b)=½·1 → 2 − ¼ − ½ = 5/4.
    G = nx.Graph()
    G.add_weighted_edges_from([("a", "b", 1.0), ("a", "c", 1.0), ("b", "c", 1.0), ("c", "d", 2.0)])
    constraint, size = burt_measures(G)
    assert constraint["a"] == pytest.approx(61 / 64)
    assert size["a"] == pytest.approx(5 / 4)
    assert constraint["d"] == pytest.approx(1.0) and size["d"] == pytest.approx(1.0)


def test_every_backend_gives_the_same_brokerage():
    G = _weighted(nx.barabasi_albert_graph(300, 3, seed=5), 5)
    for u, v in G.edges:
        G[u][v]["distance"] = 1.0 / G[u][v]["weight"]
    auto = c.compute(G, ["constraint", "effective_size"]).values
    reference = c.compute(G, ["constraint", "effective_size"], backend="networkx").values
    fast = c.compute(G, ["constraint", "effective_size"], backend="igraph").values
    for measure in ("constraint", "effective_size"):
        assert auto[measure] == pytest.approx(reference[measure], abs=1e-12)
        assert fast[measure] == pytest.approx(reference[measure], abs=1e-12)


def test_refuses_directed_graphs():
    with pytest.raises(ValueError, match="simple undirected"):
        burt_measures(nx.DiGraph([(1, 2)]))


def test_constraint_counts_contacts_only_by_hand():
    # Path a–b–c: c is no contact of a, so a's constraint is p(a,b)² = 1 (Burt's sum over all j would
    # add (p(a,b)·p(b,c))² = ¼); b: (½)² + (½)² = ½.
    constraint, size = burt_measures(nx.path_graph(["a", "b", "c"]))
    assert constraint == {"a": 1.0, "b": 0.5, "c": 1.0}
    assert size == {"a": 1.0, "b": 2.0, "c": 1.0}


@pytest.mark.parametrize("seed", range(6))
def test_igraph_constraint_is_networkx_constraint_on_sparse_and_dense_graphs(seed):
    # Sparse graphs (paths, trees, pendant nodes) and dense ones, weights with non-binary fractions.
    rng = random.Random(seed)
    n = rng.randint(5, 60)
    G = nx.gnm_random_graph(n, rng.randint(n // 2, n * (n - 1) // 4), seed=seed)
    for u, v in G.edges:
        G[u][v]["weight"] = rng.choice([0.1, 1 / 3, 0.5, 1.0, 2.0, 7.0])
    assert c.centrality(G, "constraint", backend="igraph") == pytest.approx(
        {n: v for n, v in nx.constraint(G, weight="weight").items() if v == v}, abs=1e-12)
    assert c.centrality(G, "effective_size", backend="igraph") == pytest.approx(
        {n: (0.0 if v != v else v) for n, v in nx.effective_size(G, weight="weight").items()}, abs=1e-12)


def test_self_loops_are_ignored_on_the_shared_igraph_copy():
    G = _weighted(nx.gnm_random_graph(40, 150, seed=3), 3)
    G.add_edge(0, 0, weight=5.0)
    G.add_edge(39, 39, weight=1.0)
    for u, v in G.edges:
        G[u][v]["distance"] = 1.0 / G[u][v]["weight"]  # so compute() keeps G as it is, loops and all
    loopless = nx.Graph(G)
    loopless.remove_edges_from(nx.selfloop_edges(G))
    values = c.compute(G, ["constraint", "effective_size"], backend="igraph").values
    assert values["constraint"] == pytest.approx(nx.constraint(loopless, weight="weight"), abs=1e-12)
    assert values["effective_size"] == pytest.approx(nx.effective_size(loopless, weight="weight"), abs=1e-12)
    constraint, size = burt_measures(G)  # its own igraph copy, made without the loops
    assert constraint == values["constraint"] and size == values["effective_size"]


def test_multigraph_ties_add_up_before_brokerage():
    # Two relators between a and b count as one tie of weight 2 (centrality.undirected_weighted).
    M = nx.MultiGraph()
    M.add_edges_from([("a", "b", {"weight": 1.0}), ("a", "b", {"weight": 1.0}), ("a", "c", {"weight": 1.0}),
                      ("b", "c", {"weight": 0.5}), ("c", "d", {"weight": 1.0})])
    simple = nx.Graph([("a", "b", {"weight": 2.0}), ("a", "c", {"weight": 1.0}), ("b", "c", {"weight": 0.5}),
                       ("c", "d", {"weight": 1.0})])
    values = c.compute(M, ["constraint", "effective_size"]).values
    assert values["constraint"] == pytest.approx(nx.constraint(simple, weight="weight"), abs=1e-12)
    assert values["effective_size"] == pytest.approx(nx.effective_size(simple, weight="weight"), abs=1e-12)


def test_auto_backend_never_runs_networkx_brokerage_on_a_small_graph(monkeypatch):
    # auto keeps networkx below IGRAPH_THRESHOLD nodes for the other measures; Burt's measures still run in C.
    def refuse(*args, **kwargs):
        raise AssertionError("networkx's pure-Python Burt measures were called")

    monkeypatch.setattr(nx, "constraint", refuse)
    monkeypatch.setattr(nx, "effective_size", refuse)
    G = _weighted(nx.barabasi_albert_graph(500, 4, seed=2), 2)
    scores = c.compute(G, ["constraint", "effective_size"], backend="auto")
    assert scores.parameters["backend"] == "networkx" and len(scores.values["constraint"]) == 500
