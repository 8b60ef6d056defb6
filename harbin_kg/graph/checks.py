"""What Turtle cannot check in the curated files: the build calls these on every file it reads.

Unknown terms, invalid IRIs, an identifier defined in two files, a reference to nothing, a
missing ``@zh`` label, one name for two entities, a verbatim literal that is not in its own
quotes (or, for a cited page, in its key phrases), a fact from a cited page that cites nothing.
Each raises :class:`~harbin_kg.errors.DataError` naming the file and the line.
"""

from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SKOS, TIME
from rdflib.term import Node

from ..errors import DataError
from ..namespaces import HV, ID, SCHEME
from ..sources.quotes import line_of

__all__ = ["declared_terms", "check_terms", "check_iris", "check_entities", "check_aliases", "check_verbatim",
           "require_citations", "rel"]

_VERBATIM = (HV.mentionText, HV.reportedText, HV.dateText)
#: Characters RFC 3987 does not allow anywhere in an IRI (the ones rdflib warns about).
_NOT_IN_IRIS = frozenset('<>" {}|\\^`')


def declared_terms(vocabulary: Graph) -> set[URIRef]:
    # Anything the vocabulary types (a class, a property, a concept, hv:dsd …) is declared.
    declared = {s for s in vocabulary.subjects(RDF.type) if isinstance(s, URIRef)}
    return declared | {s for s in vocabulary.subjects(RDFS.subClassOf) if isinstance(s, URIRef)}


def check_terms(path: Path, graph: Graph, declared: set[URIRef]) -> None:
    """Every hv: term and every concept a curated file uses must be declared in ontology/."""
    for triple in graph:
        for position, node in zip(("subject", "predicate", "object"), triple):
            if not isinstance(node, URIRef):
                continue
            iri = str(node)
            ours = iri.startswith(str(HV)) or (iri.startswith(str(SCHEME)) and position != "subject")
            if ours and node not in declared and node != HV.quote:
                raise DataError(
                    f"{path}, line {line_of(path, iri.rsplit('/', 1)[-1].rsplit('#', 1)[-1])}: unknown term "
                    f"<{iri}> (未定义的术语). Declare it in ontology/ (with zh/en labels) or fix the spelling."
                )


def check_iris(path: Path, graph: Graph) -> None:
    for triple in graph:
        for node in triple:
            if isinstance(node, URIRef) and _NOT_IN_IRIS.intersection(str(node)):
                raise DataError(f"{path}, line {line_of(path, str(node)[-20:])}: invalid IRI <{node}>.")


def check_entities(files: dict[Path, Graph], merged: Graph) -> None:
    """Duplicate identifiers, dangling references and missing @zh labels, with file and line."""
    defined_in: dict[URIRef, Path] = {}
    for path, graph in files.items():
        for subject in sorted({s for s in graph.subjects(RDF.type) if isinstance(s, URIRef)}):
            if not str(subject).startswith(str(ID)):
                continue
            if subject in defined_in and defined_in[subject] != path:
                raise DataError(
                    f"{path}, line {line_of(path, rel(subject))}: duplicate identifier <{rel(subject)}>, "
                    f"already defined in {defined_in[subject]} (line {line_of(defined_in[subject], rel(subject))}). "
                    "Each entity is defined in one file; use another slug or merge the two."
                )
            defined_in[subject] = path
    for path, graph in files.items():
        for _subject, obj in graph.subject_objects():
            if (isinstance(obj, URIRef) and str(obj).startswith(str(ID)) and obj not in defined_in
                    and not str(obj).startswith(str(ID["quote/"]))):
                raise DataError(
                    f"{path}, line {line_of(path, rel(obj))}: <{rel(obj)}> is referenced but defined nowhere "
                    "(未定义的实体). Define it (with a type, labels and a quote) or fix the slug."
                )
    for subject, path in sorted(defined_in.items()):
        if "/quote/" in str(subject) or str(subject).startswith(str(ID["quote/"])):
            continue
        if not any(isinstance(v, Literal) and (v.language or "").startswith("zh")
                   for v in merged.objects(subject, SKOS.prefLabel)):
            raise DataError(
                f"{path}, line {line_of(path, rel(subject))}: <{rel(subject)}> has no Chinese label; "
                'add skos:prefLabel "…"@zh (每个实体都需要中文标签).'
            )


def check_aliases(*graphs: Graph) -> None:
    """Two organisations or places may not answer to the same name (哈职院 must find one).

    ``graphs`` together are the facts (the curated files' graphs: no merged copy is needed).
    """
    owner: dict[str, Node] = {}
    for prop in (SKOS.prefLabel, SKOS.altLabel):
        for subject, value in sorted({pair for graph in graphs for pair in graph.subject_objects(prop)}):
            # Top-level organisations and places only: their sub-nodes (<org/x/cite/s01>,
            # <org/x/member/y>) are named after them, not aliases of them.
            if not str(subject).startswith((str(ID["org/"]), str(ID["place/"]))) or rel(subject).count("/") != 1:
                continue
            key = str(value)
            if key in owner and owner[key] != subject:
                raise DataError(
                    f'The name "{key}" labels both <{rel(owner[key])}> and <{rel(subject)}>; '
                    "names must pick out one entity (keep the alias on one of them)."
                )
            owner[key] = subject


def check_verbatim(path: Path, graph: Graph, own_quotes: dict, parents: dict, *, cited: bool = False) -> None:
    """mentionText, reportedText and dateText must be slices of their own node's quotes (docs/data-model.md, "Verbatim words").

    For a fact from a cited page (``cited``) the only words of the page the project keeps are
    its citations' key phrases, so the verbatim literals must come from those.
    """
    for prop in _VERBATIM:
        for subject, value in graph.subject_objects(prop):
            holder = subject
            while holder not in own_quotes and holder in parents:
                holder = parents[holder]
            exacts = own_quotes.get(holder, [])
            if not any(str(value) in exact for exact in exacts):
                if cited:
                    raise DataError(
                        f'{path}, line {line_of(path, str(value))}: {prop.fragment} "{value}" of <{rel(subject)}> '
                        "is not in any key phrase of its own citations; make it the hv:keyPhrase of a hv:cite "
                        "on that node (or its fact), or move a paraphrase to skos:editorialNote."
                    )
                raise DataError(
                    f'{path}, line {line_of(path, str(value))}: {prop.fragment} "{value}" of <{rel(subject)}> '
                    "is not in any of its own quotes; quote the words it comes from, or move a paraphrase "
                    "to skos:editorialNote."
                )


def rel(node) -> str:
    text = str(node)
    return text[len(str(ID)):] if text.startswith(str(ID)) else text


def require_citations(path: Path, graph: Graph) -> None:
    """Every entity and fact a facts/web file defines cites a page (dates and periods need not:
    they belong to the fact that cites)."""
    for subject in sorted({s for s in graph.subjects(RDF.type) if isinstance(s, URIRef)}):
        if (subject, HV.cite, None) in graph:
            continue
        if any(str(t).startswith(str(TIME)) for t in graph.objects(subject, RDF.type)):
            continue
        raise DataError(
            f"{path}, line {line_of(path, rel(subject))}: <{rel(subject)}> has no hv:cite; every entity and "
            "fact in data/facts/web/ cites the page it comes from: hv:cite [ hv:source <source/…> ; "
            'hv:locator "para N" ; hv:keyPhrase "…" ] (网页事实与实体须注明出处).'
        )
