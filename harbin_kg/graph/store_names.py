"""Names looked up on a pyoxigraph store, never copied out of it.

:func:`harbin_kg.graph.labels.resolve_entity` and :func:`harbin_kg.graph.labels.labels` read a graph through
two operations: "does this IRI have a name?" and "the values of this property of this node".
:class:`StoreNames` answers both with index lookups on the store, so showing the labels of a
result's ten IRIs costs ten lookups, not a copy of every label in the graph (242,000 at 1M
triples). The name index (normalised name → entities) is read from a SQLite file written once
beside a cached store (:mod:`harbin_kg.graph.diskstore`), or built from the store for a graph loaded
in memory; either way it holds exactly what :func:`harbin_kg.graph.labels.name_index` finds in the
label triples (tests compare them).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Mapping
from pathlib import Path

import pyoxigraph as ox
from rdflib import URIRef
from rdflib.namespace import RDFS, SKOS

from ..namespaces import ID
from .labels import local_name, normal_name
from .store import to_rdflib_term

__all__ = ["NAME_PROPERTIES", "StoreNames", "store_labels", "SqliteNameIndex", "index_from_store", "write_name_index"]

#: The properties whose values name a thing (the label triples of a graph).
NAME_PROPERTIES = (SKOS.prefLabel, SKOS.altLabel, SKOS.hiddenLabel, RDFS.label)
_ALIASES = (SKOS.prefLabel, RDFS.label, SKOS.altLabel, SKOS.hiddenLabel)  # labels.name_index's order
_LABEL_PROPERTIES = (SKOS.prefLabel, RDFS.label)  # labels.labels' order


class StoreNames:
    """The label triples of a store, read on demand: the part of rdflib's Graph API that
    :mod:`harbin_kg.graph.labels` uses (``(node, None, None) in names`` and ``names.objects``)."""

    def __init__(self, store):
        self.store = store
        self._props = {str(p): ox.NamedNode(str(p)) for p in NAME_PROPERTIES}

    def objects(self, subject, predicate):
        if str(predicate) not in self._props or not isinstance(subject, URIRef):
            return
        for quad in self.store.quads_for_pattern(ox.NamedNode(str(subject)), self._props[str(predicate)], None):
            yield to_rdflib_term(quad.object)

    def __contains__(self, triple) -> bool:
        subject, predicate, obj = triple
        if predicate is not None or obj is not None or not isinstance(subject, URIRef):
            raise NotImplementedError("StoreNames answers (IRI, None, None) only")
        node = ox.NamedNode(str(subject))
        return any(next(iter(self.store.quads_for_pattern(node, prop, None)), None) is not None
                   for prop in self._props.values())


def store_labels(store, iris) -> dict[str, dict[str, str]]:
    """``{iri: labels}`` for the IRIs that have one: :func:`harbin_kg.graph.labels.labels` read
    straight off the store's terms (no rdflib term is made for a label that is not kept)."""
    props = [ox.NamedNode(str(p)) for p in _LABEL_PROPERTIES]
    found: dict[str, dict[str, str]] = {}
    for iri in iris:
        node = ox.NamedNode(str(iri))
        labels: dict[str, str] = {}
        for prop in props:  # sorted, as labels.labels() takes them
            for text, lang in sorted((q.object.value, q.object.language or "")
                                     for q in store.quads_for_pattern(node, prop, None)
                                     if isinstance(q.object, ox.Literal)):
                labels.setdefault(lang.split("-")[0], text)
        if labels:
            found[str(iri)] = labels
    return found


def _name_pairs(store) -> Iterator[tuple[str, str]]:
    """(name as written, IRI) for every way of naming an entity, as labels.name_index makes them."""
    labelled: set[str] = set()
    for prop in _ALIASES:
        for quad in store.quads_for_pattern(None, ox.NamedNode(str(prop)), None):
            subject = quad.subject
            if isinstance(subject, ox.NamedNode):
                labelled.add(subject.value)
                if isinstance(quad.object, ox.Literal):
                    yield quad.object.value, subject.value
    base = str(ID)
    for iri in labelled:
        if iri.startswith(base):
            yield iri[len(base):], iri
            yield local_name(iri), iri


def index_from_store(store) -> dict[str, set[URIRef]]:
    """Every normalised name → the entities so named (the same as labels.name_index on the labels)."""
    index: dict[str, set[URIRef]] = {}
    for name, iri in _name_pairs(store):
        index.setdefault(normal_name(name), set()).add(URIRef(iri))
    return index


def write_name_index(store, path: Path) -> None:
    """The name index of ``store`` as a SQLite table ``names(key, iri)``."""
    rows = sorted({(normal_name(name), iri) for name, iri in _name_pairs(store)})
    db = sqlite3.connect(path)
    try:
        # No journal and no fsync: the file is written inside a temporary folder that is renamed
        # into place only when complete (harbin_kg.graph.diskstore), so a crash leaves nothing behind.
        db.execute("PRAGMA journal_mode = OFF")
        db.execute("PRAGMA synchronous = OFF")
        db.execute("CREATE TABLE names (key TEXT NOT NULL, iri TEXT NOT NULL, PRIMARY KEY (key, iri)) WITHOUT ROWID")
        db.executemany("INSERT INTO names VALUES (?, ?)", rows)
        db.commit()
    finally:
        db.close()


class SqliteNameIndex(Mapping):
    """The name index read from its SQLite file: one indexed lookup per name."""

    def __init__(self, path: Path):
        self._db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)

    def __getitem__(self, key: str) -> set[URIRef]:
        found = {URIRef(iri) for (iri,) in self._db.execute("SELECT iri FROM names WHERE key = ?", (key,))}
        if not found:
            raise KeyError(key)
        return found

    def get(self, key, default=None):
        try:
            return self[key]
        except KeyError:
            return default

    def __contains__(self, key) -> bool:
        return self._db.execute("SELECT 1 FROM names WHERE key = ? LIMIT 1", (key,)).fetchone() is not None

    def __iter__(self) -> Iterator[str]:
        return (key for (key,) in self._db.execute("SELECT DISTINCT key FROM names ORDER BY key"))

    def __len__(self) -> int:
        return self._db.execute("SELECT COUNT(DISTINCT key) FROM names").fetchone()[0]
