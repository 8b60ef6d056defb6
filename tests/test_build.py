"""The build: quotes located by offsets, strict parsing, clear errors, atomic and deterministic output."""

import hashlib
import json
import re
from pathlib import Path

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import RDF

from harbin_kg.graph.build import build_graph
from harbin_kg.graph.outputs import load_graph, write_outputs
from harbin_kg.graph.paths import project_paths
from harbin_kg.graph.serialize import serialize
from harbin_kg.errors import DataError
from harbin_kg.namespaces import HV, ID, OA

SOURCE = (project_paths().sources / "seed-article.txt").read_text(encoding="utf-8")
PREFIXES = re.search(r"```turtle\n(@base.*?)```", (project_paths().data / "README.md").read_text(), re.S).group(1)


def add_file(project, name: str, body: str, folder="data/facts/seed-article"):
    path = project / folder / name
    path.write_text(PREFIXES + "\n" + body, encoding="utf-8")
    return path


def build(project):
    return build_graph(project_paths(project / "data", project / "ontology"))


# ---- the source text and its quotes -------------------------------------------------------

def test_source_is_the_shared_report_byte_for_byte():
    data = (project_paths().sources / "seed-article.txt").read_bytes()
    assert hashlib.sha256(data).hexdigest() == "81ed23542b6525f773da22970b16b4cd53f4e2b9955273622118d284da544ab4"
    assert len(data) == 11134 and len(SOURCE) == 4004


def test_every_quote_is_a_slice_of_its_source_at_its_offsets(bundled_graph):
    quotes = list(bundled_graph.subjects(RDF.type, HV.Quote))
    assert len(quotes) > 100
    for quote in quotes:
        selectors = list(bundled_graph.objects(quote, OA.hasSelector))
        exact = next(str(o) for s in selectors for o in bundled_graph.objects(s, OA.exact))
        start = next(int(o) for s in selectors for o in bundled_graph.objects(s, OA.start))
        end = next(int(o) for s in selectors for o in bundled_graph.objects(s, OA.end))
        assert SOURCE[start:end] == exact
        assert str(quote).endswith(f"/seed-article/{start}-{end}")
        prefix = [str(o) for s in selectors for o in bundled_graph.objects(s, OA.prefix)]
        suffix = [str(o) for s in selectors for o in bundled_graph.objects(s, OA.suffix)]
        assert not prefix or SOURCE[start - len(prefix[0]):start] == prefix[0]
        assert not suffix or SOURCE[end:end + len(suffix[0])] == suffix[0]


def test_a_quote_keeps_the_page_break_inside_a_word(seed_project):
    add_file(seed_project, "zz.ttl", '<org/harbin-university> hv:quote "哈\\n\\n市入选省级产教融合试点城市" .')
    graph = build(seed_project)
    start = SOURCE.index("哈\n\n市入选")
    end = start + len("哈\n\n市入选省级产教融合试点城市")
    assert (ID["org/harbin-university"], HV.evidence, ID[f"quote/seed-article/{start}-{end}"]) in graph


def test_the_worked_example_quote_has_the_offsets_model_md_gives(bundled_graph):
    # the project's design checked these by hand: 434-494 is the 2023 厅市共建 agreement sentence.
    exact = bundled_graph.value(ID["quote/seed-article/434-494/text"], OA.exact)
    assert exact is not None, "the 2023 agreement sentence is no longer quoted whole"
    assert str(exact).startswith("2023年底,在“部省共建”战略协议指引下")


@pytest.mark.parametrize("quote,expected", [
    ("哈尔滨市政府与省教育厅签署《厅市共建龙江职业教育创新发展样板战略合作协议》，", "is not in seed-article.txt"),
    ("哈尔滨职业教育再结累累硕果。这句话不在原文里", "is not in seed-article.txt"),
    ("到2025年", "occurs 2 times"),
    ("哈市入选省级产教融合试点城市", r"write it as \n\n"),
])
def test_a_bad_quote_names_file_line_and_cause(seed_project, quote, expected):
    path = add_file(seed_project, "zz.ttl", "\n\n" + f'<org/harbin-university> hv:quote "{quote}" .\n')
    with pytest.raises(DataError) as error:
        build(seed_project)
    message = str(error.value)
    assert str(path) in message and "line" in message
    assert expected in message


def test_a_quote_made_unique_by_its_prefix_is_accepted(seed_project):
    add_file(seed_project, "zz.ttl",
             '<org/harbin-university> hv:quote [ oa:prefix "加大职业培训方面," ; oa:exact "到2025年" ] .')
    graph = build(seed_project)
    start = SOURCE.index("加大职业培训方面,") + len("加大职业培训方面,")
    end = start + len("到2025年")
    assert (ID["org/harbin-university"], HV.evidence, ID[f"quote/seed-article/{start}-{end}"]) in graph


def test_a_changed_source_stops_the_build(seed_project):
    path = seed_project / "data/sources/seed-article.txt"
    path.write_bytes(path.read_bytes().replace("哈尔滨".encode(), "哈爾濱".encode(), 1))
    with pytest.raises(DataError, match="changed after its quotes were taken"):
        build(seed_project)


# ---- strict parsing and the checks Turtle cannot make -------------------------------------

@pytest.mark.parametrize("body,expected", [
    ('<org/x> a hv:School ; skos:prefLabel "x"@zh', "line 1"),                     # missing final dot
    ('<org/a b> a hv:School .', "Invalid IRI"),                                     # rdflib accepts this
    ('<org/x> a hv:School ; skos:prefLabel "\\u00ZZ"@zh .', "line 1"),              # bad escape
    ('<org/x> skos:prefLabel "x"@en^^xsd:string .', "line 1"),
])
def test_turtle_errors_give_file_and_line(seed_project, body, expected):
    path = seed_project / "data/facts/seed-article/zz.ttl"
    path.write_text(body + "\n", encoding="utf-8")
    with pytest.raises(DataError) as error:
        build(seed_project)
    assert str(path) in str(error.value) and expected in str(error.value)


def test_an_empty_file_is_an_error(seed_project):
    path = seed_project / "data/facts/seed-article/zz.ttl"
    path.write_text("   \n")
    with pytest.raises(DataError, match="empty"):
        build(seed_project)


def test_a_file_without_triples_is_an_error(seed_project):
    path = add_file(seed_project, "zz.ttl", "# only comments\n")
    with pytest.raises(DataError, match="no triples"):
        build(seed_project)
    assert path.exists()


@pytest.mark.parametrize("raw,expected", [
    (b"\xef\xbb\xbf<org/x> a <http://e/C> .", "byte-order mark"),
    ("<org/x> <http://e/p> \"哈尔滨\" .".encode("gb18030"), "not valid UTF-8"),
])
def test_encoding_problems_are_refused(seed_project, raw, expected):
    (seed_project / "data/facts/seed-article/zz.ttl").write_bytes(raw)
    with pytest.raises(DataError, match=expected):
        build(seed_project)


def test_an_unknown_term_names_the_file_and_line(seed_project):
    path = add_file(seed_project, "zz.ttl", '\n<org/harbin-university> hv:signedOnn "2023" .\n')
    with pytest.raises(DataError) as error:
        build(seed_project)
    line = path.read_text().splitlines().index('<org/harbin-university> hv:signedOnn "2023" .') + 1
    assert "unknown term" in str(error.value) and f"{path}, line {line}:" in str(error.value)


def test_an_unknown_concept_is_refused(seed_project):
    add_file(seed_project, "zz.ttl", "<org/harbin-university> hv:orgCategory orgcat:no-such-category .")
    with pytest.raises(DataError, match="no-such-category"):
        build(seed_project)


def test_an_entity_without_a_chinese_label_is_refused(seed_project):
    path = add_file(seed_project, "zz.ttl", '<org/nameless-school> a hv:School ; skos:prefLabel "Nameless"@en ;\n'
                    '  hv:quote "哈尔滨学院建成高水平应用型本科大学" .')
    with pytest.raises(DataError) as error:
        build(seed_project)
    assert "org/nameless-school" in str(error.value) and "Chinese label" in str(error.value)
    assert str(path) in str(error.value)


def test_a_duplicate_identifier_names_both_files(seed_project):
    path = add_file(seed_project, "zz.ttl", '<org/harbin-university> a hv:School ; skos:prefLabel "哈尔滨学院"@zh .')
    with pytest.raises(DataError) as error:
        build(seed_project)
    assert "duplicate identifier" in str(error.value)
    assert str(path) in str(error.value) and "entities.ttl" in str(error.value)


def test_a_dangling_reference_is_refused(seed_project):
    add_file(seed_project, "zz.ttl", "<org/harbin-university> hv:locatedIn <place/atlantis> .")
    with pytest.raises(DataError, match="place/atlantis"):
        build(seed_project)


def test_an_alias_naming_two_entities_is_refused(seed_project):
    add_file(seed_project, "zz.ttl", '<org/harbin-university> skos:altLabel "哈职院"@zh .')
    with pytest.raises(DataError, match="哈职院"):
        build(seed_project)


def test_a_mention_that_is_not_in_its_quotes_is_refused(seed_project):
    add_file(seed_project, "zz.ttl", '<org/harbin-university> hv:mentionText "哈尔滨大学" .')
    with pytest.raises(DataError, match="mentionText"):
        build(seed_project)


def test_a_blank_node_without_a_parent_is_refused(seed_project):
    add_file(seed_project, "zz.ttl", '[] a hv:School ; skos:prefLabel "某校"@zh .')
    with pytest.raises(DataError, match="give it an IRI"):
        build(seed_project)


def test_a_missing_data_folder_is_reported(tmp_path):
    with pytest.raises(DataError, match="no such folder"):
        build_graph(project_paths(tmp_path / "nowhere", tmp_path / "ontology"))


# ---- derived shortcuts, determinism, atomic output ----------------------------------------

def test_shortcuts_equal_the_rules_output_and_follow_stated_participations_only(bundled_graph):
    stated = set(bundled_graph.query("""
        SELECT ?r ?a WHERE { ?p a hv:Participation ; hv:relator ?r ; hv:agent ?a ;
                             hv:assertionStatus status:stated }"""))
    shortcuts = set(bundled_graph.query("SELECT ?r ?a WHERE { ?r hv:party ?a }"))
    assert stated and shortcuts == stated


def test_blank_nodes_become_stable_iris(bundled_graph):
    from rdflib import BNode

    assert not [t for t in bundled_graph if isinstance(t[0], BNode) or isinstance(t[2], BNode)]
    assert not list(bundled_graph.triples((None, HV.quote, None)))


@pytest.mark.slow  # two whole builds of the real data (the quick loop leaves it to make test)
def test_two_builds_are_byte_identical(tmp_path):
    graph_a = build_graph()
    graph_b = build_graph()
    for fmt in ("turtle", "nt", "json-ld"):
        assert serialize(graph_a, fmt) == serialize(graph_b, fmt)


@pytest.mark.slow  # two builds, one with SHACL validation
def test_a_failed_build_leaves_the_last_good_output(seed_project, runner):
    from harbin_kg.cli import cli

    out = seed_project / "out"
    args = ["build", "-o", str(out), "--data", str(seed_project / "data"),
            "--ontology", str(seed_project / "ontology")]
    first = runner.invoke(cli, args)
    assert first.exit_code == 0, first.stderr
    def snapshot():
        # Every file under out/, followed links included (.builds/<id>/… holds the bytes).
        return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}

    before = snapshot()
    assert {"harbin.ttl", "harbin.nt", "harbin.jsonld", "harbin.version"} <= set(before)
    add_file(seed_project, "zz.ttl", '<org/harbin-university> hv:quote "不在原文中的句子" .')
    second = runner.invoke(cli, args)
    assert second.exit_code == 1
    assert "zz.ttl" in second.stderr and "不在原文中的句子" in second.stderr
    assert snapshot() == before


@pytest.mark.slow  # a seed build validated by pySHACL (auto hands it over)
def test_the_build_refuses_an_ill_typed_literal(seed_project):
    """The build validates with ``auto`` and still refuses a literal outside its datatype.

    ``auto`` hands the graph to pySHACL here (tests/test_shacl_sparql.py shows the case the
    compiled engine alone would miss); the report names the task, the property and the text.
    """
    from harbin_kg.graph.outputs import build_and_write

    documents = seed_project / "data" / "facts" / "seed-article" / "documents.ttl"
    text = documents.read_text(encoding="utf-8")
    first = '<doc/tingshi-gongjian-shishi-fangan/task/1> a hv:PolicyTask ;'
    head, tail = text.split(first)
    tail = tail.replace('hv:ordinal "1"^^xsd:positiveInteger', 'hv:ordinal "1.0"^^xsd:integer', 1)
    documents.write_text(head + first + tail, encoding="utf-8")
    paths = project_paths(seed_project / "data", seed_project / "ontology")
    out = seed_project / "out"
    with pytest.raises(DataError, match="does not conform") as refused:
        build_and_write(out, paths)
    assert "hv:ordinal" in str(refused.value) and "= 1.0" in str(refused.value)
    assert not out.exists() or not any(out.iterdir())


def test_refuses_to_write_an_empty_graph(tmp_path):
    from rdflib import Graph

    with pytest.raises(DataError, match="empty"):
        write_outputs(Graph(), tmp_path)
    assert not list(tmp_path.iterdir())


def test_the_graph_records_its_data_version(bundled_graph):
    from rdflib.namespace import DCTERMS

    version = bundled_graph.value(ID["graph/harbin-kg"], DCTERMS.hasVersion)
    assert isinstance(version, Literal) and re.fullmatch(r"[0-9a-f]{16}", str(version))


def test_labels_are_bilingual_on_every_entity(bundled_graph):
    from harbin_kg.graph.labels import labels

    for node in set(bundled_graph.subjects(RDF.type, None)):
        if isinstance(node, URIRef) and str(node).startswith(str(ID)) and "/quote/" not in str(node):
            if str(node).endswith(("/signedOn", "/deadline", "/occurredOn")):
                continue
            found = labels(bundled_graph, node)
            assert "zh" in found and "en" in found, f"{node} lacks a zh or en label: {found}"


@pytest.mark.slow  # a whole build up to the rules
def test_a_derivation_rule_may_not_reach_the_network(seed_project, listener):
    rule = seed_project / "ontology/rules/99-bad.rq"
    rule.write_text(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ SERVICE <{listener.url}/sparql> {{ ?s ?p ?o }} }}\n")
    with pytest.raises(DataError, match="99-bad.rq.*SERVICE"):
        build(seed_project)
    assert listener.hits == []


@pytest.mark.slow  # a whole build up to the rules
def test_a_derivation_rule_must_be_a_construct(seed_project):
    (seed_project / "ontology/rules/99-bad.rq").write_text("SELECT * WHERE { ?s ?p ?o }\n")
    with pytest.raises(DataError, match="must be a SPARQL CONSTRUCT"):
        build(seed_project)


# --- One build's outputs land together or not at all (issue 13, items 8 and 9) ------------------

NAMES = ("harbin.ttl", "harbin.nt", "harbin.jsonld", "harbin.version")

# A writer in a child process. With K > 0 it sends itself SIG at the K-th line that runs in
# harbin_kg/writing.py (a point of the write phase chosen by the test); it prints how many such
# lines ran, so the test knows the range to pick from.
WRITER = r"""
import os, signal, sys
import harbin_kg.writing as writing

out, label, k, sig, rounds = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], int(sys.argv[5])
count = 0

def local(frame, event, arg):
    global count
    if event == "line":
        count += 1
        if count == k:
            os.kill(os.getpid(), getattr(signal, sig))
    return local

def tracer(frame, event, arg):
    return local if frame.f_code.co_filename == writing.__file__ else None

for n in range(rounds):
    files = {name: f"{label} {name}\n".encode() * 2000 for name in ("harbin.ttl", "harbin.nt", "harbin.jsonld")}
    files["harbin.version"] = f"{label}\n".encode()
    sys.settrace(tracer)
    writing.install_files(out, files, label=label)
    sys.settrace(None)
print(count)
"""


def _writer(out, label, k=0, sig="SIGINT", rounds=1):
    import subprocess
    import sys

    return subprocess.Popen([sys.executable, "-c", WRITER, str(out), label, str(k), sig, str(rounds)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _live_set(out):
    """The build each visible output belongs to (from its own first line)."""
    return {name: (out / name).read_text().split(" ")[0].strip() if (out / name).exists() else None
            for name in NAMES}


@pytest.mark.slow  # 39 writer subprocesses
def test_an_interrupted_write_leaves_one_whole_build(tmp_path):
    import random
    import signal

    out = tmp_path / "out"
    first = _writer(out, "A")
    first.communicate()
    assert first.returncode == 0 and _live_set(out) == dict.fromkeys(NAMES, "A")
    counting = _writer(out, "B")
    stdout, _ = counting.communicate()
    lines = int(stdout)  # lines of writing.py one whole write runs
    assert lines > 20
    rng = random.Random(13)
    live = "B"
    seen = {"A": 0, "B": 0}
    for run in range(36):
        label = "A" if live == "B" else "B"
        sig = ("SIGINT", "SIGTERM")[run % 2]
        writer = _writer(out, label, k=rng.randint(1, lines), sig=sig)
        _, stderr = writer.communicate()
        expected_code = {"SIGINT": (1, -signal.SIGINT), "SIGTERM": (-signal.SIGTERM,)}[sig]
        assert writer.returncode in expected_code + (0,), stderr  # 0: the signal came after the switch
        found = _live_set(out)
        assert len(set(found.values())) == 1, f"run {run} ({sig}): mixed outputs {found}"
        assert found["harbin.ttl"] in (live, label)
        if sig == "SIGINT" and writer.returncode != 0:
            assert "KeyboardInterrupt" in stderr
        live = found["harbin.ttl"]
        seen[live] += 1
    assert seen["A"] and seen["B"], "interrupts at random points should land both before and after the switch"
    # The next whole write tidies what the killed writers left behind.
    last = _writer(out, "C")
    last.communicate()
    assert last.returncode == 0
    assert _live_set(out) == dict.fromkeys(NAMES, "C")
    builds = sorted(p.name for p in (out / ".builds").iterdir())
    assert builds == sorted(["current", "lock", (out / ".builds" / "current").readlink().name])
    assert sorted(p.name for p in out.iterdir()) == sorted((".builds",) + NAMES)


def test_concurrent_writers_never_mix_their_outputs(tmp_path):
    out = tmp_path / "out"
    writers = [_writer(out, label, rounds=25) for label in ("A", "B")]
    checked = 0
    while any(w.poll() is None for w in writers):
        # A careful reader resolves the live folder once; it must always be complete and one build's.
        try:
            folder = (out / ".builds" / "current").resolve(strict=True)
            found = {name: (folder / name).read_text().split(" ")[0].strip() for name in NAMES}
        except (FileNotFoundError, OSError):
            continue  # not built yet, or pruned after a newer switch: look again
        assert len(set(found.values())) == 1, found
        checked += 1
    outputs = [w.communicate() for w in writers]
    assert [w.returncode for w in writers] == [0, 0], outputs
    final = _live_set(out)
    assert len(set(final.values())) == 1 and final["harbin.ttl"] in ("A", "B")


@pytest.mark.slow  # two builds in subprocesses
def test_two_concurrent_cli_builds_of_different_inputs_leave_one_of_them(seed_project, tmp_path):
    import shutil
    import subprocess
    import sys

    other = tmp_path / "other"
    other.mkdir()
    shutil.copytree(seed_project / "data", other / "data")
    shutil.copytree(seed_project / "ontology", other / "ontology")
    entities = other / "data" / "facts" / "seed-article" / "entities.ttl"
    entities.write_bytes(entities.read_bytes() + b"\n# another input: another data version, same facts\n")
    out = tmp_path / "out"
    versions = {project_paths(root / "data", root / "ontology"): root for root in (seed_project, other)}
    procs = [subprocess.Popen([sys.executable, "-m", "harbin_kg", "build", "-o", str(out), "--no-validate",
                               "--data", str(p.data), "--ontology", str(p.ontology)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for p in versions]
    for proc in procs:
        _, stderr = proc.communicate()
        assert proc.returncode == 0, stderr
    from harbin_kg.graph.paths import data_version

    stamp = (out / "harbin.version").read_text().strip()
    assert stamp in {data_version(p) for p in versions}
    from rdflib.namespace import DCTERMS

    # Every output says the same data version as the stamp.
    assert f'"{stamp}"' in (out / "harbin.nt").read_text()
    assert stamp in (out / "harbin.jsonld").read_text()
    graph = load_graph(out / "harbin.ttl")
    assert str(graph.value(ID["graph/harbin-kg"], DCTERMS.hasVersion)) == stamp


@pytest.mark.slow  # a build, then stats
def test_build_marks_its_output_current_so_the_next_command_does_not_rebuild(seed_project, tmp_path,
                                                                             runner, monkeypatch):
    import harbin_kg.graph.outputs as build_module
    import harbin_kg.cli.graph as graph_cli
    from harbin_kg.graph.paths import Paths, data_version
    from harbin_kg.cli import cli

    paths = Paths(seed_project / "data", seed_project / "ontology")
    monkeypatch.setattr(build_module, "project_paths", lambda *a, **k: paths)
    monkeypatch.setattr(graph_cli, "project_paths", lambda *a, **k: paths)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    built = runner.invoke(cli, ["build", "--no-validate"])
    assert built.exit_code == 0, built.stderr
    cache = tmp_path / "cache" / "harbin-kg"
    assert built.stdout.splitlines()[0] == str(cache / "harbin.ttl")
    assert (cache / "harbin.version").read_text().strip() == data_version(paths)

    calls = []
    monkeypatch.setattr(build_module, "build_and_write", lambda *a, **k: calls.append(a))
    stats = runner.invoke(cli, ["stats", "--format", "json"])
    assert stats.exit_code == 0, stats.stderr
    assert calls == [] and "building the bundled graph" not in stats.stderr
    assert json.loads(stats.stdout)["data_version"] == data_version(paths)


def test_build_into_an_unwritable_place_is_one_line(runner, tmp_path, monkeypatch):
    from harbin_kg.cli import cli

    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    result = runner.invoke(cli, ["build", "-o", str(blocker / "out")])  # a folder under a file
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: Cannot write the output folder {blocker / 'out'}")
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr

    # A read-only file system (root ignores permission bits, so the OS answer is simulated).
    import errno

    import harbin_kg.writing

    real_mkdir = Path.mkdir

    def read_only(self, *args, **kwargs):
        if str(self).startswith(str(tmp_path / "ro")):
            raise OSError(errno.EROFS, "Read-only file system", str(self))
        return real_mkdir(self, *args, **kwargs)

    monkeypatch.setattr(harbin_kg.writing.Path, "mkdir", read_only)
    result = runner.invoke(cli, ["build", "-o", str(tmp_path / "ro" / "out")])
    assert result.exit_code == 1
    assert "Read-only file system" in result.stderr and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
