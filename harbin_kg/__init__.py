"""harbin-kg: a knowledge graph of Harbin's vocational-education reform.

The package turns curated, quoted facts (``data/``) and an OWL ontology (``ontology/``)
into an RDF graph, asks it SPARQL questions, analyses its partnership network and draws it.
"""

__version__ = "0.1.0"

# The public functions are imported on first use (PEP 562), not here: ``import harbin_kg``
# stays cheap, and the command line can start (and be interrupted cleanly) before rdflib and
# pyoxigraph load.
_EXPORTS = {
    "build_graph": "graph.build", "default_graph_path": "graph.outputs", "load_graph": "graph.outputs",
    "label": "graph.labels", "resolve_entity": "graph.labels",
    "ask": "query.run", "run_query": "query.run",
    "validate_graph": "graph.validate",
}

__all__ = ["__version__", "ask", "build_graph", "default_graph_path", "label", "load_graph",
           "resolve_entity", "run_query", "validate_graph"]


def __getattr__(name):
    if name in _EXPORTS:
        from importlib import import_module

        value = getattr(import_module(f".{_EXPORTS[name]}", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(__all__))
