"""The build: quotes located by offsets, strict parsing, clear errors, atomic and deterministic output."""

import hashlib
import re

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import RDF

from harbin_kg.build import build_graph, project_paths, serialize, write_outputs
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


def test_a_quote_keeps_the_page_break_inside_a_word(project_copy):
    add_file(project_copy, "zz.ttl", '<org/harbin-university> hv:quote "哈\\n\\n市入选省级产教融合试点城市" .')
    graph = build(project_copy)
    start = SOURCE.index("哈\n\n市入选")
    end = start + len("哈\n\n市入选省级产教融合试点城市")
    assert (ID["org/harbin-university"], HV.evidence, ID[f"quote/seed-article/{start}-{end}"]) in graph


def test_the_worked_example_quote_has_the_offsets_model_md_gives(bundled_graph):
    # MODEL.md §9 checked these by hand: 434-494 is the 2023 厅市共建 agreement sentence.
    exact = bundled_graph.value(ID["quote/seed-article/434-494/text"], OA.exact)
    assert exact is not None, "the 2023 agreement sentence is no longer quoted whole"
    assert str(exact).startswith("2023年底,在“部省共建”战略协议指引下")


@pytest.mark.parametrize("quote,expected", [
    ("哈尔滨市政府与省教育厅签署《厅市共建龙江职业教育创新发展样板战略合作协议》，", "is not in seed-article.txt"),
    ("哈尔滨职业教育再结累累硕果。这句话不在原文里", "is not in seed-article.txt"),
    ("到2025年", "occurs 2 times"),
    ("哈市入选省级产教融合试点城市", r"write it as \n\n"),
])
def test_a_bad_quote_names_file_line_and_cause(project_copy, quote, expected):
    path = add_file(project_copy, "zz.ttl", "\n\n" + f'<org/harbin-university> hv:quote "{quote}" .\n')
    with pytest.raises(DataError) as error:
        build(project_copy)
    message = str(error.value)
    assert str(path) in message and "line" in message
    assert expected in message


def test_a_quote_made_unique_by_its_prefix_is_accepted(project_copy):
    add_file(project_copy, "zz.ttl",
             '<org/harbin-university> hv:quote [ oa:prefix "加大职业培训方面," ; oa:exact "到2025年" ] .')
    graph = build(project_copy)
    start = SOURCE.index("加大职业培训方面,") + len("加大职业培训方面,")
    end = start + len("到2025年")
    assert (ID["org/harbin-university"], HV.evidence, ID[f"quote/seed-article/{start}-{end}"]) in graph


def test_a_changed_source_stops_the_build(project_copy):
    path = project_copy / "data/sources/seed-article.txt"
    path.write_bytes(path.read_bytes().replace("哈尔滨".encode(), "哈爾濱".encode(), 1))
    with pytest.raises(DataError, match="changed after its quotes were taken"):
        build(project_copy)


# ---- strict parsing and the checks Turtle cannot make -------------------------------------

@pytest.mark.parametrize("body,expected", [
    ('<org/x> a hv:School ; skos:prefLabel "x"@zh', "line 1"),                     # missing final dot
    ('<org/a b> a hv:School .', "Invalid IRI"),                                     # rdflib accepts this
    ('<org/x> a hv:School ; skos:prefLabel "\\u00ZZ"@zh .', "line 1"),              # bad escape
    ('<org/x> skos:prefLabel "x"@en^^xsd:string .', "line 1"),
])
def test_turtle_errors_give_file_and_line(project_copy, body, expected):
    path = project_copy / "data/facts/seed-article/zz.ttl"
    path.write_text(body + "\n", encoding="utf-8")
    with pytest.raises(DataError) as error:
        build(project_copy)
    assert str(path) in str(error.value) and expected in str(error.value)


def test_an_empty_file_is_an_error(project_copy):
    path = project_copy / "data/facts/seed-article/zz.ttl"
    path.write_text("   \n")
    with pytest.raises(DataError, match="empty"):
        build(project_copy)


def test_a_file_without_triples_is_an_error(project_copy):
    path = add_file(project_copy, "zz.ttl", "# only comments\n")
    with pytest.raises(DataError, match="no triples"):
        build(project_copy)
    assert path.exists()


@pytest.mark.parametrize("raw,expected", [
    (b"\xef\xbb\xbf<org/x> a <http://e/C> .", "byte-order mark"),
    ("<org/x> <http://e/p> \"哈尔滨\" .".encode("gb18030"), "not valid UTF-8"),
])
def test_encoding_problems_are_refused(project_copy, raw, expected):
    (project_copy / "data/facts/seed-article/zz.ttl").write_bytes(raw)
    with pytest.raises(DataError, match=expected):
        build(project_copy)


def test_an_unknown_term_names_the_file_and_line(project_copy):
    path = add_file(project_copy, "zz.ttl", '\n<org/harbin-university> hv:signedOnn "2023" .\n')
    with pytest.raises(DataError) as error:
        build(project_copy)
    line = path.read_text().splitlines().index('<org/harbin-university> hv:signedOnn "2023" .') + 1
    assert "unknown term" in str(error.value) and f"{path}, line {line}:" in str(error.value)


def test_an_unknown_concept_is_refused(project_copy):
    add_file(project_copy, "zz.ttl", "<org/harbin-university> hv:orgCategory orgcat:no-such-category .")
    with pytest.raises(DataError, match="no-such-category"):
        build(project_copy)


def test_an_entity_without_a_chinese_label_is_refused(project_copy):
    path = add_file(project_copy, "zz.ttl", '<org/nameless-school> a hv:School ; skos:prefLabel "Nameless"@en ;\n'
                    '  hv:quote "哈尔滨学院建成高水平应用型本科大学" .')
    with pytest.raises(DataError) as error:
        build(project_copy)
    assert "org/nameless-school" in str(error.value) and "Chinese label" in str(error.value)
    assert str(path) in str(error.value)


def test_a_duplicate_identifier_names_both_files(project_copy):
    path = add_file(project_copy, "zz.ttl", '<org/harbin-university> a hv:School ; skos:prefLabel "哈尔滨学院"@zh .')
    with pytest.raises(DataError) as error:
        build(project_copy)
    assert "duplicate identifier" in str(error.value)
    assert str(path) in str(error.value) and "entities.ttl" in str(error.value)


def test_a_dangling_reference_is_refused(project_copy):
    add_file(project_copy, "zz.ttl", "<org/harbin-university> hv:locatedIn <place/atlantis> .")
    with pytest.raises(DataError, match="place/atlantis"):
        build(project_copy)


def test_an_alias_naming_two_entities_is_refused(project_copy):
    add_file(project_copy, "zz.ttl", '<org/harbin-university> skos:altLabel "哈职院"@zh .')
    with pytest.raises(DataError, match="哈职院"):
        build(project_copy)


def test_a_mention_that_is_not_in_its_quotes_is_refused(project_copy):
    add_file(project_copy, "zz.ttl", '<org/harbin-university> hv:mentionText "哈尔滨大学" .')
    with pytest.raises(DataError, match="mentionText"):
        build(project_copy)


def test_a_blank_node_without_a_parent_is_refused(project_copy):
    add_file(project_copy, "zz.ttl", '[] a hv:School ; skos:prefLabel "某校"@zh .')
    with pytest.raises(DataError, match="give it an IRI"):
        build(project_copy)


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


def test_two_builds_are_byte_identical(tmp_path):
    graph_a = build_graph()
    graph_b = build_graph()
    for fmt in ("turtle", "nt", "json-ld"):
        assert serialize(graph_a, fmt) == serialize(graph_b, fmt)


def test_a_failed_build_leaves_the_last_good_output(project_copy, runner):
    from harbin_kg.cli import cli

    out = project_copy / "out"
    args = ["build", "-o", str(out), "--data", str(project_copy / "data"),
            "--ontology", str(project_copy / "ontology")]
    first = runner.invoke(cli, args)
    assert first.exit_code == 0, first.stderr
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    add_file(project_copy, "zz.ttl", '<org/harbin-university> hv:quote "不在原文中的句子" .')
    second = runner.invoke(cli, args)
    assert second.exit_code == 1
    assert "zz.ttl" in second.stderr and "不在原文中的句子" in second.stderr
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


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
    from harbin_kg.labels import labels

    for node in set(bundled_graph.subjects(RDF.type, None)):
        if isinstance(node, URIRef) and str(node).startswith(str(ID)) and "/quote/" not in str(node):
            if str(node).endswith(("/signedOn", "/deadline", "/occurredOn")):
                continue
            found = labels(bundled_graph, node)
            assert "zh" in found and "en" in found, f"{node} lacks a zh or en label: {found}"


def test_a_derivation_rule_may_not_reach_the_network(project_copy, listener):
    rule = project_copy / "ontology/rules/99-bad.rq"
    rule.write_text(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ SERVICE <{listener.url}/sparql> {{ ?s ?p ?o }} }}\n")
    with pytest.raises(DataError, match="99-bad.rq.*SERVICE"):
        build(project_copy)
    assert listener.hits == []


def test_a_derivation_rule_must_be_a_construct(project_copy):
    (project_copy / "ontology/rules/99-bad.rq").write_text("SELECT * WHERE { ?s ?p ?o }\n")
    with pytest.raises(DataError, match="must be a SPARQL CONSTRUCT"):
        build(project_copy)
