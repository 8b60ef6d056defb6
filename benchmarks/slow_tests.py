"""CPU time of the slowest tests of `make test`, one pytest process per test, two checkouts alternately.

    python benchmarks/slow_tests.py --before ../harbin-kg-main --after . --rounds 3
    python benchmarks/slow_tests.py --after . --only seed_draft,two_builds

Each test runs alone (``-n 0``, under ``nice -n 5``) with the checkout's own code first on
PYTHONPATH; the figure is the CPU time (user + system) of the pytest process and its children
(the forked query workers, the notebook's kernel), startup and collection included, and the wall
time. With ``--before`` the two checkouts alternate within each round, so both see the same load;
the table gives medians and the 1-minute load average at the start. Run each checkout once first:
the session graphs (tests/conftest.py) are built into its .pytest_cache on the first run.
"""

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

TESTS = {
    "nb04": ["--nbmake", "notebooks/04-extending-the-graph.ipynb"],
    "seed_draft": ["tests/test_propose.py::test_seed_draft_validates_as_a_draft"],
    "round_trip": ["tests/test_propose.py::test_round_trip_from_a_new_text_to_a_fact_on_the_map"],
    "two_builds": ["tests/test_build.py::test_two_builds_are_byte_identical"],
    "failed_build": ["tests/test_build.py::test_a_failed_build_leaves_the_last_good_output"],
    "three_formats": ["tests/test_cli_graph.py::test_build_writes_three_formats"],
    "answers_article": ["tests/test_query_library.py::test_query_answers_the_article"],
    "budget": ["tests/test_query_library.py::test_every_query_stays_within_budget"],
}


def run(checkout: Path, args: list[str]) -> tuple[float, float, bool]:
    """(CPU s, wall s, passed) of one pytest run in ``checkout``."""
    env = dict(os.environ, PYTHONPATH=str(checkout.resolve()))
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(["nice", "-n", "5", sys.executable, "-m", "pytest", "-q", "-n", "0", *args],
                          cwd=checkout, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return cpu, wall, done.returncode == 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", type=Path, help="a checkout of the code before (e.g. a worktree of main)")
    parser.add_argument("--after", type=Path, default=Path("."))
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--only", default="", help="comma-separated names: " + ", ".join(TESTS))
    options = parser.parse_args()
    names = [n for n in options.only.split(",") if n] or list(TESTS)
    sides = [("before", options.before)] if options.before else []
    sides.append(("after", options.after))
    print(f"{'test':16} {'side':6} {'load':>5} {'CPU s (median)':>15} {'wall s':>7}  runs")
    for name in names:
        load = os.getloadavg()[0]
        found: dict[str, list[tuple[float, float, bool]]] = {side: [] for side, _ in sides}
        for _ in range(options.rounds):
            for side, checkout in sides:
                found[side].append(run(checkout, TESTS[name]))
        for side, _ in sides:
            cpus = [c for c, _, _ in found[side]]
            walls = [w for _, w, _ in found[side]]
            ok = "" if all(p for _, _, p in found[side]) else "  FAILED"
            print(f"{name:16} {side:6} {load:5.1f} {statistics.median(cpus):15.1f} {statistics.median(walls):7.1f}  "
                  + " ".join(f"{c:.1f}" for c in cpus) + ok, flush=True)


if __name__ == "__main__":
    main()
