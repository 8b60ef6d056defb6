"""Names of things: an entity's label in a chosen language, and finding an entity by name.

Researchers name entities the way the article does (哈职院, 哈市, 省教育厅); every command that
takes an entity resolves the name here, against IRIs, slugs, zh/en labels and aliases from every
source, with traditional characters matched to simplified ones (哈爾濱職業技術學院 finds 哈尔滨职业技术学院).
"""

import unicodedata
from functools import lru_cache

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDFS, SKOS

from ..errors import UnknownEntity, close_matches
from ..namespaces import ID, PREFIXES

__all__ = ["label", "labels", "local_name", "name_index", "normal_name", "resolve_entity", "curie"]

_LABEL_PROPERTIES = (SKOS.prefLabel, RDFS.label)
_ALIAS_PROPERTIES = (SKOS.prefLabel, RDFS.label, SKOS.altLabel, SKOS.hiddenLabel)


def local_name(iri: str) -> str:
    """The last segment of an IRI: ``…/org/harbin-university`` → ``harbin-university``."""
    iri = str(iri)
    for sep in ("#", "/"):
        if sep in iri.rstrip(sep):
            iri = iri.rstrip(sep).rsplit(sep, 1)[1]
    return iri


def curie(iri: str) -> str:
    """``hv:Agreement`` for an IRI in a known namespace, ``org/x`` for an entity, else the IRI."""
    iri = str(iri)
    if iri.startswith(str(ID)):
        return iri[len(str(ID)):]
    best = ""
    for prefix, ns in PREFIXES.items():
        if prefix != "id" and iri.startswith(ns) and len(ns) > len(best):
            best, chosen = ns, prefix
    return f"{chosen}:{iri[len(best):]}" if best else iri


def labels(graph: Graph, node) -> dict[str, str]:
    """All preferred labels of ``node`` by language tag (``{"zh": …, "en": …}``)."""
    found: dict[str, str] = {}
    for prop in _LABEL_PROPERTIES:
        # Sorted: a graph that (wrongly) gives two labels in one language names the node the
        # same way in every run and every engine, not by the order of a hash set.
        for value in sorted(str(v) + "\x00" + (v.language or "") for v in graph.objects(node, prop)
                            if isinstance(v, Literal)):
            text, lang = value.split("\x00")
            found.setdefault(lang.split("-")[0], text)
    return found


def label(graph: Graph, node, lang: str = "zh") -> str:
    """The label of ``node`` in ``lang``, falling back zh → en → any → local name.

    >>> from rdflib import Graph, URIRef, Literal
    >>> from rdflib.namespace import SKOS
    >>> g = Graph(); n = URIRef("https://w3id.org/hrbvet/id/org/x")
    >>> _ = g.add((n, SKOS.prefLabel, Literal("哈尔滨学院", lang="zh")))
    >>> label(g, n, "en")
    '哈尔滨学院'
    >>> label(g, URIRef("https://w3id.org/hrbvet/id/org/y"))
    'y'
    """
    if not isinstance(node, URIRef):
        return str(node)
    found = labels(graph, node)
    for choice in (lang, "zh", "en", ""):
        if choice in found:
            return found[choice]
    if found:
        return sorted(found.items())[0][1]
    return local_name(node)


@lru_cache(maxsize=1)
def _to_simplified():
    # OpenCC's t2s dictionaries (the opencc package from PyPI, C++ with bundled data, no
    # network): pages from Hong Kong, Taiwan or older sites write 哈爾濱職業技術學院.
    import opencc

    return opencc.OpenCC("t2s").convert


def normal_name(text: str) -> str:
    """The matching key of a name: full-width and half-width forms alike, case folded, and
    traditional characters made simplified (哈爾濱 → 哈尔滨).

    >>> normal_name("哈爾濱職業技術學院") == normal_name("哈尔滨职业技术学院")
    True
    """
    text = unicodedata.normalize("NFKC", text).strip().casefold()
    return _to_simplified()(text) if any(ord(c) > 0x2E7F for c in text) else text


def name_index(graph: Graph) -> dict[str, set[URIRef]]:
    """Every way of naming an entity → the entities so named (normalised keys)."""
    index: dict[str, set[URIRef]] = {}

    def add(key: str, node: URIRef) -> None:
        index.setdefault(normal_name(key), set()).add(node)

    for prop in _ALIAS_PROPERTIES:
        for node, value in graph.subject_objects(prop):
            if isinstance(node, URIRef) and isinstance(value, Literal):
                add(str(value), node)
    for node in set(graph.subjects()):
        if isinstance(node, URIRef) and str(node).startswith(str(ID)):
            path = str(node)[len(str(ID)):]
            add(path, node)
            add(local_name(node), node)
    return index


def resolve_entity(graph: Graph, name: str, *, index: dict | None = None) -> URIRef:
    """Find the entity called ``name``: an IRI, ``type/slug``, a slug, a zh/en label or an alias.

    Raises :class:`~harbin_kg.errors.UnknownEntity` with close matches when nothing (or more
    than one thing) answers to the name.
    """
    name = name.strip()
    if name.startswith("<") and name.endswith(">"):
        name = name[1:-1]
    if name.startswith(("http://", "https://")):
        node = URIRef(name)
        if (node, None, None) in graph:
            return node
    elif ":" in name and name.split(":", 1)[0] in PREFIXES:
        node = URIRef(PREFIXES[name.split(":", 1)[0]] + name.split(":", 1)[1])
        if (node, None, None) in graph:
            return node
    index = name_index(graph) if index is None else index
    matches = index.get(normal_name(name), set())
    if len(matches) > 1:
        # A bare slug is shared by an entity (org/x) and its sub-nodes (agreement/y/party/x):
        # the top-level entity is the one meant.
        top = {m for m in matches if str(m)[len(str(ID)):].count("/") == 1}
        matches = top if len(top) == 1 else matches
    if len(matches) == 1:
        return next(iter(matches))
    if len(matches) > 1:
        raise UnknownEntity(name, sorted((label(graph, m), str(m)) for m in matches))
    return _suggest(graph, name, index)


def _suggest(graph: Graph, name: str, index: dict) -> URIRef:
    key = normal_name(name)
    close = close_matches(key, index, n=5, cutoff=0.5, contained=5)
    seen: dict[str, str] = {}
    for k in close:
        for node in sorted(index[k]):
            seen.setdefault(str(node), label(graph, node))
    suggestions = [(lab, iri) for iri, lab in list(seen.items())[:5]]
    raise UnknownEntity(name, suggestions)

