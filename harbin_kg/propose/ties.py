"""Ties between organisations: agreements, co-building, designations and consortia.

A sentence that holds a trigger (签署…协议, 共建, 订单班, 入选, 牵头成立, 成员单位 …) proposes a
tie of that kind; the organisations of the sentence are its candidate parties, each with a
role read from where it stands (before 牵头 the lead unit, after 入选 the recipient …).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .mentions import Mention
from .spans import Span, clause_around

__all__ = ["Tie", "Party", "find_ties", "TIE_KINDS"]

# Kind → (trigger pattern, what the kind is called in zh and en).
TIE_KINDS = {
    "agreement": (re.compile(r"签署|签订|签约|协议|战略合作|备忘录|合作框架"), "协议", "agreement"),
    "co-building": (re.compile(r"共建|共同建设|合作共建|合作办学|订单班|订单式|产业学院|实训基地|联合培养|现代学徒制|校企合作|共育|共办"),
                    "共建", "co-building"),
    "designation": (re.compile(r"入选|获批|成为.{0,12}(首批|第[一二三四五六七八九十\d]+批)(?!成员|理事)|认定为|被评为|评为|确定为|列入|授予"),
                    "认定", "designation"),
    "consortium": (re.compile(r"牵头成立|牵头组建|成立|组建|成员单位|理事单位|加入|揭牌"), "联合体", "consortium"),
}
_NOUN_TRIGGERS = ("产业学院", "实训基地", "订单班")
_TITLES = re.compile(r"《[^》]{1,80}》|“[^”]{1,40}”")
_DESIGNATION = TIE_KINDS["designation"][0]
_CONSORTIUM_WORDS = ("联盟", "共同体", "联合体", "集团", "委员会")


@dataclass(frozen=True)
class Party:
    mention: Mention
    role: str  # signatory, co-builder, recipient, conferrer, lead-unit, member, consortium, participant


@dataclass(frozen=True)
class Tie:
    kind: str
    trigger: str
    trigger_span: Span
    sentence: Span
    evidence: Span  # the stretch quoted: from the first party to the trigger or the last party
    parties: tuple[Party, ...]
    confidence: float


def _is_consortium(mention: Mention) -> bool:
    return mention.kind == "organisation" and (
        mention.text.endswith(_CONSORTIUM_WORDS) or "Consortium" in mention.label_en
        or mention.label_zh.endswith(_CONSORTIUM_WORDS))


def _government(mention: Mention) -> bool:
    return mention.text.endswith(("厅", "局", "部", "委员会", "人民政府", "政府")) or \
        mention.label_zh.endswith(("厅", "局", "部", "人民政府", "政府"))


def _roles(kind: str, trigger: Span, orgs: list[Mention]) -> list[Party]:
    parties = []
    for mention in orgs:
        before = mention.span.end <= trigger.start
        if kind == "agreement":
            role = "signatory"
        elif kind == "co-building":
            role = "co-builder"
        elif kind == "designation":
            role = "conferrer" if (_government(mention) and before) else "recipient"
        else:
            if _is_consortium(mention):
                role = "consortium"
            elif before:
                role = "lead-unit" if kind == "consortium" else "member"
            else:
                role = "member"
        parties.append(Party(mention, role))
    return parties


def _enough(kind: str, parties: list[Party]) -> bool:
    roles = [p.role for p in parties]
    if kind in ("agreement", "co-building"):
        return len(parties) >= 2
    if kind == "designation":
        return "recipient" in roles
    return "consortium" in roles and len(parties) >= 2


def find_ties(text: str, sentence_spans: list[Span], mentions: list[Mention]) -> list[Tie]:
    """Every tie a sentence proposes, with its candidate parties and their roles."""
    actors = [m for m in mentions if m.kind in ("organisation", "place")]
    ties: list[Tie] = []
    for sentence in sentence_spans:
        in_sentence = [m for m in actors if sentence.contains(m.span)]
        orgs = [m for m in in_sentence if m.kind == "organisation"]
        # A city or district that signs is a party (哈尔滨市与呼和浩特市签署…); count it only
        # for agreements, and only when no organisation of that place is named.
        titles = [Span(m.start(), m.end()) for m in _TITLES.finditer(text, sentence.start, sentence.end)]
        for kind, (pattern, _zh, _en) in TIE_KINDS.items():
            # 《厅市共建…协议》 names a document; its words are not the sentence's verbs.
            match = next((m for m in pattern.finditer(text, sentence.start, sentence.end)
                          if not any(t.contains(Span(m.start(), m.end())) for t in titles)), None)
            if not match:
                continue
            # 入选…实训基地: a base named in a designation is what is designated, not co-built.
            if kind == "co-building" and match.group() in _NOUN_TRIGGERS and _DESIGNATION.search(
                    text, sentence.start, sentence.end):
                continue
            trigger = Span(match.start(), match.end())
            if kind == "designation":
                # Cities, districts, parks and studies are designated too (哈市入选…试点城市).
                pool = [m for m in mentions if sentence.contains(m.span)
                        and m.kind in ("organisation", "place", "document")]
            elif kind == "agreement" and len(orgs) < 2:
                pool = in_sentence
            else:
                pool = orgs
            seen, unique = set(), []
            for mention in pool:
                key = mention.iri or mention.text
                if key not in seen:
                    seen.add(key)
                    unique.append(mention)
            parties = _roles(kind, trigger, unique)
            if not _enough(kind, parties):
                continue
            first = min([trigger.start] + [p.mention.span.start for p in parties])
            last = max([trigger.end] + [p.mention.span.end for p in parties])
            evidence = clause_around(text, Span(first, last), sentence)
            known = sum(1 for p in parties if not p.mention.is_new)
            confidence = round(min(0.95, 0.5 + 0.1 * known + (0.15 if len(parties) <= 4 else 0.0)), 2)
            ties.append(Tie(kind, match.group(), trigger, sentence, evidence, tuple(parties), confidence))
    return ties
