"""One English rendering per recurring Chinese term (data/glossary.csv), and labels follow it."""

import csv
import re
from pathlib import Path

import pytest
from rdflib.namespace import SKOS

ROOT = Path(__file__).resolve().parent.parent
GLOSSARY = ROOT / "data" / "glossary.csv"
CJK = re.compile(r"[\u3400-\u9fff]")


def _glossary() -> list[dict]:
    with GLOSSARY.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _labels(graph) -> dict:
    """Node → {lang: prefLabel} for everything of ours (entities, facts, concepts, terms)."""
    labels: dict = {}
    for node, label in graph.subject_objects(SKOS.prefLabel):
        if str(node).startswith("https://w3id.org/hrbvet/") and label.language in ("zh", "en"):
            labels.setdefault(node, {})[label.language] = str(label)
    return labels


def test_each_term_has_exactly_one_rendering():
    rows = _glossary()
    assert [r["zh"] for r in rows] == sorted(set(r["zh"] for r in rows), key=[r["zh"] for r in rows].index)
    assert all(r["en"].strip() and not CJK.search(r["en"]) for r in rows)
    by_term = {r["zh"]: r["en"] for r in rows}
    assert by_term["职普融通"] == "vocational–general integration"
    assert by_term["次"] != by_term["倍"]


def _uses(labels, term):
    if len(term) == 1:  # a one-character unit (次, 倍) is the concept labelled exactly so
        return [(n, d) for n, d in labels.items() if d.get("zh") == term]
    return [(n, d) for n, d in labels.items() if term in d.get("zh", "")]


@pytest.mark.parametrize("row", _glossary(), ids=lambda r: r["zh"])
def test_every_label_with_the_term_uses_its_rendering(bundled_graph, row):
    labels = _labels(bundled_graph)
    uses = _uses(labels, row["zh"])
    assert uses, f"{row['zh']} is in the glossary but labels nothing"
    off = sorted((str(n), d.get("en")) for n, d in uses if row["en"].lower() not in d.get("en", "").lower())
    assert not off, f"{row['zh']} → {row['en']}: {off}"


def test_recurring_terms_are_in_the_glossary(bundled_graph):
    """The terms the labels use most (three labels or more) are all in the glossary."""
    labels = _labels(bundled_graph)
    terms = {r["zh"] for r in _glossary()}
    for term in ["职普融通", "产教融合", "厅市共建", "实训基地", "职教集团", "试点", "先导区", "哈尔滨新区"]:
        assert term in terms
        assert len(_uses(labels, term)) >= 3, term


def test_english_labels_translate_chinese_terms(bundled_graph):
    """Chinese in an English label only as a gloss in brackets after the English words."""
    offenders = []
    for node, d in _labels(bundled_graph).items():
        english = d.get("en", "")
        outside = re.sub(r"\([^)]*\)|（[^）]*）", "", english)
        if CJK.search(outside):
            offenders.append((str(node), english))
    assert not offenders, offenders


#: What a cited page writes is kept as written (its title, the name it uses, the key phrase),
#: even where it spells a name another way; the spelling rule is for the project's own words.
AS_WRITTEN = {"http://purl.org/dc/terms/title", "https://w3id.org/hrbvet/ont#mentionText",
              "https://w3id.org/hrbvet/ont#keyPhrase"}


def test_the_named_regions_and_colleges_are_spelled_one_way(bundled_graph):
    from rdflib import Graph

    own = Graph()
    for s, p, o in bundled_graph:
        if str(p) not in AS_WRITTEN:
            own.add((s, p, o))
    assert len(own) < len(bundled_graph)  # the pages' own words are there, and set aside
    text = own.serialize(format="nt")
    assert "Daxing'anling" not in text and "Daxing\\'anling" not in text
    assert "Harbin Vocational and Technical" not in text
    assert "tune an industrial robot" not in text
