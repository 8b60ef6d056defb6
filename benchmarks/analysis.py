"""Benchmark: centrality measures in networkx vs igraph on random partnership-like networks.

Not a test. Builds seeded random two-mode networks (organisations × relators with mostly
2-party agreements, some 3–10-member groups and a few large consortia), projects them with
Newman weights 1/(n−1), and times each measure in both backends (median of --repeat runs).
Above harbin_kg.analysis.centrality.EXACT_PATHS_MAX nodes betweenness and closeness use
PATH_SAMPLES sampled sources in both backends. networkx runs predicted to take more than
--limit seconds (extrapolated from the previous size) are skipped and reported as such.

    .venv/bin/python benchmarks/analysis.py                 # 1k, 10k, 100k nodes
    .venv/bin/python benchmarks/analysis.py --sizes 1000 10000 --repeat 5
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time

import networkx as nx
import numpy as np

from harbin_kg.analysis import centrality as c

MEASURES = ["degree", "weighted_degree", "pagerank", "eigenvector", "betweenness", "closeness", "constraint",
            "articulation", "louvain"]


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def partnership_like(n: int, seed: int) -> nx.Graph:
    """A one-mode partnership network of ``n`` organisations (seeded)."""
    rng = np.random.default_rng(seed)
    relators = n
    sizes = np.where(rng.random(relators) < 0.8, 2, rng.integers(3, 11, relators))
    sizes[rng.random(relators) < 0.002] = 40  # a few large consortia
    # preferential choice: some organisations take part far more often than others
    activity = rng.pareto(3.0, n) + 1.0
    activity /= activity.sum()
    weights: dict[tuple[int, int], float] = {}
    for size in sizes:
        members = np.unique(rng.choice(n, size=size, p=activity))
        if len(members) < 2:
            continue
        add = 1.0 / (len(members) - 1)
        for i in range(len(members)):
            for j in range(i + 1, len(members)):
                key = (int(members[i]), int(members[j]))
                weights[key] = weights.get(key, 0.0) + add
    G = nx.Graph()
    G.add_nodes_from(range(n))
    G.add_edges_from((u, v, {"weight": w, "distance": 1.0 / w}) for (u, v), w in weights.items())
    return G


def run_measure(G, measure: str, backend: str, seed: int, ig_graph):
    if measure == "louvain":
        return c.louvain(G, seed=seed, backend=backend)
    if measure == "degree":
        return c._degree(G)
    if measure == "weighted_degree":
        return c._weighted_degree(G)
    if measure == "pagerank":
        return c._pagerank(G, backend, ig_graph)
    if measure == "eigenvector":
        return c._eigenvector(G, backend, ig_graph)
    if measure == "betweenness":
        return c._betweenness(G, backend, seed, None, ig_graph)
    if measure == "closeness":
        return c._closeness(G, backend, seed, None, ig_graph)
    if measure == "constraint":
        return c._constraint(G, backend, ig_graph)
    if measure == "articulation":
        return c.articulation_points(G, backend)
    raise ValueError(measure)


def timed(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000, 100_000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--limit", type=float, default=60.0, help="skip networkx runs predicted above this (s)")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    random.seed(args.seed)
    rows = []
    previous: dict[str, tuple[int, float]] = {}
    for n in args.sizes:
        say(f"[{n:,} nodes] generating …")
        G = partnership_like(n, args.seed)
        m = G.number_of_edges()
        say(f"[{n:,} nodes] {m:,} edges; converting to igraph through an integer edge list …")
        convert = timed(lambda: c.to_igraph(G), 1)
        ig_graph = c.to_igraph(G)
        sampled = n > c.EXACT_PATHS_MAX
        for measure in MEASURES:
            label = measure + (f" (k={c.PATH_SAMPLES} sampled)" if sampled and measure in ("betweenness", "closeness")
                               else "")
            say(f"[{n:,} nodes] {measure}: igraph …")
            t_ig = timed(lambda: run_measure(G, measure, "igraph", args.seed, ig_graph), args.repeat)
            t_nx, note = None, ""
            if measure in previous:
                m_prev, t_prev = previous[measure]
                predicted = t_prev * (m / m_prev) * 1.2
                if predicted > args.limit:
                    note = f"networkx skipped (predicted ~{predicted:,.0f} s > {args.limit:.0f} s)"
            cubes = sum(d ** 3 for _, d in G.degree()) if measure == "constraint" else 0
            if measure == "constraint" and cubes > 2e7:
                # networkx's constraint recomputes normalised weights per pair: about Σ deg³ steps.
                note = f"networkx skipped (nx.constraint is O(Σdeg³) = {cubes:.1e} here)"
            if not note:
                say(f"[{n:,} nodes] {measure}: networkx …")
                reps = args.repeat if n <= 10_000 else 1
                t_nx = timed(lambda: run_measure(G, measure, "networkx", args.seed, None), reps)
                previous[measure] = (m, t_nx)
                if reps == 1 and args.repeat > 1:
                    note = "networkx: 1 run"
            elif measure in previous:
                previous[measure] = (m, previous[measure][1] * (m / previous[measure][0]))
            rows.append((n, m, label, t_nx, t_ig, note))
        rows.append((n, m, "to_igraph (edge list)", None, convert, ""))
    print(f"{'nodes':>8} {'edges':>9}  {'measure':<28} {'networkx s':>11} {'igraph s':>9} {'ratio':>7}  note")
    for n, m, label, t_nx, t_ig, note in rows:
        nx_s = f"{t_nx:11.3f}" if t_nx is not None else f"{'—':>11}"
        ratio = f"{t_nx / t_ig:7.1f}" if t_nx is not None and t_ig > 0 else f"{'—':>7}"
        print(f"{n:>8,} {m:>9,}  {label:<28} {nx_s} {t_ig:9.3f} {ratio}  {note}")


if __name__ == "__main__":
    main()
