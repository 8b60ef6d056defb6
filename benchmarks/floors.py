"""harbin-kg beside its floor (issue 17): whole commands and bound queries, timed in the same run.

Used by ``benchmarks/run.py`` (the "beside the floor" table); runs alone too:

    .venv/bin/python benchmarks/floors.py                       # the bundled graph only
    .venv/bin/python benchmarks/floors.py --graph synth-1M.nt   # + a file's rows
    .venv/bin/python benchmarks/floors.py --skip-startup --brokerage 100000   # Burt + betweenness only
    .venv/bin/python benchmarks/floors.py --skip-startup --scale --graph synth-1M.nt   # export, map, load, SHACL, PageRank
    .venv/bin/python benchmarks/floors.py --skip-startup --skip-scale --graph synth-1M.nt   # query rows only

Each pair is timed alternately (ours, floor, ours, floor …) so that the machine's load falls on
both sides alike; the figures are medians of wall time, with the CPU time (user + system, of
the process and its children) beside them, which the other users of a shared machine disturb
less. Python writes no bytecode here when PYTHONDONTWRITEBYTECODE is set; the package is
compiled once first so that neither side pays for compiling.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
CLI = str(Path(PY).parent / "harbin-kg")
HV = "https://w3id.org/hrbvet/ont#"
ID = "https://w3id.org/hrbvet/id/"

AGGREGATE = """PREFIX hv: <https://w3id.org/hrbvet/ont#>
SELECT ?type (COUNT(DISTINCT ?a) AS ?n) (AVG(?parties) AS ?avg)
WHERE { { SELECT ?a (COUNT(?p) AS ?parties) WHERE { ?p hv:relator ?a } GROUP BY ?a }
        ?a hv:agreementType ?type } GROUP BY ?type ORDER BY DESC(?n)
"""


def _run(argv, env=None) -> tuple[float, float]:
    """Wall and CPU seconds of one command (its output discarded; a failure stops the benchmark)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, cwd=ROOT)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(map(str, argv))} failed: {done.stderr.decode()[-500:]}")
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def paired(ours, floor, runs: int, before_each=None) -> dict:
    """Median wall and CPU of ``ours`` and ``floor`` (argv lists or callables), run alternately."""
    times = {"ours": [], "floor": []}
    for _ in range(runs):
        for side, argv in (("ours", ours), ("floor", floor)):
            if before_each is not None:
                before_each(side)
            times[side].append(argv() if callable(argv) else _run(argv))
    return {side: {"wall": statistics.median(t[0] for t in ts), "cpu": statistics.median(t[1] for t in ts)}
            for side, ts in times.items()}


def _fmt(seconds: float) -> str:
    if seconds < 1e-3:
        return f"{seconds * 1e6:.0f} µs"
    if seconds < 1:
        return f"{seconds * 1e3:.1f} ms" if seconds < 0.1 else f"{seconds * 1e3:.0f} ms"
    return f"{seconds:.2f} s"


def row(size, work, floor_name, result, goal=None, note="") -> dict:
    ours, floor = result["ours"], result["floor"]
    ratio = ours["wall"] / floor["wall"] if floor["wall"] else None
    ratio_cpu = ours["cpu"] / floor["cpu"] if floor["cpu"] else None
    verdict = ""
    if goal is not None and ratio is not None:
        verdict = (f"≤ {goal:g}×: " + ("met" if ratio <= goal else "missed")
                   + ("" if (ratio <= goal) == (ratio_cpu is not None and ratio_cpu <= goal) else
                      f" (on CPU time: {'met' if ratio_cpu is not None and ratio_cpu <= goal else 'missed'})"))
    return {"size": size, "work": work, "ours": f"{_fmt(ours['wall'])} ({_fmt(ours['cpu'])} CPU)",
            "floor_name": floor_name, "floor": f"{_fmt(floor['wall'])} ({_fmt(floor['cpu'])} CPU)",
            "ratio": f"{ratio:.2f}× ({ratio_cpu:.2f}× CPU)" if ratio and ratio_cpu else "", "goal": verdict,
            "note": note, "ours_s": ours["wall"], "floor_s": floor["wall"]}


def render(rows: list[dict]) -> str:
    lines = ["| size | harbin-kg | time (CPU) | the floor beside it | time (CPU) | ours ÷ floor | goal | note |",
             "|---|---|---:|---|---:|---:|---|---|"]
    for r in rows:
        lines.append(f"| {r['size']} | {r['work']} | {r['ours']} | {r['floor_name']} | {r['floor']} | "
                     f"{r['ratio']} | {r['goal']} | {r['note']} |")
    return "\n".join(lines)


def compile_package() -> None:
    subprocess.run([PY, "-m", "compileall", "-q", str(ROOT / "harbin_kg")], check=True, stdout=subprocess.DEVNULL)


# ------------------------------------------------------------------------------ the rows


def startup_rows(runs: int) -> list[dict]:
    """``--help``, a bundled query and ``stats``, each beside a bare Python import of its floor."""
    compile_package()
    subprocess.run([CLI, "query", "partners-of", "-p", "org=省教育厅"], check=True, capture_output=True)  # built, stored
    rows = [
        row("bundled", "`harbin-kg --help`", '`python -c "import pyoxigraph"`',
            paired([CLI, "--help"], [PY, "-c", "import pyoxigraph"], runs), goal=3),
        row("bundled", "`harbin-kg query partners-of -p org=省教育厅`", '`python -c "import pyoxigraph, click, rdflib"`',
            paired([CLI, "query", "partners-of", "-p", "org=省教育厅"], [PY, "-c", "import pyoxigraph, click, rdflib"],
                   runs), goal=1.5),
        row("bundled", "`harbin-kg stats`", '`python -c "import pyoxigraph, click, rdflib"`',
            paired([CLI, "stats"], [PY, "-c", "import pyoxigraph, click, rdflib"], runs)),
    ]
    return rows


_RAW_LOAD = """import sys, pyoxigraph as ox
store = ox.Store()
store.bulk_load(path=sys.argv[1], format=ox.RdfFormat.N_TRIPLES)
print(len(list(store.query(open(sys.argv[2], encoding="utf-8").read()))))
"""
_RAW_OPEN = """import sys, pyoxigraph as ox
store = ox.Store.read_only(sys.argv[1])
print(len(list(store.query(open(sys.argv[2], encoding="utf-8").read()))))
"""


def _wait_for_store(cache: Path, limit: float = 1800) -> None:
    """Wait until the background writer started by a first query has put a complete store in
    ``cache`` (so that it neither competes with the next timing nor is missing from it)."""
    deadline = time.monotonic() + limit
    while not any(cache.glob("v*/complete")):
        if time.monotonic() > deadline:
            raise RuntimeError(f"no store was written in {cache} within {limit:g} s")
        time.sleep(0.2)


def file_rows(path: Path, size: str, runs: int) -> list[dict]:
    """``query FILE @aggregate.rq``: the first run (parses and checks the file, answers from
    memory, leaves the store to a background writer), the second (opens the store), beside a raw
    pyoxigraph load + query and a raw open of a ready store + query; and the background writer
    itself (``python -m harbin_kg.graph.diskstore FILE``), timed after each first run is over."""
    compile_package()
    rows = []
    with tempfile.TemporaryDirectory(prefix="harbin-floors-") as tmp:
        tmp = Path(tmp)
        rq = tmp / "aggregate.rq"
        rq.write_text(AGGREGATE, encoding="utf-8")
        caches = iter(range(10_000))
        # Files under 8 MB are loaded in memory, not cached; here every size goes through the cache.
        env = dict(os.environ, HARBIN_KG_STORE_MIN_BYTES="0")
        started: list[Path] = []

        def fresh_cache(side):
            if started:  # the previous first run's writer finishes before anything else is timed
                _wait_for_store(started.pop())
            env["HARBIN_KG_STORE_CACHE"] = str(tmp / f"cache-{next(caches)}")
            if side == "ours":
                started.append(Path(env["HARBIN_KG_STORE_CACHE"]))

        ours = lambda: _run([CLI, "query", str(path), f"@{rq}", "--timeout", "0"], env)  # noqa: E731
        floor = [PY, "-c", _RAW_LOAD, str(path), str(rq)]
        rows.append(row(size, "`harbin-kg query FILE @aggregate.rq`, first time (parses, checks, answers from memory; "
                        "the store is written in the background)",
                        "raw pyoxigraph: bulk load into memory + the query", paired(ours, floor, runs, fresh_cache),
                        goal=1.3))
        fresh_cache("floor")
        rows.append(row(size, "the background writer alone (`python -m harbin_kg.graph.diskstore FILE`: parse, "
                        "check, RocksDB, name index)", "raw pyoxigraph: bulk load into memory + the query",
                        paired(lambda: _run([PY, "-m", "harbin_kg.graph.diskstore", str(path)], env), floor, runs,
                               fresh_cache),
                        note="off the first query's path: the user has the answer already"))
        env["HARBIN_KG_STORE_CACHE"] = str(tmp / "cache-kept")
        _run([CLI, "query", str(path), f"@{rq}"], env)  # starts the writer once
        _wait_for_store(tmp / "cache-kept")
        store_dir = next((tmp / "cache-kept").glob("v*")) / "store"
        rows.append(row(size, "`harbin-kg query FILE @aggregate.rq`, again (opens the cached store)",
                        "raw pyoxigraph: bulk load into memory + the query",
                        paired(ours, floor, runs), goal=1.3))
        rows.append(row(size, "`harbin-kg query FILE @aggregate.rq`, again (opens the cached store)",
                        "raw pyoxigraph: open a ready on-disk store + the query",
                        paired(ours, [PY, "-c", _RAW_OPEN, str(store_dir), str(rq)], runs)))
        partners_org = _typical_and_biggest(path)[0]
        rows.append(row(size, f"`harbin-kg query FILE partners-of -p org={partners_org.rsplit('/', 2)[-2]}/…`, again",
                        "raw pyoxigraph: open a ready on-disk store + the query",
                        paired(lambda: _run([CLI, "query", str(path), "partners-of", "-p", f"org=<{partners_org}>"], env),
                               [PY, "-c", _RAW_OPEN, str(store_dir), str(_partners_file(tmp, partners_org))], runs)))
    return rows


def _partners_file(tmp: Path, org: str) -> Path:
    from harbin_kg.namespaces import PREFIXES

    text = (ROOT / "harbin_kg/query/queries/partners-of.rq").read_text(encoding="utf-8")
    prefixes = "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items())
    path = tmp / "partners.rq"
    path.write_text(prefixes + text.replace("?org", f"<{org}>").replace(f"DISTINCT <{org}>", "DISTINCT"),
                    encoding="utf-8")
    return path


def _typical_and_biggest(path: Path) -> tuple[str, str]:
    import pyoxigraph as ox

    store = ox.Store()
    store.bulk_load(path=str(path), format=ox.RdfFormat.N_TRIPLES)
    counts = sorted((int(r["n"].value), r["a"].value) for r in store.query(
        f"SELECT ?a (COUNT(*) AS ?n) WHERE {{ ?p <{HV}agent> ?a }} GROUP BY ?a"))
    return counts[len(counts) // 2][1], counts[-1][1]


def binding_rows(path: Path, size: str, runs: int) -> list[dict]:
    """Partners of the typical and the biggest organisation, in one process on a loaded graph:
    harbin-kg's run_query (names, binding, labels) beside the raw query with the IRI in its text."""
    import pyoxigraph as ox

    from harbin_kg.namespaces import PREFIXES
    from harbin_kg.query.run import LoadedGraph, run_query
    from harbin_kg.graph.store import load_store

    store = load_store(path)
    loaded = LoadedGraph("oxigraph", store=store)
    text = (ROOT / "harbin_kg/query/queries/partners-of.rq").read_text(encoding="utf-8")
    rows = []
    for which, org, goal in zip(("typical", "biggest"), _typical_and_biggest(path), (0.002, 0.015)):
        raw = text.replace("?org", f"<{org}>").replace(f"DISTINCT <{org}>", "DISTINCT")

        def timed(fn):
            def run():
                cpu, start = time.process_time(), time.perf_counter()
                n = fn()
                return time.perf_counter() - start, time.process_time() - cpu, n
            return run

        ours = timed(lambda: len(run_query(loaded, "partners-of", {"org": org}, timeout=None)))
        floor = timed(lambda: len(list(store.query(raw, prefixes=PREFIXES))))
        substitutions = timed(lambda: len(list(store.query(text, prefixes=PREFIXES,
                                                           substitutions={ox.Variable("org"): ox.NamedNode(org)}))))
        for fn in (ours, floor, substitutions):
            fn()  # warm
        times: dict[str, list] = {"ours": [], "floor": [], "subs": []}
        for _ in range(max(runs, 5)):
            for side, fn in (("ours", ours), ("floor", floor), ("subs", substitutions)):
                times[side].append(fn())
        result = {side: {"wall": statistics.median(t[0] for t in ts), "cpu": statistics.median(t[1] for t in ts)}
                  for side, ts in times.items() if side != "subs"}
        rows_n = times["ours"][0][2]
        old = statistics.median(t[0] for t in times["subs"])
        r = row(size, f"partners of the {which} organisation (`run_query`, in process, loaded graph)",
                "raw pyoxigraph, the IRI in the query text", result,
                note=f"{rows_n} rows; engine `substitutions` (the old way): {_fmt(old)}; target ≤ {_fmt(goal)} at 1M: "
                     + ("met" if result["ours"]["wall"] <= goal else "missed"))
        rows.append(r)
    return rows


# Linux keeps a process's peak resident size across fork and exec (``ru_maxrss`` starts at the
# parent's peak), so a command started from this process, which holds loaded graphs, would be
# reported at least as large as this process. A small Python starts it instead and reports its
# child's own peak, wall and CPU time (JSON, in the file named first).
_PEAK = """import json, os, subprocess, sys, time
start = time.perf_counter()
proc = subprocess.Popen(sys.argv[2:])
_, status, usage = os.wait4(proc.pid, 0)
with open(sys.argv[1], "w") as out:
    json.dump({"wall": time.perf_counter() - start, "cpu": usage.ru_utime + usage.ru_stime,
               "mb": usage.ru_maxrss / 1024}, out)
sys.exit(os.waitstatus_to_exitcode(status))
"""


def run_measured(argv: list, **run_options) -> tuple[subprocess.CompletedProcess, dict | None]:
    """Run ``argv`` through the small launcher above (``subprocess.run`` with ``run_options``);
    the finished process and its own figures: ``wall``, ``cpu`` seconds and peak ``mb`` (None if
    the launcher itself failed). A timeout raises ``subprocess.TimeoutExpired`` as usual."""
    with tempfile.TemporaryDirectory(prefix="harbin-peak-") as tmp:
        report = Path(tmp) / "peak.json"
        done = subprocess.run([PY, "-c", _PEAK, str(report), *map(str, argv)], **run_options)
        figures = json.loads(report.read_text()) if report.exists() else None
    return done, figures


def _run_rss(argv, env=None) -> tuple[float, float, float]:
    """Wall and CPU seconds and peak resident MB of one command (its own, measured by the launcher)."""
    done, figures = run_measured(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, cwd=ROOT)
    if done.returncode != 0 or figures is None:
        raise RuntimeError(f"{' '.join(map(str, argv))} failed: {done.stderr.decode()[-500:]}")
    return figures["wall"], figures["cpu"], figures["mb"]


def _in_process(fn):
    """A callable for :func:`paired` timing ``fn()`` in this process: (wall, CPU)."""
    def run():
        cpu, start = time.process_time(), time.perf_counter()
        fn()
        return time.perf_counter() - start, time.process_time() - cpu
    return run


def brokerage_rows(n: int, runs: int) -> list[dict]:
    """Burt's constraint and effective size (harbin_kg.analysis.brokerage) and sampled betweenness (k=200) on a
    partnership-like network of ``n`` organisations (benchmarks/analysis.py's generator, seed 7),
    beside igraph's own ``constraint()`` and igraph's unweighted betweenness from the same 200
    sources, in this process on the same graph (issue 17 item 4: ≤ 2 s and ≤ 10 s at 100k).
    The rows "on the shared copy" take the igraph copy that ``centrality.compute`` makes once for
    all measures; the whole-call rows include making it."""
    import random

    sys.path.insert(0, str(ROOT / "benchmarks"))
    from analysis import partnership_like

    from harbin_kg.analysis import brokerage
    from harbin_kg.analysis.centrality import _betweenness, _indices, centrality, compute, to_igraph

    G = partnership_like(n, 7)
    copy = to_igraph(G)
    g, nodes = copy
    size = f"{n // 1000}k nodes"
    shape = f"{G.number_of_nodes():,} nodes, {G.number_of_edges():,} edges"

    def target(result, goal):
        return f"{shape}; target ≤ {goal:g} s at 100k" + (
            ": " + ("met" if result["ours"]["wall"] <= goal else "missed") + " on wall, "
            + ("met" if result["ours"]["cpu"] <= goal else "missed") + " on CPU" if n == 100_000 else "")

    igraph_constraint = _in_process(lambda: g.constraint(weights="weight"))
    burt = paired(_in_process(lambda: brokerage.burt_measures(G)), igraph_constraint, runs)
    alone = paired(_in_process(lambda: brokerage.constraint(G, ig_graph=copy)), igraph_constraint, runs)
    whole = paired(_in_process(lambda: compute(G, ["constraint"], backend="igraph")), igraph_constraint, runs)
    size_only = paired(_in_process(lambda: brokerage.effective_size(G, ig_graph=copy)), igraph_constraint, runs)
    sources = _indices(nodes, random.Random(1).sample(nodes, min(200, n)))
    unweighted = _in_process(lambda: g.betweenness(directed=False, sources=sources))
    between = paired(_in_process(lambda: centrality(G, "betweenness", backend="igraph", seed=1, samples=200)),
                     unweighted, max(1, runs // 2))
    shared = paired(_in_process(lambda: _betweenness(G, "igraph", 1, 200, copy)), unweighted, max(1, runs // 2))
    floor = "igraph `constraint(weights=)` (constraint only)"
    return [
        row(size, "Burt's constraint + effective size (`brokerage.burt_measures`, weighted, from networkx)",
            floor, burt, note=shape),
        row(size, "Burt's constraint (`brokerage.constraint` on the shared igraph copy)", floor, alone,
            note=target(alone, 2)),
        row(size, "`compute(G, [\"constraint\"])`, whole call (igraph copy + constraint + parameters)", floor, whole,
            note=target(whole, 2)),
        row(size, "Burt's effective size (`brokerage.effective_size` on the shared igraph copy)", floor, size_only,
            note=shape + "; no C counterpart (triangles in C, sums in numpy)"),
        row(size, "betweenness, k=200 sampled sources (`centrality`, igraph, weighted, whole call)",
            "igraph `betweenness(sources=200)`, unweighted", between, note=target(between, 10)),
        row(size, "betweenness, k=200 sampled sources, weighted, on the shared igraph copy",
            "igraph `betweenness(sources=200)`, unweighted", shared,
            note=target(shared, 10) + "; " + sampling_error(5_000 if n >= 5_000 else n)),
    ]


def sampling_error(n: int) -> str:
    """How far the k=200 estimate is from exact betweenness on a partnership-like network small
    enough to compute exactly (seeds 1–3): the largest and the mean absolute error."""
    from analysis import partnership_like

    from harbin_kg.analysis.centrality import centrality

    G = partnership_like(n, 7)
    exact = centrality(G, "betweenness", backend="igraph", samples=0)
    largest, mean = [], []
    for seed in (1, 2, 3):
        estimate = centrality(G, "betweenness", backend="igraph", seed=seed, samples=200)
        errors = [abs(estimate[v] - exact[v]) for v in G]
        largest.append(max(errors))
        mean.append(sum(errors) / len(errors))
    return (f"error of k=200 against exact at {n:,} nodes (seeds 1–3): largest {max(largest):.4f}, "
            f"mean {max(mean):.5f}, largest exact value {max(exact.values()):.4f}")


def _plain_partnership(store):
    """The floor of the export: the stated participations read by predicate scans and networkx's
    own weighted projection (no names, kinds, years, statuses of relators or provenance)."""
    import networkx as nx
    import pyoxigraph as ox
    from networkx.algorithms import bipartite

    def pairs(p):
        return {q.subject: q.object for q in store.quads_for_pattern(None, ox.NamedNode(HV + p), None)}

    stated = ox.NamedNode("https://w3id.org/hrbvet/scheme/assertion-status/stated")
    status, relator = pairs("assertionStatus"), pairs("relator")
    B = nx.Graph()
    agents = set()
    for part, agent in pairs("agent").items():
        if status.get(part) == stated and part in relator:
            B.add_edge(agent, relator[part])
            agents.add(agent)
    return bipartite.collaboration_weighted_projected_graph(B, agents)


def scale_rows(path: Path, size: str, runs: int) -> list[dict]:
    """The export (the partnership projection, in process on a loaded store) beside the plain
    projection, and the whole ``harbin-kg map -P partnership --top 1000`` beside a raw load of
    the same file, with the peak memory of both processes (issue 17 item 5)."""
    from harbin_kg.analysis.network import attach_evidence, project
    from harbin_kg.graph.store import load_store

    store = load_store(path)
    G = project(store, "partnership", evidence=False)
    shape = f"{G.number_of_nodes():,} nodes, {G.number_of_edges():,} edges"
    export = paired(_in_process(lambda: project(store, "partnership", evidence=False)),
                    _in_process(lambda: _plain_partnership(store)), runs)
    eager = _in_process(lambda: attach_evidence(project(store, "partnership", evidence=False), store))()
    del G
    rows = [row(size, "export → partnership network (`project(…, evidence=False)`, loaded store)",
                "predicate scans + networkx `collaboration_weighted_projected_graph`", export,
                note=f"{shape}; evidence of every tie too: {_fmt(eager[0])} ({_fmt(eager[1])} CPU); target ≤ 2 s at 1M"
                     + (": " + ("met" if export["ours"]["wall"] <= 2 else "missed") if size == "1M" else ""))]
    with tempfile.TemporaryDirectory(prefix="harbin-floors-") as tmp:
        out = Path(tmp) / "m.html"
        ours = [CLI, "map", str(path), "-P", "partnership", "--top", "1000", "-o", str(out), "--force"]
        floor = [PY, "-c", "import sys, pyoxigraph as ox; ox.Store().bulk_load(path=sys.argv[1], "
                 "format=ox.RdfFormat.N_TRIPLES)", str(path)]
        times = {"ours": [], "floor": []}
        for _ in range(runs):
            times["ours"].append(_run_rss(ours))
            times["floor"].append(_run_rss(floor))
        result = {side: {"wall": statistics.median(t[0] for t in ts), "cpu": statistics.median(t[1] for t in ts),
                         "mb": max(t[2] for t in ts)} for side, ts in times.items()}
        rows.append(row(size, "`harbin-kg map FILE -P partnership --top 1000` (whole command)",
                        "raw pyoxigraph: bulk load of the file", result,
                        note=f"peak {result['ours']['mb']:,.0f} MB (raw load {result['floor']['mb']:,.0f} MB); "
                             "target ≤ 5 s and ≤ 1 GB at 1M"
                             + (": " + ("met" if result["ours"]["wall"] <= 5 and result["ours"]["mb"] <= 1024 else "missed")
                                if size == "1M" else "")))
    return rows


_RAW_PAGERANK = """import sys, igraph, pyoxigraph as ox
sys.path.insert(0, sys.argv[2])
from floors import _plain_partnership
store = ox.Store()
store.bulk_load(path=sys.argv[1], format=ox.RdfFormat.N_TRIPLES)
g = igraph.Graph.from_networkx(_plain_partnership(store))
print(len(g.pagerank(weights="weight")))
"""


def _raw_load(path: Path) -> None:
    import pyoxigraph as ox

    ox.Store().bulk_load(path=str(path), format=ox.RdfFormat.N_TRIPLES)


def _met(seconds: float, goal: float, size: str) -> str:
    return f"target ≤ {_fmt(goal)} at 1M" + (": " + ("met" if seconds <= goal else "missed") if size == "1M" else "")


def target_rows(path: Path, size: str, runs: int) -> list[dict]:
    """The rows the functions above leave out (issue 17 items 6–7 and its PageRank row): the load
    in process beside pyoxigraph's own bulk load of the path, ``validate --engine oxigraph`` as a
    whole command beside a raw load of the file, and ``centrality -m pagerank`` as a whole command
    beside a raw load + the plain projection + igraph's PageRank."""
    from harbin_kg.graph.store import load_store

    load = paired(_in_process(lambda: load_store(path)), _in_process(lambda: _raw_load(path)), runs)
    raw = [PY, "-c", "import sys, pyoxigraph as ox; ox.Store().bulk_load(path=sys.argv[1], "
           "format=ox.RdfFormat.N_TRIPLES)", str(path)]
    shacl = paired([CLI, "validate", str(path), "--engine", "oxigraph", "--no-warnings"], raw, runs)
    pagerank = paired([CLI, "centrality", str(path), "-m", "pagerank", "-P", "partnership", "--backend", "igraph"],
                      [PY, "-c", _RAW_PAGERANK, str(path), str(ROOT / "benchmarks")], runs)
    return [
        row(size, "load (`load_store`: checks + bulk load, in process)", "pyoxigraph `bulk_load(path=)`, in process",
            load, note=_met(load["ours"]["wall"], 3, size)),
        row(size, "`harbin-kg validate FILE --engine oxigraph --no-warnings` (whole command)",
            "raw pyoxigraph: bulk load of the file", shacl, note=_met(shacl["ours"]["wall"], 60, size)),
        row(size, "`harbin-kg centrality FILE -m pagerank -P partnership --backend igraph` (whole command)",
            "raw pyoxigraph load + predicate scans + networkx projection + igraph PageRank", pagerank,
            note="issue 17 before: networkx backend 42.7 s, igraph 13.8 s at 1M"),
    ]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--graph", type=Path, action="append", default=[], help="N-Triples file(s) for the file rows")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--skip-startup", action="store_true")
    parser.add_argument("--brokerage", type=int, default=0, metavar="N",
                        help="also Burt's measures and sampled betweenness on an N-node partnership-like network")
    parser.add_argument("--scale", action="store_true",
                        help="with --graph: only the export, map, load, SHACL and PageRank rows (not the query rows)")
    parser.add_argument("--skip-scale", action="store_true",
                        help="with --graph: only the query rows (not the export, map, load, SHACL and PageRank rows)")
    args = parser.parse_args(argv)
    rows = [] if args.skip_startup else startup_rows(args.runs)
    if args.brokerage:
        rows += brokerage_rows(args.brokerage, args.runs)
    for path in args.graph:
        size = path.stem.rsplit("-", 1)[-1]
        if not args.scale:
            rows += binding_rows(path, size, args.runs)
            rows += file_rows(path, size, max(1, args.runs // 2 + 1))
        if not args.skip_scale:
            rows += scale_rows(path, size, max(1, args.runs // 2 + 1))
            rows += target_rows(path, size, max(1, args.runs // 2 + 1))
    load = os.getloadavg()
    print(render(rows))
    print(f"\nLoad average at the end: {load[0]:.2f} / {load[1]:.2f} / {load[2]:.2f} (1 / 5 / 15 min), "
          f"{os.cpu_count()} cores.")
    print(json.dumps([{k: v for k, v in r.items()} for r in rows]), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
