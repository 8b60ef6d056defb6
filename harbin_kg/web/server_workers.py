"""The endpoint's query workers: pre-started processes, each holding the graph in a pyoxigraph Store.

A query runs in a worker, never in the server process, so a runaway query can be stopped for
real: when ``timeout`` expires the worker is killed (SIGKILL) and a fresh one is started in the
background, while the other workers keep answering.

* **Start-up**: fresh ``python -m harbin_kg.web.server_workers`` processes (never ``fork`` from a
  threaded server); each loads the graph
  file itself, then tries to cut itself off the network (a new, empty network namespace via
  ``unshare(CLONE_NEWUSER | CLONE_NEWNET)``, Linux; best effort, reported by :attr:`WorkerPool.isolated`)
  and caps its address space. So even a query that slipped past the read-only guard could not
  reach another host: ``SERVICE`` would fail with "network unreachable".
* **Admission**: at most ``size + queue`` queries are admitted at once; the rest are refused at
  once with :class:`Overloaded` (the app answers 503 + ``Retry-After``), never queued without bound.
* **Watching**: while a query runs (or waits for a worker) the pool checks every 50 ms whether
  its client has hung up (:class:`Cancelled`: the worker is killed at once, not at the time
  limit) and, with ``long_slots``, whether it has run past ``short`` seconds without a long-query
  slot while another query waits for a worker (:class:`Preempted`) — so that long queries can
  never hold every worker (:mod:`harbin_kg.web.server_limits`).
* **Stack**: queries run on a thread with a 512 MB stack. pyoxigraph's parser and evaluator
  recurse on the calling thread: the 8 MB main-thread stack overflowed (the worker died) on
  10,000 chained ``!`` or a 60 KB chain of ``&&``, ``UNION`` or ``OPTIONAL`` (issue 13).
* **Results** are serialised inside the worker (the format chosen by the app), capped at
  ``max_rows`` rows or triples, and sent back as bytes.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import heapq
import itertools
import threading
import time
from dataclasses import dataclass
from itertools import islice
from typing import Any
from pathlib import Path

__all__ = ["WorkerPool", "Job", "Answer", "Overloaded", "WorkerTimeout", "WorkerDied", "Cancelled", "Preempted",
           "SELECT_FORMATS", "GRAPH_FORMATS"]

log = logging.getLogger("harbin_kg.web.server")
_POLL = 0.05  # seconds between checks on a waiting or running query (hang-up, time, long slots)

#: media type → short name, for SELECT/ASK results and for CONSTRUCT/DESCRIBE graphs.
SELECT_FORMATS = {
    "application/sparql-results+json": "json",
    "application/sparql-results+xml": "xml",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
}
GRAPH_FORMATS = {
    "text/turtle": "turtle",
    "application/n-triples": "ntriples",
    "application/ld+json": "jsonld",
    "application/rdf+xml": "rdfxml",
}


class Overloaded(Exception):
    """Every worker is busy and the waiting line is full."""


class WorkerTimeout(Exception):
    """The query ran past the time limit; its worker was killed."""


class WorkerDied(Exception):
    """The worker process ended while running the query (crash or out of memory)."""


class Cancelled(Exception):
    """The client hung up; its query was stopped (its worker killed) or taken out of the line."""


class Preempted(Exception):
    """The query ran past ``short`` seconds with no long-query slot free while others waited."""


@dataclass(frozen=True)
class Job:
    text: str
    select_type: str  # media type for SELECT/ASK results (the server negotiates it before a job is made)
    graph_type: str   # media type for CONSTRUCT/DESCRIBE results
    default_graphs: tuple[str, ...] = ()  # default-graph-uri values (graph names, never fetched)
    named_graphs: tuple[str, ...] = ()


@dataclass(frozen=True)
class Answer:
    """``status`` 200 with a body, or an error status with ``message``."""

    status: int
    content_type: str = "application/json"
    body: bytes = b""
    truncated: bool = False
    rows: int = 0
    message: str = ""


# ------------------------------------------------------------------------------- in the worker


def _isolate_network() -> bool:
    """Move this process into an empty network namespace (no interface but a down loopback)."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        clone_newuser, clone_newnet = 0x10000000, 0x40000000
        return libc.unshare(clone_newuser | clone_newnet) == 0
    except (OSError, AttributeError):
        return False


def _watch_parent(parent: int) -> None:
    # If the server dies without stopping us (kill -9), leave instead of lingering.
    def watch():
        while True:
            time.sleep(1.0)
            if os.getppid() != parent:
                os._exit(0)

    threading.Thread(target=watch, daemon=True, name="parent-watch").start()


def worker_main(conn, graph_path: str, max_rows: int, parent: int) -> None:
    """The worker loop: load the graph, say ready, answer jobs until told to stop."""
    from pathlib import Path

    from ..query.engine import build_rdflib_parser, limit_memory
    from ..graph.store import load_store

    store = load_store(Path(graph_path))
    # A syntax error's line and column come from rdflib's SPARQL parser (sparql_guard.syntax_error).
    # Built here, before the worker says ready, so the first bad query of each worker is not charged
    # for building it (0.2 s of CPU quiet; on a loaded machine it went past a 2 s limit and a typo
    # was answered 504 "stopped after 2 s" instead of 400 with its position).
    build_rdflib_parser()

    isolated = _isolate_network()  # before any thread starts: unshare(CLONE_NEWUSER) needs one thread
    limit_memory(2 * 1024**3)
    _watch_parent(parent)
    conn.send(("ready", len(store), isolated))
    threading.stack_size(QUERY_STACK)
    thread = threading.Thread(target=_serve, args=(conn, store, max_rows), name="harbin-kg-query")
    thread.start()
    thread.join()


#: Stack of the thread that parses and runs queries (see the module docstring). Address space
#: only: pages are touched as the recursion goes down. Enough for anything under the 64 KiB body cap.
QUERY_STACK = 512 * 1024 * 1024


def _serve(conn, store, max_rows: int) -> None:
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        if job is None:
            return
        conn.send(answer(store, job, max_rows))


def answer(store, job: Job, max_rows: int) -> Answer:
    """Run one job on ``store``; syntax errors become 400 with line and column."""
    import pyoxigraph as ox

    from ..namespaces import ID, PREFIXES
    from ..graph.sparql_guard import syntax_error

    options = {}
    if job.default_graphs:
        options["default_graph"] = [ox.NamedNode(g) for g in job.default_graphs]
    if job.named_graphs:
        options["named_graphs"] = [ox.NamedNode(g) for g in job.named_graphs]
    try:
        result = store.query(job.text, prefixes=PREFIXES, base_iri=str(ID), **options)
    except SyntaxError as error:
        return Answer(400, message=str(syntax_error(job.text, error)))
    if isinstance(result, ox.QueryBoolean):
        return _boolean(bool(result), job.select_type)
    if isinstance(result, ox.QuerySolutions):
        variables = [v.value for v in result.variables]
        rows = [list(solution) for solution in islice(result, max_rows + 1)]
        truncated = len(rows) > max_rows
        rows = rows[:max_rows]
        return Answer(200, _with_charset(job.select_type), _solutions(variables, rows, job.select_type, truncated, max_rows),
                      truncated, len(rows))
    triples = list(islice(result, max_rows + 1))
    truncated = len(triples) > max_rows
    triples = triples[:max_rows]
    body = ox.serialize(triples, format=_RDF_FORMATS()[job.graph_type], **(
        turtle_options(triples) if job.graph_type == "text/turtle" else
        {"prefixes": used_prefixes(triples)} if job.graph_type == "application/rdf+xml" else {}))
    return Answer(200, _with_charset(job.graph_type), body or b"", truncated, len(triples))


def used_prefixes(triples) -> dict[str, str]:
    """The entries of PREFIXES that some IRI in ``triples`` starts with (for tidy Turtle)."""
    import pyoxigraph as ox

    from ..namespaces import PREFIXES

    iris = {t.value for triple in triples for t in (triple.subject, triple.predicate, triple.object)
            if isinstance(t, ox.NamedNode)}
    iris |= {triple.object.datatype.value for triple in triples if isinstance(triple.object, ox.Literal)}
    # full entity IRIs read better than id:org\/x (and @base would relativise the prefixes too)
    return {p: ns for p, ns in PREFIXES.items() if p != "id" and any(iri.startswith(ns) for iri in iris)}


def turtle_options(triples) -> dict:
    return {"prefixes": used_prefixes(triples)}


def _RDF_FORMATS():
    import pyoxigraph as ox

    return {"text/turtle": ox.RdfFormat.TURTLE, "application/n-triples": ox.RdfFormat.N_TRIPLES,
            "application/ld+json": ox.RdfFormat.JSON_LD, "application/rdf+xml": ox.RdfFormat.RDF_XML}


def _with_charset(media_type: str) -> str:
    return media_type if media_type.endswith("+json") or media_type == "application/ld+json" else media_type + "; charset=utf-8"


# ----------------------------------------------------------------------- result serialisation

_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_TRUNCATION_NOTE = ("Results were cut at {n} rows (结果已截断，仅返回前 {n} 行). Add LIMIT/OFFSET, or "
                    "narrow the query, to see the rest.")


def _json_term(term) -> dict:
    import pyoxigraph as ox

    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value != _XSD_STRING:
            out["datatype"] = term.datatype.value
        return out
    return {"type": "triple", "value": str(term)}


def _xml_term(term) -> str:
    import pyoxigraph as ox
    from xml.sax.saxutils import escape, quoteattr

    if isinstance(term, ox.NamedNode):
        return f"<uri>{escape(term.value)}</uri>"
    if isinstance(term, ox.BlankNode):
        return f"<bnode>{escape(term.value)}</bnode>"
    if term.language:
        return f"<literal xml:lang={quoteattr(term.language)}>{escape(term.value)}</literal>"
    if term.datatype.value != _XSD_STRING:
        return f"<literal datatype={quoteattr(term.datatype.value)}>{escape(term.value)}</literal>"
    return f"<literal>{escape(term.value)}</literal>"


def _csv_value(term) -> str:
    import pyoxigraph as ox

    if term is None:
        return ""
    if isinstance(term, ox.BlankNode):
        return "_:" + term.value
    return term.value


def _solutions(variables, rows, media_type, truncated, max_rows) -> bytes:
    import csv
    import io
    import json

    kind = SELECT_FORMATS[media_type]
    if kind == "json":
        bindings = [{v: _json_term(t) for v, t in zip(variables, row) if t is not None} for row in rows]
        out: dict[str, Any] = {"head": {"vars": variables}, "results": {"bindings": bindings}}
        if truncated:
            out["truncated"] = True
            out["note"] = _TRUNCATION_NOTE.format(n=max_rows)
        return json.dumps(out, ensure_ascii=False).encode("utf-8")
    if kind == "xml":
        from xml.sax.saxutils import quoteattr

        parts = ['<?xml version="1.0" encoding="utf-8"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">',
                 "<head>" + "".join(f"<variable name={quoteattr(v)}/>" for v in variables) + "</head>"]
        if truncated:
            parts.append(f"<!-- {_TRUNCATION_NOTE.format(n=max_rows)} -->")
        parts.append("<results>")
        for row in rows:
            cells = "".join(f"<binding name={quoteattr(v)}>{_xml_term(t)}</binding>"
                            for v, t in zip(variables, row) if t is not None)
            parts.append(f"<result>{cells}</result>")
        parts.append("</results></sparql>\n")
        return "\n".join(parts).encode("utf-8")
    if kind == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(variables)
        for row in rows:
            writer.writerow([_csv_value(t) for t in row])
        return buffer.getvalue().encode("utf-8")
    lines = ["\t".join("?" + v for v in variables)]
    lines += ["\t".join("" if t is None else str(t) for t in row) for row in rows]
    return ("\n".join(lines) + "\n").encode("utf-8")


def _boolean(value: bool, media_type: str) -> Answer:
    import json

    kind = SELECT_FORMATS[media_type]
    if kind == "json":
        body = json.dumps({"head": {}, "boolean": value}).encode()
    elif kind == "xml":
        body = (f'<?xml version="1.0" encoding="utf-8"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">'
                f"<head/><boolean>{'true' if value else 'false'}</boolean></sparql>\n").encode()
    elif kind == "csv":
        body = f"_askResult\r\n{'true' if value else 'false'}\r\n".encode()
    else:
        body = f"?_askResult\n{'true' if value else 'false'}\n".encode()
    return Answer(200, _with_charset(media_type), body, False, 1)


# ------------------------------------------------------------------------------ in the server


class _Worker:
    """One worker: ``python -m harbin_kg.web.server_workers FD …`` talking over a socketpair.

    A plain subprocess rather than multiprocessing's spawn: spawn re-runs the caller's main
    script in the child, which breaks scripts and notebooks that call :func:`make_app` unguarded.
    """

    def __init__(self, graph_path: str, max_rows: int):
        import subprocess
        import sys

        self.conn, child_end = multiprocessing.Pipe()
        fd = child_end.fileno()
        package_parent = str(Path(__file__).resolve().parents[2])
        env = dict(os.environ)
        env["PYTHONPATH"] = package_parent + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "harbin_kg.web.server_workers", str(fd), graph_path, str(max_rows), str(os.getpid())],
            pass_fds=[fd], stdin=subprocess.DEVNULL, env=env)
        child_end.close()
        self.isolated = False

    @property
    def exitcode(self):
        return self.process.poll()

    def wait_ready(self, timeout: float) -> None:
        if not self.conn.poll(timeout):
            self.kill()
            raise RuntimeError(f"a query worker did not start within {timeout:g} s")
        try:
            message = self.conn.recv()
        except (EOFError, OSError):
            self.process.wait()
            raise RuntimeError(f"a query worker failed to start (exit code {self.process.returncode}); "
                               "see the messages above") from None
        self.isolated = bool(message[2])

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        try:
            self.process.wait(5)
        except Exception:  # subprocess.TimeoutExpired: a zombie the OS reaps later
            pass
        self.conn.close()


class WorkerPool:
    """``size`` worker processes for one graph file; :meth:`run` sends a :class:`Job` to a free one."""

    def __init__(self, graph_path, *, size: int = 2, queue: int = 2, timeout: float = 15.0,
                 max_rows: int = 10_000, start_timeout: float = 120.0, long_slots: int | None = None,
                 short: float = 1.0, spares: int = 0):
        if size < 1:
            raise ValueError("the pool needs at least one worker")
        self.graph_path, self.size, self.queue, self.timeout = str(graph_path), size, queue, float(timeout)
        self.max_rows, self.start_timeout = max_rows, start_timeout
        # idle workers, and queries waiting for one: a heap, best priority first (then first come)
        self._cond = threading.Condition()
        self._idle: list[_Worker] = []
        self._waiters: list[list] = []
        self._arrivals = itertools.count()
        self._spares: list[_Worker] = []  # started and ready, not yet in service
        self._admitted = threading.BoundedSemaphore(size + queue)
        self.short = float(short)
        self.long_slots = long_slots if long_slots is not None and 1 <= long_slots < size else None
        self._long = threading.BoundedSemaphore(self.long_slots) if self.long_slots else None
        self.running = self.long_running = 0
        self._lock = threading.Lock()
        self._workers: set[_Worker] = set()
        self._closed = False
        self.in_flight = 0
        self.stats = {"answered": 0, "timeouts": 0, "refused": 0, "restarts": 0, "died": 0, "cancelled": 0,
                      "preempted": 0}
        workers = [_Worker(self.graph_path, max_rows) for _ in range(size + spares)]
        try:
            for worker in workers:
                worker.wait_ready(start_timeout)
        except BaseException:
            for worker in workers:
                worker.kill()
            raise
        for worker in workers[:size]:
            self._workers.add(worker)
            self._put_idle(worker)
        self._spares = workers[size:]
        self.isolated = all(w.isolated for w in workers)

    def run(self, job: Job, *, cancelled=None, meter: dict | None = None, priority: float = 0.0) -> Answer:
        """The worker's answer; :class:`Overloaded`, :class:`WorkerTimeout`, :class:`WorkerDied`,
        :class:`Cancelled` or :class:`Preempted` otherwise.

        ``cancelled()``, if given, is polled while the query waits and runs: true means the client
        has gone. ``meter["seconds"]`` is set to the time the query held a worker. When queries
        wait, a free worker goes to the one with the highest ``priority`` (the app passes the
        client's remaining query time, so a client that has used little goes first).
        """
        if not self._admitted.acquire(blocking=False):
            self._count("refused")
            raise Overloaded()
        with self._lock:
            self.in_flight += 1
        try:
            worker = self._take_worker(cancelled, priority)
            return self._ask(worker, job, cancelled, meter)
        finally:
            with self._lock:
                self.in_flight -= 1
            self._admitted.release()

    def _count(self, stat: str) -> None:
        with self._lock:
            self.stats[stat] += 1

    def _take_worker(self, cancelled, priority: float) -> _Worker:
        deadline = time.monotonic() + self.timeout
        with self._cond:
            if self._idle and not self._waiters:
                return self._idle.pop()
            entry: list[Any] = [-priority, next(self._arrivals), None]  # [2]: the worker handed over, or "gone"
            error: type[Exception]
            heapq.heappush(self._waiters, entry)
            while True:
                self._cond.wait(_POLL)
                if isinstance(entry[2], _Worker):
                    return entry[2]
                if cancelled is not None and cancelled():
                    entry[2], stat, error = "gone", "cancelled", Cancelled
                elif time.monotonic() >= deadline:
                    entry[2], stat, error = "gone", "refused", Overloaded
                else:
                    continue
                break
        self._count(stat)
        raise error()

    def _put_idle(self, worker: _Worker) -> None:
        """Hand ``worker`` to the best waiting query, or keep it idle."""
        with self._cond:
            while self._waiters:
                entry = heapq.heappop(self._waiters)
                if entry[2] is None:
                    entry[2] = worker
                    self._cond.notify_all()
                    return
            self._idle.append(worker)

    def _ask(self, worker: _Worker, job: Job, cancelled, meter) -> Answer:
        started = time.monotonic()
        long_slot = False
        with self._lock:
            self.running += 1
        try:
            try:
                worker.conn.send(job)
                while not worker.conn.poll(_POLL):
                    elapsed = time.monotonic() - started
                    if cancelled is not None and cancelled():
                        self._stop(worker, "cancelled")
                        raise Cancelled()
                    if elapsed >= self.timeout:
                        self._stop(worker, "timeouts")
                        raise WorkerTimeout()
                    if self._long is not None and not long_slot and elapsed >= self.short:
                        if self._long.acquire(blocking=False):
                            long_slot = True
                            with self._lock:
                                self.long_running += 1
                        elif self._waiting():
                            self._stop(worker, "preempted")
                            raise Preempted()
                result = worker.conn.recv()
            except (EOFError, OSError, BrokenPipeError):
                code = worker.exitcode
                self._stop(worker, "died")
                raise WorkerDied(code) from None
            self._put_idle(worker)
            self._count("answered")
            return result
        finally:
            with self._lock:
                self.running -= 1
                if long_slot:
                    self.long_running -= 1
            if long_slot and self._long is not None:
                self._long.release()
            if meter is not None:
                meter["seconds"] = time.monotonic() - started

    def _waiting(self) -> int:
        with self._lock:
            return self.in_flight - self.running

    def _stop(self, worker: _Worker, stat: str) -> None:
        self._count(stat)
        self._replace(worker)

    def _replace(self, worker: _Worker) -> None:
        """Kill ``worker`` now; a ready spare takes its place at once; start a new one in the background."""
        worker.kill()
        with self._lock:
            self._workers.discard(worker)
            self.stats["restarts"] += 1
            spare = self._spares.pop() if self._spares else None
            if spare is not None:
                self._workers.add(spare)
        if spare is not None:
            self._put_idle(spare)

        def start():
            while not self._closed:
                fresh = _Worker(self.graph_path, self.max_rows)
                try:
                    fresh.wait_ready(self.start_timeout)
                except RuntimeError:
                    log.exception("could not start a replacement query worker; retrying in 5 s")
                    time.sleep(5)
                    continue
                with self._lock:
                    if self._closed:
                        fresh.kill()
                        return
                    in_service = len(self._workers) < self.size
                    if in_service:
                        self._workers.add(fresh)
                    else:
                        self._spares.append(fresh)
                if in_service:
                    self._put_idle(fresh)
                return

        threading.Thread(target=start, daemon=True, name="harbin-kg-worker-restart").start()

    def status(self) -> dict:
        with self._lock:
            return {"workers": self.size, "alive": len(self._workers), "idle": len(self._idle), "spares": len(self._spares),
                    "in_flight": self.in_flight, "running": self.running, "long": self.long_running,
                    "long_slots": self.long_slots, "short_s": self.short, "limit": self.size + self.queue,
                    "timeout_s": self.timeout, "max_rows": self.max_rows,
                    "network_isolated": self.isolated, **self.stats}

    def close(self) -> None:
        """Stop every worker (idempotent)."""
        with self._lock:
            self._closed = True
            workers = list(self._workers) + self._spares
            self._workers.clear()
            self._spares = []
        for worker in workers:
            try:
                worker.conn.send(None)
            except (OSError, BrokenPipeError):
                pass
        for worker in workers:
            try:
                worker.process.wait(2)
            except Exception:  # subprocess.TimeoutExpired
                pass
            worker.kill()


if __name__ == "__main__":  # a worker process, started by _Worker
    import sys
    from multiprocessing.connection import Connection

    from harbin_kg.web.server_workers import worker_main as _main  # the package's classes, not __main__'s

    _main(Connection(int(sys.argv[1])), sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
