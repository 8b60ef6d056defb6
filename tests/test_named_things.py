"""What the report names only inside a sentence is a node or value a query reaches, with its quote;
its framing (programmes and slogans) is SKOS linked to what it guides.

The lists are taken from data/sources/seed-article.txt, not from the curated files.
"""

import pytest
from rdflib import Literal

from harbin_kg.namespaces import HV, ID, OA


def _quoted(graph, node) -> list[str]:
    return [str(e) for q in graph.objects(node, HV.evidence) for s in graph.objects(q, OA.hasSelector)
            for e in graph.objects(s, OA.exact)]


def _select(graph, query, **bindings):
    return list(graph.query(query, initBindings={k: Literal(v) for k, v in bindings.items()}))


@pytest.mark.parametrize("major", ["无人机电控与维护", "智慧健康养老服务", "直播电商服务"])
def test_named_majors_are_examples_of_the_131_new_major_sites(bundled_graph, major):
    rows = _select(bundled_graph, """
        SELECT ?obs ?reported WHERE {
          ?obs hv:namedExample ?m ; hv:reportedText ?reported . ?m skos:prefLabel ?zh FILTER(STR(?zh) = ?name) }""",
                   name=major)
    assert [(str(r.obs).rsplit("/", 1)[-1], str(r.reported)) for r in rows] == [("new-major-sites-harbin-2024", "131个")]
    assert any(major in q for q in _quoted(bundled_graph, rows[0].obs))


def test_the_fields_of_the_ten_field_communities_are_the_four_named(bundled_graph):
    rows = _select(bundled_graph, """
        SELECT ?zh WHERE { <https://w3id.org/hrbvet/id/obs/chanjiao-ronghe-gongtongti-fields-harbin-2024>
                             hv:industryField/skos:prefLabel ?zh FILTER(LANG(?zh) = "zh") }""")
    assert sorted(str(r.zh) for r in rows) == sorted(["先进制造", "生物医药", "冰雪体育", "现代农业"])


@pytest.mark.parametrize("event,groups", [
    ("event/2023-hulan-zhipu-rongtong-meetings", {"高中学校校长"}),
    ("event/hulan-mobilisation-meetings", {"各高中学校", "班主任", "学生家长"}),
])
def test_meeting_participants_are_groups_with_their_words(bundled_graph, event, groups):
    rows = _select(bundled_graph, f"""
        SELECT ?zh ?g WHERE {{ <{ID[event]}> hv:participant ?g . ?g a hv:DescribedGroup ; skos:prefLabel ?zh
                               FILTER(LANG(?zh) = "zh") }}""")
    assert {str(r.zh) for r in rows} == groups
    for row in rows:
        assert any(str(row.zh) in q for q in _quoted(bundled_graph, row.g))


def test_who_teaches_the_integration_classes(bundled_graph):
    rows = _select(bundled_graph, """
        SELECT ?zh WHERE { <https://w3id.org/hrbvet/id/programme/hulan-zhipu-rongtong> hv:teachingStaff/skos:prefLabel ?zh
                           FILTER(LANG(?zh) = "zh") }""")
    assert {str(r.zh) for r in rows} == {"普通高中一线优秀教师", "优质的专业课师资力量"}


@pytest.mark.parametrize("slug,duration,words", [
    ("event/2023-hulan-first-cohort-exams", "P1Y6M", "一年半"),
    ("obs/zhipu-rongtong-transfer-students-cumulative-hulan-district-2024", "P3Y", "三年来"),
])
def test_durations_are_values_with_their_words(bundled_graph, slug, duration, words):
    node = ID[slug]
    assert str(bundled_graph.value(node, HV.duration)) == duration
    assert str(bundled_graph.value(node, HV.durationText)) == words
    assert any(words in q for q in _quoted(bundled_graph, node))


@pytest.mark.parametrize("words", ["三所普通高中", "民办高中", "公办学校", "排名靠前的高职院校", "各中职学校",
                                   "职教高考实验班", "哈尔滨新区职业学校", "哈尔滨新区高职院校"])
def test_school_groups_the_report_names_are_reached_from_a_fact(bundled_graph, words):
    rows = _select(bundled_graph, """
        SELECT ?g ?fact WHERE { ?g a hv:DescribedGroup ; skos:prefLabel ?zh FILTER(STR(?zh) = ?words)
                                ?fact ?p ?g . ?fact hv:assertionStatus ?s }""", words=words)
    assert rows, f"no fact reaches the group {words}"
    assert any(words in q for q in _quoted(bundled_graph, rows[0].g))


def test_the_leading_body_hulan_set_up_is_an_unnamed_party_with_its_founding(bundled_graph):
    body = ID["org/hulan-zhipu-rongtong-leading-body"]
    assert (body, None, HV.UnnamedParty) in bundled_graph
    assert (ID["change/hulan-zhipu-rongtong-leading-body-founded"], None, body) in bundled_graph


def test_the_programme_ties_the_agreement_the_plan_the_notice_and_the_special_action(bundled_graph):
    rows = _select(bundled_graph, """
        SELECT ?thing WHERE { ?thing hv:programme ?p . ?p skos:prefLabel ?zh FILTER(STR(?zh) = "厅市共建") }""")
    tied = {str(r.thing).split("/id/", 1)[1] for r in rows}
    assert tied == {"agreement/2023-tingshi-gongjian-zhanlue-hezuo", "agreement/2024-tuijin-tingshi-gongjian",
                    "doc/tingshi-gongjian-shishi-fangan", "doc/tingshi-gongjian-shishi-fangan-tongzhi",
                    "initiative/tingshi-gongjian-special-action", "agreement/caption7"}


@pytest.mark.parametrize("concept,subject", [
    ("一体两翼五重点", "place/harbin"), ("“4567”现代化产业体系", "place/harbin"), ("五个率先", "place/harbin"),
    ("七大都市", "place/harbin"), ("四位一体", "place/harbin"), ("五业联动", "place/harbin"),
    ("立交桥", "programme/hulan-zhipu-rongtong"), ("政府主导、部门联动、合力攻坚", "programme/hulan-zhipu-rongtong"),
    ("以企业为主导的产教联合体与共同体", None), ("新质生产力", None),
])
def test_framing_concepts_are_linked_to_what_they_guide_with_quotes(bundled_graph, concept, subject):
    rows = _select(bundled_graph, """
        SELECT ?f ?subject ?rel WHERE {
          ?f a hv:PolicyFraming ; hv:framingConcept ?c ; hv:assertionStatus ?st ; hv:framingRelation ?rel .
          ?c skos:prefLabel ?zh FILTER(STR(?zh) = ?concept)
          OPTIONAL { ?f hv:framedSubject ?subject } }""", concept=concept)
    assert rows, concept
    if subject is not None:
        assert ID[subject] in {r.subject for r in rows}
    words = concept.strip("“").split("”")[0] if concept.startswith("“") else concept
    mentions = []
    for r in rows:
        for m in map(str, bundled_graph.objects(r.f, HV.mentionText)):
            assert any(m in q for q in _quoted(bundled_graph, r.f)), (r.f, m)
            mentions.append(m)
    assert mentions and (any(words in m for m in mentions) or concept == "以企业为主导的产教联合体与共同体")
