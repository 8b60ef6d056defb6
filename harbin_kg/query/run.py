"""SPARQL in, rows out: read-only checks, two engines, safe parameters, a real timeout.

>>> from harbin_kg.query.run import run_query                                  # doctest: +SKIP
>>> run_query(None, "partners-of", {"org": "哈职院"}).labelled_rows()       # doctest: +SKIP

* **Engines.** ``engine="oxigraph"`` (default) runs the query on an embedded pyoxigraph ``Store``
  used directly (10–100× faster than rdflib's engine; oxrdflib is not used). ``engine="rdflib"``
  runs rdflib's own engine on an rdflib ``Graph``, with ``SPARQL_LOAD_GRAPHS`` off and the static
  algebra check of :func:`~harbin_kg.graph.sparql_guard.check_rdflib_algebra`. Both give the same
  :class:`QueryResult`: rdflib terms, language tags intact.
* **Read-only.** :func:`~harbin_kg.graph.sparql_guard.check_read_only` refuses updates, ``SERVICE``,
  ``FROM`` and ``FROM NAMED`` before the query reaches an engine.
* **Parameters** are bound *in the algebra*, never by string formatting: pyoxigraph's
  ``substitutions`` (SPARQL-dev SEP-0007: the variable is replaced by the term throughout the
  query) and rdflib's ``initBindings``. The term is built from the graph (an entity resolved by
  :func:`harbin_kg.graph.labels.resolve_entity`) or parsed from the value (a typed literal); the user's
  text never becomes query text. pyoxigraph only substitutes variables the query SELECTs (or
  ``SELECT *``), so every parameter must be selected; the same rule is enforced for rdflib.
  A trailing ``VALUES`` clause would also work but is joined after the whole WHERE clause has run
  (slow on big graphs) and clashes with queries that already end in ``VALUES``.
* **Timeout.** With ``timeout`` set, the query runs in a child process forked after the graph is
  loaded (no reload; copy-on-write memory); rows come back over a pipe; when time is up the child
  is killed and :class:`~harbin_kg.errors.QueryTimeout` raised. Overhead: a few milliseconds.
* **Prefixes**: :data:`harbin_kg.namespaces.PREFIXES` are predeclared; relative IRIs resolve
  against the entity base (``<org/harbin-university>``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from functools import cached_property, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, cast
from typing import Literal as TypingLiteral

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDFS, SKOS, XSD
from rdflib.term import Node

from .engine import execute, run_with_timeout
from ..errors import QueryError, UnknownEntity, close_matches, did_you_mean
from ..graph.labels import labels as node_labels, name_index, normal_name, resolve_entity
from .library import NamedQuery, Param, looks_like_name, named_query, parse_header
from ..namespaces import PREFIXES
from .results import QueryResult
from ..graph.sparql_guard import check_read_only
from ..graph.store import load_rdflib, load_store, store_from_graph, to_rdflib_term


if TYPE_CHECKING:  # imported where a remote store is opened (start-up time)
    from ..graph.remote import EndpointStore

__all__ = ["Engine", "ENGINES", "DEFAULT_TIMEOUT", "DEFAULT_LIMIT", "QueryResult", "LoadedGraph",
           "open_graph", "prepare", "bind_params", "run_query", "ask"]

Engine = TypingLiteral["oxigraph", "rdflib"]
ENGINES = ("oxigraph", "rdflib")
DEFAULT_TIMEOUT = 30.0
DEFAULT_LIMIT = 10_000
_NAME_PROPERTIES = (SKOS.prefLabel, SKOS.altLabel, SKOS.hiddenLabel, RDFS.label)


class LoadedGraph:
    """A graph loaded once for one engine; :func:`run_query` accepts it to skip reloading.

    ``names_path``: the SQLite name index written beside a cached on-disk store
    (:mod:`harbin_kg.graph.diskstore`), if the store came from there."""

    def __init__(self, engine: Engine, *, store: ox.Store | EndpointStore | None = None, graph: Graph | None = None,
                 path: Path | None = None, names_path: Path | None = None):
        if engine not in ENGINES:
            raise QueryError(f'Unknown engine "{engine}"; use one of {", ".join(ENGINES)}.')
        self.engine, self.store, self.graph, self.path = engine, store, graph, path
        self.names_path = names_path
        self.write_store_later = False  # a big file loaded in memory until its store is written

    @cached_property
    def names(self):
        """The label triples (for naming entities and showing labels): the rdflib graph itself,
        or lookups on the store (:class:`~harbin_kg.graph.store_names.StoreNames`), never a copy."""
        if self.graph is not None:
            return self.graph
        if not isinstance(self.store, ox.Store):
            # An endpoint (EndpointStore): each lookup would be an HTTP round trip, so the
            # labels are copied once instead.
            names = Graph()
            for prop in _NAME_PROPERTIES:
                for quad in self.store.quads_for_pattern(None, ox.NamedNode(str(prop)), None):
                    names.add((to_rdflib_term(quad.subject), prop, to_rdflib_term(quad.object)))
            return names
        from ..graph.store_names import StoreNames  # noqa: I001 (imported on use: start-up time)

        return StoreNames(self.store)

    @cached_property
    def name_index(self):
        if self.names_path is not None:
            from ..graph.store_names import SqliteNameIndex

            return SqliteNameIndex(self.names_path)
        if isinstance(self.names, Graph):
            return name_index(self.names)
        from ..graph.store_names import index_from_store

        return index_from_store(self.store)


_CACHE: dict[tuple, LoadedGraph] = {}


def open_graph(graph=None, engine: Engine = "oxigraph") -> LoadedGraph:
    """Load ``graph`` for ``engine``: a path, a pyoxigraph Store, an rdflib Graph, or None for the
    bundled graph (built on demand). Files are cached by path and modification time; for the
    oxigraph engine, the bundled graph and large files are opened from a persistent on-disk store
    (:mod:`harbin_kg.graph.diskstore`), written on first use."""
    if isinstance(graph, LoadedGraph):
        if graph.engine == engine:
            return graph
        graph = graph.store if graph.store is not None else graph.graph
    if engine not in ENGINES:
        raise QueryError(f'Unknown engine "{engine}"; use one of {", ".join(ENGINES)}.')
    if isinstance(graph, ox.Store):
        if engine == "oxigraph":
            return LoadedGraph(engine, store=graph)
        g = Graph()
        for quad in graph:
            g.add((to_rdflib_term(quad.subject), to_rdflib_term(quad.predicate), to_rdflib_term(quad.object)))
        return LoadedGraph(engine, graph=g)
    if isinstance(graph, Graph):
        return LoadedGraph(engine, graph=graph) if engine == "rdflib" else LoadedGraph(engine, store=store_from_graph(graph))
    if graph is not None and not isinstance(graph, (str, Path)):
        from ..graph.remote import EndpointStore

        if isinstance(graph, EndpointStore):
            if engine != "oxigraph":
                raise QueryError("--engine rdflib cannot run against --endpoint; the endpoint runs the query.")
            return LoadedGraph("oxigraph", store=graph)
    bundled = graph is None
    if bundled:
        from ..graph.outputs import default_graph_path

        graph = default_graph_path()
    path = Path(graph)
    from ..graph.diskstore import is_bundled

    bundled = bundled or is_bundled(path)
    stat = path.stat() if path.exists() else None
    key = (str(path.resolve()), stat and stat.st_mtime_ns, stat and stat.st_size, engine)
    if key not in _CACHE:
        if engine == "oxigraph":
            loaded = _open_file(path, bundled)
        else:
            loaded = LoadedGraph(engine, graph=load_rdflib(path), path=path)
        if len(_CACHE) >= 4:
            _CACHE.pop(next(iter(_CACHE)))
        _CACHE[key] = loaded
    return _CACHE[key]


def _open_file(path: Path, bundled: bool) -> LoadedGraph:
    """A graph file for the oxigraph engine: its cached on-disk store, written first when small;
    the first time a big file is queried, a load in memory (a raw engine's load and query, issue
    17), with the store left to a background writer started once the answer is ready."""
    from ..graph import diskstore

    if not bundled and diskstore.writes_in_background(path):
        ready = diskstore.ready_file_store(path)
        if ready is not None:
            return LoadedGraph("oxigraph", store=ready.store, path=path, names_path=ready.names_path)
        loaded = LoadedGraph("oxigraph", store=load_store(path), path=path)
        loaded.write_store_later = True
        return loaded
    cached = diskstore.open_file_store(path, force=bundled)
    if cached is not None:
        return LoadedGraph("oxigraph", store=cached.store, path=path, names_path=cached.names_path)
    return LoadedGraph("oxigraph", store=load_store(path), path=path)


def _write_store_if_due(loaded: LoadedGraph) -> None:
    # After the first answer on a big file (see _open_file); once per loaded graph.
    if loaded.write_store_later and loaded.path is not None:
        from ..graph.diskstore import write_in_background

        loaded.write_store_later = False
        write_in_background(loaded.path)


def prepare(query: str | NamedQuery) -> NamedQuery:
    """A bundled query by name, or inline SPARQL (its ``# param:`` header comments are read too)."""
    if isinstance(query, NamedQuery):
        return query
    if looks_like_name(query):
        return named_query(query.strip())
    header = parse_header(query, where="query")
    return NamedQuery(name="", text=query, params=header["params"])


_INTEGER = re.compile(r"^[+-]?\d+$")
_DECIMAL = re.compile(r"^[+-]?(\d+\.\d*|\.\d+|\d+)$")


def _literal(param: Param, value: str) -> Node:
    value = value.strip()
    try:
        if param.kind == "integer" and _INTEGER.match(value):
            return Literal(int(value))
        if param.kind == "decimal" and _DECIMAL.match(value):
            return Literal(Decimal(value))
        if param.kind == "gYear" and re.fullmatch(r"-?\d{4}", value):
            return Literal(value, datatype=XSD.gYear)
        if param.kind == "string":
            return Literal(value)
    except InvalidOperation:
        pass
    raise QueryError(f'Parameter {param.name}: "{value}" is not a valid {param.kind} (参数值无效).')


def bind_params(query: NamedQuery, params: Mapping[str, object], loaded: LoadedGraph) -> dict[str, Node]:
    """Each parameter's value as an RDF term (entities resolved against the graph)."""
    declared = {p.name: p for p in query.params}
    variables = _variables(query.text)
    bound: dict[str, Node] = {}
    for name, value in params.items():
        param = declared.get(name)
        if param is None and (declared or name not in variables):
            choices = list(declared) if declared else sorted(variables)
            where = f"The query {query.name}" if query.name else "The query"
            hint = did_you_mean(close_matches(name, choices, n=3, cutoff=0.4))
            known = ", ".join(choices) or "none"
            raise QueryError(f'{where} has no parameter "{name}" (没有这个参数).{hint} Its parameters: {known}.')
        param = param or Param(name, "entity" if _looks_like_iri(value) else "string")
        if isinstance(value, Node):
            bound[name] = value
        elif param.kind == "entity":
            bound[name] = _resolve(loaded, str(value), param.within)
        elif param.kind == "iri":
            bound[name] = _iri(str(value), name)
        else:
            bound[name] = _literal(param, str(value))
    missing = [p for p in query.params if not p.optional and p.name not in bound]
    if missing:
        first = missing[0]
        example = dict(query.example).get(first.name)
        call = f"harbin-kg query {query.name} -p {first.name}={example or 'VALUE'}" if query.name else f"-p {first.name}=VALUE"
        raise QueryError(
            f'Missing parameter "{first.name}" (缺少参数 {first.name}): {first.description or first.kind}. '
            f"Give it with --param, e.g. `{call}`."
        )
    return bound


@lru_cache(maxsize=64)
def _variables(text: str) -> frozenset[str]:
    # Read once per query text: a bundled query is bound again on every call.
    return frozenset(re.findall(r"[?$]([A-Za-z_]\w*)", text))


def _resolve(loaded: LoadedGraph, name: str, within: str) -> URIRef:
    """:func:`resolve_entity`, narrowed to IRIs under the prefix ``within`` when one is given."""
    try:
        found = resolve_entity(loaded.names, name, index=cast(dict, _LazyIndex(loaded)))
    except UnknownEntity as error:
        namespace = PREFIXES.get(within)
        inside = [(lab, iri) for lab, iri in error.suggestions if namespace and iri.startswith(namespace)]
        if namespace and len(inside) == 1 and normal_name(inside[0][0]) == normal_name(name):
            return URIRef(inside[0][1])
        raise UnknownEntity(name, inside or error.suggestions) from None
    namespace = PREFIXES.get(within)
    if namespace and not str(found).startswith(namespace):
        raise UnknownEntity(name, [])
    return found


class _LazyIndex(Mapping):
    """``loaded.name_index``, built on first use: an IRI found in the graph needs no index, and
    building one from a store loaded in memory reads every label (seconds at 1M triples)."""

    def __init__(self, loaded: LoadedGraph):
        self._loaded = loaded

    def __getitem__(self, key):
        return self._loaded.name_index[key]

    def get(self, key, default=None):
        return self._loaded.name_index.get(key, default)

    def __iter__(self):
        return iter(self._loaded.name_index)

    def __len__(self) -> int:
        return len(self._loaded.name_index)


def _looks_like_iri(value) -> bool:
    text = str(value).strip()
    return text.startswith(("<", "http://", "https://")) or text.split(":", 1)[0] in PREFIXES


def _iri(value: str, name: str) -> URIRef:
    text = value.strip().strip("<>")
    prefix, _, rest = text.partition(":")
    if prefix in PREFIXES and not text.startswith(("http://", "https://")):
        text = PREFIXES[prefix] + rest
    if not re.fullmatch(r"https?://[^\s<>\"{}|\\^`]+", text):
        raise QueryError(f'Parameter {name}: "{value}" is not an IRI (http://… or a prefixed name such as hv:Agreement).')
    return URIRef(text)


def bound_text(query: NamedQuery, params: Mapping[str, object], loaded: LoadedGraph) -> str:
    """The query's text with its parameters written in as terms (:func:`harbin_kg.inline.inline`),
    for a client that can only send text, such as the endpoint's query page.

    Values are resolved and checked exactly as :func:`run_query` does (``哈职院`` finds the college);
    a query the rewrite cannot bind safely is refused, never run with the variable left free.
    """
    from .inline import inline

    bindings = bind_params(query, params, loaded)
    if not bindings:
        return query.text
    text = inline(query.text, bindings)
    if text is None:
        raise QueryError(f"The query {query.name or ''} cannot take its parameters as written terms "
                         f"(参数无法写入查询); run it with `harbin-kg query` instead.")
    return text


def run_query(graph, query: str | NamedQuery, params: Mapping[str, object] | None = None, *,
              engine: Engine = "oxigraph", timeout: float | None = DEFAULT_TIMEOUT,
              limit: int = DEFAULT_LIMIT) -> QueryResult:
    """Run a read-only query and return its rows with labels.

    ``graph``: a path to a .ttl/.nt file, a pyoxigraph Store, an rdflib Graph, a
    :class:`LoadedGraph`, or None for the bundled graph. ``query``: SPARQL text or the name of a
    bundled query. ``params``: ``{name: value}``: a string (resolved or parsed per the query's
    ``# param:`` header) or an rdflib term. ``timeout`` in seconds (None or 0: no limit, runs
    in this process). At most ``limit`` rows are kept; ``truncated`` says when more existed.
    """
    prepared = prepare(query)
    _check_read_only(prepared.text)
    loaded = open_graph(graph, engine)
    try:
        bindings = bind_params(prepared, params or {}, loaded)
        # A remote endpoint bounds its own work (and EndpointStore its socket wait): no forked worker.
        if timeout and (loaded.store is None or isinstance(loaded.store, ox.Store)):
            result = run_with_timeout(loaded, prepared.text, bindings, limit, float(timeout))
        else:
            result = execute(loaded, prepared.text, bindings, limit)
        return _with_labels(result, loaded)
    finally:
        _write_store_if_due(loaded)  # the file loaded: its store is worth writing, whatever the query did


@lru_cache(maxsize=64)
def _check_read_only(text: str) -> None:
    # The same text passes the same way every time (a refused one raises and is not cached).
    check_read_only(text)


def _with_labels(result: QueryResult, loaded: LoadedGraph) -> QueryResult:
    iris = {cell[1] for row in result.cells() for cell in row if cell is not None and cell[0] == "uri"}
    if isinstance(loaded.store, ox.Store) and loaded.graph is None:
        from ..graph.store_names import store_labels

        return result.with_labels(store_labels(loaded.store, iris))
    found = {}
    for iri in iris:
        labels = node_labels(loaded.names, URIRef(iri))
        if labels:
            found[iri] = labels
    return result.with_labels(found)


def ask(name: str, /, graph=None, *, engine: Engine = "oxigraph", timeout: float | None = DEFAULT_TIMEOUT,
        limit: int = DEFAULT_LIMIT, **params) -> QueryResult:
    """One call for notebooks: ``ask("partners-of", org="哈职院").to_dataframe()``."""
    return run_query(graph, name, params, engine=engine, timeout=timeout, limit=limit)


