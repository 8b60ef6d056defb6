"""harbin-kg: a knowledge graph of Harbin's vocational-education reform.

The package turns curated, quoted facts (``data/``) and an OWL ontology (``ontology/``)
into an RDF graph, asks it SPARQL questions, analyses its partnership network and draws it.
"""

__version__ = "0.1.0"

# The public API (docs/api.md): every name a notebook or a script needs, from the module that
# defines it. Names are imported on first use (PEP 562), not here: ``import harbin_kg`` stays
# cheap, and the command line can start (and be interrupted cleanly) before rdflib and
# pyoxigraph load.
_EXPORTS = {
    # graph/: build, open, check and count the graph
    "project_paths": "graph.paths", "build_graph": "graph.build", "build_and_write": "graph.outputs",
    "default_graph_path": "graph.outputs", "load_graph": "graph.outputs", "load_rdflib": "graph.store",
    "validate_graph": "graph.validate", "graph_stats": "graph.stats",
    "label": "graph.labels", "resolve_entity": "graph.labels",
    # query/: ask it questions
    "ask": "query.run", "run_query": "query.run", "library": "query.library",
    # analysis/: networks, measures, rankings, pathways
    "project": "analysis.network", "one_mode": "analysis.network", "STATUSES": "analysis.network",
    "MEASURES": "analysis.centrality", "centrality": "analysis.centrality", "compute": "analysis.centrality",
    "rank": "analysis.centrality", "communities": "analysis.centrality",
    "by_year": "analysis.rankings", "explain": "analysis.rankings",
    "routes": "analysis.pathways", "stages": "analysis.pathways", "NoRoute": "analysis.pathways",
    "use_cjk_font": "analysis.plotting",
    # web/: maps
    "render_map": "web.maps", "display": "web.maps", "aliases_from_graph": "web.maps", "measure_scores": "web.maps",
    # errors every caller may catch
    "HarbinKGError": "errors", "DataError": "errors", "QueryError": "errors",
}

__all__ = ["__version__", *sorted(_EXPORTS)]


def __getattr__(name):
    if name in _EXPORTS:
        from importlib import import_module

        value = getattr(import_module(f".{_EXPORTS[name]}", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(__all__))
