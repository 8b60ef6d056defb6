"""Routes through the 立交桥: on the fixture, and in the real bundled graph against the article."""

from pathlib import Path

import pytest

from harbin_kg.errors import UnknownEntity
from harbin_kg.analysis.network import STATUSES
from harbin_kg.analysis.pathways import NoRoute, pathway_facts, resolve_stage, routes

FIXTURE = Path(__file__).parent / "data" / "network.ttl"
LEVEL = "https://w3id.org/hrbvet/scheme/education-level/"


def chain(route):
    return [route.hops[0].from_zh] + [h.to_zh for h in route.hops]


def test_route_hop_by_hop_with_mechanisms_conditions_and_quotes():
    found = routes(FIXTURE, "普通高中", "应用型本科")
    assert [chain(r) for r in found] == [["普通高中", "中等职业教育", "应用型本科"]]
    first, second = found[0].hops
    assert first.fact.mechanism_labels == ("学籍转入",)
    assert first.fact.eligibility == ("自愿转入职教中心的普高学生",)
    assert first.fact.quotes == ("普高学生可将学籍转入职教中心",)
    assert second.fact.mechanism_labels == ("中本贯通",)
    assert found[0].to_dict()["hops"][0]["quote_iris"] == ["https://w3id.org/hrbvet/id/quote/t/160-180"]


def test_a_route_to_a_stage_also_ends_at_its_narrower_stages():
    found = routes(FIXTURE, "普高", "本科")
    assert [(chain(r), r.hops[-1].fact.mechanism_labels) for r in found] == [
        (["普通高中", "中等职业教育", "应用型本科"], ("中本贯通",)),
        (["普通高中", "中等职业教育", "本科"], ("普通高考", "职教高考")),
    ]


def test_inferred_pathways_only_on_request():
    assert len(routes(FIXTURE, "普通高中", "应用型本科")) == 1
    found = routes(FIXTURE, "普通高中", "应用型本科", statuses=STATUSES)
    assert [chain(r) for r in found][-1] == ["普通高中", "中等职业教育", "高等职业教育（专科）", "应用型本科"]
    assert found[-1].hops[-1].fact.status == "inferred-context"


@pytest.mark.parametrize("name", ["普通高中", "普高", "General upper secondary", "ISCED-34", "general-upper-secondary",
                                  LEVEL + "general-upper-secondary"])
def test_stages_by_label_alias_notation_or_code(name):
    assert resolve_stage(FIXTURE, name) == LEVEL + "general-upper-secondary"


def test_unknown_stage_suggests_close_matches():
    with pytest.raises(UnknownEntity) as info:
        resolve_stage(FIXTURE, "应用本科")
    assert (("应用型本科", LEVEL + "applied-bachelor")) in info.value.suggestions


def test_no_route_says_so():
    with pytest.raises(NoRoute, match="No route from 本科"):
        routes(FIXTURE, "本科", "普通高中")


# --------------------------------------------------------------------------- the article (bundled graph)

@pytest.fixture(scope="module")
def real(bundled_graph_path):
    from harbin_kg.analysis.network import open_store

    return open_store(bundled_graph_path)


def test_article_general_high_school_to_vocational_by_transfer_of_registration(real):
    # 呼兰区职普融通: 普高 students move to 职高 by transferring their 学籍.
    hops = [r.hops[0] for r in routes(real, "普通高中", "中职")]
    assert any("学籍转入" in h.fact.mechanism_labels and h.fact.status == "stated" for h in hops)
    quotes = [q for h in hops for q in h.fact.quotes]
    assert any("融通到职业高中就读" in q for q in quotes) and any("转籍" in q for q in quotes)


def test_article_general_high_school_to_bachelor(real):
    found = routes(real, "普通高中", "本科")
    assert found and all(r.hops[0].to_zh == "中等职业教育" for r in found)
    last = {m for r in found for m in r.hops[-1].fact.mechanism_labels}
    assert {"职教高考", "普通高考"} <= last           # 呼兰: 职教高考实验班 / 普通高考
    for r in found:
        for hop in r.hops:
            assert hop.fact.quotes, hop.fact.iri          # every hop cites the article


def test_article_vocational_to_applied_bachelor(real):
    found = routes(real, "普通高中", "应用型本科")
    assert [chain(r) for r in found] == [["普通高中", "中等职业教育", "应用型本科"]] * len(found)
    assert {m for r in found for m in r.hops[-1].fact.mechanism_labels} >= {"职教高考"}


def test_article_pathway_facts_have_mechanisms_and_evidence(real):
    facts = pathway_facts(real)
    assert len(facts) >= 4
    assert all(f.mechanisms and f.quotes for f in facts)
