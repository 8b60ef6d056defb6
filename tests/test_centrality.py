"""Measures checked against answers worked out by hand, and the igraph backend against networkx.

The stated partnership network of tests/data/network.ttl (weights; distance = 1/weight):

    gov —1— edu —1— college —½— university
             |  \\          \\      |
             ½   ½          ½     ½
             |    \\          \\    |
          bureau —½— new-area   light        no9 —1— center        erzhi (isolate)

n = 10; components {gov, edu, bureau, new-area, college, university, light}, {no9, center}, {erzhi}.
"""

import random
from pathlib import Path

import networkx as nx
import pytest

from harbin_kg.analysis import centrality as c
from harbin_kg.analysis import rankings
from harbin_kg.analysis.network import project

FIXTURE = Path(__file__).parent / "data" / "network.ttl"
ID = "https://w3id.org/hrbvet/id/org/"
NODES = ["gov", "edu", "bureau", "new-area-authority", "college", "university", "light", "no9", "center", "erzhi"]


@pytest.fixture(scope="module")
def G():
    return project(FIXTURE, "partnership")


def short(scores):
    return {k[len(ID):]: v for k, v in scores.items()}


def test_degree_and_weighted_degree(G):
    assert short(c.centrality(G, "degree")) == dict(zip(NODES, [1, 4, 2, 2, 3, 2, 2, 1, 1, 0]))
    # edu: 1 (a1) + 1 (a2) + ½ + ½ (zone); college: 1 + ½ + ½
    assert short(c.centrality(G, "weighted_degree")) == dict(zip(NODES, [1, 3, 1, 1, 2, 1, 1, 1, 1, 0]))


def test_betweenness_on_distances(G):
    # edu separates {gov} | {bureau, new-area} | {college, university, light}: 1·2 + 1·3 + 2·3 = 11 pairs;
    # college separates {university, light} from {gov, edu, bureau, new-area}: 2·4 = 8 pairs.
    # bureau–new-area direct (2) beats the detour through edu (4). Normalised by (n-1)(n-2)/2 = 36.
    expected = dict.fromkeys(NODES, 0.0) | {"edu": 11 / 36, "college": 8 / 36}
    assert short(c.centrality(G, "betweenness")) == pytest.approx(expected)


def test_closeness_wasserman_faust_for_disconnected_graphs(G):
    # (r-1)/Σd × (r-1)/(n-1); big component r = 7 → factor 6/9.
    # Σd: edu 1+1+2+2+3+3 = 12; gov 17; college 13; bureau 20; university 2+2+3+4+5+5 = 21.
    f = 6 / 9
    expected = {"gov": 6 / 17 * f, "edu": 6 / 12 * f, "bureau": 6 / 20 * f, "new-area-authority": 6 / 20 * f,
                "college": 6 / 13 * f, "university": 6 / 21 * f, "light": 6 / 21 * f,
                "no9": 1 / 9, "center": 1 / 9, "erzhi": 0.0}
    assert short(c.centrality(G, "closeness")) == pytest.approx(expected)


def test_burt_constraint_and_effective_size(G):
    # college: p(edu) = ½, p(univ) = p(light) = ¼; univ–light tied, p(light→univ) = ½:
    #   ½² + 2·(¼ + ¼·½)² = 17/32.   edu: p = ⅓, ⅓, ⅙, ⅙; bureau–new-area tied (½): 2/9 + 2·(⅙ + ⅙·½)² = 25/72.
    # bureau: p(edu) = p(new-area) = ½; p(new-area→edu) = ½, p(edu→new-area) = ⅙: (½+¼)² + (½+1/12)² = 65/72.
    # university/light: p = ½ each; (½ + ½·½)² + (½ + ½·¼)² = 9/16 + 25/64 = 61/64. Leaves: 1. erzhi: no value.
    expected = {"gov": 1.0, "edu": 25 / 72, "bureau": 65 / 72, "new-area-authority": 65 / 72, "college": 17 / 32,
                "university": 61 / 64, "light": 61 / 64, "no9": 1.0, "center": 1.0}
    assert short(c.centrality(G, "constraint")) == pytest.approx(expected)
    # effective size: Σ_v (1 − Σ_w p_uw m_vw). edu: gov 1, college 1, bureau and new-area 1 − ⅙·1 each → 11/3;
    # college: edu 1, university and light 1 − ¼·1 each → 5/2; bureau: edu 1 − ½·½, new-area 1 − ½·1 → 5/4.
    expected = {"gov": 1.0, "edu": 11 / 3, "bureau": 1.25, "new-area-authority": 1.25, "college": 2.5,
                "university": 1.25, "light": 1.25, "no9": 1.0, "center": 1.0, "erzhi": 0.0}
    assert short(c.centrality(G, "effective_size")) == pytest.approx(expected)


def test_bridges_and_articulation_points(G):
    assert [(u[len(ID):], v[len(ID):]) for u, v in c.bridges(G)] == [("center", "no9"), ("college", "edu"),
                                                                        ("edu", "gov")]
    assert [n[len(ID):] for n in c.articulation_points(G)] == ["college", "edu"]
    assert short(c.centrality(G, "articulation")) == dict.fromkeys(NODES, 0.0) | {"edu": 1.0, "college": 1.0}
    assert short(c.centrality(G, "bridges")) == dict.fromkeys(NODES, 0.0) | {"edu": 2.0, "college": 1.0, "gov": 1.0,
                                                                               "no9": 1.0, "center": 1.0}


def test_eigenvector_per_component_on_a_disconnected_graph():
    # star K1,3 + one edge: Perron vectors (1/√2, 1/√6 ×3) and (1/√2, 1/√2), scaled by √(4/6) and √(2/6).
    S = nx.star_graph(3)
    S.add_edge("a", "b")
    S.add_node("lonely")
    n = 7
    expected = {0: (1 / 2) ** 0.5 * (4 / n) ** 0.5, 1: (1 / 6) ** 0.5 * (4 / n) ** 0.5,
                2: (1 / 6) ** 0.5 * (4 / n) ** 0.5, 3: (1 / 6) ** 0.5 * (4 / n) ** 0.5,
                "a": (1 / 2) ** 0.5 * (2 / n) ** 0.5, "b": (1 / 2) ** 0.5 * (2 / n) ** 0.5, "lonely": 0.0}
    for backend in ("networkx", "igraph"):
        assert c.centrality(S, "eigenvector", backend=backend) == pytest.approx(expected)
    assert sum(x * x for x in expected.values()) == pytest.approx(6 / 7)  # the isolate holds no mass


def test_eigenvector_on_the_fixture_is_symmetric_and_unit_norm(G):
    e = short(c.centrality(G, "eigenvector"))
    assert e["no9"] == pytest.approx((1 / 10) ** 0.5)   # (1/√2)·√(2/10)
    assert e["erzhi"] == 0.0 and e["bureau"] == pytest.approx(e["new-area-authority"])
    assert max(e, key=e.get) == "edu"
    assert sum(x * x for x in e.values()) == pytest.approx(9 / 10)


def test_pagerank_on_a_star_solved_by_hand():
    # leaf l = 0.15/4 + 0.85·c/3, centre c = 0.15/4 + 0.85·3l → c = 0.133125/0.2775, l = (1 − c)/3.
    centre = (0.0375 + 2.55 * 0.0375) / (1 - 2.55 * 0.85 / 3)
    expected = {0: centre, 1: (1 - centre) / 3, 2: (1 - centre) / 3, 3: (1 - centre) / 3}
    for backend in ("networkx", "igraph"):
        assert c.centrality(nx.star_graph(3), "pagerank", backend=backend) == pytest.approx(expected, abs=1e-9)


def test_pagerank_on_the_fixture(G):
    p = short(c.centrality(G, "pagerank"))
    assert sum(p.values()) == pytest.approx(1.0)
    assert p["no9"] == pytest.approx(p["center"]) and p["university"] == pytest.approx(p["light"])
    assert max(p, key=p.get) == "edu" and min(p, key=p.get) == "erzhi"
    # an isolate keeps only teleportation plus its share of dangling mass: (0.15 + 0.85·p)/10
    assert p["erzhi"] == pytest.approx((0.15 + 0.85 * p["erzhi"]) / 10)


def test_louvain_finds_the_obvious_groups_and_they_are_stable(G):
    result = c.communities(G, seed=0, runs=5)
    assert [[n[len(ID):] for n in group] for group in result["communities"]] == [
        ["bureau", "edu", "gov", "new-area-authority"], ["college", "light", "university"], ["center", "no9"],
        ["erzhi"]]
    assert result["stability"]["mean_ari"] == 1.0
    assert set(result["stability"]["node"].values()) == {1.0}
    # modularity of that partition by hand: m = 6; Σ_c [w_in/m − (deg_c/2m)²]
    m = 6.0
    by_hand = (2.5 / m - (6 / 12) ** 2) + (1.5 / m - (4 / 12) ** 2) + (1 / m - (2 / 12) ** 2)
    assert result["modularity"] == pytest.approx(by_hand)
    assert result["parameters"]["seed"] == 0 and result["stability"]["seeds"] == [0, 1, 2, 3, 4]


def test_adjusted_rand_index():
    assert c.adjusted_rand([0, 0, 1, 1], [5, 5, 7, 7]) == 1.0
    # contingency [[1,1],[1,1]]: index 0, expected (2·2)/6 = ⅔, max 2 → (0 − ⅔)/(2 − ⅔) = −½
    assert c.adjusted_rand([0, 0, 1, 1], [0, 1, 0, 1]) == pytest.approx(-0.5)


def test_ranks_are_competition_ranks_and_constraint_ranks_low_first():
    assert c.rank({"a": 3.0, "b": 2.0, "c": 2.0, "d": 1.0}) == {"a": 1, "b": 2, "c": 2, "d": 4}
    assert c.rank({"a": 0.2, "b": 0.9}, "constraint") == {"a": 1, "b": 2}


def test_every_measure_scores_every_node_of_a_disconnected_graph(G):
    scores = c.compute(G)
    assert scores.parameters["components"] == 3
    for measure, values in scores.values.items():
        expected = set(G) - ({ID + "erzhi"} if measure == "constraint" else set())
        assert set(values) == expected, measure


def test_unknown_measure_lists_valid_ones(G):
    with pytest.raises(c.UnknownMeasure, match="valid measures: degree, weighted_degree, betweenness"):
        c.centrality(G, "influence")


def test_by_year_ranks_on_the_cumulative_network():
    result = rankings.by_year(FIXTURE, "degree")
    assert result["years"] == [2023, 2024]
    assert short(result["scores"][2023]) == {"gov": 1.0, "edu": 1.0}
    assert short(result["ranks"][2024])["edu"] == 1
    assert result["undated"] == [ID + "consortium"]


def test_explain_gives_the_facts_and_quotes_behind_a_score(G):
    why = rankings.explain(G, ID + "college")
    assert why["degree"] == 3 and why["weighted_degree"] == 2.0
    assert [t["label_zh"] for t in why["ties"]] == ["黑龙江省教育厅", "哈尔滨轻工职业学院", "哈尔滨学院"]
    assert why["ties"][0]["facts"][0]["relator"] == "https://w3id.org/hrbvet/id/agreement/a2"
    assert why["ties"][0]["facts"][0]["quotes"] == ["省教育厅与哈职院签署中本贯通培养试点框架协议"]


# --------------------------------------------------------------------------- igraph == networkx

def random_partnerships(n, m, seed):
    rng = random.Random(seed)
    G = nx.gnm_random_graph(n, m, seed=seed)
    G.add_nodes_from(range(n, n + 3))  # isolates
    for u, v in G.edges():
        # Newman weights 1/(n-1) give integer distances; these are exact in binary too, so equally
        # short paths tie in both libraries (float sums like 1/3 + 2/3 may not).
        G.edges[u, v]["weight"] = rng.choice([1.0, 0.5, 0.25, 2.0])
        G.edges[u, v]["distance"] = 1 / G.edges[u, v]["weight"]
    return nx.relabel_nodes(G, {i: f"n{i:03d}" for i in G})


@pytest.mark.parametrize("measure", list(c.MEASURES))
@pytest.mark.parametrize("seed", [1, 2])
def test_igraph_agrees_with_networkx(measure, seed):
    G = random_partnerships(80, 160, seed)
    a = c.centrality(G, measure, backend="networkx", seed=seed)
    b = c.centrality(G, measure, backend="igraph", seed=seed)
    assert set(a) == set(b)
    assert b == pytest.approx(a, abs=1e-7)


@pytest.mark.parametrize("measure", ["betweenness", "closeness"])
def test_sampled_estimates_agree_between_backends(measure):
    G = random_partnerships(120, 300, 3)
    a = c.centrality(G, measure, backend="networkx", seed=7, samples=30)
    b = c.centrality(G, measure, backend="igraph", seed=7, samples=30)
    assert b == pytest.approx(a, abs=1e-9)
    exact = c.centrality(G, measure, backend="igraph", samples=0)
    assert a != pytest.approx(exact, abs=1e-12)  # it really sampled


def test_sampled_betweenness_is_reproducible_from_its_seed():
    G = random_partnerships(300, 900, 4)
    first = c.compute(G, ["betweenness"], backend="igraph", seed=5, samples=50)
    again = c.compute(G, ["betweenness"], backend="igraph", seed=5, samples=50)
    assert repr(first.values) == repr(again.values)  # byte-identical, not just close
    assert first.values != c.compute(G, ["betweenness"], backend="igraph", seed=6, samples=50).values
    assert first.parameters["seed"] == 5 and first.parameters["path_samples"] == 50
    assert first.parameters["betweenness_sources"] == "random.Random(seed).sample(nodes in graph order, path_samples)"
    assert "betweenness_sources" not in c.compute(G, ["betweenness"], samples=0).parameters
    # The recorded rule gives the sources: with them, igraph's exact sum reproduces the estimate.
    g, nodes = c.to_igraph(G)
    sources = random.Random(5).sample(nodes, 50)
    raw = g.betweenness(directed=False, weights="distance", sources=[nodes.index(s) for s in sources])
    n = len(nodes)
    rebuilt = {v: 2.0 * b / ((49 if v in sources else 50) * (n - 2)) for v, b in zip(nodes, raw)}
    assert rebuilt == first.values["betweenness"]


def test_sampled_betweenness_error_against_the_exact_value():
    # 603 nodes: small enough for exact betweenness. Measured: k=200 max error 0.0093 (seed 1) and
    # 0.0104 (seed 2) where the largest exact value is 0.051; mean error 0.0013–0.0014; k=50 about 3x worse.
    G = random_partnerships(600, 1500, 5)
    exact = c.centrality(G, "betweenness", backend="igraph", samples=0)
    top = max(exact.values())
    for seed in (1, 2):
        errors = {}
        for k in (50, 200):
            estimate = c.centrality(G, "betweenness", backend="igraph", seed=seed, samples=k)
            errors[k] = [abs(estimate[v] - exact[v]) for v in G]
        assert max(errors[200]) < 0.25 * top and sum(errors[200]) / len(G) < 0.002
        assert max(errors[200]) < max(errors[50]) and sum(errors[200]) < sum(errors[50])


def test_louvain_partition_quality_agrees_between_backends():
    G = nx.connected_caveman_graph(6, 7)
    for u, v in G.edges():
        G.edges[u, v]["weight"] = 1.0
    q = {}
    for backend in ("networkx", "igraph"):
        result = c.communities(G, seed=3, runs=3, backend=backend)
        q[backend] = result["modularity"]
        assert len(result["communities"]) == 6
    assert q["igraph"] == pytest.approx(q["networkx"], abs=1e-9)


def test_backend_is_chosen_by_size():
    assert c.choose_backend(nx.path_graph(10)) == "networkx"
    assert c.choose_backend(nx.path_graph(c.IGRAPH_THRESHOLD)) == "igraph"
    g, nodes = c.to_igraph(random_partnerships(20, 30, 1))
    assert g.vcount() == 23 and len(nodes) == 23 and "distance" in g.es.attributes()


# --------------------------------------------------------------------------- the real network

def test_seed_partnership_network_top_organisations(seed_graph_path):
    """The seed report alone: the provincial department leads on PageRank and brokers most."""
    G = project(seed_graph_path, "partnership")
    assert G.number_of_nodes() >= 5
    ranks = c.rank(c.centrality(G, "pagerank"), "pagerank")
    leader = min(ranks, key=lambda n: (ranks[n], n))
    assert G.nodes[leader]["label_zh"] == "黑龙江省教育厅"
    betweenness = c.centrality(G, "betweenness")
    assert max(betweenness, key=betweenness.get) == leader


def test_real_partnership_network_top_organisations(bundled_graph_path):
    """With the cited pages, the vocational college with the most ties (哈职院) leads on PageRank
    and HIT has the highest betweenness; the provincial department stays in the top five."""
    G = project(bundled_graph_path, "partnership")
    names = nx.get_node_attributes(G, "label_zh")
    pagerank = c.centrality(G, "pagerank")
    top = sorted(pagerank, key=lambda n: (-pagerank[n], n))[:3]
    assert [names[n] for n in top] == ["哈尔滨职业技术学院", "哈尔滨工业大学", "哈尔滨工程大学"]
    betweenness = c.centrality(G, "betweenness")
    brokers = sorted(betweenness, key=lambda n: (-betweenness[n], n))[:2]
    assert [names[n] for n in brokers] == ["哈尔滨工业大学", "哈尔滨职业技术学院"]
    # the provincial department stays among the five most central by either measure
    assert "黑龙江省教育厅" in {names[n] for n in sorted(pagerank, key=lambda n: -pagerank[n])[:5]}
    assert "黑龙江省教育厅" in {names[n] for n in sorted(betweenness, key=lambda n: -betweenness[n])[:5]}
