"""Issue 13, command line: what the fixes cost or save, measured in one run.

    python benchmarks/cli_hardening.py

1. ``routes`` (the bundled query) before and after its fix, with the issue's parameters and
   without any, on both engines (the old text is kept here only to measure it).
2. The write phase of ``build``: three plain atomic writes (before) vs one versioned set and
   one switch (after), on the real graph's serialised texts.
3. A command after ``build``: whether it rebuilds (the stamp), and its wall time.

Prints a table; asserts nothing (tests assert behaviour, not speed).
"""

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from harbin_kg.graph.outputs import OUTPUTS, default_graph_path
from harbin_kg.graph.serialize import serialize
from harbin_kg.errors import QueryTimeout
from harbin_kg.query.run import open_graph, run_query
from harbin_kg.graph.store import load_rdflib
from harbin_kg.writing import atomic_write_bytes, install_files

OLD_ROUTES = """SELECT DISTINCT ?from ?from_zh ?to ?to_zh ?steps ?step1 ?step1_zh ?via ?via_zh ?step2 ?step2_zh
WHERE {
  { ?step1 a hv:Pathway ; hv:fromStage ?from ; hv:toStage ?to . BIND(1 AS ?steps) }
  UNION
  { ?step1 a hv:Pathway ; hv:fromStage ?from ; hv:toStage ?via .
    ?step2 a hv:Pathway ; hv:fromStage ?via ; hv:toStage ?to . FILTER(?to != ?from) BIND(2 AS ?steps) }
  OPTIONAL { ?from skos:prefLabel ?from_zh FILTER(LANG(?from_zh) = "zh") }
  OPTIONAL { ?to skos:prefLabel ?to_zh FILTER(LANG(?to_zh) = "zh") }
  OPTIONAL { ?via skos:prefLabel ?via_zh FILTER(LANG(?via_zh) = "zh") }
  OPTIONAL { ?step1 skos:prefLabel ?step1_zh FILTER(LANG(?step1_zh) = "zh") }
  OPTIONAL { ?step2 skos:prefLabel ?step2_zh FILTER(LANG(?step2_zh) = "zh") }
}
ORDER BY ?from ?to ?steps ?step1 ?step2
"""
HEADER = "# param: from entity:level?\n# param: to entity:level?\n"
TIMEOUT = 60.0


def timed(fn, repeats=3):
    times, result = [], None
    for _ in range(repeats):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def routes_rows(graph):
    lines = []
    for engine in ("oxigraph", "rdflib"):
        loaded = open_graph(graph, engine)
        for params in ({"from": "普通高中", "to": "中职"}, {}):
            for label, query in (("before", HEADER + OLD_ROUTES), ("after", "routes")):
                try:
                    seconds, result = timed(lambda: run_query(loaded, query, params, engine=engine,
                                                              timeout=TIMEOUT, limit=100_000), repeats=1)
                    rows = f"{len(result.rows):,}" + ("+" if result.truncated else "")
                    shown = f"{seconds * 1000:,.0f} ms"
                except QueryTimeout:
                    rows, shown = "—", f"> {TIMEOUT:g} s (stopped)"
                lines.append((engine, " ".join(f"{k}={v}" for k, v in params.items()) or "(none)", label, rows, shown))
    return lines


def write_phase(graph):
    texts = {name: serialize(graph, fmt).encode() for name, fmt in OUTPUTS.items()}
    texts["harbin.version"] = b"bench\n"
    with tempfile.TemporaryDirectory() as tmp:
        plain, versioned = Path(tmp, "plain"), Path(tmp, "versioned")
        plain.mkdir()
        before, _ = timed(lambda: [atomic_write_bytes(plain / n, d) for n, d in texts.items()], repeats=5)
        after, _ = timed(lambda: install_files(versioned, texts, label="bench"), repeats=5)
    size = sum(len(d) for d in texts.values())
    return before, after, size


def command_after_build():
    cli = [sys.executable, "-m", "harbin_kg"]
    start = time.perf_counter()
    subprocess.run(cli + ["build"], check=True, capture_output=True)
    build_s = time.perf_counter() - start
    start = time.perf_counter()
    stats = subprocess.run(cli + ["stats"], check=True, capture_output=True, text=True)
    stats_s = time.perf_counter() - start
    return build_s, stats_s, "building the bundled graph" in stats.stderr


def main():
    path = default_graph_path()
    print("## routes (bundled query), real graph, killable worker, timeout 60 s\n")
    print("| engine | parameters | routes.rq | rows | time |\n|---|---|---|---:|---:|")
    for row in routes_rows(path):
        print("| " + " | ".join(row) + " |")
    before, after, size = write_phase(load_rdflib(path))
    print(f"\n## build write phase ({size / 1e6:.1f} MB in 4 files, median of 5)\n")
    print("| method | time |\n|---|---:|")
    print(f"| 4 × atomic file (before) | {before * 1000:.0f} ms |")
    print(f"| versioned folder + 1 switch + lock (after) | {after * 1000:.0f} ms |")
    build_s, stats_s, rebuilt = command_after_build()
    print("\n## a command right after `build`\n")
    print("| step | time | rebuilt? |\n|---|---:|---|")
    print(f"| harbin-kg build | {build_s:.1f} s | — |")
    print(f"| harbin-kg stats (next command) | {stats_s:.1f} s | {'yes' if rebuilt else 'no'} |")


if __name__ == "__main__":
    main()
