"""harbin_kg.namespaces.HV lists exactly the hv: terms declared in ontology/**/*.ttl."""

from pathlib import Path

import pytest
from rdflib import Graph, URIRef

from harbin_kg.namespaces import HV, ID, PREFIXES, SCHEME, bind_prefixes, scheme

ONTOLOGY = Path(__file__).resolve().parent.parent / "ontology"
NS = "https://w3id.org/hrbvet/ont#"


def declared_terms() -> set[str]:
    """Local names of every hv: IRI used as a subject in the ontology (shapes excluded).

    Being a subject means being declared (class, property, individual such as hv:dsd): the
    ontology files only ever describe their own terms, and data helpers declare extra terms
    at the bottom of their scheme files.
    """
    names = set()
    for path in sorted(ONTOLOGY.glob("**/*.ttl")):
        if path.name == "shapes.ttl":
            continue
        for subject in Graph().parse(path).subjects():
            if isinstance(subject, URIRef) and str(subject).startswith(NS) and str(subject) != NS:
                names.add(str(subject)[len(NS):])
    return names


def listed_terms() -> set[str]:
    return {name for name in HV.__annotations__ if not name.startswith("_")}


def test_every_declared_term_is_listed():
    missing = declared_terms() - listed_terms()
    assert not missing, f"declared in ontology/ but missing from HV: {sorted(missing)}"


def test_every_listed_term_is_declared():
    extra = listed_terms() - declared_terms()
    assert not extra, f"listed in HV but declared nowhere in ontology/: {sorted(extra)}"


def test_unknown_term_raises():
    with pytest.raises(AttributeError):
        HV.partcipant  # noqa: B018 (a typo of hv:participant)


@pytest.mark.parametrize("term", ["Agreement", "participant", "quote", "dsd"])
def test_term_access_gives_the_iri(term):
    expected = URIRef(NS + term)
    assert getattr(HV, term) == expected
    assert HV[term] == expected
    assert HV + term == expected


def test_namespace_helpers_keep_working():
    assert str(HV) == NS == PREFIXES["hv"]
    assert ID["org/harbin-university"] == URIRef("https://w3id.org/hrbvet/id/org/harbin-university")
    assert scheme("role")["signatory"] == URIRef("https://w3id.org/hrbvet/scheme/role/signatory")
    assert str(SCHEME) == "https://w3id.org/hrbvet/scheme/"
    graph = bind_prefixes(Graph())
    assert dict(graph.namespaces())["hv"] == URIRef(NS)


def test_each_concept_and_term_is_defined_in_one_ontology_file():
    """Two files defining one concept give it two definitions (a merge leftover the build's
    one-file rule for data/ does not see, because it checks data files only)."""
    from pathlib import Path

    from rdflib import Graph
    from rdflib.namespace import RDF

    root = Path(__file__).resolve().parent.parent / "ontology"
    defined: dict = {}
    twice = []
    for path in sorted(root.rglob("*.ttl")):
        if "vendor" in path.parts:
            continue
        graph = Graph().parse(path)
        for subject in set(graph.subjects(RDF.type)):
            if subject in defined and defined[subject] != path.name:
                twice.append((str(subject), defined[subject], path.name))
            defined.setdefault(subject, path.name)
    assert not twice, twice
