"""GraphML/GEXF/CSV export (round trips keep labels on the right nodes) and results as RDF."""

import io
from pathlib import Path

import networkx as nx
import pyoxigraph as ox
import pytest

from harbin_kg.analysis import analysis_rdf, export
from harbin_kg.analysis.centrality import communities, compute
from harbin_kg.errors import OutputError
from harbin_kg.analysis.network import project

FIXTURE = Path(__file__).parent / "data" / "network.ttl"
ORG = "https://w3id.org/hrbvet/id/org/"


@pytest.fixture(scope="module")
def G():
    return project(FIXTURE, "partnership")


@pytest.fixture(scope="module")
def annotated(G):
    return export.annotate(G, compute(G).values, communities(G, runs=3))


def test_graphml_round_trip_keeps_labels_with_their_nodes(G, annotated):
    back = nx.read_graphml(io.StringIO(export.to_graphml(annotated)))
    assert set(back) == set(G)
    for n in G:
        assert back.nodes[n]["label_zh"] == G.nodes[n]["label_zh"]
        assert back.nodes[n]["label_en"] == G.nodes[n]["label_en"]
        assert back.nodes[n]["kind"] == G.nodes[n]["kind"]
    assert back.nodes[ORG + "edu"]["betweenness"] == pytest.approx(11 / 36)
    assert back.nodes[ORG + "college"]["community"] == back.nodes[ORG + "light"]["community"]
    edge = back.edges[ORG + "college", ORG + "university"]
    assert edge["via"] == ORG + "consortium" and edge["weight"] == 0.5
    assert edge["quotes"] == "哈职院牵头，哈尔滨学院、哈轻工加入数字经济产教联合体"


def test_gexf_round_trip_keeps_labels_with_their_nodes(G, annotated):
    text = export.to_gexf(annotated)
    assert "lastmodifieddate" not in text
    back = nx.read_gexf(io.StringIO(text))
    assert {n: back.nodes[n]["label"] for n in back} == {n: G.nodes[n]["label_zh"] for n in G}
    assert back.nodes[ORG + "new-area-authority"]["placeholder"] is True
    assert back.nodes[ORG + "edu"]["label_en"] == "Heilongjiang Provincial Department of Education"


def test_lists_are_joined_for_formats_without_lists(store_free=None):
    B = nx.Graph()
    B.add_node("a", label_zh="甲", years=[2023, 2024], tags={"y", "x"}, missing=None)
    B.add_node("b", label_zh="乙")
    B.add_edge("a", "b", via=["r1", "r2"])
    flat = export.flatten(B)
    assert flat.nodes["a"] == {"label_zh": "甲", "years": "2023 | 2024", "tags": "x | y", "label": "甲"}
    assert flat.edges["a", "b"]["via"] == "r1 | r2"


def test_output_is_deterministic(G, annotated):
    again = export.annotate(G, compute(G).values, communities(G, runs=3))
    assert export.to_graphml(annotated) == export.to_graphml(again)
    assert export.to_gexf(annotated) == export.to_gexf(again)
    assert export.to_csv(annotated) == export.to_csv(again)


def test_csv_node_and_edge_lists_with_bom(tmp_path, annotated):
    written = export.write_export(annotated, "csv", tmp_path / "partners.csv")
    assert [p.name for p in written] == ["partners-nodes.csv", "partners-edges.csv"]
    nodes = written[0].read_bytes()
    assert nodes.startswith(b"\xef\xbb\xbf")
    lines = nodes.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("id,label,label_zh,label_en,kind,placeholder,iri,")
    assert any(line.startswith(ORG + "edu,黑龙江省教育厅,黑龙江省教育厅,") for line in lines)
    edges = written[1].read_text(encoding="utf-8-sig").splitlines()
    assert edges[0].startswith("source,target,weight,count,relations,via,")
    assert len(edges) == 1 + 9


def test_write_refuses_to_overwrite_without_force(tmp_path, annotated):
    out = tmp_path / "g.graphml"
    export.write_export(annotated, "graphml", out)
    with pytest.raises(OutputError, match="exists already"):
        export.write_export(annotated, "graphml", out, force=False)
    with pytest.raises(OutputError, match="use one of graphml, gexf, csv"):
        export.write_export(annotated, "pajek", tmp_path / "g.net")


# --------------------------------------------------------------------------- analysis RDF

@pytest.fixture(scope="module")
def analysis(G):
    scores = compute(G, seed=5)
    return analysis_rdf.analysis_graph(G, scores, communities=communities(G, seed=5, runs=3)), scores


def test_scores_can_be_queried_with_sparql(analysis):
    graph, _ = analysis
    store = ox.Store()
    store.load(analysis_rdf.serialize_analysis(graph), format=ox.RdfFormat.TURTLE)
    rows = list(store.query("""
        PREFIX hv: <https://w3id.org/hrbvet/ont#>
        SELECT ?node ?value ?seed ?version ?backend ?projection WHERE {
          ?s hv:measure <https://w3id.org/hrbvet/scheme/network-measure/betweenness> ;
             hv:node ?node ; hv:scoreValue ?value ; hv:rank 1 ; hv:run ?run .
          ?run hv:seed ?seed ; hv:dataVersion ?version ; hv:backend ?backend ; hv:projection ?projection }"""))
    assert len(rows) == 1
    row = rows[0]
    assert row["node"].value == ORG + "edu"
    assert float(row["value"].value) == pytest.approx(11 / 36)
    assert (row["seed"].value, row["version"].value, row["backend"].value) == ("5", "fixture-1", "networkx")
    assert row["projection"].value.endswith("network-projection/partnership")


def test_run_records_what_is_needed_to_reproduce(analysis, G):
    graph, scores = analysis
    from rdflib import URIRef

    from harbin_kg.namespaces import HV
    run = next(graph.subjects(predicate=HV.projectionSpec))
    spec = graph.value(run, HV.projectionSpec)
    assert '"statuses": ["stated"]' in str(spec) and '"weighting": "newman"' in str(spec)
    assert "pagerank_alpha" in str(graph.value(run, HV.parameters))
    assert str(graph.value(run, HV.softwareVersion)).startswith("harbin-kg ")
    assert (analysis_rdf.ANALYSIS_GRAPH, URIRef("http://purl.org/dc/terms/hasPart"), run) in graph
    again = analysis_rdf.analysis_graph(G, compute(G, seed=5), communities=communities(G, seed=5, runs=3))
    assert analysis_rdf.serialize_analysis(graph) == analysis_rdf.serialize_analysis(again)


def test_trig_puts_results_in_their_own_named_graph(analysis, tmp_path):
    graph, _ = analysis
    path = analysis_rdf.write_analysis(tmp_path / "analysis.trig", graph)
    store = ox.Store()
    store.load(path.read_bytes(), format=ox.RdfFormat.TRIG)
    names = {q.graph_name.value for q in store}
    assert names == {"https://w3id.org/hrbvet/id/graph/analysis"}
    with pytest.raises(OutputError, match=".ttl or .trig"):
        analysis_rdf.write_analysis(tmp_path / "analysis.json", graph)


def test_analysis_vocabulary_is_declared_with_labels():
    import rdflib
    from rdflib.namespace import RDFS, SKOS

    from harbin_kg.namespaces import HV
    onto = rdflib.Graph().parse(Path(__file__).parent.parent / "ontology" / "analysis.ttl")
    for term in ("AnalysisRun", "Score", "run", "node", "measure", "scoreValue", "rank", "projection",
                 "projectionSpec", "parameters", "seed", "backend", "dataVersion", "softwareVersion"):
        langs = {lit.language for lit in onto.objects(HV[term], RDFS.label)}
        assert langs == {"zh", "en"}, term
        assert any(lit.language == "en" for lit in onto.objects(HV[term], RDFS.comment)), term
    from harbin_kg.analysis.centrality import MEASURES
    for m in MEASURES:
        concept = rdflib.URIRef(analysis_rdf.MEASURE + m)
        assert {lit.language for lit in onto.objects(concept, SKOS.prefLabel)} == {"zh", "en"}, m
