"""IRIs of harbin-kg: the entity base, our ontology (``hv:``), our concept schemes, prefixes."""

from rdflib import Graph, Namespace
from rdflib.namespace import DCTERMS, ORG, OWL, PROV, RDF, RDFS, SKOS, TIME, XSD

__all__ = ["BASE", "ID", "HV", "SCHEME", "OA", "QB", "SCHEMA", "ELI", "SDMX_DIM", "SDMX_MEASURE",
           "SHAPES", "PREFIXES", "scheme", "bind_prefixes"]

BASE = "https://w3id.org/hrbvet/"
ID = Namespace(BASE + "id/")
HV = Namespace(BASE + "ont#")
SCHEME = Namespace(BASE + "scheme/")
SHAPES = Namespace(BASE + "shapes#")
OA = Namespace("http://www.w3.org/ns/oa#")
QB = Namespace("http://purl.org/linked-data/cube#")
SCHEMA = Namespace("https://schema.org/")
ELI = Namespace("http://data.europa.eu/eli/ontology#")
SDMX_DIM = Namespace("http://purl.org/linked-data/sdmx/2009/dimension#")
SDMX_MEASURE = Namespace("http://purl.org/linked-data/sdmx/2009/measure#")


def scheme(name: str) -> Namespace:
    """The namespace of the concepts of one scheme, e.g. ``scheme("education-level")``."""
    return Namespace(f"{SCHEME}{name}/")


_SCHEME_PREFIXES = {
    "status": "assertion-status", "complete": "party-completeness", "role": "role",
    "cmp": "comparator", "vq": "value-qualifier", "orgcat": "org-category",
    "agrtype": "agreement-type", "desig": "designation-type", "doctype": "document-type",
    "field": "industry-field", "evtype": "event-type", "ind": "indicator", "unit": "count-unit",
    "verb": "action-verb", "level": "education-level", "mech": "mechanism", "ptype": "pathway-type",
}

#: Prefixes bound in every output and predeclared in every query.
PREFIXES: dict[str, str] = {
    "hv": str(HV),
    "id": str(ID),
    "org": str(ORG),
    "prov": str(PROV),
    "oa": str(OA),
    "skos": str(SKOS),
    "dcterms": str(DCTERMS),
    "schema": str(SCHEMA),
    "qb": str(QB),
    "sdmx-dimension": str(SDMX_DIM),
    "sdmx-measure": str(SDMX_MEASURE),
    "time": str(TIME),
    "eli": str(ELI),
    "owl": str(OWL),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "xsd": str(XSD),
    **{prefix: str(scheme(name)) for prefix, name in _SCHEME_PREFIXES.items()},
}


def bind_prefixes(graph: Graph) -> Graph:
    """Bind :data:`PREFIXES` on ``graph`` (replacing rdflib's defaults) and return it."""
    for prefix, iri in PREFIXES.items():
        graph.bind(prefix, iri, override=True, replace=True)
    return graph
