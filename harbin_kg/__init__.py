"""harbin-kg: a knowledge graph of Harbin's vocational-education reform.

The package turns curated, quoted facts (``data/``) and an OWL ontology (``ontology/``)
into an RDF graph, asks it SPARQL questions, analyses its partnership network and draws it.
"""

__version__ = "0.1.0"

from .build import build_graph, default_graph_path, load_graph  # noqa: E402
from .labels import label, resolve_entity  # noqa: E402
from .query import ask, run_query  # noqa: E402
from .validate import validate_graph  # noqa: E402

__all__ = ["__version__", "ask", "build_graph", "default_graph_path", "label", "load_graph",
           "resolve_entity", "run_query", "validate_graph"]
