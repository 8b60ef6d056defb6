"""Time to interactive of a relationship map in headless Chromium: harbin-kg vs pyvis defaults.

For 100, 1,000 and 5,000 nodes (Barabási–Albert graphs, two edges per new node, seeded) it
measures, median of N runs:

* **harbin-kg** — ``render_map`` in Python (igraph layout included above 300 nodes) plus the
  browser, from navigation start to the first frame drawn once the network is settled.
* **pyvis defaults** — ``Network()`` filled with ``add_node``/``add_edge`` (physics on, 1,000
  stabilisation iterations), ``generate_html`` with ``cdn_resources="in_line"`` (its only mode
  that draws offline; its Bootstrap CDN request is blocked), then the same browser measure.
  A pyvis run is stopped after ``--pyvis-cap`` seconds and reported as "> cap"; once a size
  hits the cap its remaining runs are skipped.

"Settled" is the same for both pages: a hook on ``vis.Network`` waits for
``stabilizationIterationsDone`` when stabilisation is on (the page cannot be used before) and
then for the next ``afterDrawing``; with physics off, the first ``afterDrawing``.

Run: ``.venv/bin/python benchmarks/maps.py [--runs 3] [--sizes 100,1000,5000] [--pyvis-cap 120]``.
Needs Debian's chromium at /usr/bin/chromium; the network is blocked for every page.
"""

from __future__ import annotations

import argparse
import statistics
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
              b.hooked = true;
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
    from harbin_kg.maps import render_map

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


def browser_time(browser, page_html: str, folder: Path, cap: float) -> float | None:
    """Seconds from navigation start to settled-and-drawn; None past ``cap``."""
    path = folder / "bench.html"
    path.write_text(page_html, encoding="utf-8")
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.add_init_script(HOOK)
    leaked = []

    def route(r):
        if r.request.url == path.as_uri():
            r.continue_()
        else:
            leaked.append(r.request.url)
            r.abort()

    page.route("**/*", route)
    try:
        page.goto(path.as_uri(), wait_until="commit", timeout=cap * 1000)
        # Poll from outside: page.evaluate is not subject to the page's CSP (wait_for_function is).
        deadline = time.monotonic() + cap
        while time.monotonic() < deadline:
            t = page.evaluate("window.__bench ? window.__bench.t : null")
            if t is not None:
                return t / 1000.0
            page.wait_for_timeout(50)
        return None
    except Exception as error:  # playwright's TimeoutError: past the cap
        if "Timeout" not in type(error).__name__ and "Timeout" not in str(error):
            raise
        return None
    finally:
        context.close()


def fmt(value: float | None, cap: float) -> str:
    return f"> {cap:.0f} s" if value is None else f"{value:.2f} s"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--sizes", default="100,1000,5000")
    parser.add_argument("--pyvis-cap", type=float, default=120.0)
    parser.add_argument("--skip-pyvis", action="store_true")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    sizes = [int(s) for s in args.sizes.split(",")]
    rows = []
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        for n in sizes:
            G = graph(n)
            result = {}
            for name, make, cap in (("harbin-kg", ours, 600.0), ("pyvis", pyvis_default, args.pyvis_cap)):
                if name == "pyvis" and args.skip_pyvis:
                    result[name] = (float("nan"), float("nan"), None)
                    continue
                totals, pys, browsers = [], [], []
                for run in range(args.runs):
                    page_html, py = make(G)
                    b = browser_time(browser, page_html, Path(tmp), max(cap - py, 1.0))
                    total = None if b is None or py + b > cap else py + b
                    progress(f"{n:>5} nodes  {name:<9} run {run + 1}: python {py:.2f} s, "
                             f"browser {fmt(b, cap)}, total {fmt(total, cap)}")
                    pys.append(py)
                    browsers.append(b)
                    totals.append(total)
                    if total is None:
                        break  # past the cap once: the median is past it too
                capped = [t for t in totals if t is not None]
                median = statistics.median(capped) if len(capped) == len(totals) else None
                result[name] = (statistics.median(pys), median, totals)
            rows.append((n, G.number_of_edges(), result))
        browser.close()

    cap = args.pyvis_cap
    print(f"| nodes | edges | harbin-kg: python | harbin-kg: time to interactive | pyvis defaults: python "
          f"| pyvis defaults: time to interactive | speed-up |")
    print("|---:|---:|---:|---:|---:|---:|---:|")
    for n, m, r in rows:
        ours_py, ours_t, _ = r["harbin-kg"]
        py_py, py_t, totals = r["pyvis"]
        if args.skip_pyvis:
            ratio, py_cell, pyt_cell = "n/a", "n/a", "n/a"
        else:
            ratio = f"≥ {cap / ours_t:.0f}×" if py_t is None else f"{py_t / ours_t:.1f}×"
            py_cell, pyt_cell = f"{py_py:.2f} s", fmt(py_t, cap)
        print(f"| {n:,} | {m:,} | {ours_py:.2f} s | {fmt(ours_t, 600)} | {py_cell} | {pyt_cell} | {ratio} |")
    print(f"\nmedian of {args.runs} runs; time to interactive includes the Python render (and layout); "
          f"pyvis runs capped at {cap:.0f} s. Goal: 5k nodes under 2.5 s.")


if __name__ == "__main__":
    main()
