"""Network-analysis results back into RDF, in a graph of their own.

Curated facts say what the article says; scores are computed. They never mix: the analysis
graph has its own IRI (:data:`ANALYSIS_GRAPH`) and file (``build/analysis.ttl``, or ``.trig``
with the named graph). Each ``hv:Score`` records node, measure, value and rank; its
``hv:AnalysisRun`` records the projection and its full specification, parameters, seed,
backend, the data version of the source graph and the harbin-kg version (vocabulary:
``ontology/analysis.ttl``). Same inputs → byte-identical Turtle (IRIs come from a hash of the
run description; no timestamps).

Example SPARQL over the file::

    SELECT ?node ?value ?rank WHERE {
      ?s hv:measure <https://w3id.org/hrbvet/scheme/network-measure/pagerank> ;
         hv:node ?node ; hv:scoreValue ?value ; hv:rank ?rank } ORDER BY ?rank
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import networkx as nx
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, XSD

from .. import __version__
from .centrality import Scores, rank
from ..errors import OutputError
from ..namespaces import HV, ID, SCHEME, bind_prefixes
from ..writing import atomic_write_text

__all__ = ["ANALYSIS_GRAPH", "SOURCE_GRAPH", "MEASURE", "PROJECTION", "run_iri", "analysis_graph",
           "serialize_analysis", "write_analysis"]

ANALYSIS_GRAPH = URIRef(ID["graph/analysis"])
SOURCE_GRAPH = URIRef(ID["graph/harbin-kg"])
MEASURE = f"{SCHEME}network-measure/"
PROJECTION = f"{SCHEME}network-projection/"


def _description(G: nx.Graph, scores: Scores, communities: dict | None) -> dict:
    return {
        "projection": G.graph.get("projection"),
        "spec": G.graph.get("spec"),
        "data_version": G.graph.get("data_version"),
        "parameters": scores.parameters,
        "community_parameters": (communities or {}).get("parameters"),
        "measures": sorted(scores.values),
        "software": __version__,
    }


def run_iri(description: dict) -> URIRef:
    """A stable IRI for a run: a hash of everything that decides its results."""
    digest = hashlib.sha256(json.dumps(description, sort_keys=True, ensure_ascii=False, default=str).encode())
    return URIRef(ID[f"analysis/{digest.hexdigest()[:16]}"])


def _node_key(node) -> str:
    text = str(node)
    if text.startswith(str(ID)):
        return text[len(str(ID)):]
    return "n/" + hashlib.sha256(text.encode()).hexdigest()[:16]


def analysis_graph(G: nx.Graph, scores: Scores, *, communities: dict | None = None) -> Graph:
    """An rdflib Graph holding one ``hv:AnalysisRun`` and an ``hv:Score`` per node and measure.

    ``G`` is the projected network (its ``graph`` dict gives projection, spec and data version),
    ``scores`` what :func:`harbin_kg.analysis.centrality.compute` returned, ``communities`` optionally
    what :func:`harbin_kg.analysis.centrality.communities` returned (written as the ``community`` and
    ``community_stability`` measures).
    """
    description = _description(G, scores, communities)
    run = run_iri(description)
    g = bind_prefixes(Graph())
    g.bind("measure", MEASURE)
    g.bind("projection", PROJECTION)
    g.add((ANALYSIS_GRAPH, RDF.type, PROV.Entity))
    g.add((ANALYSIS_GRAPH, PROV.wasDerivedFrom, SOURCE_GRAPH))
    g.add((ANALYSIS_GRAPH, DCTERMS.hasPart, run))
    g.add((run, RDF.type, HV.AnalysisRun))
    g.add((run, PROV.used, SOURCE_GRAPH))
    if description["projection"]:
        g.add((run, HV.projection, URIRef(PROJECTION + description["projection"])))
    g.add((run, HV.projectionSpec, Literal(json.dumps(description["spec"], sort_keys=True, ensure_ascii=False))))
    params = {**scores.parameters, **({"communities": communities["parameters"]} if communities else {})}
    g.add((run, HV.parameters, Literal(json.dumps(params, sort_keys=True, ensure_ascii=False))))
    g.add((run, HV.seed, Literal(int(scores.parameters.get("seed", 0)))))
    g.add((run, HV.backend, Literal(str(scores.parameters.get("backend")))))
    if description["data_version"]:
        g.add((run, HV.dataVersion, Literal(str(description["data_version"]))))
    g.add((run, HV.softwareVersion, Literal(f"harbin-kg {__version__}")))
    g.add((run, HV.nodeCount, Literal(G.number_of_nodes(), datatype=XSD.nonNegativeInteger)))
    g.add((run, HV.edgeCount, Literal(G.number_of_edges(), datatype=XSD.nonNegativeInteger)))

    def add_score(measure: str, node, value: float, position: int | None) -> None:
        s = URIRef(f"{run}/{measure}/{_node_key(node)}")
        g.add((s, RDF.type, HV.Score))
        g.add((s, HV.run, run))
        g.add((s, HV.node, URIRef(str(node))))
        g.add((s, HV.measure, URIRef(MEASURE + measure)))
        g.add((s, HV.scoreValue, Literal(float(value), datatype=XSD.double)))
        if position is not None:
            g.add((s, HV.rank, Literal(position, datatype=XSD.positiveInteger)))

    for measure, values in sorted(scores.values.items()):
        ranks = rank(values, measure) if values else {}
        for node, value in values.items():
            add_score(measure, node, value, ranks[node])
    if communities:
        for node, index in communities["membership"].items():
            add_score("community", node, index, None)
        for node, share in communities["stability"]["node"].items():
            add_score("community_stability", node, share, None)
    return g


def serialize_analysis(graph: Graph, fmt: str = "turtle") -> str:
    """Turtle (the analysis graph as a file of its own) or TriG (inside :data:`ANALYSIS_GRAPH`)."""
    if fmt == "turtle":
        return graph.serialize(format="turtle")
    if fmt == "trig":
        import pyoxigraph as ox

        from ..graph.store import to_ox_term

        name = ox.NamedNode(str(ANALYSIS_GRAPH))
        quads = sorted((ox.Quad(to_ox_term(s), to_ox_term(p), to_ox_term(o), name) for s, p, o in graph),
                       key=str)
        prefixes = {p: str(ns) for p, ns in graph.namespaces() if p}
        data = ox.serialize(quads, format=ox.RdfFormat.TRIG, prefixes=prefixes)
        assert data is not None  # without an output file, serialize returns the bytes
        return data.decode("utf-8")
    raise OutputError(f"Unknown analysis format {fmt!r}; use turtle (.ttl) or trig (.trig).")


def write_analysis(path: Path, graph: Graph) -> Path:
    """Write the analysis graph atomically: ``.ttl`` as Turtle, ``.trig`` as TriG (named graph)."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".ttl", ".trig"):
        raise OutputError(f"Cannot write analysis results to {path}: use a .ttl or .trig file name.")
    return atomic_write_text(path, serialize_analysis(graph, "trig" if suffix == ".trig" else "turtle"))
