"""What the forked time limit costs: a query in-process and in a forked child.

Prints the median of ``--repeats`` runs of a query both ways, on the bundled graph or a graph
file given as argument (the difference is what ``--timeout`` adds to every query). The query is
``ASK { ?s ?p ?o }``, a bundled query with its example parameters (``--query NAME``), or one
pass over every bundled query (``--query all``).

``--ballast N`` first loads N more copies of the bundled graph into rdflib, as a notebook or a
test process holds graphs: the child inherits them, and what it costs the child to carry them
shows in the forked figure.

    python benchmarks/engine_overhead.py
    python benchmarks/engine_overhead.py tests/data/tiny.ttl --repeats 50
    python benchmarks/engine_overhead.py --engine rdflib --query evidence --ballast 3 --repeats 5
    python benchmarks/engine_overhead.py --engine rdflib --query all --ballast 3 --repeats 3
"""

from __future__ import annotations

import argparse
import gc
import sys
import time

from harbin_kg.graph.outputs import default_graph_path
from harbin_kg.graph.store import load_rdflib
from harbin_kg.query.engine import execute, run_with_timeout
from harbin_kg.query.library import library
from harbin_kg.query.run import bind_params, open_graph, prepare


def timing_overhead(graph=None, repeats: int = 20, engine: str = "oxigraph",
                    query: str | None = None) -> dict[str, float]:
    """Median seconds of one query (or one pass over all) in-process and in a forked child."""
    loaded = open_graph(graph, engine)
    names = sorted(library()) if query == "all" else [query] if query else []
    jobs = []
    for name in names:
        prepared = prepare(name)
        jobs.append((prepared.text, bind_params(prepared, dict(library()[name].example), loaded)))
    jobs = jobs or [("ASK { ?s ?p ?o }", {})]

    def median(fn):
        times = []
        for _ in range(repeats):
            start = time.perf_counter()
            fn()
            times.append(time.perf_counter() - start)
        return sorted(times)[len(times) // 2]

    # Forked first: a child inherits its parent's collector as it stands, and a process that has
    # just loaded graphs (a notebook, a test worker) has not yet had the full collection that
    # running queries in-process brings about sooner or later.
    forked = median(lambda: [run_with_timeout(loaded, text, bindings, 10_000, 300.0) for text, bindings in jobs])
    return {"in_process": median(lambda: [execute(loaded, text, bindings, 10_000) for text, bindings in jobs]),
            "forked": forked}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("graph", nargs="?", help="a graph file (default: the bundled graph)")
    parser.add_argument("--repeats", type=int, default=20)
    parser.add_argument("--engine", choices=("oxigraph", "rdflib"), default="oxigraph")
    parser.add_argument("--query", help="a bundled query, run with its example parameters; all: each once")
    parser.add_argument("--ballast", type=int, default=0, metavar="N",
                        help="copies of the bundled graph held in rdflib first")
    args = parser.parse_args()
    ballast = []
    for number in range(args.ballast):
        print(f"loading ballast copy {number + 1} of {args.ballast} …", file=sys.stderr)
        ballast.append(load_rdflib(default_graph_path()))
    figures = timing_overhead(args.graph, args.repeats, args.engine, args.query)
    print(f"engine {args.engine}, query {args.query or 'ASK'}, ballast {args.ballast} "
          f"({len(gc.get_objects()):,} objects tracked), median of {args.repeats}")
    print("| way | median ms |\n| --- | ---: |")
    for way, seconds in figures.items():
        print(f"| {way} | {seconds * 1000:.1f} |")
    print(f"| forked / in-process | {figures['forked'] / figures['in_process']:.2f}× |")


if __name__ == "__main__":
    main()
