"""Everything the article names or counts is in the graph, each with a verbatim quote.

The lists below were written by reading data/sources/seed-article.txt, not by reading the
curated files: a fact the curators missed fails here.
"""

from pathlib import Path

import pytest
from rdflib import Literal
from rdflib.namespace import SKOS

from harbin_kg.namespaces import HV, OA

# Every named organisation, place, consortium and initiative, spelled as the article spells it.
NAMED = [
    "哈尔滨学院", "哈尔滨职业技术学院", "哈职院", "哈尔滨职业技术大学", "哈尔滨轻工职业学院", "哈轻工",
    "哈二职", "哈科职", "呼兰九中", "呼兰六中", "顺迈学校", "奔赛学校",
    "哈尔滨市政府", "黑龙江省教育厅", "省教育厅", "哈尔滨市教育局", "哈市教育局", "教育部", "哈尔滨市决咨委",
    "深哈产业园", "上海太教智能制造产业园",
    "哈尔滨新区", "呼兰区", "松北区", "道里区", "呼和浩特市", "黑河市", "大兴安岭地区", "哈市",
    "数字经济省域市域产教联合体", "冰雪体育产教融合共同体", "中俄职业教育联盟", "产教融合联盟",
    "职业教育与产业融合示范合作先导区",
]

# Every agreement and document, by the words the article uses for it.
AGREEMENTS = [
    "厅市共建龙江职业教育创新发展样板战略合作协议",
    "推进厅市共建龙江职业教育创新发展样板协议",
    "中本贯通培养试点框架协议",
    "职普融通试点合作协议",
    "推进产教融合战略框架协议",
    "部省共建",
]
DOCUMENTS = [
    "哈尔滨市人民政府黑龙江省教育厅关于印发厅市共建龙江职业教育创新发展样板实施方案的通知",
    "厅市共建龙江职业教育创新发展样板实施方案",
    "哈尔滨市职业教育产教融合创新发展实施方案",
    "哈尔滨市推进职业教育混合所有制办学模式改革的研究",
    "哈尔滨市呼兰区高中阶段职普融通工作方案",
]

# Every number the article reports or sets as a target: (words in the text, the value stored).
NUMBERS = [
    # targets of the 实施方案
    ("5所", 5), ("16个", 16), ("两倍", 2), ("2个以产业园区为基础的市域产教联合体", 2),
    ("2个市域开放式产教融合实践中心", 2), ("15个产教融合共同体", 15), ("30个", 30), ("100家", 100),
    ("10个校企共建", 10), ("20个", 20), ("1个月", 1),
    # reported in the body
    ("53家", 53), ("39个", 39), ("92个", 92), ("21个", 21), ("46个", 46), ("131个", 131),
    ("135个", 135), ("15万余人", 150000), ("14个", 14), ("10个领域", 10), ("50余所", 50), ("400家", 400),
    ("210个", 210), ("101个", 101), ("16名", 16), ("46人", 46), ("近百", 100),
    # 数说职教
    ("43所", 43), ("4.33万人", 43300), ("1所", 1), ("高职院校7所", 7), ("6.73万", 67300),
    ("3所高职", 3), ("5所中职", 5), ("16个省级优质专业", 16), ("3所职教中心", 3), ("7所", 7),
    ("176个", 176), ("国家级示范性职教集团2个", 2), ("4个", 4), ("47个", 47), ("1301个", 1301),
    ("34050个", 34050),
]

VALUE_PROPERTIES = "sdmx-measure:obsValue|hv:targetValue|hv:fromValue|hv:toValue"


def _quotes(graph, node):
    return [str(e) for q in graph.objects(node, HV.evidence) for sel in graph.objects(q, OA.hasSelector)
            for e in graph.objects(sel, OA.exact)]


@pytest.mark.parametrize("name", NAMED)
def test_every_named_entity_is_in_the_graph_with_a_quote(bundled_graph, name):
    nodes = set(bundled_graph.subjects(SKOS.prefLabel, Literal(name, lang="zh")))
    nodes |= set(bundled_graph.subjects(SKOS.altLabel, Literal(name, lang="zh")))
    assert nodes, f"no entity is labelled {name}"
    assert len(nodes) == 1, f"{name} labels several entities: {nodes}"
    node = nodes.pop()
    assert any(name in q for q in _quotes(bundled_graph, node)), f"{name}: no quote names it"


def _facts_named(graph, words, kind):
    query = f"""
    SELECT DISTINCT ?n WHERE {{
      ?n a/rdfs:subClassOf* {kind} ; skos:prefLabel ?l .
      FILTER(LANG(?l) = "zh" && CONTAINS(?l, ?words))
    }}"""
    return [row.n for row in graph.query(query, initBindings={"words": Literal(words)})]


@pytest.mark.parametrize("words", AGREEMENTS)
def test_every_agreement_is_in_the_graph_with_a_quote(bundled_graph, words):
    nodes = _facts_named(bundled_graph, words, "hv:Agreement")
    assert nodes, f"no agreement is called {words}"
    for node in nodes:
        assert _quotes(bundled_graph, node), f"{node} has no quote"
    assert any(words in q for n in nodes for q in _quotes(bundled_graph, n))


@pytest.mark.parametrize("words", DOCUMENTS)
def test_every_document_is_in_the_graph_with_its_title_quoted(bundled_graph, words):
    nodes = _facts_named(bundled_graph, words, "hv:PolicyDocument")
    assert nodes, f"no policy document is called {words}"
    assert any(words in q for n in nodes for q in _quotes(bundled_graph, n))


@pytest.mark.parametrize("words,value", NUMBERS)
def test_every_number_is_in_the_graph_with_its_words_quoted(bundled_graph, words, value):
    query = f"""
    SELECT DISTINCT ?n ?v ?r WHERE {{
      ?n hv:reportedText ?r ; ({VALUE_PROPERTIES}) ?v .
    }}"""
    found = []
    for row in bundled_graph.query(query):
        quotes = _quotes(bundled_graph, row.n)
        # The reported words must hold the number as written (e.g. "2个" in "2个市域…实践中心"
        # matches only with that value); a short reportedText alone is not enough.
        if any(words in q for q in quotes) and (words in str(row.r) or str(row.r) in words) \
                and float(row.v.toPython()) == value:
            found.append((row.n, row.v.toPython()))
    assert found, f"no fact reports {words} with a quote holding those words"
    assert any(float(v) == value for _, v in found), f"{words}: stored values {found}, expected {value}"


def test_the_seven_tasks_of_the_plan_are_in_order(bundled_graph):
    rows = bundled_graph.query("""
      SELECT ?n ?l WHERE { ?t a hv:PolicyTask ; hv:ordinal ?n ; skos:prefLabel ?l
                           FILTER(LANG(?l) = "zh") } ORDER BY ?n""")
    labels = [str(r.l) for r in rows]
    assert len(labels) == 7
    for ordinal, words in enumerate(["中高本一体化", "职普融通", "职业培训", "哈尔滨新区", "产教融合", "三教",
                                     "国际化"]):
        assert words in labels[ordinal], f"task {ordinal + 1} should be about {words}: {labels}"


def test_the_generic_zhijiao_zhongxin_names_no_one_school_but_its_four_hulan_uses_reach_it(bundled_graph):
    """职教中心 is generic: two of its six uses (数说职教) are other schools, so it is no alias;
    each of the four uses in the 呼兰区 section is quoted by the Hulan centre or a fact that names it."""
    from rdflib import URIRef

    from harbin_kg.namespaces import ID

    assert not set(bundled_graph.subjects(SKOS.altLabel, Literal("职教中心", lang="zh")))
    assert not set(bundled_graph.subjects(SKOS.prefLabel, Literal("职教中心", lang="zh")))
    text = (Path(__file__).resolve().parent.parent / "data/sources/seed-article.txt").read_text(encoding="utf-8")
    uses = [i for i in range(len(text)) if text.startswith("职教中心", i)]
    assert len(uses) == 6
    centre = ID["org/hulan-vocational-education-center"]
    hulan_section = text.index("## 职普融通搭建学生成才")
    hulan_uses = [i for i in uses if i > hulan_section and i < text.index("## 数说职教")]
    assert len(hulan_uses) == 4
    # every node that is the centre or points to it, and the spans of its quotes
    holders = {centre} | {s for s, o in bundled_graph.subject_objects() if o == centre}
    holders |= {s for h in list(holders) for s in bundled_graph.subjects(HV.agent, h)}
    spans = []
    for node in holders:
        for quote in bundled_graph.objects(node, HV.evidence):
            for sel in bundled_graph.objects(quote, OA.hasSelector):
                start, end = bundled_graph.value(sel, OA.start), bundled_graph.value(sel, OA.end)
                if start is not None:
                    spans.append((int(start), int(end)))
    for use in hulan_uses:
        assert any(s <= use and use + 4 <= e for s, e in spans), f"职教中心 at {use} is not quoted for the Hulan centre"
    assert isinstance(centre, URIRef)
