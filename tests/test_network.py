"""Projection rules on tests/data/network.ttl (a small graph in the built shape)."""

from pathlib import Path

import networkx as nx
import pytest

from harbin_kg.analysis.network import (PROJECTIONS, STATUSES, UnknownProjection, one_mode, open_store, project,
                               relator_years)
from harbin_kg.graph.store import load_rdflib

FIXTURE = Path(__file__).parent / "data" / "network.ttl"
ID = "https://w3id.org/hrbvet/id/"


def o(slug):
    return f"{ID}org/{slug}"


@pytest.fixture(scope="module")
def store():
    return open_store(FIXTURE)


@pytest.fixture(scope="module")
def partnership(store):
    return project(store, "partnership")


def test_every_projection_is_a_documented_specification():
    assert list(PROJECTIONS) == ["two-mode", "partnership", "membership", "hierarchy", "documents", "goals",
                                 "pathways", "ecosystem"]
    for spec in PROJECTIONS.values():
        assert spec.title_zh and spec.title_en and spec.description
        assert spec.to_dict()["name"] == spec.name
    assert PROJECTIONS["partnership"].weighting == "newman"
    assert PROJECTIONS["partnership"].statuses == ("stated",)


def test_graph_records_projection_spec_and_data_version(partnership):
    assert partnership.graph["projection"] == "partnership"
    assert partnership.graph["data_version"] == "fixture-1"
    assert partnership.graph["spec"]["kinds"] == ["agreement", "consortium", "initiative", "pilot"]


def test_edges_weighted_one_over_n_minus_one(partnership):
    weights = {tuple(sorted((u[len(ID) + 4:], v[len(ID) + 4:]))): d["weight"]
               for u, v, d in partnership.edges(data=True)}
    assert weights == {
        ("edu", "gov"): 1.0,            # a1: 2 parties
        ("college", "edu"): 1.0,        # a2: 2 parties
        ("bureau", "edu"): 0.5, ("edu", "new-area-authority"): 0.5, ("bureau", "new-area-authority"): 0.5,  # zone: 3
        ("college", "university"): 0.5, ("college", "light"): 0.5, ("light", "university"): 0.5,  # consortium: 3
        ("center", "no9"): 1.0,         # pilot: 2
    }
    assert all(d["distance"] == pytest.approx(1 / d["weight"]) for *_, d in partnership.edges(data=True))


def test_shared_relators_add_up_and_are_all_kept_as_via():
    B = nx.Graph()
    B.add_nodes_from(["a", "b", "c"], bipartite=0)
    B.add_node("r1", bipartite=1, relation="agreement", quotes=["甲与乙签署协议"])
    B.add_node("r2", bipartite=1, relation="consortium", quotes=["甲乙丙组成联合体"])
    B.add_edges_from([("a", "r1"), ("b", "r1"), ("a", "r2"), ("b", "r2"), ("c", "r2")])
    G = one_mode(B)
    assert G["a"]["b"]["weight"] == pytest.approx(1.5)
    assert G["a"]["b"]["via"] == ["r1", "r2"]
    assert [f["quotes"] for f in G["a"]["b"]["facts"]] == [["甲与乙签署协议"], ["甲乙丙组成联合体"]]
    assert G["a"]["c"]["weight"] == pytest.approx(0.5)


def test_edges_keep_the_facts_and_quotes_behind_them(partnership):
    e = partnership.edges[o("college"), o("university")]
    assert e["via"] == [o("consortium")]
    fact = e["facts"][0]
    assert fact["label_zh"] == "数字经济产教联合体" and fact["relation"] == "consortium" and fact["n_parties"] == 3
    assert fact["quotes"] == ["哈职院牵头，哈尔滨学院、哈轻工加入数字经济产教联合体"]
    assert partnership.edges[o("gov"), o("edu")]["years"] == [2023]


def test_same_day_agreements_are_not_linked_through_their_date(store, partnership):
    # a2 (edu, college), the pilot (no9, center) and a4 share one time:Instant node.
    for G in (partnership, project(store, "partnership", statuses=STATUSES)):
        assert not G.has_edge(o("college"), o("no9"))
        assert not G.has_edge(o("edu"), o("center"))
        assert nx.node_connected_component(G, o("no9")) == {o("no9"), o("center")}
    for name in PROJECTIONS:
        assert f"{ID}instant/2024-04-20" not in project(store, name, statuses=STATUSES)


def test_literals_and_rdf_type_never_become_nodes(store):
    for name in PROJECTIONS:
        G = project(store, name, statuses=STATUSES)
        assert len(G) > 0
        for node in G:
            assert node.startswith("https://w3id.org/hrbvet/"), node
            assert "/ont#" not in node and not node.startswith("http://www.w3.org/")
            assert "2023" not in node and "哈" not in node


def test_stated_only_by_default(store, partnership):
    assert o("harbin-signatory") not in partnership
    assert not partnership.has_edge(o("bureau"), o("university"))   # a3 is inferred-caption
    assert partnership.degree(o("erzhi")) == 0                     # its only partner in a5 is inferred
    both = project(store, "partnership", statuses=STATUSES)
    assert both.has_edge(o("bureau"), o("university"))
    assert both.has_edge(o("erzhi"), o("university"))
    assert both.has_edge(o("harbin-signatory"), o("hohhot-signatory"))


def test_nodes_keep_iri_kind_labels_and_placeholder_flag(store, partnership):
    assert partnership.nodes[o("college")] == {
        "iri": o("college"), "kind": "HigherVocationalCollege", "kind_iri": "https://w3id.org/hrbvet/ont#HigherVocationalCollege",
        "label_zh": "哈尔滨职业技术学院", "label_en": "Harbin Vocational and Technical College", "placeholder": False}
    assert partnership.nodes[o("new-area-authority")]["placeholder"] is True
    assert partnership.nodes[o("erzhi")]["label_en"] == "哈二职"   # no English name: falls back to zh
    both = project(store, "partnership", statuses=STATUSES)
    assert both.nodes[o("hohhot-signatory")]["placeholder"] is True


def test_two_mode_is_bipartite_with_relators(store):
    B = project(store, "two-mode")
    assert nx.is_bipartite(B)
    relators = {n for n, d in B.nodes(data=True) if d["bipartite"] == 1}
    assert relators == {f"{ID}agreement/a1", f"{ID}agreement/a2", f"{ID}initiative/zone", o("consortium"),
                        f"{ID}programme/pilot", f"{ID}agreement/a5"}
    assert B.nodes[f"{ID}programme/pilot"]["relation"] == "pilot"
    assert B.edges[o("college"), o("consortium")]["roles"] == ["lead-unit"]


def test_membership_layer_holds_consortium_members_only(store):
    M = project(store, "membership")
    assert sorted(M.edges()) == sorted([(o("college"), o("consortium")), (o("light"), o("consortium")),
                                        (o("university"), o("consortium"))])


def test_filter_by_relation_kind_and_year(store):
    only = project(store, "partnership", kinds=["consortium"])
    assert {frozenset(e) for e in only.edges()} == {frozenset((o("college"), o("university"))),
                                                   frozenset((o("college"), o("light"))),
                                                   frozenset((o("light"), o("university")))}
    in2023 = project(store, "partnership", years=[2023])
    assert sorted(in2023.edges()) == [(o("edu"), o("gov"))] or sorted(in2023.edges()) == [(o("gov"), o("edu"))]
    assert o("university") not in in2023                               # the consortium is undated
    assert relator_years(store)[f"{ID}agreement/a2"] == 2024          # xsd:date on a shared instant


def test_hierarchy_is_a_separate_digraph(store, partnership):
    H = project(store, "hierarchy")
    assert H.is_directed()
    assert {(u[len(ID):], v[len(ID):], d["relation"]) for u, v, d in H.edges(data=True)} == {
        ("org/bureau", "org/gov", "sub-organization"),
        ("org/college", "org/bureau", "competent-authority"),
        ("org/new-area-authority", "place/new-area", "governs"),
        ("agreement/a2", "agreement/a1", "guided-by"),
        ("doc/plan", "org/gov", "issuer"),
        ("doc/notice", "org/edu", "issuer"),
    }
    assert not partnership.has_edge(o("college"), o("bureau"))


def test_documents_and_pathways_layers(store):
    D = project(store, "documents")
    assert D.edges[f"{ID}doc/notice", f"{ID}doc/plan"]["relation"] == "transmits"
    assert D.edges[f"{ID}doc/plan/task/1", f"{ID}doc/plan"]["relation"] == "part-of"
    P = project(store, "pathways")
    level = "https://w3id.org/hrbvet/scheme/education-level/"
    e = P.edges[level + "secondary-vocational", level + "bachelor"]
    assert e["mechanism_labels"] == ["普通高考", "职教高考"]
    assert not P.has_edge(level + "higher-vocational", level + "applied-bachelor")  # inferred, left out


def test_ecosystem_tags_each_edge_with_its_layer(store):
    E = project(store, "ecosystem")
    layers = {d["layer"] for *_, d in E.edges(data=True)}
    assert layers == {"two-mode", "hierarchy", "documents", "goals", "pathways"}
    assert E.edges[o("college"), f"{ID}agreement/a2"]["layer"] == "two-mode"


def test_accepts_a_path_a_store_or_an_rdflib_graph(store):
    expected = sorted(project(store).edges())
    assert sorted(project(FIXTURE).edges()) == expected
    assert sorted(project(str(FIXTURE)).edges()) == expected
    assert sorted(project(load_rdflib(FIXTURE)).edges()) == expected


def test_unknown_projection_and_kind_list_the_valid_ones(store):
    with pytest.raises(UnknownProjection, match="valid projections: two-mode, partnership"):
        project(store, "partners")
    with pytest.raises(UnknownProjection, match="valid kinds: agreement, consortium"):
        project(store, "partnership", kinds=["treaty"])


def test_goals_layer_links_targets_designations_and_changes_on_the_seed_graph(seed_graph_path):
    hvtc = f"{ID}org/harbin-vocational-technical-college"
    G = project(seed_graph_path, "goals")
    into_hvtc = {u: d["relation"] for u, v, d in G.in_edges(hvtc, data=True)}
    assert into_hvtc and set(into_hvtc.values()) == {"target-scope"}
    # The report's 升本 change is inferred from context: only with inferred facts does it appear.
    G_all = project(seed_graph_path, "goals", statuses=["stated", "inferred-context", "inferred-caption"])
    relations = {d["relation"] for u, v, d in G_all.in_edges(hvtc, data=True)}
    assert "original-organization" in relations
    parks = {v for u, v, d in G.edges(data=True) if d["relation"] == "recipient"}
    assert f"{ID}place/shenzhen-harbin-industrial-park" in parks
    E = project(seed_graph_path, "ecosystem")
    assert hvtc in E and E.nodes[hvtc]["label_zh"] == "哈尔滨职业技术学院"


def test_goals_layer_on_the_real_graph_adds_the_cited_designations_and_changes(bundled_graph_path):
    hvtc = f"{ID}org/harbin-vocational-technical-college"
    G = project(bundled_graph_path, "goals")
    into_hvtc = {u: d["relation"] for u, v, d in G.in_edges(hvtc, data=True)}
    # the pages state the upgrade (the Ministry's approval), the mergers and the designations
    assert into_hvtc[f"{ID}change/hvtc-to-hvtu-approved-by-moe"] == "original-organization"
    assert into_hvtc[f"{ID}change/2002-hvtc-founding-merger"] == "resulting-organization"
    assert into_hvtc[f"{ID}designation/2010-hvtc-national-backbone-college-construction"] == "recipient"
    assert "target-scope" in into_hvtc.values()
    parks = {v for u, v, d in G.edges(data=True) if d["relation"] == "recipient"}
    assert f"{ID}place/shenzhen-harbin-industrial-park" in parks


def test_goals_layer_follows_the_status_filter(store):
    stated = project(store, "goals")
    assert set(stated.edges) == {(f"{ID}target/t1", o("college")), (f"{ID}target/t1", f"{ID}doc/plan")}
    assert stated.edges[f"{ID}target/t1", o("college")]["relation"] == "target-scope"
    everything = project(store, "goals", statuses=STATUSES)
    assert everything.has_edge(f"{ID}designation/d1", o("college"))
