"""Publishing to a real Oxigraph server and querying it; unreachable, slow, failing and
redirecting stores give bounded, clear errors and never a half-replaced graph."""

import http.client
import http.server
import socket
import threading
import time
import urllib.parse
from pathlib import Path

import pyoxigraph as ox
import pytest

from harbin_kg.cli import cli
from harbin_kg.graph.remote import (LAYERS, EndpointStore, RemoteError, check_url, count_triples, graph_iri, publish,
                              split_layers)

pytestmark = pytest.mark.server


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def bundled_graph_path(seed_graph_path):
    """The graph these tests publish: the seed report's, a fixed size. The tests inject faults
    against timeouts of a few seconds, which must keep their meaning as data/facts/web grows."""
    return seed_graph_path


@pytest.fixture(scope="module")
def server(oxigraph_server):
    """A real ``oxigraph serve`` on a free loopback port (tests/conftest.py)."""
    return oxigraph_server


@pytest.fixture(scope="module")
def published(server, bundled_graph_path):
    report = publish(bundled_graph_path, f"  {server}/store\n", timeout=30)
    return report


def _graph_counts(server) -> dict[str, int]:
    rows = EndpointStore(server + "/query", default_graph=()).query(
        "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
    return {r["g"].value: int(r["n"].value) for r in rows}


def test_publish_makes_one_named_graph_per_layer(server, published, bundled_graph_path):
    expected = {graph_iri(name): count for name, (_, count) in split_layers(bundled_graph_path).items()}
    assert published.counts == expected
    assert _graph_counts(server) == expected  # and no staging graph left behind
    assert all(expected[graph_iri(name)] > 0 for name in LAYERS)
    assert sum(expected.values()) == len(_local(bundled_graph_path))


def _local(path):
    from harbin_kg.graph.store import load_store

    return load_store(path)


def test_publishing_again_replaces_without_duplicates(server, published, bundled_graph_path):
    before = _graph_counts(server)
    again = publish(bundled_graph_path, f"{server}/store")
    assert again.counts == published.counts
    assert _graph_counts(server) == before


def test_publish_without_sparql_update_puts_each_graph(server, published, bundled_graph_path):
    report = publish(bundled_graph_path, f"{server}/store", update_url=False, layers=["derived"])
    assert report.method == "stage + PUT" and report.replaced == [graph_iri("derived")]
    assert _graph_counts(server) == published.counts


QUERIES = [
    "SELECT ?org ?zh ?en WHERE { ?org a hv:School ; skos:prefLabel ?zh , ?en "
    "FILTER(LANG(?zh) = 'zh' && LANG(?en) = 'en') }",
    "SELECT ?type (COUNT(*) AS ?n) WHERE { ?x a ?type } GROUP BY ?type",
    "SELECT ?q ?exact ?start WHERE { ?q oa:hasSelector ?s , ?p . ?s oa:exact ?exact . ?p oa:start ?start }",
    "SELECT ?a ?b WHERE { ?a hv:party ?b OPTIONAL { ?b hv:isPlaceholder ?x } }",
]


def _prefixes():
    from harbin_kg.namespaces import PREFIXES

    return dict(PREFIXES)


def _rows(results):
    return sorted(tuple(str(v) for v in row) for row in results)


@pytest.mark.parametrize("sparql", QUERIES)
def test_remote_select_answers_equal_local_ones(server, published, bundled_graph_path, sparql):
    local = _local(bundled_graph_path).query(sparql, prefixes=_prefixes())
    remote = EndpointStore(server + "/query").query(sparql, prefixes=_prefixes())
    assert [v.value for v in remote.variables] == [v.value for v in local.variables]
    expected = _rows(local)
    assert expected and _rows(remote) == expected


def test_remote_ask_construct_and_substitutions(server, published, bundled_graph_path):
    endpoint, local = EndpointStore(server + "/query"), _local(bundled_graph_path)
    prefixes = _prefixes()
    assert bool(endpoint.query("ASK { ?s a hv:Agreement }", prefixes=prefixes)) is True
    assert bool(endpoint.query("ASK { ?s a hv:NoSuchClass }", prefixes=prefixes)) is False
    construct = "CONSTRUCT { ?a hv:party ?b } WHERE { ?a hv:party ?b }"
    assert sorted(map(str, endpoint.query(construct, prefixes=prefixes))) == \
        sorted(map(str, local.query(construct, prefixes=prefixes)))
    partners = (Path(__file__).resolve().parent.parent / "harbin_kg/query/queries/partners-of.rq").read_text(encoding="utf-8")
    subs = {ox.Variable("org"): ox.NamedNode("https://w3id.org/hrbvet/id/org/heilongjiang-education-department")}
    remote_rows = endpoint.query(partners, prefixes=prefixes, substitutions=subs)
    local_rows = local.query(partners, prefixes=prefixes, substitutions=subs)
    assert _rows(remote_rows) == _rows(local_rows)
    row = next(iter(endpoint.query(partners, prefixes=prefixes, substitutions=subs)))
    assert row["org"] == row[0] == row[ox.Variable("org")] == subs[ox.Variable("org")]


# ------------------------------------------------------------------------------ bad stores


class _Stub:
    """A local HTTP server whose handler is ``respond(handler)``; stopped by the fixture."""

    def __init__(self, respond):
        release = self.release = threading.Event()

        class Handler(http.server.BaseHTTPRequestHandler):
            def _any(self):
                length = int(self.headers.get("Content-Length") or 0)
                self.body = self.rfile.read(length) if length else b""
                respond(self, release)

            do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _any

            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def stop(self):
        self.release.set()
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(10)


@pytest.fixture
def stub():
    made = []

    def make(respond):
        made.append(_Stub(respond))
        return made[-1]

    yield make
    for s in made:
        s.stop()


def _reply(handler, status, body=b"", headers=()):
    try:
        handler.send_response(status)
        for name, value in headers:
            handler.send_header(name, value)
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)
    except OSError:
        pass  # the client gave up first (the slow-store test)


def test_unreachable_store_is_a_clear_bounded_error(server, published, bundled_graph_path):
    port = _free_port()  # nothing listens there
    start = time.monotonic()
    with pytest.raises(RemoteError) as info:
        publish(bundled_graph_path, f"http://127.0.0.1:{port}/store", timeout=2)
    assert time.monotonic() - start < 30
    assert "connection refused" in str(info.value) and "Not replaced" in str(info.value)
    with pytest.raises(RemoteError, match="connection refused"):
        EndpointStore(f"http://127.0.0.1:{port}/query", timeout=2).query("ASK {}")
    assert _graph_counts(server) == published.counts


def test_slow_store_times_out(stub, server, published, bundled_graph_path):
    slow = stub(lambda handler, release: (release.wait(20), _reply(handler, 204)))
    start = time.monotonic()
    with pytest.raises(RemoteError) as info:
        publish(bundled_graph_path, slow.url + "/store", timeout=0.5)
    assert time.monotonic() - start < 15
    assert "did not answer within 0.5 s" in str(info.value)
    with pytest.raises(RemoteError, match="did not answer"):
        EndpointStore(slow.url + "/query", timeout=0.5).query("ASK {}")
    assert _graph_counts(server) == published.counts


@pytest.mark.parametrize("status, words", [(401, "credentials"), (403, "read-only"), (500, "server-side error")])
def test_failing_store_names_the_status(stub, server, published, bundled_graph_path, status, words):
    failing = stub(lambda handler, release: _reply(handler, status, b"nope\n"))
    with pytest.raises(RemoteError) as info:
        publish(bundled_graph_path, failing.url + "/store", timeout=5)
    message = str(info.value)
    assert str(status) in message and words in message and 'Server said: "nope"' in message
    with pytest.raises(RemoteError, match=str(status)):
        EndpointStore(failing.url + "/query", timeout=5).query("ASK {}")
    assert _graph_counts(server) == published.counts


def test_redirect_is_not_followed(stub, server, published, bundled_graph_path):
    moved = stub(lambda handler, release: _reply(handler, 302, headers=[("Location", server + "/store")]))
    with pytest.raises(RemoteError) as info:
        publish(bundled_graph_path, moved.url + "/store", timeout=5)
    assert "302" in str(info.value) and "not followed" in str(info.value)
    with pytest.raises(RemoteError, match="not followed"):
        EndpointStore(moved.url + "/query", timeout=5).query("ASK {}")
    assert _graph_counts(server) == published.counts


def test_failure_mid_way_leaves_the_live_graphs_intact(stub, server, published, bundled_graph_path):
    """A proxy forwards to the real store but fails the third upload: nothing live changes,
    and the staging graphs already uploaded are removed."""
    target = check_url(server)
    puts = []

    def respond(handler, release):
        if handler.command == "PUT":
            puts.append(handler.path)
            if len(puts) == 3:
                return _reply(handler, 500, b"disk full\n")
        conn = http.client.HTTPConnection(target.host, target.port, timeout=10)
        try:
            headers = {k: v for k, v in handler.headers.items() if k.lower() not in ("host", "content-length")}
            conn.request(handler.command, handler.path, body=handler.body or None, headers=headers)
            answer = conn.getresponse()
            _reply(handler, answer.status, answer.read(),
                   [(k, v) for k, v in answer.getheaders() if k.lower() == "content-type"])
        finally:
            conn.close()

    proxy = stub(respond)
    with pytest.raises(RemoteError) as info:
        publish(bundled_graph_path, proxy.url + "/store", query_url=proxy.url + "/query", timeout=10)
    message = str(info.value)
    assert "500" in message and "Live graphs replaced: none" in message
    assert _graph_counts(server) == published.counts  # live graphs as before, staging graphs gone


@pytest.mark.parametrize("url, words", [
    ("ftp://127.0.0.1/store", "http:// or https://"),
    ("file:///etc/passwd", "http:// or https://"),
    ("127.0.0.1:7878/store", "http:// or https://"),
    ("\x00http://127.0.0.1:7878/store", "control characters"),
    ("http://127.0.0.1:7878/st ore", "spaces"),
    ("http://user:pw@127.0.0.1:7878/store", "user name or password"),
    ("http://127.0.0.1:99999/store", "invalid port"),
    ("   ", "empty"),
])
def test_bad_urls_are_refused(url, words):
    with pytest.raises(RemoteError, match=words):
        check_url(url)


def test_whitespace_around_the_url_is_stripped():
    assert str(check_url(" \t http://127.0.0.1:7878/store \n")) == "http://127.0.0.1:7878/store"


def test_query_address_must_be_on_the_store_host(bundled_graph_path):
    with pytest.raises(RemoteError, match="same scheme, host and port"):
        publish(bundled_graph_path, "http://127.0.0.1:7878/store", query_url="http://127.0.0.1:7879/query")


def test_count_triples_of_a_missing_graph_is_zero(server):
    assert count_triples(server + "/query", "https://w3id.org/hrbvet/graph/nothing-here") == 0


def test_cli_publish(runner, server, published, bundled_graph_path):
    result = runner.invoke(cli, ["publish", str(bundled_graph_path), "--store", f"{server}/store"])
    assert result.exit_code == 0, result.output
    assert graph_iri("facts") in result.stdout and "total" in result.stdout
    port = _free_port()
    result = runner.invoke(cli, ["publish", str(bundled_graph_path), "--store", f"http://127.0.0.1:{port}/store",
                                 "--timeout", "2"])
    assert result.exit_code == 1 and "\nError: " in result.stderr and "connection refused" in result.stderr


def test_the_query_engine_runs_on_an_endpoint(server, published, bundled_graph_path):
    """harbin_kg.query.run takes an EndpointStore where it takes a pyoxigraph Store (names resolved remotely)."""
    from harbin_kg.query.run import LoadedGraph, run_query

    loaded = LoadedGraph("oxigraph", store=EndpointStore(server + "/query"))
    remote = run_query(loaded, "partners-of", {"org": "省教育厅"}, timeout=None)
    local = run_query(bundled_graph_path, "partners-of", {"org": "省教育厅"}, timeout=None)
    assert remote.rows and sorted(remote.rows) == sorted(local.rows)


# ------------------------------------------- after a failure, report what is really live (issue 13)

def _changed_graph(path) -> ox.Store:
    """The bundled graph plus one triple in each layer: a new version the store can tell apart."""
    from harbin_kg.graph.store import load_store

    store = load_store(path)
    hv, ident = "https://w3id.org/hrbvet/ont#", "https://w3id.org/hrbvet/id/"
    extra = [
        (ox.NamedNode("http://example.org/test-term"), ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label"),
         ox.Literal("test term")),
        (ox.NamedNode(ident + "org/test-extra"), ox.NamedNode(hv + "note"), ox.Literal("new version")),
        (ox.NamedNode(ident + "quote/test-extra"), ox.NamedNode(hv + "note"), ox.Literal("new version")),
        (ox.NamedNode(ident + "org/test-extra"), ox.NamedNode(hv + "party"), ox.NamedNode(ident + "org/test-other")),
    ]
    store.extend(ox.Quad(s, p, o, ox.DefaultGraph()) for s, p, o in extra)
    return store


def _proxy_to(server, stub, on_update):
    """A proxy to the real store; ``on_update(handler, release, forward)`` decides what the final
    swap (the POST to /update) does and what the client hears."""
    target = check_url(server)

    def forward(handler):
        conn = http.client.HTTPConnection(target.host, target.port, timeout=30)
        try:
            headers = {k: v for k, v in handler.headers.items() if k.lower() not in ("host", "content-length")}
            conn.request(handler.command, handler.path, body=handler.body or None, headers=headers)
            answer = conn.getresponse()
            return answer.status, answer.read(), [(k, v) for k, v in answer.getheaders() if k.lower() == "content-type"]
        finally:
            conn.close()

    def respond(handler, release):
        if handler.command == "POST" and handler.path.startswith("/update"):
            return on_update(handler, release, forward)
        _reply(handler, *forward(handler))

    return stub(respond)


def _republish(server, path):
    publish(path, f"{server}/store", timeout=30)


def test_a_timeout_at_the_final_swap_reports_the_swap_that_happened(stub, server, published, bundled_graph_path):
    # Issue 13: the swap's answer never came in time; publish said "Live graphs replaced: none …
    # still as before" while the store had replaced all four graphs.
    def swap_then_stall(handler, release, forward):
        status, body, headers = forward(handler)   # the store applies the MOVEs …
        release.wait(60)                           # … but the client hears nothing in time
        _reply(handler, status, body, headers)

    proxy = _proxy_to(server, stub, swap_then_stall)
    new = _changed_graph(bundled_graph_path)
    expected = {graph_iri(name): count for name, (_, count) in split_layers(new).items()}
    try:
        with pytest.raises(RemoteError) as info:
            # The timeout leaves the store time to finish the MOVEs even on a loaded machine.
            publish(new, proxy.url + "/store", query_url=proxy.url + "/query", timeout=10)
        message = str(info.value)
        assert "did not answer within 10 s" in message
        assert _graph_counts(server) == expected  # the store did swap: every layer is the new one
        live = message.split("Live graphs replaced: ")[1].split(". Not replaced")[0]
        assert live.split(", ") == [graph_iri(name) for name in LAYERS]
        assert "Not replaced (still as before): none" in message and "new version is live in full" in message
    finally:
        _republish(server, bundled_graph_path)
    assert _graph_counts(server) == published.counts


def test_a_cut_connection_at_the_final_swap_reports_the_swap_that_happened(stub, server, published,
                                                                         bundled_graph_path):
    def swap_then_hang_up(handler, release, forward):
        forward(handler)
        handler.close_connection = True
        handler.connection.shutdown(socket.SHUT_RDWR)  # no status line at all

    proxy = _proxy_to(server, stub, swap_then_hang_up)
    new = _changed_graph(bundled_graph_path)
    try:
        with pytest.raises(RemoteError) as info:
            publish(new, proxy.url + "/store", query_url=proxy.url + "/query", timeout=10)
        message = str(info.value)
        assert "Checked at the store afterwards: Live graphs replaced: " + ", ".join(graph_iri(n) for n in LAYERS) in message
    finally:
        _republish(server, bundled_graph_path)


def test_a_swap_refused_before_it_ran_reports_nothing_replaced(stub, server, published, bundled_graph_path):
    proxy = _proxy_to(server, stub, lambda handler, release, forward: _reply(handler, 500, b"lock timeout\n"))
    with pytest.raises(RemoteError) as info:
        publish(_changed_graph(bundled_graph_path), proxy.url + "/store", query_url=proxy.url + "/query", timeout=10)
    message = str(info.value)
    assert "Checked at the store afterwards: Live graphs replaced: none" in message
    assert "still serves the previous version in full" in message
    assert _graph_counts(server) == published.counts  # and the staging graphs were removed


def test_a_partly_replaced_store_is_reported_as_a_mix(stub, server, published, bundled_graph_path):
    # The per-graph fallback (no SPARQL Update): the third PUT to a live graph fails.
    target_puts = []

    def respond(handler, release):
        if handler.command == "PUT" and "staging" not in urllib.parse.unquote(handler.path):
            target_puts.append(handler.path)
            if len(target_puts) == 3:
                return _reply(handler, 500, b"disk full\n")
        _reply(handler, *forward(handler))

    target = check_url(server)

    def forward(handler):
        conn = http.client.HTTPConnection(target.host, target.port, timeout=30)
        try:
            headers = {k: v for k, v in handler.headers.items() if k.lower() not in ("host", "content-length")}
            conn.request(handler.command, handler.path, body=handler.body or None, headers=headers)
            answer = conn.getresponse()
            return answer.status, answer.read(), [(k, v) for k, v in answer.getheaders() if k.lower() == "content-type"]
        finally:
            conn.close()

    proxy = stub(respond)
    try:
        with pytest.raises(RemoteError) as info:
            publish(_changed_graph(bundled_graph_path), proxy.url + "/store", query_url=proxy.url + "/query",
                    update_url=False, timeout=10)
        message = str(info.value)
        replaced = [graph_iri(n) for n in LAYERS[:2]]
        assert f"Live graphs replaced: {', '.join(replaced)}." in message
        assert f"Not replaced (still as before): {', '.join(graph_iri(n) for n in LAYERS[2:])}." in message
        assert "MIX of old and new layers" in message
    finally:
        _republish(server, bundled_graph_path)


def test_cli_publish_failure_is_one_error_naming_what_is_live(runner, stub, server, published, bundled_graph_path):
    proxy = _proxy_to(server, stub, lambda handler, release, forward: _reply(handler, 503, b"busy\n"))
    result = runner.invoke(cli, ["publish", str(bundled_graph_path), "--store", proxy.url + "/store",
                                 "--query-url", proxy.url + "/query", "--timeout", "10"])
    assert result.exit_code == 1 and "Traceback" not in result.stderr
    assert "503" in result.stderr and "Checked at the store afterwards" in result.stderr
    # Re-publishing the same build: nothing was replaced, and the store already serves it.
    assert "Live graphs replaced: none." in result.stderr
    assert "Already this version before the run: " + ", ".join(graph_iri(n) for n in LAYERS) in result.stderr
    assert "new version is live in full" in result.stderr


def test_a_swap_lost_before_the_store_saw_it_says_it_may_still_come(stub, server, published, bundled_graph_path):
    # No answer at all (the request never reached the store): nothing is live, and since the
    # client cannot know whether the store got the request, the report says how to settle it.
    proxy = _proxy_to(server, stub, lambda handler, release, forward: release.wait(60))
    with pytest.raises(RemoteError) as info:
        publish(_changed_graph(bundled_graph_path), proxy.url + "/store", query_url=proxy.url + "/query", timeout=3)
    message = str(info.value)
    assert "did not answer within 3 s" in message and "Live graphs replaced: none" in message
    assert "the store may still apply it; run the same command again" in message
    assert _graph_counts(server) == published.counts
