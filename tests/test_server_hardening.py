"""Issue 13, the endpoint: one request, one client or one slow socket must not freeze the server.

In-process (the WSGI app, each client a REMOTE_ADDR) for the guard, nesting, JSON depth, log
lines, hang-ups and fairness; a real ``harbin-kg serve`` on a free loopback port for trickling
sockets and hang-ups over TCP. Every wait is on a condition, bounded, and asserted: no test
measures speed (benchmarks/endpoint.py does).
"""

import http.client
import json
import logging
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from harbin_kg.errors import HarbinKGError
from harbin_kg.web.server import call_app, make_app
from harbin_kg.web.server_limits import Fairness
from harbin_kg.web.server_workers import Job
from harbin_kg.graph.sparql_guard import check_query

TINY = Path(__file__).parent / "data" / "server" / "tiny.ttl"
CARTESIAN = "SELECT (COUNT(*) AS ?n) { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
ASK_HARBIN = "ASK { <place/harbin> ?p ?o }"
SPARQL = {"Content-Type": "application/sparql-query"}


def wait_for(condition, what: str, bound: float = 60.0) -> None:
    """Wait until ``condition()`` holds; fail (not hang) if it has not after ``bound`` seconds."""
    deadline = time.monotonic() + bound
    while not condition():
        assert time.monotonic() < deadline, f"gave up waiting for {what}"
        time.sleep(0.01)


def query(app, text, client="127.0.0.1", gone=None):
    environ = {"REMOTE_ADDR": client}
    if gone is not None:
        environ["waitress.client_disconnected"] = gone.is_set
    return call_app(app, "POST", "/sparql", headers=SPARQL, body=text.encode(), environ=environ)


def error_of(response, status):
    code, headers, body = response
    assert code == status, body
    shape = json.loads(body)
    assert shape["ok"] is False and shape["status"] == status and shape["error"]
    return shape["error"]


class Background:
    """One request answered in a thread; ``gone`` plays the client hanging up."""

    def __init__(self, app, text, client="127.0.0.1"):
        self.gone = threading.Event()
        self.response = None
        self.thread = threading.Thread(target=self._run, args=(app, text, client), daemon=True)
        self.thread.start()

    def _run(self, app, text, client):
        self.response = query(app, text, client, self.gone)

    def hang_up_and_wait(self):
        self.gone.set()
        self.thread.join(60)
        assert not self.thread.is_alive(), "the request did not end after its client hung up"
        return self.response


@pytest.fixture(scope="module")
def app():
    app = make_app(TINY, timeout=2, max_rows=50, workers=2, queue=2)
    yield app
    app.close()


@pytest.fixture
def slow_app():
    """Queries stop after 600 s: anything that ends sooner in a test was ended on purpose."""
    app = make_app(TINY, timeout=600, workers=2, queue=4)
    yield app
    app.close()


# ------------------------------------------------------------------------------ 1. the guard


@pytest.mark.parametrize("unit", ["a", '"\\', ".", "x-"])
def test_the_guard_stays_linear_on_long_runs(unit):
    # 256 KB: the quadratic guard needed minutes here (seconds at 8 KB); a linear one, milliseconds.
    text = "ASK {} #\n" + unit * (256 * 1024 // len(unit))
    done = threading.Event()

    def guard():
        try:
            check_query(text)
        except HarbinKGError:
            pass
        done.set()

    threading.Thread(target=guard, daemon=True).start()
    assert done.wait(30), "the guard did not finish a 256 KB query within 30 s"


@pytest.mark.parametrize("text", [
    'SELECT * { "abc SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }',
    "SELECT * { '''abc\n SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }",
    'SELECT * { "a\\" } SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }',
])
def test_an_unterminated_string_hides_nothing_from_the_guard(app, text):
    assert "SERVICE" in error_of(query(app, text), 403)


# ------------------------------------------------------------------------------ 4. nesting


@pytest.mark.parametrize("text", [
    "ASK { FILTER(" + "!" * 10_000 + "true) }",
    "ASK { FILTER(" + "! " * 5_000 + "true) }",
    "ASK { ?s " + "^" * 10_000 + "<p> ?o }",
    "ASK { ?s " + "(" * 5_000 + "<p>" + ")" * 5_000 + " ?o }",
    "ASK { ?s <p> " + "(" * 300 + ")" * 300 + " }",
    "ASK { FILTER(" + ("!" * 60 + "(") * 45 + "true" + ")" * 45 + ") }",  # 60 + 46: each alone would pass
])
def test_deep_unary_and_path_nesting_is_a_400_before_parsing(app, text):
    died = app.pool.status()["died"]
    message = error_of(query(app, text), 400)
    assert "nested" in message and "limit is 100" in message
    assert app.pool.status()["died"] == died


CHAINS = {  # each about 60 KB, under the 64 KiB body cap; each crashed an 8 MB parser stack
    "and": "ASK { FILTER(1" + "&&1" * 20_000 + ") }",
    "union": "ASK { {}" + "UNION{}" * 9_000 + " }",
    "optional": "ASK { " + "OPTIONAL{}" * 6_000 + " }",
    "bind": "ASK { " + "".join(f"BIND(1 AS ?v{i})" for i in range(3_800)) + " }",
}


@pytest.mark.slow  # two of the chains run into the 2-s limit, then a worker restart
@pytest.mark.parametrize("kind", sorted(CHAINS))
def test_long_chains_up_to_the_body_cap_never_crash_a_worker(app, kind):
    died = app.pool.status()["died"]
    status, _, body = query(app, CHAINS[kind])
    assert status in (200, 504), body
    assert app.pool.status()["died"] == died
    # a 504 killed its worker; wait (asserted) for the replacement rather than race it
    wait_for(lambda: app.pool.status()["idle"] == 2, "both workers to be ready again")
    assert json.loads(query(app, ASK_HARBIN)[2])["boolean"] is True


def test_a_worker_survives_nesting_that_slips_past_the_guard(app):
    answer = app.pool.run(Job("ASK { FILTER(" + "!" * 10_000 + "true) }", "application/sparql-results+json",
                              "text/turtle"))
    assert answer.status == 200 and json.loads(answer.body)["boolean"] is True


# ------------------------------------------------------------------------------ 5. labels, logs, hang-ups


def test_deeply_nested_json_to_labels_is_a_400(app):
    body = ('{"iris": ' + "[" * 30_000 + "]" * 30_000 + "}").encode()
    response = call_app(app, "POST", "/labels", headers={"Content-Type": "application/json"}, body=body)
    assert "nested" in error_of(response, 400)
    iri = "https://w3id.org/hrbvet/id/place/harbin"
    status, _, body = call_app(app, "POST", "/labels", headers={"Content-Type": "application/json"},
                               body=json.dumps({"iris": [iri]}).encode())
    assert status == 200 and json.loads(body)["labels"][iri]["en"] == "Harbin"


@pytest.mark.parametrize("path, shown", [
    ('/x\r\n127.0.0.1 2026-01-01T00:00:00 "GET /admin" 200 2 0.1ms', '/x\\r\\n127.0.0.1'),
    ("/x\x00y", "/x\\x00y"),
    ("/x\u2028y\x85z\x1b[31m", "/x\\u2028y\\x85z\\x1b[31m"),
])
def test_control_characters_in_a_path_cannot_forge_log_lines(app, caplog, path, shown):
    raw = path.encode("utf-8").decode("latin-1")  # as a server hands PATH_INFO over
    with caplog.at_level(logging.INFO, logger="harbin_kg.web.server"):
        status, _, _ = call_app(app, "GET", "/", environ={"PATH_INFO": raw, "QUERY_STRING": "a=%0d%0a\r\nb"})
    assert status == 404
    lines = [r.getMessage() for r in caplog.records if r.name == "harbin_kg.web.server"]
    assert lines and all(not any(c in line for c in "\r\n\x00\x85\u2028") for line in lines)
    assert any(shown in line and "a=%0d%0a\\r\\nb" in line for line in lines), lines


def test_a_client_that_hangs_up_stops_its_query(slow_app):
    running = Background(slow_app, CARTESIAN)
    wait_for(lambda: slow_app.pool.status()["running"] == 1, "the query to reach a worker")
    response = running.hang_up_and_wait()
    assert response[0] == 499
    status = slow_app.pool.status()  # the request has ended, so its counters have settled
    assert status["cancelled"] == 1 and status["running"] == 0 and status["in_flight"] == 0
    assert json.loads(query(slow_app, ASK_HARBIN)[2])["boolean"] is True


def test_a_client_that_hangs_up_while_waiting_leaves_the_line(slow_app):
    busy = [Background(slow_app, CARTESIAN, f"10.0.0.{n}") for n in (1, 2)]
    wait_for(lambda: slow_app.pool.status()["running"] == 2, "both workers to be busy")
    waiting = Background(slow_app, CARTESIAN, "10.0.0.3")
    wait_for(lambda: slow_app.pool.status()["in_flight"] == 3, "the third query to wait")
    assert waiting.hang_up_and_wait()[0] == 499
    assert slow_app.pool.status()["running"] == 2  # nobody else's query was touched
    for request in busy:
        assert request.hang_up_and_wait()[0] == 499


# ------------------------------------------------------------------------------ 2. fairness


@pytest.fixture
def fair_app():
    app = make_app(TINY, timeout=600, workers=2, queue=8,
                   fairness=Fairness(per_client=1, burst=30, rate=0.5, short=0.5, reserve=1))
    yield app
    app.close()


def test_a_second_query_from_a_busy_client_is_429_while_others_are_served(fair_app):
    first = Background(fair_app, CARTESIAN, "10.0.0.1")
    wait_for(lambda: fair_app.pool.status()["running"] == 1, "the first query to run")
    again = query(fair_app, ASK_HARBIN, "10.0.0.1")
    assert "1 query at a time" in error_of(again, 429)
    assert int(again[1]["Retry-After"]) >= 1
    assert json.loads(query(fair_app, ASK_HARBIN, "10.0.0.2")[2])["boolean"] is True
    assert first.hang_up_and_wait()[0] == 499


def test_long_queries_cannot_take_every_worker(fair_app):
    long_one = Background(fair_app, CARTESIAN, "10.0.0.1")
    wait_for(lambda: fair_app.pool.status()["long"] == 1, "the first query to hold the long-query slot")
    second = Background(fair_app, CARTESIAN, "10.0.0.2")
    wait_for(lambda: fair_app.pool.status()["running"] == 2, "the second query to run")
    # while nobody waits the second one may run on; a cheap query arriving stops it and is answered
    assert json.loads(query(fair_app, ASK_HARBIN, "10.0.0.3")[2])["boolean"] is True
    second.thread.join(60)
    assert not second.thread.is_alive()
    assert "short queries" in error_of(second.response, 503)
    assert int(second.response[1]["Retry-After"]) >= 1
    for client in ("10.0.0.4", "10.0.0.5"):
        assert json.loads(query(fair_app, ASK_HARBIN, client)[2])["boolean"] is True
    # the stopped query was charged the whole time limit: its client now waits
    refused = query(fair_app, ASK_HARBIN, "10.0.0.2")
    assert "query time" in error_of(refused, 429) and int(refused[1]["Retry-After"]) > 30
    assert long_one.hang_up_and_wait()[0] == 499
    assert fair_app.pool.status()["preempted"] == 1


@pytest.mark.slow  # waits out two 1-s limits, then two worker restarts
def test_a_client_over_its_time_budget_gets_429_with_retry_after():
    app = make_app(TINY, timeout=1, workers=2, queue=2,
                   fairness=Fairness(per_client=1, burst=1.5, rate=0.01, short=5, reserve=1))
    try:
        assert "stopped after 1 s" in error_of(query(app, CARTESIAN, "10.0.0.1"), 504)
        assert "stopped after 1 s" in error_of(query(app, CARTESIAN, "10.0.0.1"), 504)
        refused = query(app, ASK_HARBIN, "10.0.0.1")
        assert "query time" in error_of(refused, 429)
        assert int(refused[1]["Retry-After"]) >= 10  # about 0.5 s of debt at 0.01 s per second
        wait_for(lambda: app.pool.status()["idle"] == 2, "the stopped workers to be replaced")
        assert json.loads(query(app, ASK_HARBIN, "10.0.0.2")[2])["boolean"] is True
        health = json.loads(call_app(app, "GET", "/health")[2])
        assert health["refused_429"] == 1
    finally:
        app.close()


def test_a_waiting_query_from_a_client_with_more_time_left_goes_first():
    app = make_app(TINY, timeout=600, workers=1, queue=4, spares=1,
                   fairness=Fairness(per_client=2, burst=30, rate=0.01, short=0.5, reserve=1))
    try:
        app.limiter.release("10.0.0.9", 25)  # this client has just used 25 of its 30 s
        holder = Background(app, CARTESIAN, "10.0.0.1")
        wait_for(lambda: app.pool.status()["running"] == 1, "the only worker to be busy")
        heavy = Background(app, CARTESIAN, "10.0.0.9")
        wait_for(lambda: app.pool.status()["in_flight"] == 2, "the heavy client to wait")
        light = Background(app, CARTESIAN, "10.0.0.2")
        wait_for(lambda: app.pool.status()["in_flight"] == 3, "the light client to wait")
        assert holder.hang_up_and_wait()[0] == 499  # its worker is killed; the spare takes over at once
        wait_for(lambda: app.pool.status()["running"] == 1, "a waiting query to get the worker")
        # the heavy client came first but still waits: hanging up takes it out of the line only
        assert heavy.hang_up_and_wait()[0] == 499
        assert app.pool.status()["running"] == 1
        assert light.hang_up_and_wait()[0] == 499
        assert app.pool.status()["restarts"] == 2
    finally:
        app.close()


def test_ipv6_clients_are_grouped_by_their_64_prefix(fair_app):
    first = Background(fair_app, CARTESIAN, "2001:db8:1:2::10")
    wait_for(lambda: fair_app.pool.status()["running"] == 1, "the first query to run")
    error_of(query(fair_app, ASK_HARBIN, "2001:db8:1:2::99"), 429)
    assert query(fair_app, ASK_HARBIN, "2001:db8:1:3::10")[0] == 200
    first.hang_up_and_wait()


# ------------------------------------------------------------------------------ 3. and 5. over TCP


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LiveServer:
    def __init__(self, tmp: Path, *options: str):
        self.port = free_port()
        self.log = tmp / "server.log"
        self._log = open(self.log, "wb")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "harbin_kg", "serve", str(TINY), "--port", str(self.port), "--workers", "2",
             *options], stdout=subprocess.DEVNULL, stderr=self._log)
        try:
            wait_for(self._up, "the server to start", bound=120)
        except AssertionError:
            self.stop()
            raise

    def _up(self) -> bool:
        assert self.process.poll() is None, self.log.read_text()
        try:
            return self.request("GET", "/health", timeout=5)[0] == 200
        except OSError:
            return False

    def request(self, method, path, body=None, headers=None, timeout=60):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            response = conn.getresponse()
            return response.status, dict(response.getheaders()), response.read()
        finally:
            conn.close()

    def health(self) -> dict:
        return json.loads(self.request("GET", "/health")[2])

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._log.close()


class Tricklers:
    """``count`` sockets that send a request head one byte at a time and never finish it."""

    def __init__(self, port: int, count: int):
        self.sockets, self.dropped = [], set()
        for _ in range(count):
            s = socket.socket()
            s.settimeout(10)
            s.connect_ex(("127.0.0.1", port))  # past the listen backlog connect() may wait: fine
            # Then non-blocking: with a timeout set, Python polls a socket before recv() even with
            # MSG_DONTWAIT, so the peek below waited up to 10 s on every socket the server still
            # held, the trickle stalled on one socket at a time and close() waited out the polls.
            s.setblocking(False)
            self.sockets.append(s)
        self._stop = threading.Event()
        self.thread = threading.Thread(target=self._trickle, daemon=True)
        self.thread.start()

    def _trickle(self):
        head = b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: " + b"a" * 10_000
        position = 0
        while not self._stop.is_set() and position < len(head):
            for index, s in enumerate(self.sockets):
                if index in self.dropped:
                    continue
                try:
                    s.send(head[position:position + 1])
                    if s.recv(1, socket.MSG_PEEK | socket.MSG_DONTWAIT) == b"":
                        self.dropped.add(index)
                except BlockingIOError:
                    pass
                except OSError:
                    self.dropped.add(index)
            position += 1
            self._stop.wait(0.2)

    def close(self):
        self._stop.set()
        self.thread.join()
        for s in self.sockets:
            s.close()


@pytest.mark.server
def test_trickling_connections_beyond_waitress_defaults_do_not_block_others(tmp_path):
    server = LiveServer(tmp_path)
    tricklers = Tricklers(server.port, 110)  # waitress's default connection_limit is 100
    try:
        wait_for(lambda: server.request("GET", "/health", timeout=20)[0] == 200, "/health to answer", bound=60)
        status, _, body = server.request("POST", "/sparql", ASK_HARBIN.encode(), SPARQL, timeout=30)
        assert status == 200 and json.loads(body)["boolean"] is True
    finally:
        tricklers.close()
        server.stop()


@pytest.mark.server
def test_connections_that_never_finish_their_request_are_dropped(tmp_path):
    server = LiveServer(tmp_path, "--connection-limit", "40", "--header-timeout", "2")
    tricklers = Tricklers(server.port, 60)  # more than the limit: the rest wait in the backlog
    try:
        wait_for(lambda: len(tricklers.dropped) >= 40, "the server to drop trickling connections", bound=90)
        status, _, _ = server.request("GET", "/health", timeout=60)
        assert status == 200
    finally:
        tricklers.close()
        server.stop()
    assert "did not finish its request" in server.log.read_text()


@pytest.mark.server
def test_a_client_that_hangs_up_stops_its_query_over_tcp(tmp_path):
    server = LiveServer(tmp_path, "--timeout", "600")
    try:
        s = socket.create_connection(("127.0.0.1", server.port))
        body = CARTESIAN.encode()
        s.sendall(b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
                  b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body)
        wait_for(lambda: server.health()["running"] == 1, "the query to reach a worker")
        s.close()
        wait_for(lambda: (lambda h: h["cancelled"] == 1 and h["running"] == 0)(server.health()),
                 "the server to stop the abandoned query")
        assert server.health()["timeouts"] == 0
    finally:
        server.stop()


@pytest.mark.server
def test_behind_a_trusted_proxy_clients_are_told_apart_by_x_forwarded_for(tmp_path):
    server = LiveServer(tmp_path, "--timeout", "600", "--per-client", "1", "--trusted-proxy", "127.0.0.1")
    try:
        s = socket.create_connection(("127.0.0.1", server.port))
        body = CARTESIAN.encode()
        s.sendall(b"POST /sparql HTTP/1.1\r\nHost: x\r\nX-Forwarded-For: 192.0.2.1\r\nContent-Type: "
                  b"application/sparql-query\r\nContent-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body)
        wait_for(lambda: server.health()["running"] == 1, "the query to reach a worker")
        ask = ASK_HARBIN.replace("<place/harbin>", "<https://w3id.org/hrbvet/id/place/harbin>").encode()
        same = server.request("POST", "/sparql", ask, {**SPARQL, "X-Forwarded-For": "192.0.2.1"})
        assert same[0] == 429
        other = server.request("POST", "/sparql", ask, {**SPARQL, "X-Forwarded-For": "192.0.2.2"})
        assert other[0] == 200 and json.loads(other[2])["boolean"] is True
        s.close()
    finally:
        server.stop()
