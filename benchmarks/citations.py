"""Benchmark: what citations cost — the build's hv:cite expansion, reading citations for the
projections, and name lookup with traditional → simplified normalisation.

Not a test. Uses the made-up web fixture (tests/data/web-fixture) replicated N times with
renamed facts, so the sizes are controlled; prints a table of CPU seconds (process time, so a
busy shared machine disturbs it less than wall time), median of --repeat runs.

    .venv/bin/python benchmarks/citations.py
    .venv/bin/python benchmarks/citations.py --copies 1 10 100 --repeat 3
"""

from __future__ import annotations

import argparse
import re
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))


def timed(fn, repeat: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        start = time.process_time()
        result = fn()
        times.append(time.process_time() - start)
    return statistics.median(times), result


def replicate(root: Path, copies: int) -> None:
    """Copy the fixture's ties and figures ``copies`` times with renamed IRIs (same pages)."""
    web = root / "data" / "facts" / "web"
    for name in ("fixture-ties.ttl", "fixture-figures.ttl"):
        text = (web / name).read_text(encoding="utf-8")
        head, body = text.split("\n\n", 1)
        for k in range(1, copies):
            renamed = re.sub(r"<(agreement|obs|org/digital-economy-chanjiao-lianheti/member)/([a-z0-9-]+)",
                             lambda m: f"<{m.group(1)}/{m.group(2)}-copy{k}", body)
            renamed = renamed.replace("<dataset/fixture-web-stats> a", f"<dataset/fixture-web-stats-copy{k}> a")
            renamed = re.sub(r"<period/2019> a.*?\n\n", "", renamed, flags=re.S)
            (web / f"copy{k}-{name}").write_text(head + "\n\n" + renamed, encoding="utf-8")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--copies", type=int, nargs="+", default=[1, 10, 50])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)

    from conftest import make_web_project

    from harbin_kg.graph.build import build_graph
    from harbin_kg.graph.paths import Paths
    from harbin_kg.graph.labels import _normal, name_index
    from harbin_kg.analysis.network import citations_of, open_store, project

    rows = []
    for copies in args.copies:
        tmp = Path(tempfile.mkdtemp(prefix="h11-bench-"))
        try:
            make_web_project(tmp)
            replicate(tmp, copies)
            paths = Paths(tmp / "data", tmp / "ontology")
            build_s, graph = timed(lambda: build_graph(paths), args.repeat)
            store = open_store(graph)
            n_cites = sum(1 for _ in store.query("SELECT ?c WHERE { ?c a <https://w3id.org/hrbvet/ont#Citation> }"))
            facts = [row[0].value for row in store.query("SELECT DISTINCT ?f WHERE { ?f <https://w3id.org/hrbvet/ont#evidence> ?e }")]
            read_s, _ = timed(lambda: citations_of(store, facts), args.repeat)
            proj_s, G = timed(lambda: project(store, "partnership"), args.repeat)
            index_s, index = timed(lambda: name_index(graph), args.repeat)
            rows.append((copies, len(graph), n_cites, build_s, read_s, proj_s, G.number_of_nodes(), index_s, len(index)))
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    labels = ["哈爾濱職業技術學院", "哈尔滨职业技术学院", "Harbin Vocational & Technical College"] * 10_000
    norm_s, _ = timed(lambda: [_normal(text) for text in labels], args.repeat)

    header = ["copies", "triples", "citations", "build s", "citations_of s", "partnership s", "nodes",
              "name index s", "names"]
    print(" | ".join(header))
    print(" | ".join("---" for _ in header))
    for row in rows:
        print(" | ".join(f"{v:.3f}" if isinstance(v, float) else str(v) for v in row))
    print(f"\nname normalisation (NFKC + casefold + OpenCC t2s): {len(labels):,} names in {norm_s:.3f} s CPU "
          f"({len(labels) / norm_s:,.0f} names/s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
