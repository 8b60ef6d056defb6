"""What the forked time limit costs: a trivial query in-process and in a forked child.

Prints the median of ``--repeats`` runs of ``ASK { ?s ?p ?o }`` both ways, on the bundled graph
or a graph file given as argument (the difference is what ``--timeout`` adds to every query).

    python benchmarks/engine_overhead.py
    python benchmarks/engine_overhead.py tests/data/tiny.ttl --repeats 50
"""

from __future__ import annotations

import argparse
import time

from harbin_kg.query.engine import execute, run_with_timeout
from harbin_kg.query.run import open_graph


def timing_overhead(graph=None, repeats: int = 20) -> dict[str, float]:
    """Median seconds of a trivial query in-process and in a forked child."""
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
        "in_process": median(lambda: execute(loaded, text, {}, 1)),
        "forked": median(lambda: run_with_timeout(loaded, text, {}, 1, 30.0)),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("graph", nargs="?", help="a graph file (default: the bundled graph)")
    parser.add_argument("--repeats", type=int, default=20)
    args = parser.parse_args()
    figures = timing_overhead(args.graph, args.repeats)
    print("| way | median ms |\n| --- | ---: |")
    for way, seconds in figures.items():
        print(f"| {way} | {seconds * 1000:.1f} |")


if __name__ == "__main__":
    main()
