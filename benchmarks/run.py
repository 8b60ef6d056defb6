"""The whole pipeline at 10k, 100k and 1M synthetic triples, each step beside the plain way.

Run: ``.venv/bin/python benchmarks/run.py`` (full: 10k, 100k, 1M; rewrites its own block at the top of
benchmarks/RESULTS.md and keeps the sections below it)
or ``.venv/bin/python benchmarks/run.py --quick`` (10k only, one run each; CI, not timed there).

Every step runs in its own child process (``--child``), once for harbin-kg's way and once for
the plain way, so each gets its own peak memory (``ru_maxrss``) and a crash or a slow plain run
cannot disturb the others; a plain child is stopped after ``--cap`` seconds ("> cap").
Figures are medians of ``--runs`` runs (3; fewer for plain runs at 1M). Loading the graph for
a step is not part of that step's time (except the load step itself).

Steps (harbin-kg vs plain):
  generate  synth.generate (no plain way)
  load      pyoxigraph bulk load vs rdflib ``Graph.parse``
  build     N/A for synthetic data (it is generated in built form)
  validate  the shapes compiled to SPARQL on pyoxigraph, from the file (``validate --engine oxigraph``)
            vs pySHACL on the rdflib graph (the reference; run up to 100k, not in --quick)
  lookup / partners-typical / partners-biggest / aggregate / path
            the same SPARQL text on pyoxigraph vs rdflib's engine
  export    network.project(…, "partnership") vs rdflib triples + networkx bipartite projection
  degree / pagerank / betweenness (sampled) / louvain
            centrality with the igraph backend vs networkx
  map       maps.render_map (fixed igraph layout) vs pyvis add_node/add_edge + generate_html
  endpoint  lookups/s against an Oxigraph server (EndpointStore) vs harbin-kg's WSGI app in-process
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
SIZES = {"10k": 10_000, "100k": 100_000, "1M": 1_000_000}
QUERY_STEPS = ("lookup", "partners-typical", "partners-biggest", "aggregate", "path")
CENTRALITY_STEPS = ("degree", "pagerank", "betweenness", "louvain")
MAP_NODES = 1000
SAMPLES = 200  # sampled sources for betweenness, both backends

HV = "https://w3id.org/hrbvet/ont#"
ID = "https://w3id.org/hrbvet/id/"


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# =============================================================================== child side


def pick_orgs(path: Path) -> tuple[str, str, int, int]:
    """The organisation with the median number of participations (among those with any) and the biggest."""
    from harbin_kg.graph.store import load_store

    store = load_store(path)
    rows = [(int(r["n"].value), r["a"].value) for r in store.query(
        f"SELECT ?a (COUNT(*) AS ?n) WHERE {{ ?p <{HV}agent> ?a }} GROUP BY ?a")]
    rows.sort()
    typical, biggest = rows[len(rows) // 2], rows[-1]
    return typical[1], biggest[1], typical[0], biggest[0]


def _queries(extra: dict) -> dict[str, str]:
    from harbin_kg.namespaces import PREFIXES

    prefixes = "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items())
    partners = (ROOT / "harbin_kg/query/queries/partners-of.rq").read_text(encoding="utf-8")
    typical, biggest = f"<{extra['typical']}>", f"<{extra['biggest']}>"
    return {
        "lookup": prefixes + f"SELECT ?l WHERE {{ <{ID}org/synth-school-00042> skos:prefLabel ?l }}",
        "partners-typical": (prefixes + partners, typical[1:-1]),
        "partners-biggest": (prefixes + partners, biggest[1:-1]),
        "aggregate": prefixes + """SELECT ?type (COUNT(DISTINCT ?a) AS ?n) (AVG(?parties) AS ?avg)
WHERE { { SELECT ?a (COUNT(?p) AS ?parties) WHERE { ?p hv:relator ?a } GROUP BY ?a }
        ?a hv:agreementType ?type } GROUP BY ?type ORDER BY DESC(?n)""",
        "path": prefixes + f"""SELECT ?kind (COUNT(DISTINCT ?org) AS ?n)
WHERE {{ ?place schema:containedInPlace+ <{ID}place/synth-province-000> .
        ?org hv:locatedIn ?place ; a ?kind }} GROUP BY ?kind""",
    }


class Capped(Exception):
    """A run took longer than --cap seconds (raised by SIGALRM between Python bytecodes)."""


def _alarm(signum, frame):
    raise Capped()


def _timed(fn, runs: int, cap: float | None = None, warm: bool = False) -> list[float]:
    """Times of up to ``runs`` runs; a run past ``cap`` seconds is stopped and not counted, and
    no further run starts once ``cap`` seconds are spent in total (an empty list = "> cap")."""
    import signal

    times: list[float] = []
    signal.signal(signal.SIGALRM, _alarm)
    try:
        if warm:  # first-call costs (imports, conversions cached per process) are not the step's
            signal.setitimer(signal.ITIMER_REAL, cap or 0)
            fn()
            signal.setitimer(signal.ITIMER_REAL, 0)
        for _ in range(runs):
            start = time.perf_counter()
            signal.setitimer(signal.ITIMER_REAL, cap or 0)
            fn()
            signal.setitimer(signal.ITIMER_REAL, 0)
            times.append(time.perf_counter() - start)
            if cap is not None and sum(times) > cap:
                break
    except Capped:
        pass
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
    return times


def _load(path: Path, impl: str):
    if impl == "fast":
        from harbin_kg.graph.store import load_store

        return load_store(path)
    import rdflib

    graph = rdflib.Graph()
    graph.parse(str(path), format="nt")
    return graph


def _partnership(path: Path, impl: str, store):
    import networkx as nx

    if impl == "fast":
        from harbin_kg.analysis.network import project

        # What centrality and the map project: ties without their quotes (read for what is shown).
        return project(store, "partnership", evidence=False)
    from networkx.algorithms import bipartite
    from rdflib import URIRef

    B = nx.Graph()
    stated = URIRef("https://w3id.org/hrbvet/scheme/assertion-status/stated")
    agent_p, relator_p, status_p = URIRef(HV + "agent"), URIRef(HV + "relator"), URIRef(HV + "assertionStatus")
    agents = set()
    for p, _, agent in store.triples((None, agent_p, None)):
        if store.value(p, status_p) != stated:
            continue
        relator = store.value(p, relator_p)
        B.add_edge(agent, relator)
        agents.add(agent)
    for m, _, agent in store.triples((None, URIRef("http://www.w3.org/ns/org#member"), None)):
        if store.value(m, status_p) != stated:
            continue
        B.add_edge(agent, store.value(m, URIRef("http://www.w3.org/ns/org#organization")))
        agents.add(agent)
    return bipartite.collaboration_weighted_projected_graph(B, agents)


def child(step: str, path: Path, impl: str, runs: int, cap: float, extra: dict) -> dict:
    out: dict = {"step": step, "impl": impl}
    if step == "generate":
        from harbin_kg.scale.synth import generate

        class Sink:
            def write(self, data):
                return len(data)

        out["times"] = _timed(lambda: generate(extra["triples"], 1, Sink()), runs)
    elif step == "load":
        out["times"] = _timed(lambda: _load(path, impl), runs, cap)
    elif step == "validate":
        from harbin_kg.graph.store import load_rdflib
        from harbin_kg.graph.validate import validate_file, validate_graph

        report = None
        if impl == "fast":
            def run():  # the file into a store, the compiled checks: what `validate --engine oxigraph` does
                nonlocal report
                report = validate_file(path, engine="oxigraph")
        else:
            graph = load_rdflib(path)

            def run():
                nonlocal report
                report = validate_graph(graph, engine="pyshacl")

        out["times"] = _timed(run, runs, cap)
        out["note"] = (f"conforms={report.conforms}, violations={len(report.violations)}, "
                       f"warnings={len(report.warnings)}" if report is not None else "")
    elif step == "queries":
        store = _load(path, impl)
        texts = _queries(extra)
        out["times"] = {}
        out["rows"] = {}
        for name, text in texts.items():
            text, org = text if isinstance(text, tuple) else (text, None)
            if impl == "fast":
                import pyoxigraph as ox
                from rdflib import URIRef

                from harbin_kg.query.inline import inline

                # harbin-kg's way: the IRI written into the query (issue 17), else substitutions.
                inlined = inline(text, {"org": URIRef(org)}) if org else None
                text = inlined or text
                subs = {ox.Variable("org"): ox.NamedNode(org)} if org and not inlined else None

                def run(text=text, subs=subs):
                    return len(list(store.query(text, substitutions=subs)))
            else:
                from rdflib import URIRef

                bindings = {"org": URIRef(org)} if org else {}

                def run(text=text, bindings=bindings):
                    return len(list(store.query(text, initBindings=bindings)))
            out["times"][name] = _timed(run, runs, cap)
            if out["times"][name]:
                out["rows"][name] = run()  # a check that both engines agree
    elif step == "export":
        store = _load(path, impl)
        G = None

        def run():
            nonlocal G
            G = _partnership(path, impl, store)

        out["times"] = _timed(run, runs, cap)
        out["note"] = f"{G.number_of_nodes():,} nodes, {G.number_of_edges():,} edges" if G is not None else ""
    elif step == "centrality":
        from harbin_kg.analysis.centrality import centrality, louvain
        from harbin_kg.analysis.network import project

        G = project(_load(path, "fast"), "partnership")
        backend = "igraph" if impl == "fast" else "networkx"
        out["times"] = {}
        for measure in CENTRALITY_STEPS:
            if measure == "louvain":
                fn = lambda: louvain(G, seed=1, backend=backend)  # noqa: E731
            else:
                fn = lambda m=measure: centrality(G, m, backend=backend, seed=1,  # noqa: E731
                                                  samples=SAMPLES if m == "betweenness" else None)
            out["times"][measure] = _timed(fn, runs, cap, warm=G.number_of_nodes() < 20_000)
        out["note"] = f"{G.number_of_nodes():,} nodes, {G.number_of_edges():,} edges"
    elif step == "map":
        from harbin_kg.web.maps import reduce_graph, render_map
        from harbin_kg.analysis.network import project

        G = project(_load(path, "fast"), "partnership")
        degrees = dict(G.degree())
        keep = sorted(G, key=lambda n: (-degrees[n], str(n)))[:MAP_NODES]
        H = G.subgraph(keep).copy()
        if impl == "fast":
            fn = lambda: render_map(H, title="benchmark", layout="fixed", seed=1)  # noqa: E731
        else:
            from pyvis.network import Network

            def fn():
                net = Network(cdn_resources="in_line")
                for n, data in H.nodes(data=True):
                    net.add_node(str(n), label=str(data.get("label_zh", n)), title=str(n))
                for u, v in H.edges():
                    net.add_edge(str(u), str(v))
                return net.generate_html()
        out["times"] = _timed(fn, runs, cap, warm=True)
        out["note"] = f"{H.number_of_nodes():,} nodes (top by degree), {H.number_of_edges():,} edges"
        _ = reduce_graph
    elif step == "endpoint":
        out.update(_endpoint(path, impl, extra))
    out["maxrss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return out


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _endpoint(path: Path, impl: str, extra: dict) -> dict:
    """Sequential label lookups for ~3 s: Oxigraph server over HTTP vs harbin-kg's WSGI app in-process."""
    import random
    import urllib.parse

    rng = random.Random(1)
    iris = [f"{ID}org/synth-school-{rng.randrange(extra['schools']):05d}" for _ in range(10_000)]
    texts = [f"SELECT ?l WHERE {{ <{iri}> <http://www.w3.org/2004/02/skos/core#prefLabel> ?l }}" for iri in iris]
    if impl == "fast":
        from harbin_kg.graph.remote import EndpointStore

        binary = Path(PY).parent / "oxigraph"
        with tempfile.TemporaryDirectory() as tmp:
            subprocess.run([str(binary), "load", "--location", tmp, "--file", str(path)], check=True,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            port = _free_port()
            server = subprocess.Popen([str(binary), "serve-read-only", "--location", tmp, "--bind",
                                       f"127.0.0.1:{port}"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            try:
                endpoint = EndpointStore(f"http://127.0.0.1:{port}/query", default_graph=())
                for _ in range(100):
                    try:
                        endpoint.query("ASK { ?s ?p ?o }")
                        break
                    except Exception:
                        time.sleep(0.1)
                done, start = 0, time.perf_counter()
                while time.perf_counter() - start < 3 and done < len(texts):
                    endpoint.query(texts[done])
                    done += 1
                elapsed = time.perf_counter() - start
            finally:
                server.terminate()
                server.wait(10)
    else:
        from harbin_kg.web.server import call_app, make_app

        app = make_app(path, workers=1)
        try:
            call_app(app, "GET", "/sparql?query=" + urllib.parse.quote("ASK { ?s ?p ?o }"))
            done, start = 0, time.perf_counter()
            while time.perf_counter() - start < 3 and done < len(texts):
                status, _, _ = call_app(app, "GET", "/sparql?query=" + urllib.parse.quote(texts[done]),
                                        headers={"Accept": "application/sparql-results+json"})
                done += 1
            elapsed = time.perf_counter() - start
        finally:
            app.close()
    return {"qps": done / elapsed, "times": [elapsed / max(done, 1)]}


# ============================================================================== parent side


def run_child(step: str, path: Path, impl: str, runs: int, cap: float, extra: dict) -> dict:
    """One step in a child process, started through floors.py's launcher so that its peak memory
    is its own and not this process's (which holds the floors' graphs)."""
    import floors

    args = [PY, __file__, "--child", step, "--graph", str(path), "--impl", impl, "--runs", str(runs),
            "--cap", str(cap), "--extra", json.dumps(extra)]
    start = time.perf_counter()
    try:
        done, figures = floors.run_measured(args, capture_output=True, text=True, timeout=cap * 8 + 900, cwd=ROOT)
    except subprocess.TimeoutExpired:
        return {"step": step, "impl": impl, "capped": True, "elapsed": time.perf_counter() - start}
    if done.returncode != 0 or figures is None:
        tail = (done.stderr or "").strip().splitlines()[-3:]
        return {"step": step, "impl": impl, "error": " | ".join(tail)}
    result = json.loads(done.stdout.strip().splitlines()[-1])
    result["maxrss_mb"] = figures["mb"]
    return result


def median(times) -> float | None:
    return statistics.median(times) if times else None


def fmt_time(seconds: float | None, capped_at: float | None = None) -> str:
    if seconds is None:
        return f"> {capped_at:g} s" if capped_at else "—"
    if seconds < 1e-3:
        return f"{seconds * 1e6:.0f} µs"
    if seconds < 1:
        return f"{seconds * 1e3:.1f} ms"
    return f"{seconds:.2f} s"


def machine() -> str:
    import igraph
    import networkx
    import pyoxigraph
    import pyshacl
    import rdflib

    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram = "unknown"
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        ram = f"{kb / 1024 / 1024:.1f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    return (f"{cpu}; {os.cpu_count()} cores; {ram} RAM; {platform.system()} {platform.release()}; "
            f"Python {platform.python_version()}; pyoxigraph {pyoxigraph.__version__}, rdflib {rdflib.__version__}, "
            f"pyshacl {pyshacl.__version__}, networkx {networkx.__version__}, igraph {igraph.__version__}")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="10k only, one run each (CI).")
    parser.add_argument("--sizes", default=None, help="Comma-separated subset of 10k,100k,1M.")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--cap", type=float, default=120.0, help="Seconds after which a plain run is stopped.")
    parser.add_argument("--output", type=Path, default=None, help="Write the Markdown table here "
                        "(default: benchmarks/RESULTS.md for a full run, nowhere for --quick).")
    parser.add_argument("--floors-only", action="store_true",
                        help="Only the table of harbin-kg beside its floor (issue 17: start-up, bound queries, "
                             "queries on a file through its cached store); benchmarks/floors.py.")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--graph", help=argparse.SUPPRESS)
    parser.add_argument("--impl", help=argparse.SUPPRESS)
    parser.add_argument("--extra", default="{}", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        result = child(args.child, Path(args.graph), args.impl, args.runs, args.cap, json.loads(args.extra))
        print(json.dumps(result))
        return 0

    sizes = ["10k"] if args.quick else (args.sizes.split(",") if args.sizes else list(SIZES))
    runs = 1 if args.quick else args.runs
    rows: list[dict] = []
    notes: list[str] = []
    import floors  # benchmarks/floors.py: harbin-kg beside its floor, in this same run

    say("[bundled] start-up beside bare imports")
    floor_rows = floors.startup_rows(max(runs, 5) if not args.quick else 1)
    # Burt's measures and sampled betweenness at 100k nodes (issue 17 item 4); 10k under --quick.
    say("[brokerage] constraint and sampled betweenness beside igraph")
    floor_rows += floors.brokerage_rows(10_000 if args.quick else 100_000, 1 if args.quick else 3)
    with tempfile.TemporaryDirectory(prefix="harbin-bench-") as tmp:
        for size in sizes:
            n = SIZES[size]
            path = Path(tmp) / f"synth-{size}.nt"
            from harbin_kg.scale.synth import _plan, write_synthetic

            say(f"[{size}] generating {n:,} triples")
            stats = write_synthetic(path, n, 1, force=True)
            plan = _plan(n, 2816)
            typical, biggest, n_typical, n_biggest = pick_orgs(path)
            extra = {"size": size, "schools": plan.schools, "triples": n, "typical": typical, "biggest": biggest}
            notes.append(f"- {size}: typical organisation {typical.rsplit('/', 1)[-1]} ({n_typical} participations), "
                         f"biggest {biggest.rsplit('/', 1)[-1]} ({n_biggest}).")
            big = n >= 1_000_000
            plain_runs = 1 if big else runs
            fast_runs = runs if not big else max(runs, 3)
            say(f"[{size}] bound queries and cached file queries beside their floors")
            floor_rows += floors.binding_rows(path, size, runs)
            floor_rows += floors.file_rows(path, size, 1 if big or args.quick else runs)
            say(f"[{size}] export and the 1,000-node map beside their floors")
            floor_rows += floors.scale_rows(path, size, 1 if big or args.quick else runs)
            say(f"[{size}] load, SHACL and PageRank (whole command) beside their floors")
            floor_rows += floors.target_rows(path, size, 1 if big or args.quick else runs)
            if args.floors_only:
                path.unlink(missing_ok=True)
                continue

            def step(name, fast_runs=fast_runs, plain_runs=plain_runs, plain=True, cap=args.cap):
                say(f"[{size}] {name}: harbin-kg")
                fast = run_child(name, path, "fast", fast_runs, cap, extra)
                slow = run_child(name, path, "plain", plain_runs, cap, extra) if plain else None
                if slow is not None:
                    say(f"[{size}] {name}: plain way done")
                return fast, slow

            fast, _ = step("generate", plain=False, fast_runs=1 if big else runs)
            rows.append(_row(size, "generate (synth)", fast, None, args.cap, note=f"{stats.triples:,} triples"))
            fast, slow = step("load")
            rows.append(_row(size, "load", fast, slow, args.cap))
            rows.append({"size": size, "step": "build", "fast": "N/A", "plain": "N/A", "ratio": "",
                         "mem": "", "note": "synthetic data is generated in built form (derived edges included)"})
            # pySHACL (the plain way) up to 100k; not in --quick, where it alone would take most of the run
            fast, slow = step("validate", plain=n <= 100_000 and not args.quick, fast_runs=1, plain_runs=1)
            rows.append(_row(size, "validate (compiled SPARQL vs pySHACL)", fast, slow, args.cap,
                             note=fast.get("note", "") + ("" if slow is None or not slow.get("note")
                                                          or slow.get("note") == fast.get("note")
                                                          else f" (pySHACL: {slow['note']})")))
            fast, slow = step("queries", fast_runs=max(fast_runs, 5))
            for q in QUERY_STEPS:
                rows.append(_row(size, f"query: {q}", fast, slow, args.cap, key=q,
                                 note=f"{fast.get('rows', {}).get(q, '?')} rows"
                                 + ("" if slow is None or slow.get("rows", {}).get(q) in (None, fast.get("rows", {}).get(q))
                                    else f" (rdflib: {slow['rows'][q]})")))
            fast, slow = step("export")
            rows.append(_row(size, "export → partnership network", fast, slow, args.cap, note=fast.get("note", "")))
            fast, slow = step("centrality")
            for m in CENTRALITY_STEPS:
                label = f"centrality: {m}" + (f" (sampled, k={SAMPLES})" if m == "betweenness" else "")
                rows.append(_row(size, label, fast, slow, args.cap, key=m, note=fast.get("note", "")))
            fast, slow = step("map")
            rows.append(_row(size, f"map (≤{MAP_NODES} nodes)", fast, slow, args.cap, note=fast.get("note", "")))
            fast, slow = step("endpoint", fast_runs=1, plain_runs=1)
            rows.append(_endpoint_row(size, fast, slow))
            path.unlink(missing_ok=True)

    table = (render(rows) + "\n\n" + targets(rows, sizes[-1], args.cap) + "\n\n") if rows else ""
    load = os.getloadavg()
    table += (f"## harbin-kg beside its floor\n\n{floors.render(floor_rows)}\n\nLoad average at the end: "
              f"{load[0]:.2f} / {load[1]:.2f} / {load[2]:.2f} (1 / 5 / 15 min).")
    print(table)
    output = args.output or (None if args.quick or args.floors_only else ROOT / "benchmarks" / "RESULTS.md")
    if output is not None:
        text = (f"# Benchmark results\n\nMachine: {machine()}\n\nCommand: `python benchmarks/run.py"
                f"{' --quick' if args.quick else ''}` ({time.strftime('%Y-%m-%d')}); medians of {runs} runs "
                f"(plain runs at 1M: 1, stopped after {args.cap:g} s).\n\n{table}\n")
        write_results(output, text + "\n".join(notes) + "\n\nThe sections below were written by branches at "
                      "their own dates; their figures are of their own runs.")
        say(f"wrote {output}")
    return 0


END_MARK = "<!-- end of the block benchmarks/run.py writes; the sections below are kept as they are -->"
GENERATED = ("# Benchmark results", "## Targets (at ", "## harbin-kg beside its floor")


def kept_sections(old: str) -> str:
    """What follows run.py's own block in an existing RESULTS.md: everything after the end mark,
    or (a file written before the mark) from the first heading run.py does not write."""
    if END_MARK in old:
        return old.split(END_MARK, 1)[1].lstrip("\n")
    for i, line in enumerate(old.splitlines(keepends=True)):
        if line.startswith("#") and not line.startswith(GENERATED):
            return "".join(old.splitlines(keepends=True)[i:])
    return ""


def write_results(output: Path, block: str) -> None:
    """Replace run.py's block at the top of ``output``, keeping the sections branches added below it."""
    from harbin_kg.writing import atomic_write_text

    kept = kept_sections(output.read_text(encoding="utf-8")) if output.exists() else ""
    atomic_write_text(output, block.rstrip("\n") + "\n\n" + END_MARK + "\n" + ("\n" + kept if kept else ""))


def _row(size, step, fast, slow, cap, key=None, note="") -> dict:
    def med(result):
        if result is None:
            return None, ""
        if result.get("capped"):
            return None, f"> {cap:g} s"
        if "error" in result:
            return None, "error: " + result["error"][:80]
        times = result["times"][key] if key else result["times"]
        return (median(times), "") if times else (None, f"> {cap:g} s")

    f, f_text = med(fast)
    s, s_text = med(slow) if slow is not None else (None, "—")
    ratio = f"{s / f:.1f}×" if f and s else (f"> {cap / f:.0f}×" if f and s_text.startswith(">") else "")
    mem = f"{fast.get('maxrss_mb', 0):.0f}" + (f" / {slow.get('maxrss_mb', 0):.0f}" if slow and "maxrss_mb" in slow else "")
    return {"size": size, "step": step, "fast": f_text or fmt_time(f), "plain": s_text or fmt_time(s),
            "ratio": ratio, "mem": mem, "note": note, "fast_s": f, "plain_s": s,
            "mem_fast": fast.get("maxrss_mb"), "mem_plain": slow.get("maxrss_mb") if slow else None}


def _endpoint_row(size, fast, slow) -> dict:
    fq = fast.get("qps")
    sq = slow.get("qps") if slow else None
    return {"size": size, "step": "endpoint: label lookups/s (sequential)",
            "fast": f"{fq:.0f}/s" if fq else "error", "plain": f"{sq:.0f}/s" if sq else "error",
            "ratio": f"{fq / sq:.1f}×" if fq and sq else "",
            "mem": f"{fast.get('maxrss_mb', 0):.0f}" + (f" / {slow.get('maxrss_mb', 0):.0f}" if slow else ""),
            "note": "Oxigraph server over HTTP vs harbin-kg WSGI app in-process"}


def targets(rows: list[dict], size: str, cap: float) -> str:
    """The issue's targets against the largest size run."""
    at = {r["step"]: r for r in rows if r["size"] == size}

    def fast(step):
        return (at.get(step) or {}).get("fast_s")

    def plain(step):
        return (at.get(step) or {}).get("plain_s")

    out = [f"## Targets (at {size}; the issue states them for 1M triples)", "",
           "| target | limit | measured | met? |", "|---|---:|---:|---|"]

    def line(name, limit, value, unit="s", higher_better=False):
        if value is None:
            out.append(f"| {name} | {limit:g} {unit} | not measured | — |")
            return
        ok = value >= limit if higher_better else value <= limit
        shown = f"{value:.1f}×" if unit == "×" else (fmt_time(value) if unit == "s" else f"{value:.0f} {unit}")
        limit_shown = f"{limit:g}×" if unit == "×" else (fmt_time(limit) if unit == "s" else f"{limit:g} {unit}")
        how = "met" if ok else "missed"
        if not ok and value and limit:
            how += f" by {value / limit:.1f}×" if not higher_better else f" ({limit / value:.1f}× short)"
        elif ok and value:
            how += f" ({limit / value:.1f}× margin)" if not higher_better else f" ({value / limit:.1f}×)"
        out.append(f"| {name} | {'≥ ' if higher_better else '≤ '}{limit_shown} | {shown} | {how} |")

    line("load (pyoxigraph)", 3.0, fast("load"))
    q = [f"query: {k}" for k in QUERY_STEPS]
    if all(fast(k) for k in q + ["load"]) and all(plain(k) for k in q + ["load"]):
        ours = fast("load") + sum(fast(k) for k in q)
        theirs = plain("load") + sum(plain(k) for k in q)
        line("load + the five queries vs rdflib, end to end", 10.0, theirs / ours, unit="×", higher_better=True)
    else:
        out.append("| load + queries vs rdflib, end to end | ≥ 10× | a plain run was capped or failed | — |")
    line("lookup", 0.001, fast("query: lookup"))
    line("partners of a typical organisation", 0.002, fast("query: partners-typical"))
    line("partners of the biggest organisation", 0.015, fast("query: partners-biggest"))
    line("aggregate", 0.150, fast("query: aggregate"))
    line("path", 0.150, fast("query: path"))
    line("export to the partnership network", 2.0, fast("export → partnership network"))
    parts = [fast("export → partnership network")] + [fast(f"centrality: {m}" + (f" (sampled, k={SAMPLES})" if m == "betweenness" else "")) for m in CENTRALITY_STEPS]
    nodes = (at.get("export → partnership network") or {}).get("note", "")
    line(f"export + degree + PageRank + Louvain + sampled betweenness ({nodes}; target is for 100k nodes)", 5.0,
         sum(parts) if all(p is not None for p in parts) else None)
    line("SHACL validation of the whole graph (compiled SPARQL on pyoxigraph)", 60.0,
         fast("validate (compiled SPARQL vs pySHACL)"))
    peaks = [r.get("mem_fast") for r in rows if r["size"] == size and r.get("mem_fast")]
    if peaks:
        line("peak memory of any harbin-kg step", 4096, max(peaks), unit="MB")
    return "\n".join(out)


def render(rows: list[dict]) -> str:
    lines = ["| size | step | harbin-kg | plain way | ratio | peak MB (ours / plain) | note |",
             "|---|---|---:|---:|---:|---:|---|"]
    for r in rows:
        lines.append(f"| {r['size']} | {r['step']} | {r['fast']} | {r['plain']} | {r['ratio']} | {r['mem']} | {r['note']} |")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
