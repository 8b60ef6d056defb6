"""Relationship maps in headless Chromium: harbin-kg vs plain pyvis defaults (issue 12 budgets).

Measured, median of N runs, on Barabási–Albert graphs (two edges per new node, seeded):

* **time to interactive** at 300, 1,000 and 5,000 nodes — ``render_map`` in Python (seeded igraph
  layout, precomputed at every size) plus the browser, from navigation start to the first frame
  drawn once the network is settled. Budgets: ≤ 1 s at 300 nodes, ≤ 2 s at 5,000.
* **pyvis defaults** — ``Network()`` filled with ``add_node``/``add_edge`` (physics on, 1,000
  stabilisation iterations), ``generate_html`` with ``cdn_resources="in_line"`` (its only mode that
  draws offline; its Bootstrap CDN request is blocked), then the same browser measure. A pyvis
  run is stopped after ``--pyvis-cap`` seconds and reported as "> cap".
* **panning** at the largest size — a 40-step mouse drag across the canvas; the table gives the
  median and 95th percentile of vis-network's redraw time per frame (``beforeDrawing`` →
  ``afterDrawing``) and of the interval between animation frames, and the CPU time per frame of
  every process the benchmark started. That CPU figure includes the harness itself (playwright
  sending 40 mouse events, the browser process): the same drag over a one-node map is measured
  too, and the difference is what the map costs. Budget: ≤ 50 ms per frame.
* **pinning a node** at the largest size — ``hkgMap.pin`` on five nodes in turn (the panel, the
  highlight of the node's links, the filters' bookkeeping) until the next frame is drawn: the
  page's main-thread CPU per pin. No budget; what a click costs once the map is open.
* **the whole ``harbin-kg map`` run** on a synthetic graph (``harbin-kg synth``) whose ecosystem
  projection has about 5,000 nodes: wall time and CPU time of the command (the machine's load
  average is printed, because wall time on a shared machine waits for a core). Budget: ≤ 5 s.
  Beside it, the plain way: the same projection drawn with pyvis defaults and ``write_html``.

"Settled" is the same for both pages: a hook on ``vis.Network`` waits for
``stabilizationIterationsDone`` when stabilisation is on (the page cannot be used before) and
then for the next ``afterDrawing``; with physics off, the first ``afterDrawing``.

Run: ``.venv/bin/python benchmarks/maps.py [--runs 3] [--sizes 300,1000,5000] [--pyvis-cap 120]
[--synth-triples 110000]``. Needs Debian's chromium at /usr/bin/chromium; every page runs with
the network blocked.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import networkx as nx

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]
KINDS = ("School", "Enterprise", "GovernmentBody", "Consortium", "Agreement")

HOOK = """
window.__bench = { t: null, stab: false, hooked: false };
(function () {
  var store;
  Object.defineProperty(window, "vis", { configurable: true, get: function () { return store; },
    set: function (v) {
      store = v; var N;
      Object.defineProperty(v, "Network", { configurable: true, enumerable: true,
        get: function () { return N; },
        set: function (C) {
          N = C; var orig = C.prototype.setData;
          C.prototype.setData = function (d) {
            var net = this, b = window.__bench;
            if (!b.hooked) {
              b.hooked = true; b.net = net; b.draws = []; var t0 = null;
              net.on("beforeDrawing", function () { t0 = performance.now(); });
              net.on("afterDrawing", function () { if (t0 !== null) { b.draws.push(performance.now() - t0); } });
              net.once("stabilizationIterationsDone", function () { b.stab = true; });
              net.on("afterDrawing", function () {
                var o = net.physics.options;
                if (b.t === null && (b.stab || !o.enabled || !o.stabilization.enabled)) { b.t = performance.now(); }
              });
            }
            return orig.call(this, d);
          };
        } });
    } });
})();
"""


def progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def graph(n: int) -> nx.Graph:
    G = nx.barabasi_albert_graph(n, 2, seed=11)
    for v in G:
        G.nodes[v].update(iri=f"https://w3id.org/hrbvet/id/org/bench-{v}", kind=KINDS[v % len(KINDS)],
                          label_zh=f"机构{v}", label_en=f"Organisation {v}", placeholder=False)
    for u, v in G.edges:
        G.edges[u, v].update(weight=1.0, relations=["agreement"])
    return G


def ours(G: nx.Graph) -> tuple[str, float]:
    from harbin_kg.web.maps import render_map

    t = time.perf_counter()
    page = render_map(G, title=f"{len(G)} nodes")
    return page, time.perf_counter() - t


def pyvis_default(G: nx.Graph) -> tuple[str, float]:
    from pyvis.network import Network

    t = time.perf_counter()
    net = Network(cdn_resources="in_line")
    for v, d in G.nodes(data=True):
        net.add_node(v, label=d["label_zh"], title=d["label_en"])
    for u, v in G.edges:
        net.add_edge(u, v)
    page = net.generate_html()
    return page, time.perf_counter() - t


def browser_time(browser, page_html: str, folder: Path, cap: float, pan: bool = False):
    """((seconds from navigation start to settled-and-drawn or None past ``cap``, CPU seconds of
    every process started, CPU seconds of the page's main thread), pan figures or None)."""
    path = folder / "bench.html"
    path.write_text(page_html, encoding="utf-8")
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.add_init_script(HOOK)
    cdp = context.new_cdp_session(page)  # the page's main-thread CPU time (Performance.ThreadTime)
    cdp.send("Performance.enable")
    leaked = []

    def route(r):
        if r.request.url == path.as_uri():
            r.continue_()
        else:
            leaked.append(r.request.url)
            r.abort()

    page.route("**/*", route)
    start, thread0 = _task_seconds(), _thread_seconds(cdp)
    try:
        page.goto(path.as_uri(), wait_until="commit", timeout=cap * 1000)
        # Poll from outside: page.evaluate is not subject to the page's CSP (wait_for_function is).
        deadline = time.monotonic() + cap
        while time.monotonic() < deadline:
            t = page.evaluate("window.__bench ? window.__bench.t : null")
            if t is not None:
                busy, thread = _task_seconds() - start, _thread_seconds(cdp) - thread0
                if not pan:
                    return (t / 1000.0, busy, thread), None
                figures = pan_figures(page, cdp)
                figures.update(pin_figures(page, cdp))
                return (t / 1000.0, busy, thread), figures
            page.wait_for_timeout(50)
        return (None, None, None), None
    except Exception as error:  # playwright's TimeoutError: past the cap
        if "Timeout" not in type(error).__name__ and "Timeout" not in str(error):
            raise
        return (None, None, None), None
    finally:
        context.close()


def _thread_seconds(cdp) -> float:
    """CPU seconds of the page's main thread (where vis-network and the page's script run): unlike
    the figure of every process, it leaves out the harness (playwright, the browser process)."""
    metrics = {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}
    return float(metrics.get("ThreadTime", 0.0))


def _task_seconds(cdp=None) -> float:
    """CPU seconds (user + system) used so far by every process this script started — the
    playwright driver and all of Chromium's processes — read from /proc. Unlike wall time it
    does not grow while a process waits for a core, so it stays meaningful on a loaded machine."""
    ticks = os.sysconf("SC_CLK_TCK")
    parent, cpu = {}, {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parent[int(entry)] = int(fields[1])
        cpu[int(entry)] = (int(fields[11]) + int(fields[12])) / ticks
    me, total = os.getpid(), 0.0
    for pid, seconds in cpu.items():
        p = parent.get(pid)
        while p and p != me and p != 1:
            p = parent.get(p)
        if p == me:
            total += seconds
    return total


def pan_figures(page, cdp) -> dict:
    """Drag the canvas 40 steps; redraw time per frame and frame intervals (ms, median and p95)."""
    # start near the centre, on a spot with no node or link: the drag must pan the view, not move a node
    box = page.evaluate("""() => { const n = window.__bench.net, c = n.body.container.getBoundingClientRect();
        for (let i = 0; i < 2000; i++) {
          const x = c.width / 2 + ((i * 37) % 400) - 200, y = c.height / 2 + ((i * 53) % 300) - 150;
          // nor a link the page draws itself (big maps): hovering one makes it a vis edge, a redraw
          const drawn = window.hkgMap && hkgMap.linkAt ? hkgMap.linkAt({x, y}) : null;
          if (n.getNodeAt({x, y}) === undefined && n.getEdgeAt({x, y}) === undefined && !drawn) { return [c.left + x, c.top + y]; } }
        return [c.left + c.width / 2, c.top + c.height / 2]; }""")
    page.evaluate("""() => { window.__bench.draws = []; window.__frames = [];
        (function tick(t) { window.__frames.push(t); if (window.__frames.length < 2000) requestAnimationFrame(tick); })
        (performance.now()); }""")
    x, y = box
    busy = _task_seconds(cdp)
    page.mouse.move(x, y)
    page.mouse.down()
    for i in range(40):
        page.mouse.move(x + 6 * (i + 1), y + 3 * (i + 1))
        page.wait_for_timeout(16)
    page.mouse.up()
    page.wait_for_timeout(200)
    busy = _task_seconds(cdp) - busy
    draws = page.evaluate("window.__bench.draws")
    frames = page.evaluate("window.__frames")
    gaps = [b - a for a, b in zip(frames, frames[1:])]

    def p95(xs):
        xs = sorted(xs)
        return xs[min(len(xs) - 1, int(0.95 * len(xs)))] if xs else float("nan")
    return {"draw_median": statistics.median(draws) if draws else float("nan"), "draw_p95": p95(draws),
            "draw_max": max(draws) if draws else float("nan"),
            "frame_median": statistics.median(gaps) if gaps else float("nan"), "frame_p95": p95(gaps),
            "draws": len(draws), "busy_per_frame": 1000 * busy / max(len(draws), 1)}


def pin_figures(page, cdp) -> dict:
    """Pin five nodes in turn (what a click does: panel, highlight, the filters' bookkeeping) and
    close the panel again; main-thread CPU ms of each pin until the next frame is drawn."""
    page.mouse.move(1, 1)  # off the map: nothing hovered
    ids = page.evaluate("hkgMap.data.nodes.slice(10, 15).map(n => n.id)")
    costs = []
    for node in ids:
        before = _thread_seconds(cdp)
        page.evaluate("""id => new Promise(done => { hkgMap.pin(id);
            requestAnimationFrame(() => requestAnimationFrame(() => done())); })""", node)
        costs.append(1000 * (_thread_seconds(cdp) - before))
        page.evaluate("hkgMap.closePanel()")
    return {"pin_median": statistics.median(costs), "pin_max": max(costs)} if costs else {}


def whole_run(triples: int, folder: Path) -> dict:
    """``harbin-kg map`` on a synthetic graph of about ``triples`` triples: wall and CPU seconds."""
    exe = Path(sys.executable).parent / "harbin-kg"
    graph = folder / f"synth-{triples}.nt"
    if not graph.exists():
        subprocess.run([str(exe), "synth", "-n", str(triples), "-s", "1", "-o", str(graph), "-q"], check=True)
    out = folder / "synth-map.html"
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    result = subprocess.run([str(exe), "map", str(graph), "-o", str(out), "--force"], check=True,
                            capture_output=True, text=True)
    wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    line = [row for row in result.stderr.splitlines() if row.startswith("wrote")][-1]
    code = ("import sys, time, resource; t = time.perf_counter();"
            "from harbin_kg.analysis.network import project; from pyvis.network import Network;"
            f"G = project({str(graph)!r}, 'ecosystem'); net = Network(cdn_resources='in_line', directed=True);"
            "[net.add_node(n, label=d.get('label_zh', n), title=d.get('label_en', n)) for n, d in G.nodes(data=True)];"
            "[net.add_edge(u, v) for u, v in G.edges()];"
            f"net.write_html({str(folder / 'synth-pyvis.html')!r});"
            "u = resource.getrusage(resource.RUSAGE_SELF); print(time.perf_counter() - t, u.ru_utime + u.ru_stime)")
    before = time.perf_counter()
    plain = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True, cwd=folder)
    plain_wall = time.perf_counter() - before
    _, plain_cpu = map(float, plain.stdout.split())
    return {"wall": wall, "cpu": cpu, "what": line, "plain_wall": plain_wall, "plain_cpu": plain_cpu,
            "load": os.getloadavg()[0]}


def fmt(value: float | None, cap: float) -> str:
    return f"> {cap:.0f} s" if value is None else f"{value:.2f} s"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--sizes", default="300,1000,5000")
    parser.add_argument("--pyvis-cap", type=float, default=120.0)
    parser.add_argument("--skip-pyvis", action="store_true")
    parser.add_argument("--synth-triples", type=int, default=110000,
                        help="size of the synthetic graph for the whole `harbin-kg map` run (0 = skip)")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    sizes = [int(s) for s in args.sizes.split(",")]
    load_start = os.getloadavg()[0]
    rows, pans = [], {}
    ours(graph(50))  # warm-up: the first render imports igraph, pyvis and jinja2 (a one-off ~1 s)
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        for n in sizes:
            G = graph(n)
            result = {}
            for name, make, cap in (("harbin-kg", ours, 600.0), ("pyvis", pyvis_default, args.pyvis_cap)):
                if name == "pyvis" and args.skip_pyvis:
                    result[name] = (float("nan"), None, None, None)
                    continue
                pys, browsers, busies, threads = [], [], [], []
                for run in range(args.runs):
                    page_html, py = make(G)
                    last = run == args.runs - 1 and n == max(sizes)
                    (b, busy, thread), pan = browser_time(browser, page_html, Path(tmp), max(cap - py, 1.0), pan=last)
                    if pan:
                        pans[name] = pan
                    progress(f"{n:>5} nodes  {name:<9} run {run + 1}: python {py:.2f} s, browser {fmt(b, cap)}"
                             + (f" (browser CPU {busy:.2f} s, main thread {thread:.2f} s)" if busy is not None else "")
                             + (f", pan {pan['draw_median']:.1f}/{pan['draw_p95']:.1f} ms" if pan else ""))
                    pys.append(py)
                    browsers.append(b)
                    busies.append(busy)
                    threads.append(thread)
                    if b is None:
                        break  # past the cap once: the median is past it too
                done = [b for b in browsers if b is not None]
                median = statistics.median(done) if len(done) == len(browsers) else None
                done_busy = [x for x in busies if x is not None]
                result[name] = (statistics.median(pys), median, statistics.median(done_busy) if median else None,
                                statistics.median([x for x in threads if x is not None]) if median else None)
            rows.append((n, G.number_of_edges(), result))
        # The harness's own share: any page takes some time to open, and a drag costs the harness
        # CPU of its own. The same measures on a map of one node.
        one = nx.Graph()
        one.add_node(0, iri="https://w3id.org/hrbvet/id/org/bench-0", kind="School", label_zh="机构0",
                     label_en="Organisation 0")
        refs = []
        for run in range(args.runs):
            ref, pan = browser_time(browser, ours(one)[0], Path(tmp), 60.0, pan=bool(pans) and run == args.runs - 1)
            refs.append(ref)
            if pan:
                pans["one node (harness)"] = pan
        reference = tuple(statistics.median(r[k] for r in refs) for k in range(3))
        browser.close()
        whole = whole_run(args.synth_triples, Path(tmp)) if args.synth_triples else None

    cap = args.pyvis_cap
    budget = {300: 1.0, 5000: 2.0}
    print("| nodes | edges | harbin-kg: Python render | harbin-kg: time to interactive (browser wall) "
          "| harbin-kg: CPU until interactive, all processes | harbin-kg: CPU until interactive, page main thread "
          "| budget | pyvis defaults: Python | pyvis defaults: time to interactive | speed-up (wall) |")
    print("|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|")
    print(f"| 1 (reference) | 0 | | {reference[0]:.2f} s | {reference[1]:.2f} s | {reference[2]:.2f} s | "
          "what any map costs here | | | |")
    for n, m, r in rows:
        ours_py, ours_t, ours_busy, ours_thread = r["harbin-kg"]
        py_py, py_t, _, _ = r["pyvis"]
        if args.skip_pyvis:
            ratio, py_cell, pyt_cell = "n/a", "n/a", "n/a"
        else:
            ratio = "n/a" if ours_t is None else (f"≥ {cap / ours_t:.0f}×" if py_t is None else f"{py_t / ours_t:.1f}×")
            py_cell, pyt_cell = f"{py_py:.2f} s", fmt(py_t, cap)
        goal = budget.get(n)
        verdict = "" if goal is None or ours_t is None else (
            f"≤ {goal:g} s: wall {'met' if ours_t <= goal else 'missed'}, main-thread CPU "
            f"{'met' if ours_thread is not None and ours_thread <= goal else 'missed'}")
        busy_cell = "n/a" if ours_busy is None else f"{ours_busy:.2f} s"
        thread_cell = "n/a" if ours_thread is None else f"{ours_thread:.2f} s"
        print(f"| {n:,} | {m:,} | {ours_py:.2f} s | {fmt(ours_t, 600)} | {busy_cell} | {thread_cell} | {verdict} | {py_cell} "
              f"| {pyt_cell} | {ratio} |")
    if pans:
        print(f"\nPanning at {max(sizes):,} nodes (40-step drag; ms per frame, median / p95; the slowest redraw "
              "counts the live one after the mouse is released):\n")
        print("| page | redraw per frame (wall) | slowest redraw | frame interval | CPU per frame (all processes) "
              "| CPU per frame, less the harness | frames drawn | budget ≤ 50 ms |")
        print("|---|---:|---:|---:|---:|---:|---:|---|")
        harness = pans.get("one node (harness)", {}).get("busy_per_frame", 0.0)
        for name, pan in pans.items():
            net = pan["busy_per_frame"] - harness
            ok = "" if name.startswith("one node") else (
                f"redraw median {'met' if pan['draw_median'] <= 50 else 'missed'}, p95 "
                f"{'met' if pan['draw_p95'] <= 50 else 'missed'}; CPU {'met' if net <= 50 else 'missed'}")
            print(f"| {name} | {pan['draw_median']:.1f} / {pan['draw_p95']:.1f} | {pan['draw_max']:.1f} | "
                  f"{pan['frame_median']:.1f} / {pan['frame_p95']:.1f} | {pan['busy_per_frame']:.1f} | "
                  f"{'' if name.startswith('one node') else f'{net:.1f}'} | {pan['draws']} | {ok} |")
    pinned = {name: pan for name, pan in pans.items() if "pin_median" in pan and not name.startswith("one node")}
    if pinned:
        print(f"\nPinning a node at {max(sizes):,} nodes (panel, highlight of its links, until the next frame is "
              "drawn; page main-thread CPU, median / max of 5 nodes):\n")
        print("| page | CPU per pin |")
        print("|---|---:|")
        for name, pan in pinned.items():
            print(f"| {name} | {pan['pin_median']:.0f} / {pan['pin_max']:.0f} ms |")
    if whole:
        print(f"\nWhole run, `harbin-kg map` on `harbin-kg synth -n {args.synth_triples} -s 1` ({whole['what']}); "
              f"load average {whole['load']:.1f} on {os.cpu_count()} cores:\n")
        print("| command | wall | CPU (user + sys) | budget ≤ 5 s |")
        print("|---|---:|---:|---|")
        print(f"| harbin-kg map | {whole['wall']:.2f} s | {whole['cpu']:.2f} s | "
              f"{'met' if whole['wall'] <= 5 else ('met on CPU time' if whole['cpu'] <= 5 else 'MISSED')} |")
        print(f"| plain: project + pyvis defaults write_html | {whole['plain_wall']:.2f} s | {whole['plain_cpu']:.2f} s | |")
    print(f"\nmedian of {args.runs} runs; the browser time runs from navigation start to the first frame of a "
          f"settled map; pyvis runs capped at {cap:.0f} s; load average {load_start:.1f} at the start, "
          f"{os.getloadavg()[0]:.1f} at the end, on {os.cpu_count()} cores.")


if __name__ == "__main__":
    main()
