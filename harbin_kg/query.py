"""SPARQL in, rows out: read-only checks, two engines, safe parameters, a real timeout.

>>> from harbin_kg.query import run_query                                  # doctest: +SKIP
>>> run_query(None, "partners-of", {"org": "哈职院"}).labelled_rows()       # doctest: +SKIP

* **Engines.** ``engine="oxigraph"`` (default) runs the query on an embedded pyoxigraph ``Store``
  used directly (10–100× faster than rdflib's engine; oxrdflib is not used). ``engine="rdflib"``
  runs rdflib's own engine on an rdflib ``Graph``, with ``SPARQL_LOAD_GRAPHS`` off and the static
  algebra check of :func:`~harbin_kg.sparql_guard.check_rdflib_algebra`. Both give the same
  :class:`QueryResult`: rdflib terms, language tags intact.
* **Read-only.** :func:`~harbin_kg.sparql_guard.check_read_only` refuses updates, ``SERVICE``,
  ``FROM`` and ``FROM NAMED`` before the query reaches an engine.
* **Parameters** are bound *in the algebra*, never by string formatting: pyoxigraph's
  ``substitutions`` (SPARQL-dev SEP-0007: the variable is replaced by the term throughout the
  query) and rdflib's ``initBindings``. The term is built from the graph (an entity resolved by
  :func:`harbin_kg.labels.resolve_entity`) or parsed from the value (a typed literal); the user's
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

import difflib
import multiprocessing
import re
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import cached_property
from itertools import islice
from pathlib import Path
from typing import Literal as TypingLiteral

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef, Variable
from rdflib.namespace import RDFS, SKOS, XSD
from rdflib.term import Node

from .errors import HarbinKGError, QueryError, QueryTimeout, UnknownEntity
from .labels import curie, labels as node_labels, local_name, name_index, resolve_entity
from .library import NamedQuery, Param, looks_like_name, named_query, parse_header
from .namespaces import ID, PREFIXES
from .sparql_guard import check_rdflib_algebra, check_read_only, syntax_error
from .store import load_rdflib, load_store, store_from_graph, to_ox_term, to_rdflib_term

__all__ = ["Engine", "ENGINES", "DEFAULT_TIMEOUT", "DEFAULT_LIMIT", "QueryResult", "LoadedGraph",
           "open_graph", "prepare", "bind_params", "run_query", "ask"]

Engine = TypingLiteral["oxigraph", "rdflib"]
ENGINES = ("oxigraph", "rdflib")
DEFAULT_TIMEOUT = 30.0
DEFAULT_LIMIT = 10_000
_NAME_PROPERTIES = (SKOS.prefLabel, SKOS.altLabel, SKOS.hiddenLabel, RDFS.label)


@dataclass(frozen=True)
class QueryResult:
    """What a query returned.

    ``kind`` is ``select``, ``ask`` or ``graph`` (CONSTRUCT/DESCRIBE: ``rows`` are triples under
    the variables ``subject predicate object``); ``rows`` hold rdflib terms (``None`` = unbound);
    ``truncated`` says rows were cut at the limit; ``labels`` maps each IRI in the rows to its
    labels by language (``{"zh": …, "en": …}``).
    """

    kind: TypingLiteral["select", "ask", "graph"]
    variables: tuple[str, ...] = ()
    rows: tuple[tuple[Node | None, ...], ...] = ()
    boolean: bool | None = None
    truncated: bool = False
    labels: Mapping[str, Mapping[str, str]] = field(default_factory=dict, compare=False, repr=False)

    def __len__(self) -> int:
        return len(self.rows)

    def label(self, node, lang: str = "zh") -> str:
        """How to show one cell: an IRI's label (``lang`` → zh → en → local name), a literal's text."""
        if node is None:
            return ""
        if isinstance(node, URIRef):
            found = self.labels.get(str(node), {})
            for choice in (lang, "zh", "en", ""):
                if found.get(choice):
                    return found[choice]
            if str(node).startswith(str(ID)):
                return local_name(node)
            return curie(node)
        return str(node)

    def labelled_rows(self, lang: str = "zh") -> list[tuple[str, ...]]:
        """Rows as display strings, every IRI replaced by its label."""
        return [tuple(self.label(value, lang) for value in row) for row in self.rows]

    def as_dicts(self) -> list[dict[str, Node | None]]:
        return [dict(zip(self.variables, row)) for row in self.rows]

    def graph(self) -> Graph:
        """CONSTRUCT/DESCRIBE results as an rdflib Graph with our prefixes bound."""
        from .namespaces import bind_prefixes

        out = bind_prefixes(Graph())
        for triple in self.rows:
            out.add(triple)
        return out

    def to_dataframe(self, lang: str | None = "zh"):
        """A pandas DataFrame (pandas must be installed): Python values, and for every column
        holding IRIs a ``NAME_label`` column beside it (``lang=None`` leaves labels out)."""
        try:
            import pandas as pd
        except ImportError:
            raise HarbinKGError("to_dataframe() needs pandas: pip install pandas") from None
        if self.kind == "ask":
            return pd.DataFrame({"boolean": [self.boolean]})
        columns: dict[str, list] = {}
        for i, var in enumerate(self.variables):
            values = [row[i] for row in self.rows]
            columns[var] = [_python(v) for v in values]
            if lang and any(isinstance(v, URIRef) for v in values):
                columns[f"{var}_label"] = [self.label(v, lang) if isinstance(v, URIRef) else None for v in values]
        return pd.DataFrame(columns)


def _python(node):
    if isinstance(node, Literal):
        value = node.toPython()
        return str(node) if isinstance(value, Literal) else value
    return None if node is None else str(node)


class LoadedGraph:
    """A graph loaded once for one engine; :func:`run_query` accepts it to skip reloading."""

    def __init__(self, engine: Engine, *, store: ox.Store | None = None, graph: Graph | None = None,
                 path: Path | None = None):
        if engine not in ENGINES:
            raise QueryError(f'Unknown engine "{engine}"; use one of {", ".join(ENGINES)}.')
        self.engine, self.store, self.graph, self.path = engine, store, graph, path

    @cached_property
    def names(self) -> Graph:
        """The label triples only (for naming entities and showing labels)."""
        if self.graph is not None:
            return self.graph
        names = Graph()
        for prop in _NAME_PROPERTIES:
            for quad in self.store.quads_for_pattern(None, ox.NamedNode(str(prop)), None):
                names.add((to_rdflib_term(quad.subject), prop, to_rdflib_term(quad.object)))
        return names

    @cached_property
    def name_index(self) -> dict:
        return name_index(self.names)


_CACHE: dict[tuple, LoadedGraph] = {}


def open_graph(graph=None, engine: Engine = "oxigraph") -> LoadedGraph:
    """Load ``graph`` for ``engine``: a path, a pyoxigraph Store, an rdflib Graph, or None for the
    bundled graph (built on demand). Files are cached by path and modification time."""
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
    if graph is None:
        from .build import default_graph_path

        graph = default_graph_path()
    path = Path(graph)
    stat = path.stat() if path.exists() else None
    key = (str(path.resolve()), stat and stat.st_mtime_ns, stat and stat.st_size, engine)
    if key not in _CACHE:
        loaded = (LoadedGraph(engine, store=load_store(path), path=path) if engine == "oxigraph"
                  else LoadedGraph(engine, graph=load_rdflib(path), path=path))
        if len(_CACHE) >= 4:
            _CACHE.pop(next(iter(_CACHE)))
        _CACHE[key] = loaded
    return _CACHE[key]


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
    variables = set(re.findall(r"[?$]([A-Za-z_]\w*)", query.text))
    bound: dict[str, Node] = {}
    for name, value in params.items():
        param = declared.get(name)
        if param is None and (declared or name not in variables):
            choices = list(declared) if declared else sorted(variables)
            close = difflib.get_close_matches(name, choices, n=3, cutoff=0.4)
            where = f"The query {query.name}" if query.name else "The query"
            hint = f" Did you mean: {', '.join(close)}?" if close else ""
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


def _resolve(loaded: LoadedGraph, name: str, within: str) -> URIRef:
    """:func:`resolve_entity`, narrowed to IRIs under the prefix ``within`` when one is given."""
    try:
        found = resolve_entity(loaded.names, name, index=loaded.name_index)
    except UnknownEntity as error:
        namespace = PREFIXES.get(within)
        inside = [(lab, iri) for lab, iri in error.suggestions if namespace and iri.startswith(namespace)]
        if namespace and len(inside) == 1 and _normal_name(inside[0][0]) == _normal_name(name):
            return URIRef(inside[0][1])
        raise UnknownEntity(name, inside or error.suggestions) from None
    namespace = PREFIXES.get(within)
    if namespace and not str(found).startswith(namespace):
        raise UnknownEntity(name, [])
    return found


def _normal_name(text: str) -> str:
    import unicodedata

    return unicodedata.normalize("NFKC", text).strip().casefold()


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


# ---------------------------------------------------------------------------------- execution


def _execute(loaded: LoadedGraph, text: str, bindings: Mapping[str, Node], limit: int) -> QueryResult:
    """Run ``text`` (already checked) on the loaded engine; rows cut at ``limit``."""
    if loaded.engine == "oxigraph":
        substitutions = {ox.Variable(k): to_ox_term(v) for k, v in bindings.items()}
        try:
            result = loaded.store.query(text, prefixes=PREFIXES, base_iri=str(ID), substitutions=substitutions or None)
        except SyntaxError as error:
            raise syntax_error(text, error) from None
        except RuntimeError as error:
            if "SELECT projection" in str(error):
                raise _not_selected(bindings) from None
            raise
        if isinstance(result, ox.QueryBoolean):
            return QueryResult("ask", boolean=bool(result))
        if isinstance(result, ox.QuerySolutions):
            variables = tuple(v.value for v in result.variables)
            rows = [tuple(to_rdflib_term(t) for t in solution) for solution in islice(result, limit + 1)]
            return QueryResult("select", variables, tuple(rows[:limit]), truncated=len(rows) > limit)
        triples = [tuple(to_rdflib_term(t) for t in (x.subject, x.predicate, x.object)) for x in islice(result, limit + 1)]
        return QueryResult("graph", ("subject", "predicate", "object"), tuple(triples[:limit]), truncated=len(triples) > limit)
    return _on_big_stack(lambda: _execute_rdflib(loaded.graph, text, bindings, limit))


def _not_selected(bindings) -> QueryError:
    names = ", ".join(f"?{k}" for k in bindings)
    return QueryError(f"A parameter must be selected by the query: add {names} to the SELECT clause (or use SELECT *).")


def _execute_rdflib(graph: Graph, text: str, bindings: Mapping[str, Node], limit: int) -> QueryResult:
    import rdflib.plugins.sparql as rdflib_sparql

    prepared = check_rdflib_algebra(text, PREFIXES)
    projected = prepared.algebra.get("PV")
    if bindings and projected is not None and prepared.algebra.name == "SelectQuery":
        if any(Variable(k) not in projected for k in bindings):
            raise _not_selected(bindings)
    saved = rdflib_sparql.SPARQL_LOAD_GRAPHS
    rdflib_sparql.SPARQL_LOAD_GRAPHS = False
    try:
        result = graph.query(prepared, initBindings={Variable(k): v for k, v in bindings.items()}, base=str(ID))
        if result.type == "ASK":
            return QueryResult("ask", boolean=bool(result.askAnswer))
        if result.type == "SELECT":
            variables = tuple(str(v) for v in result.vars)
            rows = [tuple(row) for row in islice(result, limit + 1)]
            return QueryResult("select", variables, tuple(rows[:limit]), truncated=len(rows) > limit)
        triples = [tuple(t) for t in islice(result, limit + 1)]
        return QueryResult("graph", ("subject", "predicate", "object"), tuple(triples[:limit]), truncated=len(triples) > limit)
    finally:
        rdflib_sparql.SPARQL_LOAD_GRAPHS = saved


def _on_big_stack(work):
    """rdflib's parser and evaluator recurse deeply (100 triple patterns overflow the default
    limit, SECURITY.md §2.4): run them in a thread with a 512 MiB stack and a higher limit."""
    import sys

    outcome: dict = {}

    def target():
        sys.setrecursionlimit(50_000)
        try:
            outcome["value"] = work()
        except BaseException as error:  # handed to the caller's thread below
            outcome["error"] = error

    old_size = threading.stack_size(512 * 1024 * 1024)
    try:
        thread = threading.Thread(target=target, name="harbin-kg-rdflib-query")
        thread.start()
    finally:
        threading.stack_size(old_size)
    thread.join()
    if "error" in outcome:
        error = outcome["error"]
        if isinstance(error, RecursionError):
            raise QueryError("The query is too deeply nested for rdflib's engine; try --engine oxigraph.") from None
        raise error
    return outcome["value"]


def _child(conn, loaded, text, bindings, limit):
    try:
        _limit_memory()
        conn.send(("ok", _execute(loaded, text, bindings, limit)))
    except HarbinKGError as error:
        conn.send(("error", type(error).__name__, str(error)))
    except Exception as error:  # our bug or an engine failure: pass its traceback to the parent
        import traceback

        conn.send(("crash", type(error).__name__, traceback.format_exc()))
    finally:
        conn.close()


def _limit_memory(extra: int = 4 * 1024**3) -> None:
    # A runaway query should fail in the child, not swap the machine: cap its address space at
    # what it inherited plus ``extra`` (Linux only; skipped elsewhere).
    try:
        import resource

        with open("/proc/self/statm") as statm:
            current = int(statm.read().split()[0]) * resource.getpagesize()
        resource.setrlimit(resource.RLIMIT_AS, (current + extra, resource.RLIM_INFINITY))
    except (ImportError, OSError, ValueError):
        pass


def _run_with_timeout(loaded: LoadedGraph, text: str, bindings, limit: int, timeout: float) -> QueryResult:
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=_child, args=(sender, loaded, text, bindings, limit), daemon=True)
    child.start()
    sender.close()
    try:
        if not receiver.poll(timeout):
            child.kill()
            child.join()
            raise QueryTimeout(
                f"The query was stopped after {timeout:g} seconds (查询超时，已停止). Narrow it (add "
                f"LIMIT, more specific patterns, avoid unconnected patterns that multiply rows) or "
                f"allow more time with --timeout SECONDS (0 = no limit)."
            )
        try:
            message = receiver.recv()
        except EOFError:
            child.join()
            raise QueryError(
                f"The query process ended without an answer (exit code {child.exitcode}); it may have "
                f"run out of memory. Narrow the query or add LIMIT."
            ) from None
    finally:
        receiver.close()
    child.join()
    if message[0] == "ok":
        return message[1]
    if message[0] == "error":
        error_class = {"QueryTimeout": QueryTimeout}.get(message[1], QueryError)
        if message[1] == "UnknownEntity":
            raise HarbinKGError(message[2])
        raise error_class(message[2])
    raise RuntimeError(f"{message[1]} while running the query:\n{message[2]}")


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
    check_read_only(prepared.text)
    loaded = open_graph(graph, engine)
    bindings = bind_params(prepared, params or {}, loaded)
    if timeout:
        result = _run_with_timeout(loaded, prepared.text, bindings, limit, float(timeout))
    else:
        result = _execute(loaded, prepared.text, bindings, limit)
    return _with_labels(result, loaded)


def _with_labels(result: QueryResult, loaded: LoadedGraph) -> QueryResult:
    iris = {value for row in result.rows for value in row if isinstance(value, URIRef)}
    found = {}
    for iri in iris:
        labels = node_labels(loaded.names, iri)
        if labels:
            found[str(iri)] = labels
    return QueryResult(result.kind, result.variables, result.rows, result.boolean, result.truncated, found)


def ask(name: str, /, graph=None, *, engine: Engine = "oxigraph", timeout: float | None = DEFAULT_TIMEOUT,
        limit: int = DEFAULT_LIMIT, **params) -> QueryResult:
    """One call for notebooks: ``ask("partners-of", org="哈职院").to_dataframe()``."""
    return run_query(graph, name, params, engine=engine, timeout=timeout, limit=limit)


def timing_overhead(graph=None, repeats: int = 20) -> dict[str, float]:
    """Median seconds of a trivial query in-process and in a forked child (for benchmarks)."""
    loaded = open_graph(graph)
    text = "ASK { ?s ?p ?o }"

    def median(fn):
        times = []
        for _ in range(repeats):
            start = time.perf_counter()
            fn()
            times.append(time.perf_counter() - start)
        return sorted(times)[len(times) // 2]

    return {
        "in_process": median(lambda: _execute(loaded, text, {}, 1)),
        "forked": median(lambda: _run_with_timeout(loaded, text, {}, 1, 30.0)),
    }
