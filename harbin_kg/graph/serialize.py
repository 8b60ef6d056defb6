"""The built graph as deterministic text: Turtle, sorted N-Triples, and a sorted JSON-LD writer."""

import json

from rdflib import BNode, Graph, URIRef
from rdflib.namespace import RDF

from ..namespaces import ID

__all__ = ["serialize"]


def serialize(graph: Graph, fmt: str) -> str:
    """Deterministic text of ``graph``: ``turtle``, ``nt`` (sorted lines) or ``json-ld``."""
    if fmt == "turtle":
        # Entities print relative to the documented base: <org/harbin-university>.
        return graph.serialize(format="turtle", base=str(ID))
    if fmt == "nt":
        lines = graph.serialize(format="nt").splitlines()
        return "\n".join(sorted(line for line in lines if line.strip())) + "\n"
    if fmt == "json-ld":
        return _jsonld(graph)
    raise ValueError(f"unknown format {fmt!r}")


def _jsonld(graph: Graph) -> str:
    # rdflib's JSON-LD writer follows the graph's hash order; this one sorts, so builds are byte-identical.
    from ..namespaces import PREFIXES

    def term(node):
        if isinstance(node, URIRef):
            return {"@id": str(node)}
        if isinstance(node, BNode):
            return {"@id": f"_:{node}"}
        value = {"@value": str(node)}
        if node.language:
            value["@language"] = node.language
        elif node.datatype is not None:
            value["@type"] = str(node.datatype)
        return value

    nodes = []
    for subject in sorted(set(graph.subjects()), key=str):
        entry: dict = {"@id": str(subject)}
        for predicate in sorted(set(graph.predicates(subject)), key=str):
            key = "@type" if predicate == RDF.type else str(predicate)
            objects = sorted(graph.objects(subject, predicate), key=lambda o: (type(o).__name__, str(o), str(getattr(o, "language", "")), str(getattr(o, "datatype", ""))))
            entry[key] = [str(o) for o in objects] if predicate == RDF.type else [term(o) for o in objects]
        nodes.append(entry)
    document = {"@context": {k: v for k, v in sorted(PREFIXES.items())}, "@graph": nodes}
    return json.dumps(document, ensure_ascii=False, indent=1) + "\n"
