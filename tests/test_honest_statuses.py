"""A fact is "stated" only where every part of it is: its dates and links are in its own quotes.

Rule (issue 14): where the value of a fact is stated but its date or a link is inferred, the
date node (or the link) carries ``hv:assertionStatus status:inferred-context`` and a
``skos:editorialNote`` with the reason, and the fact stays stated. Undated figures stay undated:
the report's year is their publication context, never their reference period.

"In its own quotes" is checked mechanically: the date words (hv:dateText) must stand in a
quote of the fact that lies in the same sentence as a quote carrying the fact's own words (its
reported figure, mention, title, batch, or a long stretch of its Chinese label), and those date
words must themselves contain the year (and month) stored. A date that the text attaches only
by the position of another sentence (the lead's list, then "在刚刚启幕的2024年…活动周") fails.
"""

import re
from difflib import SequenceMatcher
from pathlib import Path

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, SKOS

from harbin_kg.namespaces import HV, ID, OA, SCHEMA, SDMX_DIM, scheme

ROOT = Path(__file__).resolve().parent.parent
TEXT = (ROOT / "data" / "sources" / "seed-article.txt").read_text(encoding="utf-8")
STATUS = scheme("assertion-status")
STATED = STATUS["stated"]
TIME = "http://www.w3.org/2006/time#"
DATE_PROPERTIES = (HV.signedOn, HV.occurredOn, HV.designatedOn, HV.deadline, HV.issuedOn)
_SENTENCE_END = "。？！?\n"


def _sentences(start: int, end: int) -> set[int]:
    """Ids (start offsets) of the sentences the span [start, end) overlaps."""
    ids = set()
    i = start
    while i < max(end, start + 1):
        begin = max(TEXT.rfind(ch, 0, i + 1) for ch in _SENTENCE_END) + 1 if i > 0 else 0
        ids.add(begin)
        nxt = min((TEXT.find(ch, i) for ch in _SENTENCE_END if TEXT.find(ch, i) != -1), default=len(TEXT))
        i = nxt + 1
    return ids


def _quotes(graph, node) -> list[tuple[str, int, int]]:
    found = []
    for quote in graph.objects(node, HV.evidence):
        exact = start = end = None
        for sel in graph.objects(quote, OA.hasSelector):
            exact = graph.value(sel, OA.exact) or exact
            if graph.value(sel, OA.start) is not None:
                start, end = int(graph.value(sel, OA.start)), int(graph.value(sel, OA.end))
        found.append((str(exact), start, end))
    return found


def _anchors(graph, node) -> list[str]:
    words = [str(v) for p in (HV.reportedText, HV.mentionText, DCTERMS.title, HV.batch)
             for v in graph.objects(node, p)]
    return [w for w in words if len(w) >= 2]


def _label(graph, node) -> str:
    for label in graph.objects(node, SKOS.prefLabel):
        if label.language == "zh":
            return re.sub(r"（[^）]*）|[《》“”]", "", str(label))
    return ""


def _carries_own_words(graph, node, quote: str, date_text: str = "") -> bool:
    flat = quote.replace("\n\n", "")
    if any(a in flat for a in _anchors(graph, node)):
        return True
    label = _label(graph, node).replace(date_text, "")
    match = SequenceMatcher(None, label, flat, autojunk=False).find_longest_match(0, len(label), 0, len(flat))
    return match.size >= 6


def _core_sentences(graph, node, date_text: str = "") -> set[int]:
    core = set()
    for exact, start, end in _quotes(graph, node):
        if _carries_own_words(graph, node, exact, date_text):
            core |= _sentences(start, end)
    return core


def _supported(graph, node, words: str) -> bool:
    """Some quote holding ``words`` lies in a sentence that also carries the fact's own words."""
    core = _core_sentences(graph, node, words)
    return any(words in exact and _sentences(start, end) & core for exact, start, end in _quotes(graph, node))


SEED = ID["text/seed-article"]


def _from_seed(graph, node) -> bool:
    """Facts quoted from the seed report (facts from other pages carry citations, checked elsewhere)."""
    return any((quote, OA.hasSource, SEED) in graph for quote in graph.objects(node, HV.evidence))


def _stated_facts(graph):
    stated = set(graph.subjects(HV.assertionStatus, STATED)) - set(graph.subjects(RDF.type, URIRef(TIME + "Instant")))
    return sorted(f for f in stated if _from_seed(graph, f))


def _unsupported_dates(g) -> tuple[list, int]:
    bad = []
    checked = 0
    for fact in _stated_facts(g):
        for prop in DATE_PROPERTIES:
            for instant in g.objects(fact, prop):
                status = g.value(instant, HV.assertionStatus)
                if status is not None and status != STATED:
                    continue
                checked += 1
                text = str(g.value(instant, HV.dateText) or "")
                year = g.value(instant, URIRef(TIME + "inXSDgYear"))
                month = g.value(instant, URIRef(TIME + "inXSDgYearMonth"))
                digits = [str(year)] if year is not None else []
                if month is not None:
                    y, m = str(month).split("-")
                    digits = [y, str(int(m))]
                if not text or not all(d in text for d in digits) or not _supported(g, fact, text):
                    bad.append((str(fact), prop.fragment, text))
        for issued in g.objects(fact, DCTERMS.issued):
            checked += 1
            if not _supported(g, fact, f"{str(issued)[:4]}年"):
                bad.append((str(fact), "issued", str(issued)))
    return bad, checked


def test_no_stated_fact_has_a_date_that_is_not_in_its_own_quotes(bundled_graph):
    bad, checked = _unsupported_dates(bundled_graph)
    assert checked == 14
    assert not bad, f"stated facts whose date is not in their own quotes: {bad}"


@pytest.mark.parametrize("slug,prop", [("agreement/2024-tuijin-tingshi-gongjian", HV.signedOn),
                                       ("designation/shenzhen-harbin-park-practice-centre", HV.designatedOn),
                                       ("doc/tingshi-gongjian-shishi-fangan-tongzhi", HV.issuedOn)])
def test_the_check_catches_a_date_taken_from_another_sentence_or_a_missing_year(bundled_graph, slug, prop):
    """Without its own inferred status the date would be unsupported: the test can fail."""
    graph = bundled_graph.__class__()
    for triple in bundled_graph:
        graph.add(triple)
    instant = graph.value(ID[slug], prop)
    graph.remove((instant, HV.assertionStatus, None))
    bad, _ = _unsupported_dates(graph)
    assert (str(ID[slug]), prop.fragment) in {(b[0], b[1]) for b in bad}


def test_no_stated_observation_has_a_reference_year_outside_its_quotes(bundled_graph):
    g = bundled_graph
    bad, checked = [], 0
    for obs in g.subjects(RDF.type, HV.StatObservation):
        if g.value(obs, HV.assertionStatus) != STATED or not _from_seed(g, obs):
            continue
        year = g.value(g.value(obs, SDMX_DIM.refPeriod), URIRef(TIME + "inXSDgYear"))
        if year is None:
            continue
        checked += 1
        if not _supported(g, obs, f"{year}年"):
            bad.append((str(obs), str(year)))
    assert checked == 5
    assert not bad, bad


def test_undated_figures_stay_undated(bundled_graph):
    """A query filtering on 2024 finds no figure: 2024 is the report's year, not a reference period."""
    rows = bundled_graph.query("""
        SELECT ?obs WHERE { ?obs a hv:StatObservation ; qb:dataSet <https://w3id.org/hrbvet/id/dataset/seed-article-stats> ;
                                 sdmx-dimension:refPeriod/time:inXSDgYear ?y FILTER(STR(?y) = "2024") }""")
    assert list(rows) == []
    unstated = ID["period/unstated"]
    undated = {o for o in bundled_graph.subjects(SDMX_DIM.refPeriod, unstated) if _from_seed(bundled_graph, o)}
    assert ID["obs/zhipu-rongtong-transfer-students-cumulative-hulan-district-2024"] in undated
    assert ID["obs/surveyed-general-high-schools-hulan-district-2024"] in undated
    assert len(undated) == 30
    assert (unstated, URIRef(TIME + "inXSDgYear"), None) not in bundled_graph


def test_inferred_dates_and_links_say_why(bundled_graph):
    g = bundled_graph
    inferred = [n for n in g.subjects(HV.assertionStatus, STATUS["inferred-context"])
                if (n, RDF.type, URIRef(TIME + "Instant")) in g
                and any(_from_seed(g, f) for f in g.subjects(None, n))]
    # the four lead agreements and their signings, the two parks, the notice and its two events
    assert len(inferred) == 13
    for node in inferred:
        notes = [n for n in g.objects(node, SKOS.editorialNote) if n.language == "en"]
        assert notes, f"{node}: inferred date without a reason"
    lead = ID["agreement/2024-tuijin-tingshi-gongjian"]
    assert g.value(g.value(lead, HV.signedOn), HV.assertionStatus) == STATUS["inferred-context"]
    assert g.value(lead, HV.assertionStatus) == STATED
    notice = ID["doc/tingshi-gongjian-shishi-fangan-tongzhi"]
    assert (notice, DCTERMS.issued, None) not in g
    assert g.value(g.value(notice, HV.issuedOn), HV.dateText) == Literal("今年4月")


LINKS = (HV.availableIn, HV.recruitsFrom, HV.recipient, HV.programme, HV.guidedBy)


def _names(graph, node) -> list[str]:
    names = [str(v) for p in (SKOS.prefLabel, SKOS.altLabel) for v in graph.objects(node, p)
             if getattr(v, "language", None) == "zh"]
    return [re.sub(r"（[^）]*）|[《》“”]", "", n) for n in names]


def test_no_stated_fact_links_to_what_its_quotes_do_not_name(bundled_graph):
    g = bundled_graph
    bad, checked = [], 0
    for fact in _stated_facts(g):
        flat = " ".join(e.replace("\n\n", "") for e, _, _ in _quotes(g, fact))
        for prop in LINKS:
            for target in g.objects(fact, prop):
                checked += 1
                names = _names(g, target)
                if not any(n and (n in flat or n.replace("战略协议", "") in flat) for n in names):
                    bad.append((str(fact), prop.fragment, str(target)))
        for super_event in g.objects(fact, SCHEMA.superEvent):
            checked += 1
            label = _label(g, super_event)
            if not _supported(g, fact, label):
                bad.append((str(fact), "superEvent", str(super_event)))
    assert checked == 19
    assert not bad, f"stated facts linked beyond their quotes: {bad}"


@pytest.mark.parametrize("slug", ["pathway/hulan-vocational-high-to-higher-vocational",
                                  "pathway/hulan-vocational-high-to-employment",
                                  "event/2024-tuijin-tingshi-gongjian-signing"])
def test_interpretations_are_not_stated(bundled_graph, slug):
    status = bundled_graph.value(ID[slug], HV.assertionStatus)
    assert status == STATUS["inferred-context"]
    assert any(n.language == "en" for n in bundled_graph.objects(ID[slug], SKOS.editorialNote))


def test_songbei_and_daoli_send_students_but_host_nothing(bundled_graph):
    g = bundled_graph
    for place in ("place/songbei-district", "place/daoli-district"):
        assert not set(g.subjects(HV.availableIn, ID[place]))
        assert {str(s) for s in g.subjects(HV.recruitsFrom, ID[place])} == {
            str(ID["programme/hulan-zhipu-rongtong"]), str(ID["pathway/hulan-general-to-vocational-high"])}
