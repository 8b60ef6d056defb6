"""Reasoning over the real built graph never re-types a node and violates no disjointness.

The OWL-RL closure (owlrl, which includes the RDFS rules) of the bundled graph — facts,
ontology and concept schemes as `harbin-kg build` writes them — is compared with the graph's
own types completed by rdfs:subClassOf only. Domains and ranges must add no instance to any of
our classes (a pathway never becomes a target because it uses hv:task; an unnamed party never
becomes a government body because it uses hv:governs), and no node may end up in two classes
the ontology declares disjoint.
"""

from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS

from harbin_kg.namespaces import HV, ID

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent

ORG_ORGANIZATION = URIRef("http://www.w3.org/ns/org#Organization")
NAMED_GOVERNMENT_BODIES = {ID[f"org/{slug}"] for slug in (
    "harbin-municipal-government", "heilongjiang-education-department", "harbin-education-bureau",
    "ministry-of-education", "harbin-decision-consultation-committee")}


@pytest.fixture(scope="module")
def asserted(bundled_graph) -> Graph:
    return bundled_graph


@pytest.fixture(scope="module")
def closure(bundled_graph, pytestconfig, tmp_path_factory) -> Graph:
    """The closure, computed once (about 45 s on a quiet machine) and shared by the xdist workers.

    worksteal may split this module across both workers; each used to compute the closure itself.
    One computes it (:func:`owl_rl_closure`) and writes its triples to pytest's cache, keyed by
    everything that can change it (conftest.shared_file); the other, and later runs with the same
    inputs, read them back. Pickled terms, not N-Triples: the closure has generalised triples
    (a literal owl:sameAs itself) that no RDF syntax can write.
    """
    import pickle

    from conftest import shared_file

    pytest.importorskip("owlrl")

    def write(path):
        path.write_bytes(pickle.dumps(sorted(owl_rl_closure(bundled_graph)), protocol=pickle.HIGHEST_PROTOCOL))

    # keyed by this file too: a change to how the closure is computed or stored recomputes it
    path = shared_file(pytestconfig, tmp_path_factory, "owlrl-closure", write, extra=Path(__file__).read_bytes())
    graph = Graph()
    for triple in pickle.loads(path.read_bytes()):
        graph.add(triple)
    return graph


def owl_rl_closure(bundled_graph) -> Graph:
    """The OWL-RL closure (owlrl, which includes the RDFS rules) of a copy of the bundled graph."""
    import owlrl

    graph = Graph()
    for triple in bundled_graph:
        graph.add(triple)
    # owlrl installs its own readers of literals (xsd:gYear …) in rdflib and leaves some behind;
    # they would change how later tests in this worker read literals (pySHACL's verdict on
    # "20x4"^^xsd:gYear), so rdflib's table is put back as it was.
    from rdflib.term import _toPythonMapping

    saved = dict(_toPythonMapping)
    try:
        owlrl.DeductiveClosure(owlrl.OWLRL_Semantics, axiomatic_triples=False, datatype_axioms=False).expand(graph)
    finally:
        _toPythonMapping.clear()
        _toPythonMapping.update(saved)
    return graph


def _subclass_only_types(graph: Graph) -> dict[URIRef, set]:
    """Class → instances, from rdf:type completed by rdfs:subClassOf* only (no domains or ranges)."""
    supers: dict = {}

    def ancestors(cls):
        if cls not in supers:
            supers[cls] = {cls}
            for parent in graph.objects(cls, RDFS.subClassOf):
                supers[cls] |= ancestors(parent)
        return supers[cls]

    members: dict[URIRef, set] = {}
    for node, cls in graph.subject_objects(RDF.type):
        for c in ancestors(cls):
            members.setdefault(c, set()).add(node)
    return members


def _our_classes(graph: Graph) -> set[URIRef]:
    return {c for c in graph.subjects(RDF.type, OWL.Class) if str(c).startswith(str(HV))}


def test_reasoning_adds_no_instance_to_any_of_our_classes(asserted, closure):
    # The pinned subclass axioms of ORG and the others (ontology/vendor) complete the hierarchy,
    # so that hv:GovernmentBody ⊑ org:FormalOrganization ⊑ org:Organization counts as asserted.
    hierarchy = Graph()
    for triple in asserted:
        hierarchy.add(triple)
    for path in sorted((ROOT / "ontology" / "vendor").glob("*.ttl")):
        hierarchy.parse(path)
    expected = _subclass_only_types(hierarchy)
    wrong = {}
    for cls in sorted(_our_classes(asserted) | {ORG_ORGANIZATION}):
        # owl:sameAs copies a place's types to its Wikidata IRI: that is what sameAs means
        inferred = {x for x in closure.subjects(RDF.type, cls) if str(x).startswith(str(ID))}
        extra = inferred - expected.get(cls, set())
        if extra:
            wrong[str(cls)] = sorted(str(x) for x in extra)[:5]
    assert not wrong, f"domains/ranges re-type nodes: {wrong}"


def test_no_pathway_becomes_a_target(asserted, closure):
    pathways = set(asserted.subjects(RDF.type, HV.Pathway))
    assert ID["pathway/tingshi-secondary-vocational-to-higher-vocational"] in pathways
    # the six that point to their task with hv:task are the case that once went wrong
    assert len({p for p in pathways if (p, HV.task, None) in asserted}) == 6
    assert not {p for p in pathways if (p, RDF.type, HV.Target) in closure}


def test_no_placeholder_becomes_a_government_body(asserted, closure):
    placeholders = set(asserted.subjects(HV.isPlaceholder, Literal(True)))
    assert ID["org/harbin-signatory"] in placeholders and ID["org/hulan-district-signatory"] in placeholders
    assert not {p for p in placeholders if (p, RDF.type, HV.GovernmentBody) in closure}
    unnamed = set(asserted.subjects(RDF.type, HV.UnnamedParty))
    assert not {u for u in unnamed if (u, RDF.type, HV.GovernmentBody) in closure}
    # the seed report's five named bodies, and no government body that was not asserted one
    bodies = set(closure.subjects(RDF.type, HV.GovernmentBody))
    assert NAMED_GOVERNMENT_BODIES <= bodies
    assert bodies == set(asserted.subjects(RDF.type, HV.GovernmentBody))


def test_no_place_becomes_an_organisation_and_no_group_an_organisation(asserted, closure):
    organisations = set(closure.subjects(RDF.type, ORG_ORGANIZATION))
    places = set(asserted.subjects(RDF.type, HV.AdministrativeArea)) | set(asserted.subjects(RDF.type, HV.IndustrialPark))
    groups = set(asserted.subjects(RDF.type, HV.DescribedGroup))
    assert ID["place/hulan-district"] in places and ID["group/hulan-high-school-principals"] in groups
    assert not organisations & places
    assert not organisations & groups


def test_no_agreement_tie_is_counted_as_an_agreement(asserted, closure):
    ties = set(asserted.subjects(RDF.type, HV.AgreementTie))
    assert ID["agreement/hohhot-vet-strategic-framework"] in ties and ID["agreement/caption7-hulan"] in ties
    assert not {t for t in ties if (t, RDF.type, HV.Agreement) in closure}
    assert set(closure.subjects(RDF.type, HV.Agreement)) == set(asserted.subjects(RDF.type, HV.Agreement))
    seed = {a for a in asserted.subjects(RDF.type, HV.Agreement)
            if any(str(q).startswith(str(ID["quote/seed-article/"])) for q in asserted.objects(a, HV.evidence))}
    assert len(seed) == 8  # the report's plain count


def test_no_disjointness_is_violated(asserted, closure):
    pairs = list(closure.subject_objects(OWL.disjointWith))
    # the axioms that matter are declared (and survive in the graph)
    declared = {(str(a).rsplit("#", 1)[-1], str(b).rsplit("#", 1)[-1]) for a, b in asserted.subject_objects(OWL.disjointWith)}
    for pair in [("Target", "Pathway"), ("GovernmentBody", "UnnamedParty"), ("AdministrativeArea", "Organization"),
                 ("Agreement", "AgreementTie"), ("Fact", "Organization")]:
        assert pair in declared, pair
    clashes = []
    for a, b in pairs:
        both = set(closure.subjects(RDF.type, a)) & set(closure.subjects(RDF.type, b))
        if both:
            clashes.append((str(a), str(b), sorted(map(str, both))[:3]))
    assert not clashes, clashes
    assert not set(closure.subjects(RDF.type, OWL.Nothing))
