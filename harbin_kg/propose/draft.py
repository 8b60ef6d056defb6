"""Proposals as a draft in the project's own curation format (Turtle with hv:quote / hv:cite).

Every node of the draft carries ``hv:assertionStatus proposal:proposed`` and ``hv:confidence``;
a build refuses that status, so nothing proposed reaches the graph until a person changes it to
a status of the assertion-status scheme (stated, inferred-context …) or deletes the node. A
shipped text's facts quote it verbatim (``hv:quote``, offsets computed by the build); a cited
page's facts cite it (``hv:cite`` with the paragraph and the name or figure as written).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from decimal import Decimal


from ..graph.labels import curie
from ..namespaces import ID
from .dates import DateMention
from .figures import Figure
from .mentions import Mention
from .proposals import Proposals
from .spans import Span, paragraph_of
from .ties import Tie

__all__ = ["SourceInfo", "draft_turtle", "slug_of", "english_name", "KINDS"]

PREFIXES = """@base <https://w3id.org/hrbvet/id/> .
@prefix hv: <https://w3id.org/hrbvet/ont#> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix oa: <http://www.w3.org/ns/oa#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix schema: <https://schema.org/> .
@prefix qb: <http://purl.org/linked-data/cube#> .
@prefix sdmx-dimension: <http://purl.org/linked-data/sdmx/2009/dimension#> .
@prefix sdmx-measure: <http://purl.org/linked-data/sdmx/2009/measure#> .
@prefix time: <http://www.w3.org/2006/time#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix status: <https://w3id.org/hrbvet/scheme/assertion-status/> .
@prefix proposal: <https://w3id.org/hrbvet/scheme/proposal-status/> .
@prefix complete: <https://w3id.org/hrbvet/scheme/party-completeness/> .
@prefix role: <https://w3id.org/hrbvet/scheme/role/> .
@prefix agrtype: <https://w3id.org/hrbvet/scheme/agreement-type/> .
@prefix desig: <https://w3id.org/hrbvet/scheme/designation-type/> .
@prefix ind: <https://w3id.org/hrbvet/scheme/indicator/> .
@prefix unit: <https://w3id.org/hrbvet/scheme/count-unit/> .
@prefix vq: <https://w3id.org/hrbvet/scheme/value-qualifier/> .
@prefix cmp: <https://w3id.org/hrbvet/scheme/comparator/> .
"""

#: Proposal kinds with their zh/en names, as the review table and page show them.
KINDS = {"entity": ("实体", "entity"), "figure": ("数字", "figure"), "date": ("日期", "date"),
         "tie": ("关系", "tie")}

# Classes a new organisation's ending suggests; the curator confirms or changes it.
_CLASS_BY_SUFFIX = (
    (("职业技术学院", "职业学院", "高等专科学校"), "hv:HigherVocationalCollege"),
    (("大学",), "hv:UndergraduateInstitution"),
    (("中学校", "中学"), "hv:GeneralHighSchool"),
    (("学校", "中专", "职教中心", "职业教育中心", "学院"), "hv:School"),
    (("有限公司", "有限责任公司", "股份有限公司", "集团"), "hv:Enterprise"),
    (("人民政府", "委员会", "局", "厅"), "hv:GovernmentBody"),
    (("产业园", "产业园区"), "hv:IndustrialPark"),
    (("联盟", "共同体", "联合体", "职教集团"), "hv:Consortium"),
)
# English for the parts of names that recur; the rest is spelt in pinyin for the curator to fix.
_GLOSSARY = (
    ("黑龙江省", "Heilongjiang Provincial "), ("黑龙江", "Heilongjiang "), ("哈尔滨市", "Harbin Municipal "),
    ("哈尔滨", "Harbin "), ("职业技术学院", " Vocational and Technical College"),
    ("职业技术大学", " Vocational and Technical University"), ("职业学院", " Vocational College"),
    ("技师学院", " Technician College"), ("学院", " College"), ("大学", " University"),
    ("中等职业学校", " Secondary Vocational School"), ("职业学校", " Vocational School"),
    ("学校", " School"), ("中学", " Middle School"), ("有限责任公司", " Co., Ltd."),
    ("股份有限公司", " Co., Ltd."), ("有限公司", " Co., Ltd."), ("集团", " Group"),
    ("教育局", " Education Bureau"), ("教育厅", " Department of Education"), ("人民政府", " People's Government"),
    ("委员会", " Committee"), ("产业园", " Industrial Park"), ("联盟", " Alliance"),
    ("共同体", " Community"), ("联合体", " Consortium"), ("职教中心", " Vocational Education Centre"),
    ("智能制造", " Intelligent Manufacturing"), ("科技", " Technology"), ("职业教育", " Vocational Education"),
)


@dataclass(frozen=True)
class SourceInfo:
    """Where the text comes from: shipped (slug) or a cited page (URL, title, outlet, dates)."""

    slug: str
    shipped: bool
    url: str = ""
    title: str = ""
    outlet: str = ""
    published: str = ""
    read_on: str = ""

    @property
    def source_iri(self) -> str:
        return f"source/{self.slug}"


def turtle_string(text: str) -> str:
    escaped = (text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
               .replace("\r", "\\r").replace("\t", "\\t"))
    return f'"{escaped}"'


def slug_of(name: str) -> str:
    """A slug for a new name: toneless pinyin of its Chinese, ASCII words kept."""
    from pypinyin import lazy_pinyin  # only new names need it

    words = lazy_pinyin(name)
    slug = re.sub(r"[^a-z0-9]+", "-", " ".join(words).lower()).strip("-")
    return re.sub(r"-+", "-", slug)[:60].strip("-") or "x" + hashlib.sha1(name.encode()).hexdigest()[:8]


def english_name(name: str) -> str:
    """A first English rendering of a Chinese organisation name, marked for checking."""
    from pypinyin import lazy_pinyin

    parts, rest = [], name
    while rest:
        for zh, en in _GLOSSARY:
            if rest.startswith(zh):
                parts.append(en)
                rest = rest[len(zh):]
                break
        else:
            chunk = ""
            while rest and not any(rest.startswith(zh) for zh, _ in _GLOSSARY):
                chunk += rest[0]
                rest = rest[1:]
            parts.append(" " + "".join(w.capitalize() for w in lazy_pinyin(chunk)) + " ")
    return re.sub(r"\s+", " ", "".join(parts)).strip() + " (check)"


def _class_for(mention: Mention) -> str:
    for endings, cls in _CLASS_BY_SUFFIX:
        if mention.text.endswith(endings):
            return cls
    return "org:Organization"


class _Writer:
    def __init__(self, proposals: Proposals, source: SourceInfo):
        self.p, self.source = proposals, source
        self.lines: list[str] = []
        self.text = proposals.text
        self.new_iris: dict[str, str] = {}
        self.counters: dict[str, int] = {}

    def next_iri(self, kind: str) -> str:
        self.counters[kind] = self.counters.get(kind, 0) + 1
        return f"{kind}/{self.source.slug}-{self.counters[kind]:02d}"

    def evidence(self, span: Span, phrase: str | None = None) -> str:
        """``hv:quote`` for a shipped text (with context when the words recur), else ``hv:cite``."""
        exact = span.of(self.text)
        if self.source.shipped:
            if self.text.count(exact) == 1:
                return f"hv:quote {turtle_string(exact)}"
            for width in range(1, 40):
                prefix = self.text[max(0, span.start - width):span.start]
                if self.text.count(prefix + exact) == 1:
                    return f"hv:quote [ oa:prefix {turtle_string(prefix)} ; oa:exact {turtle_string(exact)} ]"
                suffix = self.text[span.end:span.end + width]
                if self.text.count(exact + suffix) == 1:
                    return f"hv:quote [ oa:exact {turtle_string(exact)} ; oa:suffix {turtle_string(suffix)} ]"
            return f"hv:quote {turtle_string(exact)}"
        key = phrase if phrase is not None else exact
        return (f"hv:cite [ hv:source <{self.source.source_iri}> ; "
                f"hv:locator \"para {paragraph_of(self.text, span.start)}\" ; hv:keyPhrase {turtle_string(key)} ]")

    def evidence_with(self, span: Span, phrase: str | None, date: DateMention | None) -> str:
        """Evidence of ``span``, plus the date's own words when the span does not hold them."""
        evidence = self.evidence(span, phrase)
        if date is not None and date.year is not None and not span.contains(date.span):
            evidence += " ,\n    " + self.evidence(date.span, date.text).split(" ", 1)[1]
        return evidence

    def proposed(self, confidence: float) -> str:
        return f"hv:assertionStatus proposal:proposed ; hv:confidence {Decimal(str(confidence)):.2f}"

    def iri_of(self, mention: Mention) -> str:
        if mention.iri is not None:
            return f"<{str(mention.iri)[len(str(ID)):]}>" if str(mention.iri).startswith(str(ID)) else f"<{mention.iri}>"
        return f"<{self.new_iris[mention.text]}>"

    def label_en(self, mention: Mention) -> str:
        return mention.label_en or (english_name(mention.text) if mention.is_new else mention.text)

    def add(self, block: str) -> None:
        self.lines.append(block.rstrip() + "\n")


def _entities(w: _Writer) -> None:
    known: dict = {}
    for m in w.p.entities:
        if not m.is_new:
            known.setdefault(m.iri, []).append(m)
    if known:
        w.add("########################################################################\n"
              "# Names the graph already knows (no new facts; listed for review)\n"
              "########################################################################")
        for iri, mentions in sorted(known.items(), key=lambda kv: str(kv[0])):
            spans = ", ".join(f"{m.span.start}–{m.span.end}" for m in mentions[:6])
            written = " / ".join(sorted({m.text for m in mentions}))
            w.add(f"# {written} → <{curie(str(iri))}> {mentions[0].label_zh} ({spans})")
    new: dict = {}
    for m in w.p.entities:
        if m.is_new:
            new.setdefault(m.text, m)
    if not new:
        return
    w.add("\n########################################################################\n"
          "# New organisations (not in the graph): check the class, the English name and the slug\n"
          "########################################################################")
    used = set()
    for text, m in new.items():
        slug = slug_of(text)
        while f"org/{slug}" in used:
            slug += "-2"
        used.add(f"org/{slug}")
        w.new_iris[text] = f"org/{slug}"
        w.add(f"<org/{slug}> a {_class_for(m)} ;\n"
              f"  skos:prefLabel {turtle_string(text)}@zh , {turtle_string(english_name(text))}@en ;\n"
              f"  {w.proposed(m.confidence)} ;\n"
              f"  skos:editorialNote {turtle_string(f'Proposed from its ending ({m.suffix}); class and English name are guesses to check.')}@en ;\n"
              f"  {w.evidence(m.span, text)} .\n")


def _date_node(w: _Writer, date: DateMention, predicate: str) -> str:
    if date.year is None:
        return ""
    if date.precision == "day" and date.month and date.day:
        iso = f"{date.year:04d}-{date.month:02d}-{date.day:02d}"
        value = f'time:inXSDDate "{iso}"^^xsd:date'
    elif date.precision == "month" and date.month:
        iso = f"{date.year:04d}-{date.month:02d}"
        value = f'time:inXSDgYearMonth "{iso}"^^xsd:gYearMonth'
    else:
        iso = f"{date.year:04d}"
        value = f'time:inXSDgYear "{iso}"^^xsd:gYear'
    value += f" ; skos:prefLabel {turtle_string(date.text)}@zh , {turtle_string(iso)}@en"
    note = ""
    if date.inferred:
        note = (f" ; hv:assertionStatus status:inferred-context ; "
                f"skos:editorialNote {turtle_string('Year not written in the text: ' + date.how + '.')}@en")
    return f"  {predicate} [ a time:Instant ; {value} ; hv:dateText {turtle_string(date.text)}{note} ] ;\n"


def _date_in(w: _Writer, sentence: Span) -> DateMention | None:
    inside = [d for d in w.p.dates if sentence.contains(d.span) and d.precision != "years"]
    return inside[0] if inside else None


def _ties(w: _Writer) -> None:
    if not w.p.ties:
        return
    w.add("\n########################################################################\n"
          "# Ties: agreements, co-building, designations, consortia (parties are candidates)\n"
          "########################################################################")
    for tie in w.p.ties:
        _tie(w, tie)


def _tie(w: _Writer, tie: Tie) -> None:
    label = tie.evidence.of(w.text).replace("\n", "")
    names = ", ".join(w.label_en(p.mention).replace(" (check)", "") for p in tie.parties)
    date = _date_in(w, tie.sentence)
    if tie.kind in ("agreement", "co-building"):
        iri = w.next_iri("agreement" if tie.kind == "agreement" else "initiative")
        cls = "hv:Agreement" if tie.kind == "agreement" else "hv:JointInitiative"
        block = (f"<{iri}> a {cls} ;\n"
                 f"  skos:prefLabel {turtle_string(label)}@zh , {turtle_string(f'{tie.kind.capitalize()}: {names} (check)')}@en ;\n")
        if tie.kind == "agreement":
            block += "  hv:agreementType agrtype:agreement ;\n"
            block += _date_node(w, date, "hv:signedOn") if date else ""
        block += "  hv:partyCompleteness complete:some-stated ;\n"
        block += (f"  {w.proposed(tie.confidence)} ;\n"
                  f"  skos:editorialNote {turtle_string(f'Trigger {tie.trigger!r} in the sentence; every organisation of the sentence is a candidate party.')}@en ;\n"
                  f"  {w.evidence_with(tie.evidence, tie.trigger, date)} .\n")
        w.add(block)
        for party in tie.parties:
            agent = w.iri_of(party.mention)
            slug = agent.strip("<>").rsplit("/", 1)[-1]
            role = "signatory" if tie.kind == "agreement" else "co-builder"
            w.add(f"<{iri}/party/{slug}> a hv:Participation ;\n"
                  f"  skos:prefLabel {turtle_string(party.mention.text + '（' + KINDS['tie'][0] + '方）')}@zh , "
                  f"{turtle_string(w.label_en(party.mention).replace(' (check)', '') + ' as party')}@en ;\n"
                  f"  hv:relator <{iri}> ; hv:agent {agent} ; hv:role role:{role} ;\n"
                  f"  {w.proposed(tie.confidence)} ;\n"
                  f"  {w.evidence(party.mention.span, party.mention.text)} .\n")
    elif tie.kind == "designation":
        conferrers = [p for p in tie.parties if p.role == "conferrer"]
        for party in (p for p in tie.parties if p.role == "recipient"):
            iri = w.next_iri("designation")
            block = (f"<{iri}> a hv:Designation ;\n"
                     f"  skos:prefLabel {turtle_string(label)}@zh , {turtle_string(f'Designation of {w.label_en(party.mention)}')}@en ;\n"
                     f"  hv:recipient {w.iri_of(party.mention)} ;\n"
                     f"  # hv:designationType desig:… ;  (choose the kind of designation)\n")
            block += "".join(f"  hv:conferredBy {w.iri_of(c.mention)} ;\n" for c in conferrers)
            block += _date_node(w, date, "hv:designatedOn") if date else ""
            block += (f"  {w.proposed(tie.confidence)} ;\n"
                      f"  {w.evidence_with(tie.evidence, party.mention.text, date)} .\n")
            w.add(block)
    else:
        consortia = [p for p in tie.parties if p.role == "consortium"]
        for consortium in consortia:
            for party in (p for p in tie.parties if p.role in ("lead-unit", "member")):
                iri = w.next_iri("membership")
                role = "lead-unit" if party.role == "lead-unit" else "member"
                w.add(f"<{iri}> a hv:ConsortiumMembership ;\n"
                      f"  skos:prefLabel {turtle_string(party.mention.text + ' — ' + consortium.mention.text)}@zh , "
                      f"{turtle_string(w.label_en(party.mention).replace(' (check)', '') + ' in ' + w.label_en(consortium.mention))}@en ;\n"
                      f"  org:member {w.iri_of(party.mention)} ; org:organization {w.iri_of(consortium.mention)} ;\n"
                      f"  org:role role:{role} ;\n"
                      f"  {w.proposed(tie.confidence)} ;\n"
                      f"  {w.evidence(tie.evidence, consortium.mention.text)} .\n")


def _figures(w: _Writer) -> None:
    if not w.p.figures:
        return
    dataset = f"dataset/{w.source.slug}-figures"
    w.add("\n########################################################################\n"
          "# Figures: observations and targets (indicator, area and period to check)\n"
          "########################################################################")
    w.add(f"<{dataset}> a qb:DataSet ;\n"
          f"  skos:prefLabel {turtle_string('《' + (w.source.title or w.source.slug) + '》中的数字')}@zh , "
          f"{turtle_string('Figures reported in ' + (w.source.title or w.source.slug))}@en ;\n"
          f"  qb:structure hv:dsd ;\n"
          f"  {w.evidence(w.p.figures[0].span)} .\n")
    places = [m for m in w.p.entities if m.kind == "place" and not m.is_new]
    for figure in w.p.figures:
        _figure(w, figure, dataset, places)


def _number(value: Decimal) -> str:
    return str(int(value)) if value == value.to_integral_value() else format(value.normalize(), "f")


def _figure(w: _Writer, figure: Figure, dataset: str, places: list[Mention]) -> None:
    sentence = next((s for s in w.p.sentences if s.contains(figure.span)), figure.clause)
    area = next((p for p in places if sentence.contains(p.span)), None)
    date = _date_in(w, sentence)
    indicator = f"hv:indicator <{figure.indicator.iri}> ;" if figure.indicator else "# hv:indicator ind:… ;  (no indicator found: choose or declare one)"
    unit = f"hv:unit <{figure.unit_iri}> ;" if figure.unit_iri else f"# hv:unit unit:… ;  (unit as written: {figure.unit or 'none'})"
    label_en = (figure.indicator.label_en if figure.indicator else "figure") + f": {figure.text} (check)"
    if figure.kind == "target":
        iri = w.next_iri("target")
        block = (f"<{iri}> a hv:Target ;\n"
                 f"  skos:prefLabel {turtle_string(figure.clause.of(w.text).replace(chr(10), ''))}@zh , {turtle_string(label_en)}@en ;\n"
                 f"  {indicator}\n  hv:targetValue {_number(figure.value)} ; {unit}\n"
                 f"  hv:comparator cmp:{'at-least' if figure.qualifier == 'at-least' else 'reach'} ;\n"
                 f"  hv:reportedText {turtle_string(figure.text)} ;\n")
        if figure.deadline and figure.deadline_span:
            written = figure.deadline_span.of(w.text)
            block += (f'  hv:deadline [ a time:Instant ; time:inXSDgYear "{figure.deadline}"^^xsd:gYear ; '
                      f'skos:prefLabel {turtle_string(written)}@zh , "by {figure.deadline}"@en ; '
                      f'hv:dateText {turtle_string(written)} ] ;\n')
    else:
        iri = w.next_iri("obs")
        block = (f"<{iri}> a hv:StatObservation ;\n"
                 f"  skos:prefLabel {turtle_string(figure.clause.of(w.text).replace(chr(10), ''))}@zh , {turtle_string(label_en)}@en ;\n"
                 f"  qb:dataSet <{dataset}> ;\n  {indicator}\n"
                 f"  sdmx-measure:obsValue {_number(figure.value)} ; {unit}\n"
                 f"  hv:valueQualifier vq:{figure.qualifier} ;\n"
                 f"  hv:reportedText {turtle_string(figure.text)} ;\n")
        block += (f"  sdmx-dimension:refArea {w.iri_of(area)} ;\n" if area
                  else "  # sdmx-dimension:refArea <place/…> ;  (no place in the sentence)\n")
        if date and date.year:
            block += f"  # sdmx-dimension:refPeriod <period/{date.year}> ;  (the sentence says {date.text})\n"
        else:
            block += "  # undated in the text: leave the reference period out\n"
    evidence = w.evidence(figure.clause, figure.text)
    if figure.deadline_span and not figure.clause.contains(figure.deadline_span):
        evidence += " ;\n  " + w.evidence(figure.deadline_span, figure.deadline_span.of(w.text))
    block += f"  {w.proposed(figure.confidence)} ;\n  {evidence} .\n"
    w.add(block)


def _dates(w: _Writer) -> None:
    if not w.p.dates:
        return
    w.add("\n########################################################################\n"
          "# Dates found (attached above where a fact's sentence holds one)\n"
          "########################################################################")
    for date in w.p.dates:
        flag = "inferred: " + date.how if date.inferred else "written"
        w.add(f"# {date.text} ({date.span.start}–{date.span.end}) → {date.year or '?'}"
              f"{'-%02d' % date.month if date.month else ''}{'-%02d' % date.day if date.day else ''}"
              f"{'–' + str(date.end_year) if date.end_year else ''}; {flag}")


def draft_turtle(proposals: Proposals, source: SourceInfo, *, text_name: str = "") -> str:
    """The draft file: prefixes, a header saying how to review it, then the proposals."""
    w = _Writer(proposals, source)
    counts = proposals.counts()
    w.add(f"# harbin-kg propose: a DRAFT of facts from {text_name or source.slug} — not curated data yet.\n"
          f"# {', '.join(f'{v} {k}' for k, v in counts.items())}.\n"
          "# Review every node: fix or delete it, then replace `proposal:proposed` by a status of the\n"
          "# assertion-status scheme (status:stated, or status:inferred-context with an English note)\n"
          "# and drop hv:confidence. `harbin-kg build` refuses a proposed status. Evidence: "
          + ("hv:quote (verbatim, offsets by the build).\n" if source.shipped
             else "hv:cite (paragraph and the name or figure as written).\n")
          + PREFIXES)
    _entities(w)
    _ties(w)
    _figures(w)
    _dates(w)
    return "\n".join(w.lines)


def source_turtle(source: SourceInfo, text: str, sha256: str) -> str:
    """The metadata file of the source: data/sources/SLUG.ttl (shipped) or a cited page's node."""
    if source.shipped:
        title = source.title or source.slug
        return (PREFIXES + "\n"
                f"<doc/{source.slug}> a hv:SourceDocument ;\n"
                f"  skos:prefLabel {turtle_string(title)}@zh , {turtle_string(title + ' (translate)')}@en ;\n"
                f"  dcterms:title {turtle_string(title)}@zh ;\n"
                f"  dcterms:language \"zh-Hans\" ;\n"
                + (f"  dcterms:date {_date_literal(source.published)} ;\n" if source.published else "")
                + f"  hv:quote {turtle_string(text.strip().splitlines()[0].strip())} .\n\n"
                f"<text/{source.slug}> a hv:SourceText ;\n"
                f"  skos:prefLabel {turtle_string('《' + title + '》全文（UTF-8）')}@zh , "
                f"{turtle_string('Full text of ' + title + ', UTF-8 plain text')}@en ;\n"
                f"  hv:textOf <doc/{source.slug}> ;\n"
                f"  hv:repoPath \"data/sources/{source.slug}.txt\" ;\n"
                f"  hv:sha256 \"{sha256}\" ;\n"
                f"  hv:offsetUnit \"unicode-code-point\" ;\n"
                f"  dcterms:format \"text/plain; charset=utf-8\" .\n")
    return (PREFIXES + "\n"
            f"<{source.source_iri}> a hv:CitedSource ;\n"
            f"  skos:prefLabel {turtle_string(source.title or source.url)}@zh , "
            f"{turtle_string((source.title or source.url) + ' (translate)')}@en ;\n"
            f"  dcterms:title {turtle_string(source.title)}@zh ;\n"
            f"  schema:url {turtle_string(source.url)}^^xsd:anyURI ;\n"
            + (f"  hv:outlet {turtle_string(source.outlet)} ;\n" if source.outlet else "")
            + (f"  dcterms:issued {_date_literal(source.published)} ;\n" if source.published else "")
            + (f"  hv:readOn \"{source.read_on}\"^^xsd:date ;\n" if source.read_on else "")
            + "  # hv:sourceType srctype:… ; hv:reliability grade:… ;  (grade the page)\n"
            "  hv:assertionStatus proposal:proposed .\n")


def _date_literal(value: str) -> str:
    kind = {4: "gYear", 7: "gYearMonth", 10: "date"}.get(len(value), "date")
    return f'"{value}"^^xsd:{kind}'
