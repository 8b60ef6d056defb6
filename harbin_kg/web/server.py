"""``harbin-kg serve``: a read-only SPARQL 1.1 Protocol endpoint, a query page and entity pages.

>>> app = make_app("build/harbin.ttl")                      # doctest: +SKIP
>>> status, headers, body = call_app(app, "GET", "/sparql?query=ASK%7B%7D")   # doctest: +SKIP

Routes: ``/`` the query page; ``/sparql`` the SPARQL 1.1 Protocol (GET, POST form, POST
``application/sparql-query``; no query → service description); ``/id/{type}/{slug}`` entity
pages (HTML, Turtle, N-Triples or JSON-LD by ``Accept``); ``/entities`` an index;
``/labels`` labels for IRIs (used by the query page); ``/health`` pool status; ``/static/*``.

Read-only and closed: queries pass :func:`harbin_kg.graph.sparql_guard.check_read_only` (no update,
SERVICE, FROM, FROM NAMED) before a worker sees them; updates answer 403; ``default-graph-uri`` /
``named-graph-uri`` only *name* graphs of the loaded store (an unknown name is an empty graph;
nothing is ever fetched) unless ``dataset_params="refuse"``. Every error has one JSON shape:
``{"ok": false, "error": "...", "status": N}``. Limits and status codes: the README; per-client
limits, slow sockets and what a public deployment adds in front: docs/server.md.
"""

from __future__ import annotations

import io
import json
import logging
import re
import sys
import time
import traceback
from importlib import resources
from pathlib import Path
from urllib.parse import parse_qs, quote

from ..errors import ForbiddenQuery, QueryError, UnknownEntity
from .server_limits import ClientLimiter, Fairness, TooMany, client_of
from .server_workers import (GRAPH_FORMATS, SELECT_FORMATS, Cancelled, Job, Overloaded, Preempted, WorkerDied,
                             WorkerPool, WorkerTimeout)
from ..graph.sparql_guard import MAX_NESTING, check_query, nesting_depth

__all__ = ["make_app", "call_app", "HarbinApp", "negotiate", "max_nesting", "log_safe", "Fairness"]

log = logging.getLogger("harbin_kg.web.server")

_STATUS = {200: "OK", 204: "No Content", 400: "Bad Request", 403: "Forbidden", 404: "Not Found",
           405: "Method Not Allowed", 406: "Not Acceptable", 413: "Content Too Large", 414: "URI Too Long",
           415: "Unsupported Media Type", 429: "Too Many Requests", 499: "Client Closed Request",
           500: "Internal Server Error", 503: "Service Unavailable", 504: "Gateway Timeout"}
_CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
        "base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
MAX_JSON_DEPTH = 16  # POST /labels takes {"iris": [...]}: depth 2
_ALIASES = {  # what clients send → what we produce
    "application/json": "application/sparql-results+json", "application/xml": "application/sparql-results+xml",
    "text/xml": "application/sparql-results+xml", "text/plain": "application/n-triples",
    "application/x-turtle": "text/turtle", "application/json+ld": "application/ld+json",
}
_FORMAT_PARAM = {"json": "application/sparql-results+json", "xml": "application/sparql-results+xml",
                 "csv": "text/csv", "tsv": "text/tab-separated-values", "turtle": "text/turtle",
                 "ttl": "text/turtle", "ntriples": "application/n-triples", "nt": "application/n-triples",
                 "jsonld": "application/ld+json", "rdfxml": "application/rdf+xml"}


class HTTPError(Exception):
    def __init__(self, status: int, message: str, headers=()):
        super().__init__(message)
        self.status, self.message, self.headers = status, message, list(headers)


def negotiate(accept: str | None, offered: list[str]) -> str | None:
    """The best of ``offered`` for an ``Accept`` header (q-values, ``type/*``, ``*/*``, aliases);
    the first offer when the header is missing; None when nothing offered is acceptable.

    >>> negotiate("text/csv;q=0.5, application/sparql-results+xml", list(SELECT_FORMATS))
    'application/sparql-results+xml'
    >>> negotiate("image/png", ["text/turtle"]) is None
    True
    """
    if not accept or not accept.strip():
        return offered[0]
    best, best_q = None, 0.0
    for _position, item in enumerate(accept.split(",")):
        parts = [p.strip() for p in item.split(";")]
        media = parts[0].lower()
        q = 1.0
        for param in parts[1:]:
            if param.lower().startswith("q="):
                try:
                    q = float(param[2:])
                except ValueError:
                    q = 0.0
        media = _ALIASES.get(media, media)
        for rank, offer in enumerate(offered):
            major = offer.split("/")[0]
            if media in (offer, "*/*", f"{major}/*"):
                # exact types beat wildcards at equal q; earlier offers beat later ones
                score = q - (0.0001 if "*" in media else 0) - rank * 1e-6
                if q > 0 and score > best_q:
                    best, best_q = offer, score
                break
    return best


max_nesting = nesting_depth  # the name this module exported before sparql_guard had it

_UNSAFE_IN_LOG = re.compile(r'[\x00-\x1f\x7f-\x9f"\\\u2028\u2029]')


def log_safe(text: str) -> str:
    """``text`` fit for one access-log line: control characters (CR, LF, NUL, C1, U+2028/9),
    quotes and backslashes escaped, so that a request cannot write a line of its own.

    >>> print(log_safe('/x\\r\\n127.0.0.1 "GET /admin" 200\\x00'))
    /x\\r\\n127.0.0.1 \\"GET /admin\\" 200\\x00
    """
    def one(match: re.Match) -> str:
        char = match.group(0)
        return {"\r": "\\r", "\n": "\\n", "\t": "\\t", '"': '\\"', "\\": "\\\\"}.get(char) or (
            f"\\x{ord(char):02x}" if ord(char) < 0x100 else f"\\u{ord(char):04x}")

    return _UNSAFE_IN_LOG.sub(one, text)


def json_depth(raw: str) -> int:
    """The deepest nesting of ``[`` / ``{`` in JSON text, outside strings (no parsing, no recursion)."""
    from itertools import accumulate

    outside = re.sub(r'"(?:[^"\\]|\\.)*"', "", raw)
    steps = re.sub(r"[^\[\]{}]+", "", outside)
    return max(accumulate((1 if c in "[{" else -1 for c in steps), initial=0))


def _error_body(status: int, message: str) -> bytes:
    return json.dumps({"ok": False, "error": message, "status": status}, ensure_ascii=False).encode("utf-8")


class HarbinApp:
    """The WSGI application; build it with :func:`make_app`, stop it with :meth:`close`."""

    def __init__(self, graph_path, *, timeout: float = 15, max_rows: int = 10_000, max_body: int = 64 * 1024,
                 max_url: int = 8 * 1024, workers: int = 2, queue: int | None = None,
                 dataset_params: str = "local", retry_after: int = 5, fairness: Fairness | None = None,
                 spares: int = 0):
        from . import pages
        from ..graph.store import load_store
        from ..query.run import LoadedGraph

        if dataset_params not in ("local", "refuse"):
            raise ValueError('dataset_params must be "local" or "refuse"')
        self.graph_path = Path(graph_path)
        self.timeout, self.max_rows, self.max_body, self.max_url = float(timeout), max_rows, max_body, max_url
        self.dataset_params, self.retry_after = dataset_params, retry_after
        self.store = load_store(self.graph_path)  # for entity pages; queries never run here
        self.site = pages.Site(self.store)
        self.loaded = LoadedGraph("oxigraph", store=self.store)  # names for the bundled queries' parameters
        self.fairness = fairness
        self.limiter = ClientLimiter(fairness) if fairness else None
        self.pool = WorkerPool(self.graph_path, size=workers, queue=workers if queue is None else queue,
                               timeout=self.timeout, max_rows=max_rows,
                               long_slots=workers - fairness.reserve if fairness else None,
                               short=fairness.short if fairness else 1.0, spares=spares)

    def close(self) -> None:
        self.pool.close()

    # ------------------------------------------------------------------------------ plumbing

    def __call__(self, environ, start_response):
        started = time.perf_counter()
        method = environ.get("REQUEST_METHOD", "GET")
        path = environ.get("PATH_INFO", "") or "/"
        try:
            status, headers, body = self.handle(environ)
        except HTTPError as error:
            status, headers, body = error.status, error.headers, _error_body(error.status, error.message)
            headers = [("Content-Type", "application/json")] + headers
        except Exception:  # a bug of ours: logged with its traceback, answered 500, never a 400
            log.error("500 on %s %s\n%s", log_safe(method), log_safe(path[:200]), traceback.format_exc())
            status, headers = 500, [("Content-Type", "application/json")]
            body = _error_body(500, "Internal server error (服务器内部错误); the traceback is in the server log.")
        headers = headers + [("Content-Length", str(len(body))), ("Access-Control-Allow-Origin", "*"),
                             ("X-Content-Type-Options", "nosniff")]
        if any(k == "Content-Type" and v.startswith("text/html") for k, v in headers):
            headers.append(("Content-Security-Policy", _CSP))
        start_response(f"{status} {_STATUS.get(status, 'Error')}", headers)
        query = environ.get("QUERY_STRING", "")
        try:  # the server hands the path over as latin-1; show what the client sent
            path = path.encode("latin-1").decode("utf-8")
        except UnicodeError:
            pass
        shown = path + ("?" + query if query else "")
        shown = shown[:200] + ("…" if len(shown) > 200 else "")
        log.info('%s %s "%s %s" %d %d %.1fms', log_safe(environ.get("REMOTE_ADDR", "-")),
                 time.strftime("%Y-%m-%dT%H:%M:%S"), log_safe(method), log_safe(shown), status, len(body),
                 (time.perf_counter() - started) * 1000)
        return [body] if method != "HEAD" else [b""]

    def handle(self, environ):
        path = environ.get("PATH_INFO", "") or "/"
        try:
            path = path.encode("latin-1").decode("utf-8")
        except UnicodeError:
            raise HTTPError(400, "The URL path is not valid UTF-8.") from None
        if len(quote(path)) + len(environ.get("QUERY_STRING", "")) > self.max_url:
            raise HTTPError(414, f"The URL is longer than {self.max_url} bytes (网址过长). Send long queries "
                                 f"with POST (Content-Type: application/sparql-query).")
        method = environ.get("REQUEST_METHOD", "GET")
        if method == "OPTIONS":
            return 204, [("Access-Control-Allow-Methods", "GET, POST, OPTIONS"),
                         ("Access-Control-Allow-Headers", "Content-Type, Accept"),
                         ("Access-Control-Max-Age", "600")], b""
        if path in ("/sparql", "/sparql/"):
            return self.sparql(environ, method)
        if path.startswith("/queries/") and method in ("GET", "HEAD"):
            return self.bundled(environ, path[len("/queries/"):])
        if method not in ("GET", "HEAD") and not (path == "/labels" and method == "POST"):
            raise HTTPError(405, f"{method} is not allowed here; this server is read-only.",
                            [("Allow", "GET, HEAD, OPTIONS")])
        if path == "/":
            form = parse_qs(environ.get("QUERY_STRING", ""))
            text = self._single(form, "query", required=False) or ""
            example = self._single(form, "example", required=False) or ""
            page = self.site.query_page(text, example=example)
            return 200, [("Content-Type", "text/html; charset=utf-8")], page.encode("utf-8")
        if path == "/entities":
            return 200, [("Content-Type", "text/html; charset=utf-8")], self.site.index_page(self.site.server_link).encode("utf-8")
        if path.startswith("/id/"):
            return self.entity(environ, path[len("/id/"):])
        if path == "/labels":
            return self.labels(environ, method)
        if path == "/health":
            return 200, [("Content-Type", "application/json")], json.dumps(
                {"ok": True, "triples": len(self.store), **self.pool.status(),
                 **(self.limiter.status() if self.limiter else {})}).encode()
        if path.startswith("/static/"):
            return self.static(path[len("/static/"):])
        raise HTTPError(404, f"Nothing here: {path} (页面不存在). Try / (query page), /sparql or /entities.")

    @staticmethod
    def _single(params: dict, name: str, *, required: bool = True):
        values = params.get(name, [])
        if len(values) > 1:
            raise HTTPError(400, f"The request has {len(values)} '{name}' parameters; send exactly one.")
        if not values:
            if required:
                raise HTTPError(400, f"The request has no '{name}' parameter.")
            return None
        return values[0]

    def _read_body(self, environ) -> bytes:
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            raise HTTPError(400, "Content-Length is not a number.") from None
        if length > self.max_body:
            raise HTTPError(413, f"The request body is {length} bytes; the limit is {self.max_body} (请求体过大).")
        stream = environ.get("wsgi.input") or io.BytesIO()
        body = stream.read(length) if length else b""
        return body

    @staticmethod
    def _parse_form(raw: str | bytes, what: str) -> dict:
        if isinstance(raw, bytes):
            try:
                raw = raw.decode("ascii")
            except UnicodeDecodeError:
                raise HTTPError(400, f"The {what} is not URL-encoded ASCII.") from None
        try:
            return parse_qs(raw, keep_blank_values=True, encoding="utf-8", errors="strict", max_num_fields=100)
        except UnicodeDecodeError:
            raise HTTPError(400, f"The {what} is not valid UTF-8 once percent-decoded (必须是 UTF-8).") from None
        except ValueError as error:
            raise HTTPError(400, f"The {what} cannot be parsed: {error}.") from None

    # ------------------------------------------------------------------------------ /sparql

    def sparql(self, environ, method):
        params = self._parse_form(environ.get("QUERY_STRING", ""), "query string")
        if method in ("GET", "HEAD"):
            pass
        elif method == "POST":
            ctype = (environ.get("CONTENT_TYPE") or "").strip()
            media = ctype.split(";")[0].strip().lower()
            charset = re.search(r"charset\s*=\s*\"?([\w.-]+)", ctype, re.I)
            body = self._read_body(environ)
            if media == "application/sparql-update":
                raise HTTPError(403, "This endpoint is read-only: SPARQL updates are refused (只读端点，不接受更新).")
            if not media:
                raise HTTPError(400, "The POST has no Content-Type; use application/x-www-form-urlencoded "
                                     "(query=…) or application/sparql-query.")
            if media == "application/x-www-form-urlencoded":
                form = self._parse_form(body, "form body")
                for key, values in form.items():
                    params.setdefault(key, []).extend(values)
            elif media == "application/sparql-query":
                if charset and charset.group(1).lower().replace("_", "-") not in ("utf-8", "utf8"):
                    raise HTTPError(400, f"The query body must be UTF-8, not {charset.group(1)} (查询必须是 UTF-8).")
                try:
                    text = body.decode("utf-8")
                except UnicodeDecodeError:
                    raise HTTPError(400, "The query body is not valid UTF-8 (查询必须是 UTF-8).") from None
                params.setdefault("query", []).append(text)
            else:
                raise HTTPError(415, f"Unsupported Content-Type {media}; use application/x-www-form-urlencoded "
                                     f"or application/sparql-query.")
        else:
            raise HTTPError(405, f"{method} is not a SPARQL protocol method; use GET or POST.",
                            [("Allow", "GET, POST, OPTIONS")])
        if "update" in params or "using-graph-uri" in params or "using-named-graph-uri" in params:
            raise HTTPError(403, "This endpoint is read-only: SPARQL updates are refused (只读端点，不接受更新).")
        text = self._single(params, "query", required=False)
        if text is None:
            return self.service_description(environ)
        return self.run(environ, params, text)

    def run(self, environ, params, text):
        default_graphs = tuple(params.get("default-graph-uri", []))
        named_graphs = tuple(params.get("named-graph-uri", []))
        if (default_graphs or named_graphs) and self.dataset_params == "refuse":
            raise HTTPError(403, "default-graph-uri / named-graph-uri are refused by this endpoint; queries run "
                                 "against the loaded graph.")
        for iri in default_graphs + named_graphs:
            if not re.fullmatch(r"[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|\\^`]*", iri):
                raise HTTPError(400, f"{iri!r} is not an absolute IRI.")
        try:
            form = check_query(text, nesting_limit=MAX_NESTING)
        except ForbiddenQuery as error:
            raise HTTPError(403, str(error)) from None
        except QueryError as error:
            raise HTTPError(400, str(error)) from None
        fmt = self._single(params, "format", required=False)
        accept = _FORMAT_PARAM.get(fmt.lower()) if fmt else environ.get("HTTP_ACCEPT")
        if fmt and not accept:
            raise HTTPError(400, f"Unknown format={fmt}; use one of {', '.join(_FORMAT_PARAM)}.")
        select_type = negotiate(accept, list(SELECT_FORMATS))
        graph_type = negotiate(accept, list(GRAPH_FORMATS))
        needed = graph_type if form in ("CONSTRUCT", "DESCRIBE") else select_type
        if needed is None:
            offered = GRAPH_FORMATS if form in ("CONSTRUCT", "DESCRIBE") else SELECT_FORMATS
            raise HTTPError(406, f"Cannot answer a {form} query as {accept!r}; acceptable: {', '.join(offered)}.")
        job = Job(text, select_type or "application/sparql-results+json", graph_type or "text/turtle",
                  default_graphs, named_graphs)
        answer = self._run_fairly(environ, job, text)
        if answer.status != 200:
            raise HTTPError(answer.status, answer.message)
        headers = [("Content-Type", answer.content_type), ("Vary", "Accept")]
        if answer.truncated:
            headers.append(("X-Harbin-KG-Truncated", "true"))
            headers.append(("X-Harbin-KG-Max-Rows", str(self.max_rows)))
        return 200, headers, answer.body

    def _run_fairly(self, environ, job, text):
        """The pool's answer within the client's limits; every refusal as an HTTPError."""
        client = client_of(environ.get("REMOTE_ADDR"))
        if self.limiter is not None:
            try:
                self.limiter.admit(client)
            except TooMany as refused:
                raise HTTPError(429, refused.message, [("Retry-After", str(refused.retry_after))]) from None
        meter = {"seconds": 0.0}
        charge = None  # None: the time the query held a worker
        released = False
        try:
            return self.pool.run(job, cancelled=environ.get("waitress.client_disconnected"), meter=meter,
                                 priority=self.limiter.standing(client) if self.limiter else 0.0)
        except Overloaded:
            raise HTTPError(503, f"The server is busy: {self.pool.size + self.pool.queue} queries are running or "
                                 f"waiting (服务器繁忙). Retry after {self.retry_after} s.",
                            [("Retry-After", str(self.retry_after))]) from None
        except WorkerTimeout:
            charge = self.timeout  # it would have taken at least this long
            raise HTTPError(504, f"The query was stopped after {self.timeout:g} s (查询超时，已停止). Add LIMIT, "
                                 f"make patterns more specific, or avoid unconnected patterns.") from None
        except Preempted:
            # stopped unfinished, like a timeout: charged the whole time limit
            wait, released = max(self.retry_after, self._release(client, self.timeout)), True
            raise HTTPError(503, f"The query was stopped after {self.pool.short:g} s: every worker for long queries "
                                 f"is busy and the rest are kept for short queries (长查询的工作进程都在忙，已停止). "
                                 f"Retry after {wait} s, or make the query cheaper.",
                            [("Retry-After", str(wait))]) from None
        except Cancelled:
            raise HTTPError(499, "The client closed the connection; its query was stopped.") from None
        except WorkerDied as died:
            log.error("a query worker died (exit code %s) running: %s", died.args[0], log_safe(text[:500]))
            raise HTTPError(500, "The query process stopped unexpectedly (it may have run out of memory); "
                                 "it has been restarted.") from None
        finally:
            if not released:
                self._release(client, meter["seconds"] if charge is None else charge)

    def _release(self, client: str, seconds: float) -> int:
        """Charge ``client``; the seconds until it may query again (0 without limits)."""
        if self.limiter is None:
            return 0
        self.limiter.release(client, seconds)
        return self.limiter.retry_after(client)

    def bundled(self, environ, name: str):
        """``/queries/NAME?param=value…``: a bundled query with its parameters, named the way the
        command line names them (``org=哈职院``), bound as terms, then run like any /sparql query."""
        from ..query.library import named_query
        from ..query.run import bound_text

        params = self._parse_form(environ.get("QUERY_STRING", ""), "query string")
        try:
            query = named_query(name)
        except QueryError as error:
            raise HTTPError(404, str(error)) from None
        values = {}
        for key in params:
            if key != "format":
                value = self._single(params, key).strip()
                if value:  # an empty field of the query page means "not given"
                    values[key] = value
        missing = [p for p in query.params if not p.optional and p.name not in values]
        if missing:
            first = missing[0]
            example = dict(query.example).get(first.name, "VALUE")
            raise HTTPError(400, f'The query {name} needs the parameter "{first.name}" (缺少参数 {first.name}): '
                                 f"{first.description or first.kind}. Add ?{first.name}={example} to the URL, "
                                 f"or fill in its field on the query page.")
        try:
            text = bound_text(query, values, self.loaded)
        except (QueryError, UnknownEntity) as error:
            raise HTTPError(400, str(error)) from None
        return self.run(environ, {"format": params.get("format", [])}, text)

    def service_description(self, environ):
        host = environ.get("HTTP_HOST") or f"{environ.get('SERVER_NAME', '127.0.0.1')}:{environ.get('SERVER_PORT', '')}"
        scheme = environ.get("wsgi.url_scheme", "http")
        endpoint = f"{scheme}://{host}/sparql".replace(">", "%3E").replace("<", "%3C").replace(" ", "%20")
        formats = "\n".join(f"    sd:resultFormat <http://www.w3.org/ns/formats/{name}> ;" for name in
                            ("SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV",
                             "SPARQL_Results_TSV", "Turtle", "N-Triples", "JSON-LD", "RDF_XML"))
        body = f"""@prefix sd: <http://www.w3.org/ns/sparql-service-description#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .

<{endpoint}> a sd:Service ;
    rdfs:label "harbin-kg read-only SPARQL endpoint"@en , "哈尔滨职业教育知识图谱只读 SPARQL 端点"@zh ;
    rdfs:comment "Read-only: no updates, SERVICE, FROM or FROM NAMED. Queries stop after {self.timeout:g} s; at most {self.max_rows} rows per answer."@en ;
    sd:endpoint <{endpoint}> ;
    sd:supportedLanguage sd:SPARQL11Query ;
{formats}
    sd:defaultDataset [ a sd:Dataset ; sd:defaultGraph [ a sd:Graph ] ] .
"""
        return 200, [("Content-Type", "text/turtle; charset=utf-8")], body.encode("utf-8")

    # ------------------------------------------------------------------------------ pages

    def entity(self, environ, slug: str):
        from . import pages

        iri = pages.entity_iri(slug)
        if iri is None or not self.site.exists(iri):
            raise HTTPError(404, f"No entity <{pages.ID}{slug}> in this graph (没有这个实体).")
        offered = ["text/html", "text/turtle", "application/ld+json", "application/n-triples", "application/xhtml+xml"]
        chosen = negotiate(environ.get("HTTP_ACCEPT"), offered)
        if chosen is None:
            raise HTTPError(406, f"Entity pages come as {', '.join(offered[:4])}.")
        if chosen in ("text/html", "application/xhtml+xml"):
            html_text = self.site.entity_page(iri, self.site.server_link)
            return 200, [("Content-Type", "text/html; charset=utf-8"), ("Vary", "Accept")], html_text.encode("utf-8")
        body = self.site.entity_rdf(iri, chosen)
        ctype = chosen if chosen == "application/ld+json" else chosen + "; charset=utf-8"
        return 200, [("Content-Type", ctype), ("Vary", "Accept")], body

    def labels(self, environ, method):
        if method == "POST":
            if (environ.get("CONTENT_TYPE") or "").split(";")[0].strip() != "application/json":
                raise HTTPError(415, "POST /labels takes application/json: {\"iris\": [...]}.")
            try:
                raw = self._read_body(environ).decode("utf-8")
            except UnicodeDecodeError:
                raise HTTPError(400, "POST /labels takes UTF-8 JSON.") from None
            depth = json_depth(raw)  # json.loads recurses: 30,000 nested [ raised RecursionError (a 500)
            if depth > MAX_JSON_DEPTH:
                raise HTTPError(400, f"The JSON is nested {depth} levels deep; POST /labels takes "
                                     f"{{\"iris\": [...]}} (JSON 嵌套过深).")
            try:
                iris = json.loads(raw).get("iris", [])
            except (ValueError, AttributeError, RecursionError):
                raise HTTPError(400, "POST /labels takes a JSON object {\"iris\": [...]}.") from None
        else:
            iris = parse_qs(environ.get("QUERY_STRING", "")).get("iri", [])
        if not isinstance(iris, list) or len(iris) > self.max_rows * 4:
            raise HTTPError(400, "iris must be a list of at most a few thousand IRIs.")
        found = {iri: self.site.names[iri] for iri in iris if isinstance(iri, str) and iri in self.site.names}
        return 200, [("Content-Type", "application/json")], json.dumps({"labels": found}, ensure_ascii=False).encode()

    @staticmethod
    def static(name: str):
        types = {".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8"}
        suffix = Path(name).suffix
        if not re.fullmatch(r"[a-z0-9-]+\.(js|css)", name):
            raise HTTPError(404, f"No static file {name}.")
        try:
            data = (resources.files("harbin_kg.web") / "static" / name).read_bytes()
        except FileNotFoundError:
            raise HTTPError(404, f"No static file {name}.") from None
        return 200, [("Content-Type", types[suffix]), ("Cache-Control", "max-age=300")], data


def make_app(graph_path, *, timeout: float = 15, max_rows: int = 10_000, max_body: int = 64 * 1024,
             max_url: int = 8 * 1024, workers: int = 2, queue: int | None = None,
             dataset_params: str = "local", fairness: Fairness | None = None, spares: int = 0) -> HarbinApp:
    """A WSGI app serving ``graph_path`` (.ttl/.nt): queries in ``workers`` processes, at most
    ``workers + queue`` admitted at once (``queue`` defaults to ``workers``), each stopped after
    ``timeout`` seconds, answers cut at ``max_rows``; request bodies over ``max_body`` bytes → 413,
    URLs over ``max_url`` → 414. ``fairness`` sets per-client limits (429; see
    :mod:`harbin_kg.web.server_limits`; ``harbin-kg serve`` always sets them, in-process use need not);
    ``spares`` workers are kept started, to replace a stopped one at once. Call ``app.close()``
    to stop the workers."""
    return HarbinApp(graph_path, timeout=timeout, max_rows=max_rows, max_body=max_body, max_url=max_url,
                     workers=workers, queue=queue, dataset_params=dataset_params, fairness=fairness,
                     spares=spares)


def call_app(app, method: str, path: str, *, headers: dict | None = None, body: bytes = b"",
             environ: dict | None = None):
    """Answer one request in-process (no socket): ``(status, headers dict, body bytes)``.

    ``environ`` entries are added last (for example another ``REMOTE_ADDR``, a raw ``PATH_INFO``,
    or ``waitress.client_disconnected``)."""
    from urllib.parse import urlsplit

    parts = urlsplit(path)
    extra_environ = environ
    environ = {
        "REQUEST_METHOD": method, "PATH_INFO": parts.path.encode("utf-8").decode("latin-1"),
        "QUERY_STRING": parts.query, "SERVER_NAME": "127.0.0.1", "SERVER_PORT": "8000",
        "SERVER_PROTOCOL": "HTTP/1.1", "REMOTE_ADDR": "127.0.0.1", "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(body), "wsgi.errors": sys.stderr, "CONTENT_LENGTH": str(len(body)) if body else "",
        "wsgi.version": (1, 0), "wsgi.multithread": True, "wsgi.multiprocess": False, "wsgi.run_once": False,
    }
    for name, value in (headers or {}).items():
        key = name.upper().replace("-", "_")
        if key in ("CONTENT_TYPE", "CONTENT_LENGTH"):
            environ[key] = value
        else:
            environ["HTTP_" + key] = value
    environ.update(extra_environ or {})
    captured = {}

    def start_response(status, response_headers, exc_info=None):
        captured["status"] = int(status.split()[0])
        captured["headers"] = {k: v for k, v in response_headers}

    chunks = app(environ, start_response)
    return captured["status"], captured["headers"], b"".join(chunks)
