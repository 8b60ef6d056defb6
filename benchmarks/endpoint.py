"""Load test for `harbin-kg serve`: concurrent clients on loopback for a bounded time.

Starts the real server (waitress, worker pool) on a free 127.0.0.1 port, then for each
concurrency level runs that many client threads for --duration seconds, each sending a mix of
the bundled research queries (those needing no parameter) as POST application/sparql-query.
Prints one table row per level: requests, throughput, p50/p99 latency, answers by status.
Progress goes to stderr; the table to stdout.

    python benchmarks/endpoint.py                       # bundled graph, levels 1 2 4 8, 10 s each
    python benchmarks/endpoint.py tests/data/server/tiny.ttl --duration 5 --levels 1 4 16
    python benchmarks/endpoint.py --hardening --duration 30 --compare   # issue 13, see below

``--hardening`` prints, from one run: the guard's time on 1, 8, 30 and 60 KB inputs (beside the
guard as it was before issue 13, up to 8 KB: it is quadratic), then the share of cheap queries
that 16 polite clients get answered while 4 clients loop queries that run into the time limit,
and while 200 connections trickle request headers. Clients use distinct loopback source
addresses (127.0.0.x) so that the server tells them apart; everything stays on 127.0.0.1,
bounded by --duration.
"""

from __future__ import annotations

import argparse
import http.client
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter

FALLBACK = [
    "SELECT ?s ?l WHERE { ?s <http://www.w3.org/2004/02/skos/core#prefLabel> ?l } LIMIT 100",
    "SELECT ?type (COUNT(?s) AS ?n) WHERE { ?s a ?type } GROUP BY ?type ORDER BY DESC(?n)",
    "ASK { ?s ?p ?o }",
]


def queries() -> list[tuple[str, str]]:
    try:
        from harbin_kg.query.library import library

        found = [(q.name, q.text) for q in library().values() if not any(not p.optional for p in q.params)]
    except Exception as error:  # the library belongs to another module; fall back rather than fail
        print(f"(bundled queries unavailable: {error})", file=sys.stderr)
        found = []
    return found or [(f"q{i}", q) for i, q in enumerate(FALLBACK)]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(graph: str | None, args, options=()) -> tuple[subprocess.Popen, int]:
    port = free_port()
    command = [sys.executable, "-m", "harbin_kg", "serve", "--host", "127.0.0.1", "--port", str(port),
               "--workers", str(args.workers), "--timeout", str(args.timeout), *options]
    if args.queue is not None:
        command += ["--queue", str(args.queue)]
    if graph:
        command.insert(4, graph)
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(1200):
        if process.poll() is not None:
            raise SystemExit(f"the server exited with {process.returncode}; run the command by hand to see why:\n"
                             + " ".join(command))
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/health")
            if conn.getresponse().status == 200:
                conn.close()
                return process, port
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise SystemExit("the server did not start within 120 s")


def stop_server(process) -> None:
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def run_level(port: int, mix: list[tuple[str, str]], clients: int, duration: float):
    latencies: list[float] = []
    statuses: Counter = Counter()
    lock = threading.Lock()
    deadline = time.monotonic() + duration

    def client(offset: int):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        i = offset
        while time.monotonic() < deadline:
            name, text = mix[i % len(mix)]
            i += 1
            started = time.perf_counter()
            try:
                conn.request("POST", "/sparql", text.encode(), {"Content-Type": "application/sparql-query",
                                                                 "Accept": "application/sparql-results+json"})
                response = conn.getresponse()
                response.read()
                status = response.status
            except OSError as error:
                status = type(error).__name__
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
            elapsed = time.perf_counter() - started
            with lock:
                latencies.append(elapsed)
                statuses[status] += 1
        conn.close()

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    latencies.sort()

    def pct(p):
        return latencies[min(len(latencies) - 1, int(p * len(latencies)))] * 1000 if latencies else float("nan")

    return len(latencies), len(latencies) / wall, pct(0.50), pct(0.99), statuses


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("graph", nargs="?", help="graph file (default: the bundled graph)")
    parser.add_argument("--levels", type=int, nargs="+", default=[1, 2, 4, 8])
    parser.add_argument("--duration", type=float, default=10.0, help="seconds per level (default 10)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--queue", type=int, default=None)
    parser.add_argument("--timeout", type=float, default=15.0)
    parser.add_argument("--hardening", action="store_true",
                        help="issue 13: the guard on 1-60 KB inputs, then 16 polite clients beside 4 abusive ones "
                             "and beside 200 trickling connections (--duration each)")
    parser.add_argument("--compare", action="store_true",
                        help="with --hardening: run both scenarios again with the limits switched off")
    args = parser.parse_args()
    if args.duration <= 0 or args.duration > 600 or max(args.levels) > 256:
        parser.error("keep it bounded: --duration in (0, 600], levels up to 256")
    if args.hardening:
        hardening(args)
        return
    mix = queries()
    print(f"{len(mix)} queries in the mix: {', '.join(name for name, _ in mix)}", file=sys.stderr)
    process, port = start_server(args.graph, args)
    rows = []
    try:
        for clients in args.levels:
            print(f"concurrency {clients}: {args.duration:g} s …", file=sys.stderr)
            rows.append((clients, *run_level(port, mix, clients, args.duration)))
    finally:
        stop_server(process)
    print(f"{'clients':>7}  {'requests':>8}  {'req/s':>7}  {'p50 ms':>7}  {'p99 ms':>7}  answers by status")
    for clients, count, rate, p50, p99, statuses in rows:
        shown = ", ".join(f"{k}: {v}" for k, v in sorted(statuses.items(), key=lambda kv: str(kv[0])))
        print(f"{clients:>7}  {count:>8}  {rate:>7.1f}  {p50:>7.1f}  {p99:>7.1f}  {shown}")


# ------------------------------------------------------------------------------ --hardening (issue 13)

CHEAP = "ASK { <https://w3id.org/hrbvet/id/place/harbin> ?p ?o }"
EXPENSIVE = "SELECT (COUNT(*) AS ?n) { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"  # runs into --timeout


def old_guard(text: str) -> None:
    """The lexical pass as it was before issue 13 (commit 3c8c387), for the comparison column."""
    import re

    opaque = re.compile(r'"""(?:[^"\\]|\\.|"(?!""))*"""' r"|'''(?:[^'\\]|\\.|'(?!''))*'''"
                        r'|"(?:[^"\\\n\r]|\\.)*"' r"|'(?:[^'\\\n\r]|\\.)*'" r'|<[^<>"{}|^`\\\s]*>' r"|#[^\n\r]*", re.S)
    text = opaque.sub(" ", text)
    text = re.sub(r"[?$][\w\u00B7\u0300-\u036F\u203F-\u2040]+", " ", text)
    text = re.sub(r"[\w.\-\u00B7]*:[\w.\-:%\\\u00B7]*", " ", text)
    [w.upper() for w in re.findall(r"[A-Za-z_]+", text)]


def guard_rows(sizes=(1, 8, 30, 60), old_up_to=8):
    """Best of 5 CPU times (ms, ``time.process_time``: other processes on a shared machine count
    less than in wall-clock time) of the guard the server runs on every query."""
    from harbin_kg.errors import HarbinKGError
    from harbin_kg.graph.sparql_guard import check_query

    iri = "<https://w3id.org/hrbvet/id/org/harbin-vocational-technical-college> "
    shapes = {
        "one word (issue 13's body)": lambda n: "a" * n,
        'escaped quotes "\\"\\"…': lambda n: '"' + '\\"' * (n // 2),
        "VALUES query": lambda n: "SELECT ?s WHERE { VALUES ?s { " + iri * (n // len(iri)) + "} ?s ?p ?o }",
        "nested ( … )": lambda n: "ASK { FILTER(" + "(" * (n // 2) + "1" + ")" * (n // 2) + ") }",
    }

    def best(function, text):
        times = []
        for _ in range(5):
            started = time.process_time()
            try:
                function(text)
            except HarbinKGError:
                pass
            times.append(time.process_time() - started)
        return min(times) * 1000

    rows = []
    for name, make in shapes.items():
        for kb in sizes:
            text = make(kb * 1024)
            before = best(old_guard, text) if kb <= old_up_to else None
            rows.append((name, kb, best(check_query, text), before))
    return rows


def _request(port, text, source, timeout=60):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout, source_address=(source, 0))
    try:
        conn.request("POST", "/sparql", text.encode(), {"Content-Type": "application/sparql-query",
                                                         "Accept": "application/sparql-results+json"})
        response = conn.getresponse()
        response.read()
        return response.status
    except OSError as error:
        return type(error).__name__
    finally:
        conn.close()


def polite_and_abusive(port, duration, polite=16, abusers=0, tricklers=0):
    """``polite`` clients (127.0.0.10…) ask a cheap query, pause 0.1 s, and again; meanwhile
    ``abusers`` clients (127.0.0.2…) loop the expensive query, ignoring Retry-After, and
    ``tricklers`` sockets send a request head one byte a second, reconnecting when dropped."""
    deadline = time.monotonic() + duration
    lock = threading.Lock()
    polite_status, abuse_status, latencies = Counter(), Counter(), []
    stop = threading.Event()

    def polite_client(n):
        source = f"127.0.0.{10 + n}"
        while time.monotonic() < deadline:
            started = time.perf_counter()
            status = _request(port, CHEAP, source)
            with lock:
                polite_status[status] += 1
                latencies.append(time.perf_counter() - started)
            time.sleep(0.1)

    def abuser(n):
        source = f"127.0.0.{2 + n}"
        while time.monotonic() < deadline:
            status = _request(port, EXPENSIVE, source, timeout=max(duration, 60))
            with lock:
                abuse_status[status] += 1
            if status != 200:
                time.sleep(0.05)  # ignores Retry-After; the pause only spares this script's CPU

    def trickle():
        head = b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: " + b"a" * 100_000
        sockets = [None] * tricklers
        sent = [0] * tricklers
        reconnects = 0
        while not stop.is_set():
            for i in range(tricklers):
                try:
                    if sockets[i] is None:
                        sockets[i] = socket.create_connection(("127.0.0.1", port), timeout=5,
                                                              source_address=("127.0.0.200", 0))
                        sockets[i].setblocking(False)
                        sent[i] = 0
                    sockets[i].send(head[sent[i]:sent[i] + 1])
                    sent[i] += 1
                except BlockingIOError:
                    pass
                except OSError:
                    if sockets[i] is not None:
                        sockets[i].close()
                        reconnects += 1
                    sockets[i] = None
            stop.wait(1.0)
        for s in sockets:
            if s is not None:
                s.close()
        with lock:
            abuse_status["trickle reconnects"] = reconnects

    threads = [threading.Thread(target=polite_client, args=(n,)) for n in range(polite)]
    threads += [threading.Thread(target=abuser, args=(n,)) for n in range(abusers)]
    trickler = threading.Thread(target=trickle) if tricklers else None
    if trickler:
        trickler.start()
        time.sleep(2)  # let the half-open connections pile up first
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    stop.set()
    if trickler:
        trickler.join()
    latencies.sort()

    def pct(p):
        return latencies[min(len(latencies) - 1, int(p * len(latencies)))] * 1000 if latencies else float("nan")

    total = sum(polite_status.values())
    return {"polite": total, "answered": polite_status.get(200, 0) / total if total else float("nan"),
            "p50": pct(0.5), "p99": pct(0.99), "polite_status": polite_status, "abuse_status": abuse_status}


LIMITS_OFF = ["--per-client", "100", "--client-budget", "1e9", "--reserve", "0", "--connection-limit", "100",
              "--header-timeout", "1e9", "--idle-timeout", "120"]


def hardening(args) -> None:
    print("guard: check_query on inputs of 1–60 KB (best of 5) …", file=sys.stderr)
    guard = guard_rows()
    settings = [("defaults", [])] + ([("limits off (as before)", LIMITS_OFF)] if args.compare else [])
    scenarios = []
    for label, options in settings:
        for name, kwargs in (("4 abusers + 16 polite", {"abusers": 4}), ("200 tricklers + 16 polite", {"tricklers": 200})):
            print(f"{name}, server {label}: {args.duration:g} s …", file=sys.stderr)
            process, port = start_server(args.graph, args, options)
            try:
                scenarios.append((name, label, polite_and_abusive(port, args.duration, **kwargs)))
            finally:
                stop_server(process)
    print("Guard (sparql_guard.check_query, run in the server process on every query), CPU ms, best of 5")
    print(f"{'input':<28} {'KB':>3} {'now':>9} {'before':>9}")
    for name, kb, now, before in guard:
        shown = f"{before:9.1f}" if before is not None else f"{'(skipped)':>9}"
        print(f"{name:<28} {kb:>3} {now:9.2f} {shown}")
    print()
    print("Cheap queries from 16 polite clients while others misbehave "
          f"({args.duration:g} s each, {args.workers} workers, timeout {args.timeout:g} s)")
    print(f"{'scenario':<26} {'server':<22} {'polite':>6} {'answered':>9} {'p50 ms':>8} {'p99 ms':>8}  others")
    for name, label, r in scenarios:
        others = ", ".join(f"{k}: {v}" for k, v in sorted(r["abuse_status"].items(), key=lambda kv: str(kv[0])))
        print(f"{name:<26} {label:<22} {r['polite']:>6} {r['answered']:>8.1%} {r['p50']:>8.1f} {r['p99']:>8.1f}  "
              f"{others}; polite: " + ", ".join(f"{k}: {v}" for k, v in sorted(r["polite_status"].items(), key=lambda kv: str(kv[0]))))


if __name__ == "__main__":
    main()
