"""harbin-kg: a knowledge graph of Harbin's vocational-education reform.

The package turns curated, quoted facts (``data/``) and an OWL ontology (``ontology/``)
into an RDF graph, asks it SPARQL questions, analyses its partnership network and draws it.
"""

__version__ = "0.1.0"
