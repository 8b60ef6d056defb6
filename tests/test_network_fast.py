"""The streamed projections (harbin_kg.analysis.network_rows + network) against the slow reference.

The reference is the previous implementation (SPARQL SELECTs, a two-mode graph, then
``one_mode``), kept only in tests/network_reference.py, and networkx's own weighted projection.
Both must give the same nodes, edges, weights and attributes, in the same order, on the real
bundled graph and on a synthetic one; a partnership network projected without evidence and
given it afterwards (:func:`attach_evidence`) must equal the eager one.
"""

import io

import networkx as nx
import pyoxigraph as ox
import pytest
from networkx.algorithms import bipartite

import network_reference as reference
from harbin_kg.analysis.network import PENDING, STATUSES, attach_evidence, open_store, project
from harbin_kg.analysis.network_rows import participation_rows
from harbin_kg.scale.synth import generate

FILTERS = [
    {},
    {"statuses": STATUSES},
    {"statuses": STATUSES, "kinds": ["agreement"]},
    {"years": [2023, 2024]},
    {"statuses": STATUSES, "min_reliability": "medium"},
    {"statuses": STATUSES, "scope": "harbin"},
]


@pytest.fixture(scope="module")
def bundled_store(bundled_graph_path):
    return open_store(bundled_graph_path)


@pytest.fixture(scope="module")
def synth_store():
    out = io.BytesIO()
    generate(10_000, 3, out, source_out=io.BytesIO())
    store = ox.Store()
    store.bulk_load(input=out.getvalue(), format=ox.RdfFormat.N_TRIPLES)
    return store


def same(a: nx.Graph, b: nx.Graph) -> None:
    assert a.graph == b.graph
    assert list(a.nodes(data=True)) == list(b.nodes(data=True))
    assert list(a.edges(data=True)) == list(b.edges(data=True))
    for (_, _, da), (_, _, db) in zip(a.edges(data=True), b.edges(data=True)):
        assert list(da) == list(db)  # attribute order too: GraphML and GEXF write it


@pytest.mark.parametrize("projection", ["partnership", "two-mode", "membership", "ecosystem"])
@pytest.mark.parametrize("filters", FILTERS, ids=lambda f: ",".join(f"{k}={v}" for k, v in f.items()) or "default")
def test_fast_projection_equals_the_reference_on_the_bundled_graph(bundled_store, projection, filters):
    same(project(bundled_store, projection, **filters), reference.project(bundled_store, projection, **filters))


@pytest.mark.parametrize("projection", ["partnership", "two-mode", "membership"])
def test_fast_projection_equals_the_reference_on_a_synthetic_graph(synth_store, projection):
    fast = project(synth_store, projection)
    same(fast, reference.project(synth_store, projection))
    assert fast.number_of_edges() > 40  # a real network, not an empty one


@pytest.mark.parametrize("filters", FILTERS[:3], ids=["default", "inferred", "agreements"])
def test_evidence_attached_later_equals_the_eager_projection(bundled_store, filters):
    eager = project(bundled_store, "partnership", **filters)
    lazy = project(bundled_store, "partnership", evidence=False, **filters)
    assert all("facts" not in d for *_, d in lazy.edges(data=True))
    assert set(lazy.graph[PENDING]) == {f["relator"] for *_, d in eager.edges(data=True) for f in d["facts"]}
    attach_evidence(lazy, bundled_store)
    del lazy.graph[PENDING]
    same(lazy, eager)


def test_evidence_is_read_only_for_the_edges_asked(bundled_store):
    lazy = project(bundled_store, "partnership", evidence=False)
    hvtc = "https://w3id.org/hrbvet/id/org/harbin-vocational-technical-college"
    ties = [(hvtc, other) for other in lazy[hvtc]]
    attach_evidence(lazy, bundled_store, ties)
    eager = project(bundled_store, "partnership")
    shown = []
    for u, v, d in lazy.edges(data=True):
        if hvtc in (u, v):
            assert d["facts"] == eager.edges[u, v]["facts"]
            shown += d["facts"]
        else:
            assert "facts" not in d
    assert len(shown) >= len(ties) and any(f["quotes"] for f in shown) and any(f["citations"] for f in shown)


def test_weights_equal_networkx_own_projection(synth_store):
    """Newman weights from integer ids equal networkx's collaboration_weighted_projected_graph
    on the two-mode graph of the same participations."""
    fast = project(synth_store, "partnership", evidence=False)
    B = reference.two_mode(synth_store, "two-mode")
    orgs = [n for n, d in B.nodes(data=True) if d["bipartite"] == 0]
    plain = bipartite.collaboration_weighted_projected_graph(B, orgs)
    plain.remove_edges_from([(u, v) for u, v, w in plain.edges(data="weight") if w == 0])
    assert set(map(frozenset, fast.edges())) == set(map(frozenset, plain.edges()))
    for u, v, w in fast.edges(data="weight"):
        assert w == pytest.approx(plain[u][v]["weight"])


def test_rows_number_organisations_and_relators_in_iri_order(bundled_store):
    rows = participation_rows(bundled_store)
    assert rows.agents == sorted(rows.agents) and rows.relators == sorted(rows.relators)
    assert rows.parts == sorted(rows.parts, key=lambda p: (p[0], p[1], p[2]))
    by_iri = {(rows.relators[r], rows.agents[a]): (roles, status) for r, a, _, roles, status, _ in rows.parts}
    tie = by_iri[("https://w3id.org/hrbvet/id/agreement/2023-tingshi-gongjian-zhanlue-hezuo",
                  "https://w3id.org/hrbvet/id/org/heilongjiang-education-department")]
    assert tie == ({"signatory"}, "stated")
    i = rows.relators.index("https://w3id.org/hrbvet/id/agreement/2023-tingshi-gongjian-zhanlue-hezuo")
    assert (rows.kind[i], rows.status[i], rows.year[i], rows.own_year[i]) == ("agreement", "stated", 2023, 2023)


def test_gc_paused_restores_the_collector_as_it_was():
    import gc

    from harbin_kg.analysis.network_rows import gc_paused

    assert gc.isenabled()
    with gc_paused():
        assert not gc.isenabled()
    assert gc.isenabled()
    with pytest.raises(ValueError), gc_paused():
        raise ValueError("an error inside still restores it")
    assert gc.isenabled()
    gc.disable()
    try:
        with gc_paused():
            pass
        assert not gc.isenabled()  # a caller that had paused it keeps it paused
    finally:
        gc.enable()
