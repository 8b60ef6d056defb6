"""Remote SPARQL 1.1 stores: publish a graph to one, and query one as if it were a local Store.

``harbin-kg publish --store URL`` (:func:`publish`) loads the graph into any store that speaks
the SPARQL 1.1 Graph Store HTTP Protocol (Oxigraph: ``http://HOST:PORT/store``; Fuseki:
``http://HOST:3030/DATASET/data``), one named graph per layer:

======================================================  ===========================================
``https://w3id.org/hrbvet/graph/ontology``              terms, concept schemes, labels of external
                                                        terms (subjects outside ``…/id/``)
``https://w3id.org/hrbvet/graph/facts``                 curated entities and facts (``…/id/…``)
``https://w3id.org/hrbvet/graph/quotes``                provenance: ``…/id/quote/…``, ``…/id/text/…``
``https://w3id.org/hrbvet/graph/derived``               rule output: ``hv:party``, ``org:memberOf``,
                                                        ``org:hasMember``
======================================================  ===========================================

Never a half-replaced graph
---------------------------
Oxigraph 0.5's GSP ``PUT`` is *not* atomic: the server clears the graph, then loads the body in
a second transaction (``cli/src/main.rs``), so a body cut off mid-way leaves the graph empty.
So publishing goes in three steps:

1. **Stage.** Each layer is ``PUT`` (N-Triples body) into a fresh *staging* graph
   ``…/graph/staging/{token}/{layer}``; the live graphs are not touched. Each staging graph's
   triple count is checked with ``SELECT (COUNT(*) …)`` at the query address.
2. **Swap.** With an update address (Oxigraph: ``/update``, derived from ``/store``), one
   SPARQL Update request ``MOVE GRAPH <staging> TO GRAPH <live> ; …`` swaps *all* layers at once;
   Oxigraph runs one update request in one transaction, so readers see the old layers or the
   new ones. Without an update address (``update_url=False``: a pure GSP store) each live graph
   is ``PUT`` again from the same bytes, which the server has just accepted — only a transport
   failure can then interrupt it, and the report says which graphs were replaced.
3. **Verify and clean.** Live counts are checked; staging graphs are deleted (also on failure).

On any failure the store is asked, not assumed, which live graphs now hold this upload (same
triple count and a spread sample of its triples present): a swap whose answer timed out or was
cut off may well have happened. The error names the layers replaced and those still as before,
says whether the store serves a mix, and what to do.

Hardening: URLs are stripped of surrounding whitespace and refused if
they still hold spaces or control characters (CVE-2023-24329); scheme must be http or https;
the query and update addresses must have exactly the store's scheme, host and port; redirects
are never followed (a 3xx is an error); every connection has a connect/read timeout; 401, 403,
404, 429, 5xx become errors naming the status and what to do. Standard library only.

:class:`EndpointStore` answers ``.query(sparql)`` like a pyoxigraph ``Store``: pyoxigraph's own
``QuerySolutions`` (rows indexable by variable name or position, giving pyoxigraph terms) for
SELECT, a ``QueryBoolean`` (use ``bool()``) for ASK, a list of ``Triple`` for CONSTRUCT/DESCRIBE;
plus ``quads_for_pattern`` and ``len``, so :mod:`harbin_kg.query.run` runs on it unchanged.
"""

from __future__ import annotations

import http.client
import secrets
import socket
import urllib.parse
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from ..errors import HarbinKGError
from ..namespaces import BASE

__all__ = ["GRAPH_BASE", "LAYERS", "graph_iri", "RemoteError", "PublishReport", "check_url", "split_layers",
           "publish", "count_triples", "EndpointStore"]

GRAPH_BASE = BASE + "graph/"
LAYERS = ("ontology", "facts", "quotes", "derived")
DEFAULT_TIMEOUT = 30.0
_ID = BASE + "id/"
_DERIVED = {BASE + "ont#party", "http://www.w3.org/ns/org#memberOf", "http://www.w3.org/ns/org#hasMember"}
_PROVENANCE = (_ID + "quote/", _ID + "text/")
_USER_AGENT = "harbin-kg-remote/1"


def graph_iri(layer: str) -> str:
    """The named graph of a layer, e.g. ``https://w3id.org/hrbvet/graph/facts``."""
    return GRAPH_BASE + layer


class RemoteError(HarbinKGError):
    """A remote store could not be reached, refused, or answered something unexpected."""

    #: the HTTP status when the store did answer (unlike a timeout or a cut connection)
    status: int | None = None


@dataclass(frozen=True)
class _Url:
    scheme: str
    host: str
    port: int
    path: str
    query: str

    @property
    def origin(self) -> str:
        return f"{self.scheme}://{self.host}:{self.port}"

    def with_path(self, path: str) -> _Url:
        return _Url(self.scheme, self.host, self.port, path, "")

    def __str__(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{self.scheme}://{host}:{self.port}{self.path}" + (f"?{self.query}" if self.query else "")


def check_url(url: str, what: str = "--store") -> _Url:
    """Parse a store address strictly; a :class:`RemoteError` saying what is wrong otherwise."""
    if not isinstance(url, str):
        raise RemoteError(f"{what} must be a URL such as http://127.0.0.1:7878/store, not {url!r}.")
    cleaned = url.strip()
    if not cleaned:
        raise RemoteError(f"{what} is empty; give a URL such as http://127.0.0.1:7878/store.")
    if any(ord(c) <= 0x20 or ord(c) == 0x7F for c in cleaned):
        raise RemoteError(f"{what} {cleaned!r} contains spaces or control characters; remove them.")
    parts = urllib.parse.urlsplit(cleaned)
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise RemoteError(f"{what} {cleaned} must start with http:// or https:// (got "
                          f"{parts.scheme + ':' if parts.scheme else 'no scheme'}).")
    if parts.username is not None or parts.password is not None:
        raise RemoteError(f"{what} must not carry a user name or password in the URL (they would show in "
                          "logs and error messages).")
    try:
        port = parts.port
    except ValueError:
        raise RemoteError(f"{what} {cleaned} has an invalid port.") from None
    host = parts.hostname
    if not host:
        raise RemoteError(f"{what} {cleaned} has no host; e.g. http://127.0.0.1:7878/store.")
    if parts.fragment:
        raise RemoteError(f"{what} {cleaned} must not have a #fragment.")
    return _Url(scheme, host, port or (443 if scheme == "https" else 80), parts.path or "/", parts.query)


def _same_origin(base: _Url, other: _Url, what: str) -> None:
    if (other.scheme, other.host, other.port) != (base.scheme, base.host, base.port):
        raise RemoteError(f"{what} {other} is not on the store's host ({base.origin}); the query and update "
                          "addresses must have exactly the same scheme, host and port as --store.")


def _derive(store: _Url, last: str) -> _Url:
    """Oxigraph's layout: ``…/store`` → ``…/query`` or ``…/update``."""
    path = store.path.rstrip("/")
    if path.endswith("/store"):
        return store.with_path(path[: -len("store")] + last)
    raise RemoteError(f"Cannot guess the {last} address from --store {store}; pass --{last}-url "
                      f"(Oxigraph: http://HOST:PORT/{last}; Fuseki: http://HOST:3030/DATASET/{last if last == 'query' else 'update'}).")


# ----------------------------------------------------------------------------------------- HTTP


def _request(url: _Url, method: str, *, params: Sequence[tuple[str, str]] = (), body: bytes | None = None,
             headers: Mapping[str, str] | None = None, timeout: float, purpose: str) -> tuple[int, dict, bytes]:
    """One HTTP request, no redirects followed, bounded by ``timeout`` per socket operation."""
    target = url.path + ("?" + urllib.parse.urlencode(list(params)) if params else (f"?{url.query}" if url.query else ""))
    cls = http.client.HTTPSConnection if url.scheme == "https" else http.client.HTTPConnection
    conn = cls(url.host, url.port, timeout=timeout)
    all_headers = {"User-Agent": _USER_AGENT, **(headers or {})}
    try:
        try:
            conn.request(method, target, body=body, headers=all_headers)
            response = conn.getresponse()
            data = response.read()
        except (TimeoutError, socket.timeout):
            raise RemoteError(f"{purpose}: {url.origin} did not answer within {timeout:g} s (timed out); "
                              "check that the store is up and not overloaded, or raise --timeout.") from None
        except ConnectionRefusedError:
            raise RemoteError(f"{purpose}: nothing is listening at {url.origin} (connection refused); "
                              "start the store (e.g. oxigraph serve --location DIR --bind 127.0.0.1:7878) "
                              "or fix the URL.") from None
        except OSError as error:
            raise RemoteError(f"{purpose}: cannot reach {url.origin} ({error.strerror or error}).") from None
        except http.client.HTTPException as error:
            raise RemoteError(f"{purpose}: {url.origin} sent a malformed HTTP answer ({type(error).__name__}).") from None
    finally:
        conn.close()
    status = response.status
    head = {k.lower(): v for k, v in response.getheaders()}
    if 300 <= status < 400:
        where = head.get("location", "(no Location header)")
        raise RemoteError(f"{purpose}: {url} answered {status} redirecting to {where}; redirects are not followed. "
                          "Give the store's final address directly (check http vs https, the port, a trailing "
                          "slash).")
    if status >= 400:
        refused = RemoteError(_status_message(status, url, head, data, purpose))
        refused.status = status
        raise refused
    return status, head, data


def _status_message(status: int, url: _Url, head: dict, data: bytes, purpose: str) -> str:
    said = data.decode("utf-8", "replace").strip().splitlines()
    detail = f' Server said: "{said[0][:200]}"' if said else ""
    advice = {
        401: "the store needs credentials (401 Unauthorized). harbin-kg sends none: publish to a store "
             "that accepts writes from this machine, or put an authenticating proxy on the loopback interface.",
        403: "the store refused (403 Forbidden): it is read-only or does not allow writes from here "
             "(Oxigraph's serve-read-only answers 403; start it with `oxigraph serve`).",
        404: f"nothing at {url.path} (404 Not Found): check the address (Oxigraph's Graph Store is /store, its "
             "query address /query; Fuseki's are /DATASET/data and /DATASET/query).",
        405: "the address does not accept this method (405); is it the Graph Store address?",
        413: "the body is too large for the store (413); split the graph or raise the store's limit.",
        415: "the store does not accept N-Triples here (415).",
        429: f"the store is rate-limiting (429); retry after {head.get('retry-after', 'a while')} s.",
        503: f"the store is unavailable (503); retry after {head.get('retry-after', 'a while')} s.",
    }.get(status)
    if advice is None:
        advice = (f"the store failed with {status} (a server-side error); check the store's log, then retry."
                  if status >= 500 else f"the store answered {status}.")
    return f"{purpose}: {advice}{detail}"


# ---------------------------------------------------------------------------------------- layers


def _layer_of(quad) -> str:
    if quad.predicate.value in _DERIVED:
        return "derived"
    subject = quad.subject.value if isinstance(quad.subject, ox.NamedNode) else ""
    if subject.startswith(_PROVENANCE):
        return "quotes"
    if subject.startswith(_ID) or isinstance(quad.subject, ox.BlankNode):
        return "facts"
    return "ontology"


def _triples_of(graph) -> ox.Store:
    """A pyoxigraph Store (default graph, duplicates gone) from a path, an rdflib Graph or a Store."""
    from .store import load_store, to_ox_term

    if isinstance(graph, (str, Path)):
        return load_store(Path(graph))
    if isinstance(graph, ox.Store):
        return graph
    try:
        triples = iter(graph)
    except TypeError:
        raise RemoteError(f"publish needs a graph file, an rdflib Graph or a pyoxigraph Store, not {type(graph).__name__}.") from None
    store = ox.Store()
    store.bulk_extend(ox.Quad(to_ox_term(s), to_ox_term(p), to_ox_term(o), ox.DefaultGraph()) for s, p, o in triples)
    return store


def split_layers(graph, layers: Iterable[str] = LAYERS) -> dict[str, tuple[bytes, int]]:
    """Each requested layer as (N-Triples bytes, distinct triple count), in :data:`LAYERS` order."""
    wanted = list(layers)
    unknown = [name for name in wanted if name not in LAYERS]
    if unknown:
        raise RemoteError(f"unknown layer(s) {', '.join(unknown)}; choose from {', '.join(LAYERS)}.")
    store = _triples_of(graph)
    buckets: dict[str, list] = {name: [] for name in LAYERS}
    for quad in store.quads_for_pattern(None, None, None, ox.DefaultGraph()):
        buckets[_layer_of(quad)].append(quad.triple)
    out = {}
    for name in LAYERS:
        if name in wanted:
            triples = buckets[name]
            out[name] = (ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b"", len(triples))
    return out


# --------------------------------------------------------------------------------------- publish


@dataclass
class PublishReport:
    store_url: str
    counts: dict[str, int] = field(default_factory=dict)      # live graph IRI -> verified triples
    replaced: list[str] = field(default_factory=list)
    method: str = ""

    def table(self) -> str:
        width = max((len(g) for g in self.counts), default=10)
        lines = [f"{'named graph':<{width}}  triples"]
        lines += [f"{g:<{width}}  {n:>7,}" for g, n in self.counts.items()]
        lines.append(f"{'total':<{width}}  {sum(self.counts.values()):>7,}")
        return "\n".join(lines)


def count_triples(query_url, graph: str, *, timeout: float = DEFAULT_TIMEOUT) -> int:
    """``SELECT (COUNT(*) AS ?n) { GRAPH <graph> { ?s ?p ?o } }`` at the query address."""
    url = query_url if isinstance(query_url, _Url) else check_url(query_url, "--query-url")
    sparql = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
    rows = EndpointStore(url, timeout=timeout, default_graph=()).query(sparql)
    for row in rows:
        return int(row["n"].value)
    return 0


def publish(graph, store_url: str, *, query_url: str | None = None, update_url: str | bool | None = None,
            layers: Iterable[str] = LAYERS, timeout: float = DEFAULT_TIMEOUT,
            progress: Callable[[str], None] | None = None) -> PublishReport:
    """Load ``graph`` into the store at ``store_url`` (Graph Store Protocol), one named graph per layer.

    Parameters
    ----------
    graph : path, rdflib.Graph or pyoxigraph.Store
        The built graph (e.g. :func:`harbin_kg.graph.outputs.default_graph_path`).
    store_url : str
        The Graph Store address, e.g. ``http://127.0.0.1:7878/store``.
    query_url : str, optional
        SPARQL query address for the count checks (default: ``…/query`` beside ``…/store``).
    update_url : str or False, optional
        SPARQL update address for the atomic swap (default: ``…/update`` beside ``…/store``);
        ``False`` for a store without SPARQL Update (per-graph PUT fallback).
    layers : names from :data:`LAYERS`
    timeout : float
        Seconds allowed for connecting and for each read.
    """
    say = progress or (lambda message: None)
    if not (isinstance(timeout, (int, float)) and 0 < timeout <= 3600):
        raise RemoteError(f"--timeout must be between 0 and 3600 seconds, not {timeout!r}.")
    store, query, update = _addresses(store_url, query_url, update_url)
    parts = split_layers(graph, layers)
    token = secrets.token_hex(6)
    staging = {name: f"{GRAPH_BASE}staging/{token}/{name}" for name in parts}
    report = PublishReport(store_url=str(store), method="stage + MOVE" if update else "stage + PUT")
    staged: list[str] = []
    already: list[str] = []
    swap_lost = False  # the swap request went out and no answer came back
    try:
        # Which live graphs hold this very version already: after a failure, "replaced" must
        # mean replaced by this run, not "was equal anyway".
        say(f"publish: checking what {query} serves now")
        already = [graph_iri(n) for n, (body, expected) in parts.items()
                   if _holds_layer(query, graph_iri(n), body, expected, timeout)]
        for name, (body, expected) in parts.items():
            say(f"publish: uploading {name} ({expected:,} triples) to a staging graph")
            _put(store, staging[name], body, timeout, f"Uploading layer {name!r}")
            staged.append(staging[name])
            _verify(query, staging[name], expected, timeout, f"staging graph of layer {name!r}")
        if update is not None:
            say("publish: swapping the staging graphs in (one transaction)")
            try:
                _swap(update, staging, timeout)
            except RemoteError as error:
                swap_lost = getattr(error, "status", None) is None
                raise
            staged = []
            report.replaced = [graph_iri(n) for n in parts]
        else:
            for name, (body, _expected) in parts.items():
                say(f"publish: replacing {graph_iri(name)}")
                _put(store, graph_iri(name), body, timeout, f"Replacing layer {name!r}")
                report.replaced.append(graph_iri(name))
        for name, (_body, expected) in parts.items():
            report.counts[graph_iri(name)] = _verify(query, graph_iri(name), expected, timeout, f"layer {name!r}")
    except RemoteError as error:
        # What this process believes it did can be wrong: a swap whose answer timed out or was cut
        # off may have happened. Ask the store what is live now, and report that.
        raise RemoteError(f"{error}\n{_what_is_live(query, parts, report.replaced, already, timeout, swap_lost)}") from None
    finally:
        for iri in staged:
            try:
                _request(store, "DELETE", params=[("graph", iri)], timeout=timeout, purpose="Cleaning up")
            except RemoteError:
                pass  # best effort: a staging graph never shadows the live ones
    return report


def _addresses(store_url: str, query_url: str | None,
               update_url: str | bool | None) -> tuple[_Url, _Url, _Url | None]:
    """The checked store, query and update addresses (update None: per-graph PUT instead of MOVE).

    All three must share one origin, so a publish never sends the graph to one host and the
    count checks to another.
    """
    store = check_url(store_url, "--store")
    query = check_url(query_url, "--query-url") if query_url else _derive(store, "query")
    _same_origin(store, query, "--query-url")
    if update_url is False:
        return store, query, None
    try:
        update = check_url(update_url, "--update-url") if isinstance(update_url, str) and update_url \
            else _derive(store, "update")
    except RemoteError:
        if update_url:
            raise
        return store, query, None
    _same_origin(store, update, "--update-url")
    return store, query, update


def _swap(update: _Url, staging: dict[str, str], timeout: float) -> None:
    """Move every staging graph onto its live layer in one SPARQL Update request (one transaction)."""
    operations = " ;\n".join(f"MOVE SILENT GRAPH <{staging[n]}> TO GRAPH <{graph_iri(n)}>" for n in staging)
    _request(update, "POST", body=operations.encode("utf-8"), timeout=timeout,
             headers={"Content-Type": "application/sparql-update"}, purpose="Swapping the layers in")


def _sample(body: bytes, size: int = 200) -> list[str]:
    """Up to ``size`` of the layer's triples (N-Triples lines), spread evenly, without blank nodes."""
    lines = sorted(line for line in body.decode("utf-8").splitlines() if line.strip() and "_:" not in line)
    step = max(1, len(lines) // size)
    return [line.strip().rstrip(".").strip() for line in lines[::step][:size]]


def _holds_layer(query: _Url, graph: str, body: bytes, expected: int, timeout: float) -> bool:
    """Does the live ``graph`` hold exactly this upload? Same count, and a spread sample of its
    triples present (the count alone could match an earlier version by chance)."""
    if count_triples(query, graph, timeout=timeout) != expected:
        return False
    sample = _sample(body)
    if not sample:
        return True
    rows = "\n".join(f"    ({line})" for line in sample)
    sparql = (f"SELECT (COUNT(*) AS ?n) WHERE {{ VALUES (?s ?p ?o) {{\n{rows}\n  }} "
              f"GRAPH <{graph}> {{ ?s ?p ?o }} }}")
    for row in EndpointStore(query, timeout=timeout, default_graph=()).query(sparql):
        return int(row["n"].value) == len(sample)
    return False


def _what_is_live(query: _Url, parts: dict, believed: list[str], already: list[str], timeout: float,
                  swap_lost: bool = False) -> str:
    """After a failure: which live graphs hold this upload now, checked at the store (not assumed).

    ``already``: the live graphs that held this version before the run (not "replaced" by it).
    """
    holding = []
    try:
        for name, (body, expected) in parts.items():
            if _holds_layer(query, graph_iri(name), body, expected, timeout):
                holding.append(graph_iri(name))
    except RemoteError as error:
        done = ", ".join(believed) or "none"
        left = ", ".join(graph_iri(n) for n in parts if graph_iri(n) not in believed) or "none"
        return (f"Publishing stopped, and the store could not be checked afterwards ({error}). As far as this "
                f"command knows: Live graphs replaced: {done}. Not replaced (still as before): {left}. Check with "
                "`harbin-kg query --endpoint …`, or run the same command again once the store is fixed.")
    replaced = [g for g in holding if g not in already]
    kept = [graph_iri(n) for n in parts if graph_iri(n) not in replaced]
    lines = (f"Publishing stopped. Checked at the store afterwards: Live graphs replaced: {', '.join(replaced) or 'none'}. "
             f"Not replaced (still as before): {', '.join(kept) or 'none'}.")
    same = [g for g in kept if g in holding]
    if same:
        lines += f" Already this version before the run: {', '.join(same)}."
    if len(holding) == len(parts):
        verdict = "the new version is live in full; nothing needs redoing"
    elif holding:
        verdict = "the store holds a MIX of old and new layers; run the same command again to make all layers new"
    else:
        verdict = ("the store still serves the previous version in full; run the same command again once the store "
                   "is fixed")
    if swap_lost and len(holding) < len(parts):
        verdict += (". The swap request was sent but its answer was lost: the store may still apply it; run the "
                    "same command again to settle it (publishing the same graph twice is harmless)")
    return f"{lines} So {verdict}."


def _put(store: _Url, graph: str, body: bytes, timeout: float, purpose: str) -> None:
    _request(store, "PUT", params=[("graph", graph)], body=body, timeout=timeout,
             headers={"Content-Type": "application/n-triples; charset=utf-8"}, purpose=purpose)


def _verify(query: _Url, graph: str, expected: int, timeout: float, what: str) -> int:
    found = count_triples(query, graph, timeout=timeout)
    if found != expected:
        hint = (" The store did not keep the upload under that graph name: check the --store address "
                "(Oxigraph's is exactly http://HOST:PORT/store, without a trailing slash) and --query-url."
                if found == 0 else "")
        raise RemoteError(f"Checking the {what}: the store holds {found:,} triples in <{graph}>, "
                          f"expected {expected:,}.{hint}")
    return found


# ------------------------------------------------------------------------------------- querying


class EndpointStore:
    """A remote SPARQL endpoint used where a pyoxigraph ``Store`` is expected (read-only).

    ``EndpointStore("http://127.0.0.1:7878/query").query("SELECT …")`` POSTs the query
    (``application/x-www-form-urlencoded``, as the SPARQL 1.1 Protocol allows) and parses SPARQL
    JSON results or N-Triples. By default the query's default graph is the union of harbin-kg's
    published layers (``default-graph-uri`` for each), so queries written for the local graph
    work unchanged; pass ``default_graph=()`` for the store's own default graph.
    """

    def __init__(self, query_url, *, timeout: float = DEFAULT_TIMEOUT,
                 default_graph: Sequence[str] | None = None):
        self.url = query_url if isinstance(query_url, _Url) else check_url(query_url, "--endpoint")
        self.timeout = timeout
        self.default_graph = [graph_iri(n) for n in LAYERS] if default_graph is None else list(default_graph)

    def __repr__(self) -> str:
        return f"EndpointStore({str(self.url)!r})"

    def quads_for_pattern(self, subject=None, predicate=None, object=None, graph_name=None) -> list:
        """The matching triples (a CONSTRUCT at the endpoint) as pyoxigraph Quads in the default graph."""
        terms = [("?s", subject), ("?p", predicate), ("?o", object)]
        pattern = " ".join(str(term) if term is not None else var for var, term in terms)
        triples = self.query(f"CONSTRUCT {{ {pattern} }} WHERE {{ {pattern} }}")
        return [ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in triples]

    def __len__(self) -> int:
        rows = list(self.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"))
        return int(rows[0]["n"].value) if rows else 0

    def query(self, query: str, *, base_iri: str | None = None, prefixes: Mapping[str, str] | None = None,
              substitutions: Mapping | None = None, default_graph=None, named_graphs=None,
              use_default_graph_as_union: bool = False):
        """Run a SPARQL query remotely; results shaped like ``pyoxigraph.Store.query``'s.

        SELECT gives a real ``pyoxigraph.QuerySolutions`` and ASK a ``pyoxigraph.QueryBoolean``
        (``bool()`` of it is the answer), parsed by ``pyoxigraph.parse_query_results``, so code
        that checks ``isinstance(result, ox.QuerySolutions)`` works unchanged; CONSTRUCT and
        DESCRIBE give a list of ``pyoxigraph.Triple``.

        ``substitutions`` ({Variable: term}) are sent as a trailing ``VALUES`` block built from
        the terms' N-Triples form (never from user text); ``use_default_graph_as_union`` is
        accepted for signature compatibility: the default graph is already the published layers.
        """
        prologue = "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in (prefixes or {}).items())
        if base_iri:
            prologue = f"BASE <{base_iri}>\n" + prologue
        text = prologue + query
        if substitutions:
            names = " ".join(f"?{(v.value if isinstance(v, ox.Variable) else str(v).lstrip('?$'))}" for v in substitutions)
            values = " ".join(str(t) for t in substitutions.values())
            text += f"\nVALUES ({names}) {{ ({values}) }}"
        graphs = self.default_graph if default_graph is None else [
            g.value if isinstance(g, ox.NamedNode) else str(g)
            for g in (default_graph if isinstance(default_graph, (list, tuple)) else [default_graph])]
        params = [("query", text)] + [("default-graph-uri", g) for g in graphs]
        params += [("named-graph-uri", g.value if isinstance(g, ox.NamedNode) else str(g)) for g in (named_graphs or ())]
        _, head, data = _request(
            self.url, "POST", body=urllib.parse.urlencode(params).encode("utf-8"), timeout=self.timeout,
            headers={"Content-Type": "application/x-www-form-urlencoded",
                     "Accept": "application/sparql-results+json, application/n-triples;q=0.9"},
            purpose=f"Querying {self.url}")
        media = head.get("content-type", "").split(";")[0].strip().lower()
        if media in ("application/sparql-results+json", "application/json"):
            try:
                return ox.parse_query_results(data, format=ox.QueryResultsFormat.JSON)
            except (SyntaxError, ValueError):
                raise RemoteError(f"{self.url} sent unreadable SPARQL JSON results.") from None
        if media in ("application/n-triples", "text/plain", "text/turtle", "application/n-quads"):
            fmt = ox.RdfFormat.TURTLE if media == "text/turtle" else ox.RdfFormat.N_TRIPLES
            try:
                return [q.triple for q in ox.parse(input=data, format=fmt)]
            except SyntaxError as error:
                raise RemoteError(f"{self.url} sent unreadable triples ({error}).") from None
        raise RemoteError(f"{self.url} answered in {media or 'an unknown format'}, expected SPARQL JSON results "
                          "or N-Triples; is it a SPARQL query address?")
