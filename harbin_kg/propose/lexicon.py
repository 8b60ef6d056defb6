"""What the graph already knows by name: entities, indicators and units, as one lookup table.

The proposer never asks the graph a question per sentence; it reads every Chinese and English
name once (prefLabel, altLabel, hiddenLabel) into a :class:`Lexicon`, and matching a text is
then one pass of an Aho-Corasick automaton over it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rdflib import RDF, RDFS, SKOS, Graph, Literal, URIRef
from rdflib.namespace import ORG, PROV

from ..namespaces import HV, ID
from .reading import matching_form

__all__ = ["Name", "Lexicon", "lexicon_from_graph", "fold_key"]

FABIO_POLICY = URIRef("http://purl.org/spar/fabio/PolicyDocument")
SCHEMA_PLACE = URIRef("https://schema.org/Place")
INDICATOR_SCHEME = URIRef("https://w3id.org/hrbvet/scheme/indicator")
UNIT_SCHEME = URIRef("https://w3id.org/hrbvet/scheme/count-unit")

# The broadest class of each kind of thing a text names; every hv: class reaches one of them
# through rdfs:subClassOf in the ontology that the built graph carries.
_KIND_ROOTS = {
    "organisation": (ORG.FormalOrganization, ORG.OrganizationalCollaboration, ORG.Organization),
    "place": (PROV.Location, SCHEMA_PLACE),
    "document": (FABIO_POLICY, HV.PolicyDocument),
}


@dataclass(frozen=True)
class Name:
    """One way of naming one thing: the name as the graph writes it and what it names."""

    text: str
    iri: URIRef
    kind: str  # organisation, place, document, indicator, unit
    label_zh: str
    label_en: str


@dataclass
class Lexicon:
    """Names by their matching form (simplified, case-folded); several things may share one."""

    names: dict[str, list[Name]] = field(default_factory=dict)
    #: unit as written (所, 人, 个月) → its concept; units are one character, so they live apart
    units: dict[str, URIRef] = field(default_factory=dict)

    def add(self, name: Name) -> None:
        if name.kind == "unit":
            self.units.setdefault(name.text, name.iri)
            return
        key = fold_key(name.text)
        if len(key) < 2:  # one character is too short to be a name worth proposing
            return
        bucket = self.names.setdefault(key, [])
        if all(n.iri != name.iri for n in bucket):
            bucket.append(name)

    def of_kind(self, *kinds: str) -> dict[str, list[Name]]:
        return {k: [n for n in v if n.kind in kinds] for k, v in self.names.items()
                if any(n.kind in kinds for n in v)}

    @property
    def iris(self) -> set[URIRef]:
        return {n.iri for bucket in self.names.values() for n in bucket}


def fold_key(text: str) -> str:
    """The matching form of a name: simplified characters, lower case, same length."""
    simple = matching_form(text)
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in simple)


def _label(graph: Graph, node, lang: str) -> str:
    for value in graph.objects(node, SKOS.prefLabel):
        if isinstance(value, Literal) and (value.language or "").startswith(lang):
            return str(value)
    return ""


def _superclasses(graph: Graph) -> dict[URIRef, set[URIRef]]:
    parents: dict[URIRef, set[URIRef]] = {}
    for sub, sup in graph.subject_objects(RDFS.subClassOf):
        if isinstance(sub, URIRef) and isinstance(sup, URIRef):  # OWL restrictions are blank nodes
            parents.setdefault(sub, set()).add(sup)
    closure: dict[URIRef, set[URIRef]] = {}

    def up(cls, seen):
        if cls in closure:
            return closure[cls]
        found = {cls}
        for parent in parents.get(cls, ()):
            if parent not in seen:
                found |= up(parent, seen | {parent})
        closure[cls] = found
        return found

    for cls in list(parents):
        up(cls, {cls})
    return closure


def _kind_of(types, closure) -> str | None:
    reached = set()
    for cls in types:
        reached |= closure.get(cls, {cls})
    for kind, roots in _KIND_ROOTS.items():
        if reached & set(roots):
            return kind
    return None


def lexicon_from_graph(graph: Graph) -> Lexicon:
    """Every entity, indicator and unit of ``graph`` under each of its names."""
    closure = _superclasses(graph)
    lexicon = Lexicon()
    name_properties = (SKOS.prefLabel, SKOS.altLabel, SKOS.hiddenLabel)
    kinds: dict[URIRef, str] = {}
    for node in set(graph.subjects(RDF.type)):
        if not isinstance(node, URIRef):
            continue
        if str(node).startswith(str(ID)):
            kind = _kind_of(set(graph.objects(node, RDF.type)), closure)
        else:
            schemes = set(graph.objects(node, SKOS.inScheme))
            kind = ("indicator" if INDICATOR_SCHEME in schemes
                    else "unit" if UNIT_SCHEME in schemes else None)
        if kind:
            kinds[node] = kind
    for node, kind in sorted(kinds.items()):
        zh, en = _label(graph, node, "zh"), _label(graph, node, "en")
        for prop in name_properties:
            for value in graph.objects(node, prop):
                if isinstance(value, Literal) and (value.language or "zh")[:2] in ("zh", "en"):
                    lexicon.add(Name(str(value), node, kind, zh, en))
    return lexicon
