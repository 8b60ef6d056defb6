"""The synthetic ecosystem: deterministic, the requested size, valid, quotes that hold, streaming."""

import hashlib
import io
import tracemalloc
from pathlib import Path

import pyoxigraph as ox
import pytest

from harbin_kg.cli import cli
from harbin_kg.scale.synth import MAX_CONSORTIUM, MAX_TRIPLES, SynthError, check_size, generate, source_path_for

ROOT = Path(__file__).resolve().parent.parent
HV = "https://w3id.org/hrbvet/ont#"
OA = "http://www.w3.org/ns/oa#"


def _make(triples, seed):
    out, source = io.BytesIO(), io.BytesIO()
    stats = generate(triples, seed, out, source_out=source)
    return out.getvalue(), source.getvalue().decode("utf-8"), stats


@pytest.fixture(scope="module")
def sample():
    """10k triples, seed 7: the graph bytes, the source text, the stats, a pyoxigraph Store."""
    data, text, stats = _make(10_000, 7)
    store = ox.Store()
    store.bulk_load(input=data, format=ox.RdfFormat.N_TRIPLES)
    return data, text, stats, store


def test_same_seed_gives_byte_identical_output():
    first, text1, _ = _make(20_000, 3)
    second, text2, _ = _make(20_000, 3)
    assert first == second and text1 == text2


def test_another_seed_gives_another_graph():
    assert _make(20_000, 3)[0] != _make(20_000, 4)[0]


@pytest.mark.parametrize("triples", [10_000, 50_000])
def test_size_is_close_to_the_request(triples):
    data, _, stats = _make(triples, 1)
    lines = data.count(b"\n")
    assert lines == stats.triples
    assert triples <= lines <= triples * 1.01


def test_no_duplicate_triples(sample):
    data, _, stats, store = sample
    assert len(store) == stats.triples


@pytest.mark.slow  # SHACL over a 10k-triple synthetic graph
def test_sample_conforms_to_the_shapes(sample):
    from rdflib import Graph

    from harbin_kg.graph.validate import validate_graph

    data = sample[0]
    graph = Graph()
    graph.parse(data=data.decode("utf-8"), format="nt")
    report = validate_graph(graph)
    assert report.violations == (), report.table(limit=10)
    assert report.conforms


def test_quotes_are_slices_of_the_synthetic_source(sample):
    _, text, stats, store = sample
    assert hashlib.sha256(text.encode("utf-8")).hexdigest() == stats.source_sha256
    source = list(store.query(f"SELECT ?sha ?n WHERE {{ ?t a <{HV}SourceText> ; <{HV}sha256> ?sha ; <{HV}charCount> ?n }}"))
    assert [(r["sha"].value, int(r["n"].value)) for r in source] == [(stats.source_sha256, len(text))]
    rows = list(store.query(f"""SELECT ?exact ?prefix ?suffix ?start ?end WHERE {{
        ?q a <{HV}Quote> ; <{OA}hasSelector> ?sel , ?pos .
        ?sel <{OA}exact> ?exact ; <{OA}prefix> ?prefix ; <{OA}suffix> ?suffix .
        ?pos <{OA}start> ?start ; <{OA}end> ?end }}"""))
    assert len(rows) == stats.counts["quotes"] > 50
    for r in rows:
        start, end, exact = int(r["start"].value), int(r["end"].value), r["exact"].value
        assert text[start:end] == exact
        assert text[:start].endswith(r["prefix"].value) and text[end:].startswith(r["suffix"].value)
        assert text.count(exact) == 1


def test_reported_text_is_inside_its_own_quote(sample):
    store = sample[3]
    rows = list(store.query(f"""SELECT ?rep ?exact WHERE {{ ?o <{HV}reportedText> ?rep ; <{HV}evidence> ?q .
        ?q <{OA}hasSelector> ?sel . ?sel <{OA}exact> ?exact }}"""))
    assert rows
    assert all(r["rep"].value in r["exact"].value for r in rows)


def test_every_evidence_points_at_a_quote(sample):
    store = sample[3]
    dangling = list(store.query(f"SELECT ?q WHERE {{ ?f <{HV}evidence> ?q FILTER NOT EXISTS {{ ?q a <{HV}Quote> }} }}"))
    assert dangling == []


def test_shortcuts_equal_the_build_rules(sample):
    """hv:party and org:memberOf/hasMember are exactly what ontology/rules/*.rq derive."""
    store = sample[3]
    derived = set()
    for rule in sorted((ROOT / "ontology" / "rules").glob("*.rq")):
        derived |= {str(t) for t in store.query(rule.read_text(encoding="utf-8"))}
    present = set()
    for p in (f"{HV}party", "http://www.w3.org/ns/org#memberOf", "http://www.w3.org/ns/org#hasMember"):
        present |= {str(q.triple) for q in store.quads_for_pattern(None, ox.NamedNode(p), None)}
    assert derived and derived == present


def test_agreements_have_two_to_five_parties_and_hubs_exist(sample):
    store = sample[3]
    sizes = [int(r["n"].value) for r in store.query(
        f"SELECT ?a (COUNT(?p) AS ?n) WHERE {{ ?p <{HV}relator> ?a }} GROUP BY ?a")]
    assert sizes and min(sizes) >= 2 and max(sizes) <= 5
    degrees = sorted((int(r["n"].value) for r in store.query(
        f"SELECT ?o (COUNT(?p) AS ?n) WHERE {{ ?p <{HV}agent> ?o }} GROUP BY ?o")), reverse=True)
    # skew: the busiest organisation has many times the median's participations
    assert degrees[0] >= 5 * degrees[len(degrees) // 2]


def test_consortia_are_skewed_but_capped():
    """Zipf over rank, truncated at MAX_CONSORTIUM: big groups at the top, a small tail, none huge."""
    data, _, _ = _make(50_000, 1)
    store = ox.Store()
    store.bulk_load(input=data, format=ox.RdfFormat.N_TRIPLES)
    sizes = sorted((int(r["n"].value) for r in store.query(
        "SELECT ?c (COUNT(?m) AS ?n) WHERE { ?m <http://www.w3.org/ns/org#organization> ?c } GROUP BY ?c")),
        reverse=True)
    assert sizes[0] == MAX_CONSORTIUM  # the cap is reached at this size …
    assert max(sizes) <= MAX_CONSORTIUM  # … and never passed
    assert sizes[0] >= 5 * sizes[len(sizes) // 2] and min(sizes) >= 2


def test_labels_are_marked_synthetic(sample):
    store = sample[3]
    labels = [r["l"] for r in store.query(
        "SELECT ?l WHERE { <https://w3id.org/hrbvet/id/org/synth-school-00042> "
        "<http://www.w3.org/2004/02/skos/core#prefLabel> ?l }")]
    assert sorted(label.language for label in labels) == ["en", "zh"]
    assert all("合成" in label.value or "Synthetic" in label.value for label in labels)


@pytest.mark.parametrize("size", [0, -5, 1.5, "many", None, True, 100, MAX_TRIPLES + 1, 10**12])
def test_nonsense_sizes_are_refused(size):
    with pytest.raises(SynthError) as info:
        generate(size, 1, io.StringIO())
    assert "--triples" in str(info.value)


def test_whole_numbers_in_other_types_are_accepted():
    assert check_size(20_000.0) == 20_000 and check_size(" 20000 ") == 20_000


@pytest.mark.slow  # benchmark scale: 200k triples
def test_streaming_keeps_memory_small():
    """200k triples (~40 MB of N-Triples) through a sink that keeps nothing: peak stays a few MB."""

    class Sink:
        size = 0

        def write(self, data):
            self.size += len(data)
            return len(data)

    sink = Sink()
    tracemalloc.start()
    try:
        generate(200_000, 5, sink)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert sink.size > 20_000_000
    assert peak < sink.size / 5
    assert peak < 12 * 1024 * 1024


# ------------------------------------------------------------------------------------- CLI


def test_cli_writes_graph_and_source_atomically(runner, tmp_path):
    out = tmp_path / "s.nt"
    result = runner.invoke(cli, ["synth", "--triples", "10000", "--seed", "2", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert out.exists() and source_path_for(out).exists()
    assert "synth:" in result.stderr and str(out) in result.stdout
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
    store = ox.Store()
    store.load(path=str(out), format=ox.RdfFormat.N_TRIPLES)
    repo_path = next(iter(store.quads_for_pattern(None, ox.NamedNode(HV + "repoPath"), None))).object.value
    assert repo_path == "s.source.txt"


def test_cli_refuses_to_overwrite_without_force(runner, tmp_path):
    out = tmp_path / "s.ttl"
    out.write_text("keep me")
    result = runner.invoke(cli, ["synth", "--triples", "10000", "-o", str(out)])
    assert result.exit_code == 1 and "--force" in result.stderr
    assert out.read_text() == "keep me"
    result = runner.invoke(cli, ["synth", "--triples", "10000", "-o", str(out), "--force", "-q"])
    assert result.exit_code == 0 and out.read_text() != "keep me"


@pytest.mark.parametrize("size", ["0", "-1", "1000000000", "12"])
def test_cli_refuses_nonsense_sizes(runner, tmp_path, size):
    out = tmp_path / "s.nt"
    result = runner.invoke(cli, ["synth", "--triples", size, "-o", str(out)])
    assert result.exit_code == 1 and "--triples" in result.stderr
    assert not out.exists()


def test_cli_refuses_a_non_integer_size(runner, tmp_path):
    result = runner.invoke(cli, ["synth", "--triples", "1e5x", "-o", str(tmp_path / "s.nt")])
    assert result.exit_code == 2
