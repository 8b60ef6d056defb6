"""The build expands hv:cite in data/facts/web into hv:Citation nodes (on the made-up web fixture)."""

import re

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import PROV, RDF

from harbin_kg.graph.build import GRAPH_IRI, build_graph
from harbin_kg.graph.paths import data_version, project_paths
from harbin_kg.sources.citations import locator_key
from harbin_kg.errors import DataError
from harbin_kg.namespaces import HV, ID

PREFIXES = re.search(r"```turtle\n(@base.*?)```", (project_paths().data / "README.md").read_text(), re.S).group(1)
PREFIXES += "@prefix srctype: <https://w3id.org/hrbvet/scheme/source-type/> .\n"
PREFIXES += "@prefix grade: <https://w3id.org/hrbvet/scheme/reliability/> .\n"


#: The line of the first statement of a body that starts with a blank line (the prefixes, the
#: blank line between, the body's own blank line).
FIRST_LINE = PREFIXES.count("\n") + 3


def add_web_file(project, name: str, body: str, folder="data/facts/web"):
    path = project / folder / name
    path.write_text(PREFIXES + "\n" + body, encoding="utf-8")
    return path


def build(project):
    return build_graph(project_paths(project / "data", project / "ontology"))


ORDER = ID["agreement/2021-fixture-order-class"]


def test_each_cite_becomes_a_citation_node_linked_as_evidence(web_graph):
    cite = ID["agreement/2019-fixture-hvtc-enterprise-a/cite/fx01"]
    assert (ID["agreement/2019-fixture-hvtc-enterprise-a"], HV.evidence, cite) in web_graph
    assert (cite, RDF.type, HV.Citation) in web_graph
    assert web_graph.value(cite, HV.source) == ID["source/fx01"]
    assert web_graph.value(cite, HV.locator) == Literal("para 3")
    assert web_graph.value(cite, HV.keyPhrase) == Literal("2019年")
    assert {str(label) for label in web_graph.objects(cite, URIRef("http://www.w3.org/2004/02/skos/core#prefLabel"))} == {
        "引用 fx01 para 3", "Citation fx01 para 3"}


def test_a_fact_is_derived_from_every_page_it_cites(web_graph):
    fact = ID["agreement/2019-fixture-hvtc-enterprise-a"]
    assert set(web_graph.objects(fact, PROV.wasDerivedFrom)) >= {ID["source/fx01"], ID["source/fx02"]}
    assert set(web_graph.objects(fact, HV.evidence)) == {
        ID["agreement/2019-fixture-hvtc-enterprise-a/cite/fx01"], ID["agreement/2019-fixture-hvtc-enterprise-a/cite/fx02"]}


def test_one_page_cited_twice_is_numbered_by_locator(web_graph):
    # Written para 7 first, then para 5: the numbers follow the locators, not the file order.
    first, second = ORDER + "/cite/fx02", ORDER + "/cite/fx02-2"
    assert web_graph.value(URIRef(first), HV.locator) == Literal("para 5")
    assert web_graph.value(URIRef(second), HV.locator) == Literal("para 7")
    assert web_graph.value(URIRef(second), HV.keyPhrase) == Literal("订单班")


def test_locators_sort_naturally():
    assert sorted(["para 10", "para 2", "title", "para 1"], key=locator_key) == ["para 1", "para 2", "para 10", "title"]


def test_no_cite_shorthand_and_no_blank_nodes_are_left(web_graph):
    assert not list(web_graph.triples((None, HV.cite, None)))
    assert not [s for s in web_graph.subjects() if not isinstance(s, URIRef)]


def test_a_new_name_of_a_seed_entity_carries_its_citation(web_graph):
    hvtc = ID["org/harbin-vocational-technical-college"]
    assert Literal("HVTC (fixture alias)", lang="en") in set(web_graph.objects(hvtc, URIRef("http://www.w3.org/2004/02/skos/core#altLabel")))
    assert (hvtc, HV.evidence, ID["org/harbin-vocational-technical-college/cite/fx04"]) in web_graph
    # the seed quotes stay next to the citation
    assert any(str(e).startswith(str(ID["quote/seed-article/"])) for e in web_graph.objects(hvtc, HV.evidence))


def test_cited_pages_are_in_the_graph_and_its_provenance(web_graph):
    page = ID["source/fx02"]
    assert (page, RDF.type, HV.CitedSource) in web_graph
    assert str(web_graph.value(page, URIRef("https://schema.org/url"))) == "https://example.org/fixture/2021-week.html"
    assert (GRAPH_IRI, PROV.wasDerivedFrom, page) in web_graph


def test_date_nodes_under_cited_facts_get_stable_iris_and_their_own_status(web_graph):
    date = ORDER + "/signedOn"
    assert web_graph.value(ORDER, HV.signedOn) == URIRef(date)
    assert str(web_graph.value(URIRef(date), HV.assertionStatus)).endswith("inferred-context")


def test_web_files_count_in_the_data_version(web_project):
    paths = project_paths(web_project / "data", web_project / "ontology")
    before = data_version(paths)
    page = web_project / "data/sources/web/fixture.ttl"
    page.write_text(page.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    assert data_version(paths) != before
    assert page in paths.input_files()


# ---- refusals, each with file, line and what to do -------------------------------------------

def test_a_quote_in_facts_web_is_refused(web_project):
    path = add_web_file(web_project, "zz.ttl", '\n<org/fixture-college> hv:quote "样例職業學院" .\n')
    with pytest.raises(DataError) as error:
        build(web_project)
    message = str(error.value)
    assert str(path) in message and f"line {FIRST_LINE}:" in message
    assert "hv:quote is not allowed in data/facts/web/" in message and "hv:cite [ hv:source" in message


def test_a_cite_without_a_source_page_is_refused(web_project):
    add_web_file(web_project, "zz.ttl", '<org/fixture-college> hv:cite [ hv:locator "para 1" ; hv:keyPhrase "样职院" ] .\n')
    with pytest.raises(DataError, match=r"needs exactly one hv:source <source/…> \(found none\)"):
        build(web_project)


def test_a_cite_of_an_undefined_page_is_refused(web_project):
    add_web_file(web_project, "zz.ttl",
                 '<org/fixture-college> hv:cite [ hv:source <source/fx99> ; hv:locator "para 1" ; hv:keyPhrase "样职院" ] .\n')
    with pytest.raises(DataError, match=r"<source/fx99> is referenced but defined nowhere"):
        build(web_project)


def test_a_citation_with_two_locators_is_refused(web_project):
    add_web_file(web_project, "zz.ttl", '<org/fixture-college> hv:cite [ hv:source <source/fx04> ; '
                 'hv:locator "para 1" , "para 2" ; hv:keyPhrase "样职院" ] .\n')
    with pytest.raises(DataError, match="one hv:cite per spot"):
        build(web_project)


def test_an_unexpected_property_in_a_cite_is_refused(web_project):
    add_web_file(web_project, "zz.ttl", '<org/fixture-college> hv:cite [ hv:source <source/fx04> ; '
                 'hv:locator "para 1" ; hv:keyPhrase "样职院" ; dcterms:date "2020" ] .\n')
    with pytest.raises(DataError, match="a citation holds only hv:source, hv:locator, hv:keyPhrase"):
        build(web_project)


def test_the_same_citation_twice_is_refused_across_files(web_project):
    add_web_file(web_project, "zz.ttl", '<org/fixture-college> hv:cite [ hv:source <source/fx04> ; '
                 'hv:locator "title" ; hv:keyPhrase "样例職業學院" ] .\n')
    with pytest.raises(DataError, match=r"twice \(also in .*fixture-organisations.ttl\)"):
        build(web_project)


def test_a_mention_not_in_the_key_phrases_is_refused(web_project):
    add_web_file(web_project, "zz.ttl", '<agreement/2019-fixture-hvtc-enterprise-a/party/fixture-enterprise-a> '
                 'hv:mentionText "乙方" .\n')
    with pytest.raises(DataError, match='mentionText "乙方" .* is not in any key phrase of its own citations'):
        build(web_project)


def test_a_shorthand_in_a_source_description_is_refused(web_project):
    add_web_file(web_project, "zz.ttl", '<source/fx01> hv:cite [ hv:source <source/fx02> ; hv:locator "para 1" ] .\n',
                 folder="data/sources/web")
    with pytest.raises(DataError, match="data/sources/web/ describes pages"):
        build(web_project)


def test_an_unknown_term_in_a_web_file_is_refused(web_project):
    path = add_web_file(web_project, "zz.ttl", '\n<org/fixture-college> hv:keyphrase "x" .\n')
    with pytest.raises(DataError) as error:
        build(web_project)
    assert str(path) in str(error.value) and "unknown term" in str(error.value)


def test_an_entity_without_a_citation_is_refused(web_project):
    path = add_web_file(web_project, "zz.ttl", '\n<org/fixture-uncited> a hv:Enterprise ;\n'
                        '  skos:prefLabel "未引用企业（测试样例）"@zh , "Uncited enterprise (test fixture)"@en .\n')
    with pytest.raises(DataError) as error:
        build(web_project)
    assert f"{path}, line {FIRST_LINE}: <org/fixture-uncited> has no hv:cite" in str(error.value)
