"""How good and how fast ``harbin-kg propose`` is: precision and recall per kind, and time.

Answer keys:

* **seed** — the seed report against its own curated facts (the bundled graph): the names,
  figures, dates and ties whose quotes lie in the report. The graph knows every name of the
  report here, so "entities" measures finding known names.
* **seed, blind** — the same report with a lexicon of concepts only (no organisations, places
  or documents): how many of the report's organisations the endings alone find as new names.
* **example-1, example-2** — made-up texts (``benchmarks/propose_corpus/``) whose keys were
  written by hand before the proposer first ran on them.

Time: ``propose_text`` on a 10,000-character text (the report repeated), median of N runs,
with the lexicon built once; and the lexicon build itself.

Run: ``.venv/bin/python benchmarks/propose.py [--runs 5]``. Prints a table; progress on stderr.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

from rdflib import URIRef

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from harbin_kg.graph.outputs import default_graph_path  # noqa: E402
from harbin_kg.propose import Lexicon, lexicon_from_graph, propose_text  # noqa: E402
from harbin_kg.propose.dates import parse_publication_date  # noqa: E402
from harbin_kg.propose.score import answer_key, score, score_by_names  # noqa: E402
from harbin_kg.graph.store import load_rdflib  # noqa: E402
from harbin_kg.query.tables import render_table  # noqa: E402

CORPUS = ROOT / "benchmarks" / "propose_corpus"
SEED = ROOT / "data" / "sources" / "seed-article.txt"
GOALS = {"entities": 0.95, "figures": 0.9, "dates": None, "ties": 0.7}


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _blind(lexicon: Lexicon) -> Lexicon:
    blind = Lexicon(units=dict(lexicon.units))
    for key, names in lexicon.names.items():
        kept = [n for n in names if n.kind == "indicator"]
        if kept:
            blind.names[key] = kept
    return blind


def _blind_recall(graph, text: str, blind: Lexicon, lexicon: Lexicon) -> tuple[int, int, int]:
    """(organisations in the key, found as new names, new names proposed)."""
    from harbin_kg.propose.lexicon import fold_key

    key = answer_key(graph, URIRef("https://w3id.org/hrbvet/id/text/seed-article"), text, lexicon)
    kinds = {n.iri: n.kind for bucket in lexicon.names.values() for n in bucket}
    names = {}
    for key_name, bucket in lexicon.names.items():
        for n in bucket:
            names.setdefault(n.iri, set()).add(key_name)
    orgs = [iri for iri in key.entities if kinds.get(iri) == "organisation"]
    proposals = propose_text(text, blind)
    new = {fold_key(m.text) for m in proposals.entities if m.is_new}
    found = sum(1 for iri in orgs if names.get(iri, set()) & new)
    return len(orgs), found, len(new)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    say("loading the bundled graph")
    graph = load_rdflib(default_graph_path(progress=say))
    started = time.perf_counter()
    lexicon = lexicon_from_graph(graph)
    lexicon_seconds = time.perf_counter() - started
    seed_text = SEED.read_text(encoding="utf-8")

    rows = []

    def add(corpus: str, results) -> None:
        for s in results:
            goal = GOALS.get(s.kind)
            met = "" if goal is None else ("yes" if s.recall >= goal and s.precision >= 0.8 else "NO")
            rows.append([corpus, s.kind, s.proposed, s.correct, s.expected, s.found,
                         f"{s.precision:.2f}", f"{s.recall:.2f}",
                         "" if goal is None else f"R≥{goal} P≥0.8", met])

    say("scoring the seed report against its curated facts")
    seed = propose_text(seed_text, lexicon, published=parse_publication_date("2024-05"))
    key = answer_key(graph, URIRef("https://w3id.org/hrbvet/id/text/seed-article"), seed_text, lexicon)
    add("seed", score(seed, key))
    for path in sorted(CORPUS.glob("*.txt")):
        say(f"scoring {path.name}")
        hand_key = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
        proposals = propose_text(path.read_text(encoding="utf-8"), lexicon,
                                 published=parse_publication_date(hand_key["published"]))
        add(path.stem, score_by_names(proposals, hand_key))

    headers = ["corpus 语料", "kind 类别", "proposed", "correct", "expected", "found", "precision",
               "recall", "goal", "met"]
    print(render_table(headers, rows, align="<<>>>>>><<"))

    orgs, found, proposed = _blind_recall(graph, seed_text, _blind(lexicon), lexicon)
    print(f"\nseed, blind (no entity names known): {found} of the report's {orgs} organisations found "
          f"by their endings alone ({found / orgs:.2f}); {proposed} new names proposed in all")

    say(f"timing propose_text on a 10,000-character text, {args.runs} runs")
    long_text = (seed_text * (10_000 // len(seed_text) + 1))[:10_000]
    times = []
    for _ in range(args.runs):
        started = time.perf_counter()
        propose_text(long_text, lexicon, published=parse_publication_date("2024-05"))
        times.append(time.perf_counter() - started)
    print("\n" + render_table(["work 工作", "median s", "runs", "goal"], [
        ["lexicon from the bundled graph", f"{lexicon_seconds:.3f}", 1, ""],
        ["propose_text, 10,000 characters", f"{statistics.median(times):.3f}", args.runs, "< 1 s"],
    ], align="<>><"))


if __name__ == "__main__":
    main()
