"""Partners-of through `run_query` and each formatter, and the first `query FILE`, beside the raw engine.

The before/after script of the s5-query section of RESULTS.md. Run it once with this checkout
and once with another `harbin_kg/` first on PYTHONPATH (for example an export of main), in
turns, and compare the medians (CPU time is the steadier figure on a shared machine):

    .venv/bin/python benchmarks/query_paths.py synth-1M.nt after
    PYTHONPATH=/tmp/main-copy .venv/bin/python benchmarks/query_paths.py synth-1M.nt before
    .venv/bin/python benchmarks/query_paths.py synth-100k.nt after --first 3   # + the first query on the file
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

from floors import AGGREGATE, CLI, PY, _RAW_LOAD, _run, _typical_and_biggest, _wait_for_store  # noqa: E402


def _median_times(fn, calls: int) -> tuple[float, float]:
    wall, cpu = [], []
    for _ in range(calls):
        c0, w0 = time.process_time(), time.perf_counter()
        fn()
        wall.append(time.perf_counter() - w0)
        cpu.append(time.process_time() - c0)
    return statistics.median(wall), statistics.median(cpu)


def in_process(path: Path, tag: str) -> None:
    """run_query, run_query + table/csv/json, and the raw engine, alternately (3 rounds)."""
    from harbin_kg.graph.store import load_store
    from harbin_kg.namespaces import PREFIXES
    from harbin_kg.query.formats import render
    from harbin_kg.query.run import LoadedGraph, run_query

    store = load_store(path)
    loaded = LoadedGraph("oxigraph", store=store)
    text = (ROOT / "harbin_kg/query/queries/partners-of.rq").read_text(encoding="utf-8")
    for which, org in zip(("typical", "biggest"), _typical_and_biggest(path)):
        raw = text.replace("SELECT DISTINCT ?org", "SELECT DISTINCT").replace("?org", f"<{org}>")

        def ours(fmt=None, org=org):
            result = run_query(loaded, "partners-of", {"org": org}, timeout=None)
            return render(result, fmt) if fmt else result

        works = {"run_query": ours, "run_query+table": lambda: ours("table"), "run_query+csv": lambda: ours("csv"),
                 "run_query+json": lambda: ours("json"), "raw engine": lambda raw=raw: list(store.query(raw, prefixes=PREFIXES))}
        for fn in works.values():
            fn()  # warm
        calls = 31 if which == "typical" else 9
        found: dict[str, list] = {name: [] for name in works}
        for _ in range(3):
            for name, fn in works.items():
                found[name].append(_median_times(fn, calls))
        for name, times in found.items():
            wall, cpu = statistics.median(t[0] for t in times), statistics.median(t[1] for t in times)
            print(f"{tag}\t{path.stem}\t{which}\t{name}\twall {wall * 1e3:.2f} ms\tcpu {cpu * 1e3:.2f} ms", flush=True)


def first_query(path: Path, tag: str, runs: int) -> None:
    """`harbin-kg query FILE @aggregate.rq` with a fresh cache, beside a raw load + query; the
    background writer is waited for before the next timing."""
    tmp = Path(tempfile.mkdtemp(prefix="harbin-query-paths-"))
    try:
        rq = tmp / "aggregate.rq"
        rq.write_text(AGGREGATE, encoding="utf-8")
        for i in range(runs):
            cache = tmp / f"cache-{i}"
            ours = _run([CLI, "query", str(path), f"@{rq}", "--timeout", "0"], dict(os.environ, HARBIN_KG_STORE_CACHE=str(cache)))
            started = time.perf_counter()
            _wait_for_store(cache)
            print(f"{tag}\tfirst query\twall {ours[0]:.2f} s\tcpu {ours[1]:.2f} s\t(store complete "
                  f"{time.perf_counter() - started:.1f} s later)", flush=True)
            raw = _run([PY, "-c", _RAW_LOAD, str(path), str(rq)])
            print(f"{tag}\traw load + query\twall {raw[0]:.2f} s\tcpu {raw[1]:.2f} s", flush=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("graph", type=Path)
    parser.add_argument("tag", nargs="?", default="this")
    parser.add_argument("--first", type=int, default=0, metavar="N", help="also time the first query N times")
    args = parser.parse_args(argv)
    in_process(args.graph, args.tag)
    if args.first:
        first_query(args.graph, args.tag, args.first)
    print(f"{args.tag}\tload {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
