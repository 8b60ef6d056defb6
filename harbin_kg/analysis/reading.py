"""Reading the graph for the analyses: a store from any graph, SELECT rows, VALUES blocks.

:mod:`~harbin_kg.analysis.network` (projections) and :mod:`~harbin_kg.analysis.pathways` (the
立交桥) both read the store with these; they live here, below both, so that neither has to
import the other to read. The streamed reads of projections (participations, names, quotes and
citations of facts) are :mod:`~harbin_kg.analysis.network_rows`.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import cast

import pyoxigraph as ox
from rdflib import Graph as RDFGraph

from ..graph.remote import EndpointStore
from ..graph.store import load_store, solutions, store_from_graph
from ..namespaces import PREFIXES

__all__ = ["PREFIX_BLOCK", "open_store", "rows", "select", "values"]

#: Every prefix of the project, declared once in front of each query read here.
PREFIX_BLOCK = "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items())


def open_store(source) -> ox.Store:
    """A pyoxigraph Store from a path, a Store or an rdflib Graph (a remote store stays itself)."""
    if isinstance(source, EndpointStore):
        return cast(ox.Store, source)  # it answers query() as a Store does: all the readers here use
    if isinstance(source, ox.Store):
        return source
    if isinstance(source, RDFGraph):
        return store_from_graph(source)
    if isinstance(source, (str, Path)):
        return load_store(Path(source))
    raise TypeError(f"expected a graph path, a pyoxigraph.Store or an rdflib.Graph, not {type(source).__name__}")


def select(store: ox.Store, query: str) -> list[dict]:
    """A SELECT's solutions as dicts (variable name → term), the project's prefixes declared."""
    answer = solutions(store, PREFIX_BLOCK + query)
    names = [v.value for v in answer.variables]
    return [{n: s[n] for n in names} for s in answer]


def rows(store: ox.Store, query: str):
    """Stream a SELECT's rows as tuples of terms (``None`` where unbound), in variable order:
    no dict per row, which matters at tens of thousands of rows."""
    return map(tuple, solutions(store, PREFIX_BLOCK + query))


def values(iris: Iterable[str], size: int = 400) -> list[str]:
    """The IRIs, sorted and deduplicated, as ``VALUES`` bodies of at most ``size`` IRIs each."""
    iris = sorted(set(iris))
    return [" ".join(f"<{i}>" for i in iris[k:k + size]) for k in range(0, len(iris), size)]
