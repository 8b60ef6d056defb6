"""Running a checked query on an engine: pyoxigraph or rdflib, in this process or in a forked,
killable child with a timeout (see :mod:`harbin_kg.query.run` for the design)."""

from __future__ import annotations

import multiprocessing
import threading
from collections.abc import Callable, Mapping
from functools import lru_cache
from itertools import islice
from typing import cast

import pyoxigraph as ox
from rdflib import Graph, Variable
from rdflib.term import Identifier, Node

from ..errors import EngineCrash, HarbinKGError, OutOfMemory, QueryError, QueryTimeout
from .inline import inline
from ..namespaces import ID, PREFIXES
from .results import QueryResult
from ..graph.sparql_guard import check_rdflib_algebra, syntax_error
from ..graph.store import to_ox_term, to_rdflib_term

__all__ = ["execute", "run_with_timeout", "build_rdflib_parser"]


def execute(loaded, text: str, bindings: Mapping[str, Node], limit: int) -> QueryResult:
    """Run ``text`` (already checked) on the loaded engine; rows cut at ``limit``."""
    if loaded.engine == "oxigraph":
        result = None
        # The terms written into the text reach every UNION branch (harbin_kg.query.inline); where
        # the rewrite is unsure, or does not parse, the engine binds them as before.
        inlined = inline(text, bindings) if bindings and isinstance(loaded.store, ox.Store) else None
        if inlined is not None:
            try:
                result = loaded.store.query(inlined, prefixes=PREFIXES, base_iri=str(ID))
            except SyntaxError:
                result = None
        try:
            if result is None:
                substitutions = {ox.Variable(k): to_ox_term(v) for k, v in bindings.items()}
                result = loaded.store.query(text, prefixes=PREFIXES, base_iri=str(ID),
                                            substitutions=substitutions or None)
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
            # The engine's own terms: the formatters read them directly, and rdflib terms are
            # made only if someone reads QueryResult.rows (harbin_kg.query.results).
            rows = [tuple(solution) for solution in islice(result, limit + 1)]
            return QueryResult("select", variables, truncated=len(rows) > limit, terms=rows[:limit])
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
        result = graph.query(prepared, initBindings={Variable(k): cast(Identifier, v) for k, v in bindings.items()}, base=str(ID))
        if result.type == "ASK":
            return QueryResult("ask", boolean=bool(result.askAnswer))
        if result.type == "SELECT":
            variables = tuple(str(v) for v in result.vars or ())
            rows = [tuple(row) for row in islice(result, limit + 1) if isinstance(row, tuple)]
            return QueryResult("select", variables, tuple(rows[:limit]), truncated=len(rows) > limit)
        triples = [tuple(t) for t in islice(result, limit + 1) if isinstance(t, tuple)]
        return QueryResult("graph", ("subject", "predicate", "object"), tuple(triples[:limit]), truncated=len(triples) > limit)
    finally:
        rdflib_sparql.SPARQL_LOAD_GRAPHS = saved


def _on_big_stack(work: Callable[[], QueryResult]) -> QueryResult:
    """rdflib's parser and evaluator recurse deeply (100 triple patterns overflow the default
    limit, the project's design): run them in a thread with a 512 MiB stack and a higher limit."""
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


OUT_OF_MEMORY = ("The query ran out of memory and was stopped (查询内存不足，已停止). Narrow it (LIMIT, "
                 "fewer unconnected patterns, no DISTINCT/ORDER BY over huge results).")


def _child(conn, loaded, text, bindings, limit, stderr_fd=None):
    import gc

    # Everything inherited from the parent lives until this process exits. Left in the
    # collector's generations, a full collection that the query triggers walks all of it (and
    # copies every page it touches): cheap insurance for a query that allocates much in a process
    # that holds many graphs (benchmarks/RESULTS.md, "s7-fork").
    gc.freeze()
    if stderr_fd is not None:
        # The engine's last words (Rust writes "memory allocation of N bytes failed" before it
        # aborts) go to a file the parent reads if this process dies without answering.
        import os

        os.dup2(stderr_fd, 2)
    try:
        limit_memory()
        conn.send(("ok", execute(loaded, text, bindings, limit)))
    except MemoryError:
        conn.send(("error", "OutOfMemory", OUT_OF_MEMORY))
    except HarbinKGError as error:
        conn.send(("error", type(error).__name__, str(error)))
    except Exception as error:  # our bug or an engine failure: pass its traceback to the parent
        import traceback

        conn.send(("crash", type(error).__name__, traceback.format_exc()))
    except BaseException as error:
        # pyoxigraph turns a Rust panic into pyo3_runtime.PanicException (a BaseException).
        if type(error).__name__ != "PanicException":
            raise
        conn.send(("error", "EngineCrash", f"The SPARQL engine crashed (查询引擎崩溃): {error}. This is a bug in "
                                            "the engine; try --engine rdflib, and please report the query."))
    finally:
        conn.close()


def _death(exitcode, last_words: str):
    """Why a query process ended without an answer: out of memory, or a crash (with its signal)."""
    import signal

    if "memory allocation of" in last_words or "MemoryError" in last_words or exitcode == -signal.SIGKILL:
        # A failed allocation aborts a Rust engine; the kernel's OOM killer sends SIGKILL.
        return OutOfMemory(OUT_OF_MEMORY)
    try:
        how = f"signal {signal.Signals(-exitcode).name}" if exitcode and exitcode < 0 else f"exit code {exitcode}"
    except ValueError:
        how = f"exit code {exitcode}"
    tail = last_words.strip().splitlines()[-1][:200] if last_words.strip() else ""
    return EngineCrash(
        f"The query process crashed ({how}{': ' + tail if tail else ''}) (查询进程崩溃). This is a bug in the "
        "SPARQL engine or parser, not in your input's wording; try --engine rdflib, and please report the query."
    )


def limit_memory(extra: int = 4 * 1024**3) -> None:
    # A runaway query should fail in the child, not swap the machine: cap its address space at
    # what it inherited plus ``extra`` (Linux only; skipped elsewhere).
    try:
        import resource

        with open("/proc/self/statm") as statm:
            current = int(statm.read().split()[0]) * resource.getpagesize()
        resource.setrlimit(resource.RLIMIT_AS, (current + extra, resource.RLIM_INFINITY))
    except (ImportError, OSError, ValueError):
        pass


@lru_cache(maxsize=1)
def build_rdflib_parser() -> None:
    """Import rdflib's SPARQL parser and let pyparsing finish its grammar (done on first use).

    Done once in a process that forks queries, so that every child inherits the parser instead
    of building it again (about 0.1 s each, and more where the child then collects garbage over
    a big inherited heap), and before a server worker says it is ready.
    """
    from rdflib.plugins.sparql import prepareQuery

    prepareQuery("ASK {}")


def run_with_timeout(loaded, text: str, bindings, limit: int, timeout: float) -> QueryResult:
    import sys
    import tempfile

    if loaded.engine == "rdflib":
        build_rdflib_parser()

    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    with tempfile.TemporaryFile() as last_words:
        child = context.Process(target=_child, args=(sender, loaded, text, bindings, limit, last_words.fileno()),
                                daemon=True)
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
                last_words.seek(0)
                raise _death(child.exitcode, last_words.read()[-4000:].decode("utf-8", "replace")) from None
        except KeyboardInterrupt:
            child.kill()  # Ctrl-C stops the query too, not only the wait for it
            child.join()
            raise
        finally:
            receiver.close()
        child.join()
        last_words.seek(0)
        said = last_words.read()
        if said:  # warnings the engine printed: pass them on
            sys.stderr.write(said.decode("utf-8", "replace"))
    if message[0] == "ok":
        return message[1]
    if message[0] == "error":
        error_class = {"QueryTimeout": QueryTimeout, "OutOfMemory": OutOfMemory,
                       "EngineCrash": EngineCrash}.get(message[1], QueryError)
        if message[1] == "UnknownEntity":
            raise HarbinKGError(message[2])
        raise error_class(message[2])
    raise RuntimeError(f"{message[1]} while running the query:\n{message[2]}")

