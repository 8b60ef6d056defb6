"""Load test for `harbin-kg serve`: concurrent clients on loopback for a bounded time.

Starts the real server (waitress, worker pool) on a free 127.0.0.1 port, then for each
concurrency level runs that many client threads for --duration seconds, each sending a mix of
the bundled research queries (those needing no parameter) as POST application/sparql-query.
Prints one table row per level: requests, throughput, p50/p99 latency, answers by status.
Progress goes to stderr; the table to stdout.

    python benchmarks/endpoint.py                       # bundled graph, levels 1 2 4 8, 10 s each
    python benchmarks/endpoint.py tests/data/server/tiny.ttl --duration 5 --levels 1 4 16
"""

from __future__ import annotations

import argparse
import http.client
import json
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
        from harbin_kg.library import library

        found = [(q.name, q.text) for q in library().values() if not any(not p.optional for p in q.params)]
    except Exception as error:  # the library belongs to another module; fall back rather than fail
        print(f"(bundled queries unavailable: {error})", file=sys.stderr)
        found = []
    return found or [(f"q{i}", q) for i, q in enumerate(FALLBACK)]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(graph: str | None, args) -> tuple[subprocess.Popen, int]:
    port = free_port()
    command = [sys.executable, "-m", "harbin_kg", "serve", "--host", "127.0.0.1", "--port", str(port),
               "--workers", str(args.workers), "--timeout", str(args.timeout)]
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
    args = parser.parse_args()
    if args.duration <= 0 or args.duration > 600 or max(args.levels) > 256:
        parser.error("keep it bounded: --duration in (0, 600], levels up to 256")
    mix = queries()
    print(f"{len(mix)} queries in the mix: {', '.join(name for name, _ in mix)}", file=sys.stderr)
    process, port = start_server(args.graph, args)
    rows = []
    try:
        for clients in args.levels:
            print(f"concurrency {clients}: {args.duration:g} s …", file=sys.stderr)
            rows.append((clients, *run_level(port, mix, clients, args.duration)))
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
    print(f"{'clients':>7}  {'requests':>8}  {'req/s':>7}  {'p50 ms':>7}  {'p99 ms':>7}  answers by status")
    for clients, count, rate, p50, p99, statuses in rows:
        shown = ", ".join(f"{k}: {v}" for k, v in sorted(statuses.items(), key=lambda kv: str(kv[0])))
        print(f"{clients:>7}  {count:>8}  {rate:>7.1f}  {p50:>7.1f}  {p99:>7.1f}  {shown}")


if __name__ == "__main__":
    main()
