"""A synthetic vocational-education ecosystem of any size, for benchmarks and scale tests.

``harbin-kg synth --triples N --seed S -o FILE`` (and :func:`generate`) writes a graph shaped
like a built graph: the ontology and concept schemes, then provinces, cities
and districts, government bodies, schools of every level, enterprises, industrial parks,
consortia with many members, agreements with 2–5 parties (one ``hv:Participation`` each),
policy documents, targets, statistical observations in a ``qb:DataSet``, pathways, and a
synthetic source text whose slices are the ``hv:Quote`` evidence of every fact. The derived
shortcuts (``hv:party``, ``org:memberOf``/``org:hasMember``) are written as the build's rules
would write them: from *stated* participations and memberships only.

Design
------
* **Streaming.** Triples are written as N-Triples lines (valid Turtle too) in chunks; entities
  are numbered, their IRIs are computed from the number, so nothing grows with the output but
  the source text (a bounded pool of sentences, at most ~1 MB). 10M triples need a few MB.
* **Deterministic.** One ``random.Random(seed)``, lists only (no set or dict-order dependence):
  the same ``triples`` and ``seed`` give byte-identical output for a given ontology.
* **Skew.** Parties and members are drawn with ``int(n * u ** SKEW)``: low-numbered
  organisations are hubs (the top 1 % takes ~16 % of picks), the rest a long tail; consortium
  sizes follow Zipf's law over rank, truncated at :data:`MAX_CONSORTIUM` (60) members: a few
  big groups, a long tail of small ones, and no consortium larger than real ones are.
* **Size.** The phases are budgeted from ``triples``; the last phase (agreements) runs until the
  count reaches ``triples``, so the output is within a few dozen triples of the request (never
  below, except for the ontology's share on very small requests). At least
  :data:`MIN_TRIPLES`, since the ontology and schemes alone are ~2,800 triples.
* **Quotes hold.** Each ``hv:Quote``'s ``oa:exact`` is ``text[start:end]`` of the source text
  written beside the output (``out.ttl`` → ``out.source.txt``), with 12-character prefix and
  suffix, the text's SHA-256 and length on its ``hv:SourceText``; every ``hv:reportedText`` is a
  substring of its own fact's quote.
* Everything synthetic says so: IRIs ``…/id/org/synth-school-00042``, labels
  ``"合成学校 00042"@zh`` / ``"Synthetic school 00042"@en``.
"""

from __future__ import annotations

import hashlib
import io
import itertools
import os
import random
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import HarbinKGError, OutputError
from ..namespaces import BASE

__all__ = ["MIN_TRIPLES", "MAX_TRIPLES", "MAX_CONSORTIUM", "SynthError", "SynthStats", "check_size",
           "source_path_for", "generate", "write_synthetic"]

MIN_TRIPLES = 5_000
MAX_TRIPLES = 100_000_000
SKEW = 2.5
#: Largest consortium (members). Real 职教集团 and 产教联合体 have tens of members, not
#: thousands. An unbounded Zipf gave the biggest synthetic consortium ~1,200 members at 1M
#: triples; co-membership turned it into a ~700k-edge clique, so the partnership network had
#: 1.07M edges on 21k nodes — a shape no real ecosystem has, which swamped the projection,
#: the centrality measures and the partner queries. Truncating the same Zipf at 60 keeps the
#: skew (the top ranks are all large, the tail small) and leaves graphs ≤ 10k triples unchanged.
MAX_CONSORTIUM = 60
SOURCE_SLUG = "synth-source"
_CONTEXT = 12
_CHUNK = 4096

_ID = BASE + "id/"
_HV = BASE + "ont#"
_SCHEME = BASE + "scheme/"
_RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
_NS = {
    "hv": _HV,
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "org": "http://www.w3.org/ns/org#",
    "oa": "http://www.w3.org/ns/oa#",
    "qb": "http://purl.org/linked-data/cube#",
    "sdmx-dimension": "http://purl.org/linked-data/sdmx/2009/dimension#",
    "sdmx-measure": "http://purl.org/linked-data/sdmx/2009/measure#",
    "time": "http://www.w3.org/2006/time#",
    "dcterms": "http://purl.org/dc/terms/",
    "schema": "https://schema.org/",
    "eli": "http://data.europa.eu/eli/ontology#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}
_SCHEMES = {
    "status": "assertion-status", "complete": "party-completeness", "role": "role", "cmp": "comparator",
    "vq": "value-qualifier", "orgcat": "org-category", "agrtype": "agreement-type", "doctype": "document-type",
    "field": "industry-field", "ind": "indicator", "unit": "count-unit", "verb": "action-verb",
    "level": "education-level", "mech": "mechanism", "ptype": "pathway-type",
}


def _iri(curie: str) -> str:
    """``"hv:School"`` → ``<…ont#School>``; ``"level:bachelor"`` → a concept; ``"org/x"`` → an entity."""
    prefix, sep, local = curie.partition(":")
    if sep and prefix in _NS:
        return f"<{_NS[prefix]}{local}>"
    if sep and prefix in _SCHEMES:
        return f"<{_SCHEME}{_SCHEMES[prefix]}/{local}>"
    return f"<{_ID}{curie}>"


def _lit(text: str, lang: str | None = None, datatype: str | None = None) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    if lang:
        return f'"{escaped}"@{lang}'
    if datatype:
        return f'"{escaped}"^^{_iri(datatype)}'
    return f'"{escaped}"'


A = _RDF_TYPE
P = {name: _iri(name) for name in (
    "skos:prefLabel", "hv:locatedIn", "hv:governs", "hv:orgCategory", "hv:schoolLevel", "hv:competentAuthority",
    "hv:industryField", "hv:adminCode", "hv:assertionStatus", "hv:evidence", "hv:relator", "hv:agent", "hv:role",
    "hv:party", "hv:agreementType", "hv:partyCompleteness", "hv:signedOn", "org:member", "org:organization",
    "org:role", "org:memberOf", "org:hasMember", "hv:indicator", "hv:comparator", "hv:targetValue", "hv:unit",
    "hv:deadline", "hv:scope", "hv:setBy", "hv:actionVerb", "hv:responsibleBody", "qb:dataSet", "qb:structure",
    "sdmx-dimension:refArea", "sdmx-dimension:refPeriod", "sdmx-measure:obsValue", "hv:valueQualifier",
    "hv:reportedText", "hv:fromStage", "hv:toStage", "hv:mechanism", "hv:pathwayType", "hv:availableIn",
    "hv:eligibilityText", "time:inXSDgYear", "schema:containedInPlace", "eli:passed_by", "eli:type_document",
    "dcterms:issued", "hv:textOf", "hv:repoPath", "hv:sha256", "hv:charCount", "hv:offsetUnit", "oa:hasSource",
    "oa:hasSelector", "oa:exact", "oa:prefix", "oa:suffix", "oa:start", "oa:end", "skos:editorialNote",
)}
C = {name: _iri(name) for name in (
    "hv:AdministrativeArea", "hv:IndustrialPark", "hv:GovernmentBody", "hv:GeneralHighSchool",
    "hv:SecondaryVocationalSchool", "hv:HigherVocationalCollege", "hv:UndergraduateInstitution", "hv:Enterprise",
    "hv:Consortium", "hv:ConsortiumMembership", "hv:Agreement", "hv:Participation", "hv:PolicyDocument",
    "hv:Target", "hv:StatObservation", "hv:Pathway", "hv:SourceDocument", "hv:SourceText", "hv:Quote",
    "qb:DataSet", "time:Instant", "time:ProperInterval", "oa:TextQuoteSelector", "oa:TextPositionSelector",
    "status:stated", "status:inferred-context", "status:inferred-caption", "complete:all-stated",
    "complete:some-stated", "role:signatory", "role:member", "role:lead-unit", "vq:exact",
    "hv:dsd",
)}

# School kinds: (share, class, level concept, org-category concept, zh word, en word, slug word)
_SCHOOLS = [
    (0.35, "hv:GeneralHighSchool", "level:general-upper-secondary", "orgcat:general-high-school",
     "普通高中", "general high school", "highschool"),
    (0.40, "hv:SecondaryVocationalSchool", "level:secondary-vocational", "orgcat:secondary-vocational-school",
     "中职学校", "secondary vocational school", "vocschool"),
    (0.18, "hv:HigherVocationalCollege", "level:higher-vocational", "orgcat:higher-vocational-college",
     "高职院校", "higher vocational college", "college"),
    (0.07, "hv:UndergraduateInstitution", "level:applied-bachelor", "orgcat:undergraduate-institution",
     "本科院校", "undergraduate institution", "university"),
]
_FIELDS = ["field:advanced-manufacturing", "field:biomedicine", "field:ice-snow-sports", "field:modern-agriculture"]
_CONSORTIUM_KINDS = [("orgcat:chanjiao-lianheti", "产教联合体", "industry–education alliance"),
                     ("orgcat:chanjiao-ronghe-gongtongti", "产教融合共同体", "industry–education community"),
                     ("orgcat:vet-alliance", "职业教育联盟", "VET alliance"),
                     ("orgcat:zhijiao-jituan", "职教集团", "VET group")]
_AGREEMENT_TYPES = ["agrtype:agreement", "agrtype:strategic-cooperation", "agrtype:framework",
                    "agrtype:strategic-framework", "agrtype:cooperation"]
_DOC_TYPES = ["doctype:tongzhi", "doctype:shishi-fangan", "doctype:gongzuo-fangan"]
_INDICATORS = ["ind:chanjiao-ronghe-enterprises", "ind:modern-industry-colleges", "ind:training-bases",
               "ind:quality-majors", "ind:major-sites", "ind:vet-groups", "ind:kaiwu-workshops",
               "ind:international-cooperation-projects", "ind:comprehensive-training-bases",
               "ind:off-campus-internship-training-bases", "ind:dual-qualified-teacher-training-bases",
               "ind:enrolment", "ind:social-training-person-times", "ind:zhipu-rongtong-transfer-students"]
_VERBS = ["verb:jiancheng", "verb:peiyu", "verb:jianshe", "verb:dazao", "verb:xingcheng"]
# Observation units: (concept, zh word that ends the reported text)
_UNITS = [("unit:suo", "所"), ("unit:jia", "家"), ("unit:ren", "人")]
_PATHWAYS = [
    ("level:general-upper-secondary", "level:secondary-vocational", ["mech:xueji-zhuanru", "mech:zhipu-rongtong"],
     "ptype:lateral-transfer", "普高学生经学籍转入就读职高", "general to vocational upper secondary"),
    ("level:secondary-vocational", "level:higher-vocational", ["mech:gaozhi-danzhao", "mech:zhijiao-gaokao"],
     "ptype:progression", "职高学生经高职单招升入高职", "secondary vocational to higher vocational"),
    ("level:secondary-vocational", "level:bachelor", ["mech:zhijiao-gaokao", "mech:putong-gaokao"],
     "ptype:progression", "职高学生经职教高考考取本科", "secondary vocational to bachelor"),
    ("level:secondary-vocational", "level:vocational-bachelor", ["mech:zhongben-guantong"],
     "ptype:through-training", "中本贯通培养", "integrated secondary-to-bachelor training"),
    ("level:higher-vocational", "level:employment", ["mech:gongxuezhi-guantong"],
     "ptype:employment-transition", "工学结合进入就业", "higher vocational to employment"),
]
_PERIODS = list(range(2019, 2025))
_INFERRED_NOTE = _lit("Synthetic: this party is implied by the sentence's context, not named in it.", "en")


class SynthError(HarbinKGError):
    """A request the generator cannot honour (a nonsense size)."""


def check_size(triples: object) -> int:
    """``triples`` as an int, or a :class:`SynthError` saying what a sensible size is."""
    if isinstance(triples, bool) or not isinstance(triples, int):
        if isinstance(triples, float) and triples.is_integer():
            triples = int(triples)
        elif isinstance(triples, str) and triples.strip().isdigit():
            triples = int(triples.strip())
        else:
            raise SynthError(f"--triples must be a whole number of triples, not {triples!r} (e.g. 100000).")
    if triples <= 0:
        raise SynthError(f"--triples must be positive, not {triples}; try 10000, 100000 or 1000000.")
    if triples < MIN_TRIPLES:
        raise SynthError(f"--triples {triples} is too small: the ontology and schemes alone are ~2,800 triples; "
                         f"ask for at least {MIN_TRIPLES:,}.")
    if triples > MAX_TRIPLES:
        raise SynthError(f"--triples {triples:,} is absurdly large (over {MAX_TRIPLES:,}); generate a smaller "
                         "graph, or several with different seeds.")
    return triples


def source_path_for(path: Path) -> Path:
    """The source text written beside a graph file: ``out.ttl`` → ``out.source.txt``."""
    path = Path(path)
    return path.with_name(path.stem + ".source.txt")


@dataclass(frozen=True)
class SynthStats:
    triples: int
    source_chars: int
    source_sha256: str
    counts: dict


@dataclass(frozen=True)
class _Plan:
    provinces: int
    cities: int
    districts: int
    parks: int
    schools: int
    enterprises: int
    consortia: int
    memberships: int
    documents: int
    targets: int
    observations: int
    pathways: int
    generic_sentences: int
    obs_values: int


def _plan(triples: int, vocabulary: int) -> _Plan:
    rest = max(triples - vocabulary, 1000)
    generic = max(40, min(20_000, rest // 500))
    obs_values = max(10, min(400, rest // 2500))
    quotes = generic + obs_values * len(_UNITS)
    rest = max(rest - 13 * quotes - 20, 500)
    orgs = max(30, int(0.30 * rest / 6.3))
    districts = max(4, orgs // 60)
    cities = max(2, districts // 8)
    provinces = max(1, min(34, cities // 12))
    governments = provinces + 2 * cities + districts
    orgs = max(20, orgs - governments)
    schools = max(8, int(orgs * 0.36))
    consortia = max(3, orgs // 70)
    areas = cities + districts
    return _Plan(
        provinces=provinces, cities=cities, districts=districts, parks=max(2, 2 * cities),
        schools=schools, enterprises=max(12, orgs - schools - consortia), consortia=consortia,
        memberships=max(10, int(0.12 * rest / 10)), documents=max(3, rest // 4000),
        targets=max(3, int(0.035 * rest / 15)),
        observations=max(3, min(int(0.05 * rest / 14), areas * len(_PERIODS) * len(_INDICATORS))),
        pathways=max(3, int(0.02 * rest / 12)), generic_sentences=generic, obs_values=obs_values,
    )


def _vocabulary_lines() -> list[str]:
    """The ontology and schemes as N-Triples lines, in file order (they have no blank nodes)."""
    import pyoxigraph as ox

    from ..graph.paths import project_paths

    lines = []
    for path in project_paths().vocabulary_files():
        for quad in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE, base_iri=_ID):
            lines.append(f"{quad.subject} {quad.predicate} {quad.object} .\n")
    return lines


def _source_text(plan: _Plan) -> tuple[str, list[tuple[int, int]], dict[tuple[int, int], tuple[int, int, str]]]:
    """The synthetic report: generic sentences (evidence of any fact) and one sentence per
    (unit, value) that observations quote, so each ``hv:reportedText`` is inside its quote."""
    parts = ["合成职业教育生态报告（Synthetic VET ecosystem report; generated, not real）\n\n"]
    pos = len(parts[0])
    generic = []
    for k in range(plan.generic_sentences):
        sentence = (f"合成句{k:05d}:合成学校与合成企业签署合作协议,"
                    f"共建产教融合平台,推进职普融通与中高本贯通培养。")
        generic.append((pos, pos + len(sentence)))
        parts.append(sentence + "\n")
        pos += len(sentence) + 1
    valued = {}
    for u, (_, word) in enumerate(_UNITS):
        for v in range(1, plan.obs_values + 1):
            reported = f"{v}{word}"
            sentence = f"合成统计{u}{v:04d}:合成地区该项数量为{reported}。"
            valued[(u, v)] = (pos, pos + len(sentence), reported)
            parts.append(sentence + "\n")
            pos += len(sentence) + 1
    return "".join(parts), generic, valued


class _Writer:
    """Counts triples, buffers lines, reports progress every ~5 %."""

    def __init__(self, out, total: int, progress: Callable[[str], None] | None):
        self.out, self.total, self.progress = out, total, progress
        self.count = 0
        self.buffer: list[str] = []
        self.binary = isinstance(out, (io.RawIOBase, io.BufferedIOBase)) or "b" in getattr(out, "mode", "")
        self.step = max(1, total // 20)
        self.next_report = self.step

    def t(self, s: str, p: str, o: str) -> None:
        self.buffer.append(f"{s} {p} {o} .\n")
        self.count += 1
        if len(self.buffer) >= _CHUNK:
            self.flush()

    def lines(self, lines: list[str]) -> None:
        for line in lines:
            self.buffer.append(line)
            self.count += 1
            if len(self.buffer) >= _CHUNK:
                self.flush()

    def flush(self) -> None:
        if self.buffer:
            data = "".join(self.buffer)
            self.out.write(data.encode("utf-8") if self.binary else data)
            self.buffer = []
        if self.progress and self.count >= self.next_report:
            pct = min(100, round(100 * self.count / self.total))
            self.progress(f"synth: {pct:3d}% ({self.count:,} of ~{self.total:,} triples)")
            while self.next_report <= self.count:
                self.next_report += self.step


def _pick(rng: random.Random, n: int) -> int:
    """0..n-1, skewed towards 0: a few hubs, a long tail."""
    return min(n - 1, int(n * rng.random() ** SKEW))


@dataclass
class _Generation:
    """What every part of :func:`generate` shares: the writer, the seeded RNG (drawn from in one
    fixed order, so the output is byte-identical for a seed), the plan and the source's quotes."""

    w: _Writer
    rng: random.Random
    plan: _Plan
    text: str
    generic: list[tuple[int, int]]
    valued: dict[tuple[int, int], tuple[int, int, str]]
    counts: dict[str, int] = field(default_factory=dict)

    def evidence(self, s: str) -> None:
        start, end = self.generic[self.rng.randrange(len(self.generic))]
        self.w.t(s, P["hv:evidence"], _iri(f"quote/{SOURCE_SLUG}/{start}-{end}"))

    def status(self) -> tuple[str, bool]:
        r = self.rng.random()
        if r < 0.90:
            return C["status:stated"], True
        return (C["status:inferred-context"] if r < 0.97 else C["status:inferred-caption"]), False


def _labels(w: _Writer, s: str, zh: str, en: str) -> None:
    w.t(s, P["skos:prefLabel"], _lit(zh, "zh"))
    w.t(s, P["skos:prefLabel"], _lit(en, "en"))


# IRIs of the generated entities: the number alone names one (and, for a school, its kind).
def _province(i): return _iri(f"place/synth-province-{i:03d}")
def _city(i): return _iri(f"place/synth-city-{i:04d}")
def _district(i): return _iri(f"place/synth-district-{i:05d}")
def _gov(kind, i): return _iri(f"org/synth-{kind}-{i:05d}")
def _school(i): return _iri(f"org/synth-school-{i:05d}")
def _enterprise(i): return _iri(f"org/synth-enterprise-{i:06d}")
def _consortium(i): return _iri(f"org/synth-consortium-{i:04d}")


def _area(plan: _Plan, i: int) -> str:
    return _city(i) if i < plan.cities else _district(i - plan.cities)


_SCHOOL_SHARES = list(itertools.accumulate(share for share, *_ in _SCHOOLS))


def _school_kind(i: int) -> tuple:
    u = ((i * 2654435761) % 1000) / 1000  # spread kinds evenly over numbers, no RNG needed
    for edge, kind in zip(_SCHOOL_SHARES, _SCHOOLS):
        if u < edge:
            return kind
    return _SCHOOLS[-1]


def _provenance(g: _Generation, source_name: str, digest: str) -> None:
    """The source document, its text, and every quote (both selectors)."""
    w, text, generic, valued = g.w, g.text, g.generic, g.valued
    # ---- provenance: the source document, its text, and every quote
    doc, txt = _iri(f"doc/{SOURCE_SLUG}"), _iri(f"text/{SOURCE_SLUG}")
    first = generic[0]
    w.t(doc, A, C["hv:SourceDocument"])
    _labels(w, doc, "合成职业教育生态报告", "Synthetic VET ecosystem report")
    w.t(doc, P["hv:assertionStatus"], C["status:stated"])
    w.t(doc, P["hv:evidence"], _iri(f"quote/{SOURCE_SLUG}/{first[0]}-{first[1]}"))
    w.t(txt, A, C["hv:SourceText"])
    _labels(w, txt, "合成报告全文（UTF-8）", "Full text of the synthetic report, UTF-8 plain text")
    w.t(txt, P["hv:textOf"], doc)
    w.t(txt, P["hv:repoPath"], _lit(source_name))
    w.t(txt, P["hv:sha256"], _lit(digest))
    w.t(txt, P["hv:charCount"], _lit(str(len(text)), datatype="xsd:nonNegativeInteger"))
    w.t(txt, P["hv:offsetUnit"], _lit("unicode-code-point"))
    for start, end in generic + [(s, e) for s, e, _ in valued.values()]:
        q = _iri(f"quote/{SOURCE_SLUG}/{start}-{end}")
        sel, pos = q[:-1] + "/text>", q[:-1] + "/position>"
        w.t(q, A, C["hv:Quote"])
        _labels(w, q, f"引文 {SOURCE_SLUG} {start}–{end}", f"Quote {SOURCE_SLUG} {start}–{end}")
        w.t(q, P["oa:hasSource"], txt)
        w.t(q, P["oa:hasSelector"], sel)
        w.t(q, P["oa:hasSelector"], pos)
        w.t(sel, A, C["oa:TextQuoteSelector"])
        w.t(sel, P["oa:exact"], _lit(text[start:end]))
        w.t(sel, P["oa:prefix"], _lit(text[max(0, start - _CONTEXT):start]))
        w.t(sel, P["oa:suffix"], _lit(text[end:end + _CONTEXT]))
        w.t(pos, A, C["oa:TextPositionSelector"])
        w.t(pos, P["oa:start"], _lit(str(start), datatype="xsd:nonNegativeInteger"))
        w.t(pos, P["oa:end"], _lit(str(end), datatype="xsd:nonNegativeInteger"))
    g.counts["quotes"] = len(generic) + len(valued)


def _places(g: _Generation) -> None:
    """Provinces, cities, districts and parks, and the bodies that govern them."""
    w, rng, plan = g.w, g.rng, g.plan
    # ---- places and the bodies that govern them

    for i in range(plan.provinces):
        s = _province(i)
        w.t(s, A, C["hv:AdministrativeArea"])
        _labels(w, s, f"合成省 {i:03d}", f"Synthetic province {i:03d}")
        w.t(s, P["hv:adminCode"], _lit(f"9{i:02d}000"))
        body = _gov("education-department", i)
        w.t(body, A, C["hv:GovernmentBody"])
        _labels(w, body, f"合成省教育厅 {i:05d}", f"Synthetic provincial education department {i:05d}")
        w.t(body, P["hv:governs"], s)
        w.t(body, P["hv:locatedIn"], s)
        w.t(body, P["hv:orgCategory"], _iri("orgcat:provincial-education-department"))
    for i in range(plan.cities):
        s, parent = _city(i), _province(i % plan.provinces)
        w.t(s, A, C["hv:AdministrativeArea"])
        _labels(w, s, f"合成市 {i:04d}", f"Synthetic city {i:04d}")
        w.t(s, P["schema:containedInPlace"], parent)
        for kind, zh, en, cat in (("city-government", "合成市人民政府", "Synthetic municipal government",
                                   "orgcat:municipal-government"),
                                  ("education-bureau", "合成市教育局", "Synthetic municipal education bureau",
                                   "orgcat:municipal-education-bureau")):
            body = _gov(kind, i)
            w.t(body, A, C["hv:GovernmentBody"])
            _labels(w, body, f"{zh} {i:05d}", f"{en} {i:05d}")
            w.t(body, P["hv:governs"], s)
            w.t(body, P["hv:locatedIn"], s)
            w.t(body, P["hv:orgCategory"], _iri(cat))
    for i in range(plan.districts):
        s = _district(i)
        w.t(s, A, C["hv:AdministrativeArea"])
        _labels(w, s, f"合成区 {i:05d}", f"Synthetic district {i:05d}")
        w.t(s, P["schema:containedInPlace"], _city(i % plan.cities))
        body = _gov("district-government", i)
        w.t(body, A, C["hv:GovernmentBody"])
        _labels(w, body, f"合成区人民政府 {i:05d}", f"Synthetic district government {i:05d}")
        w.t(body, P["hv:governs"], s)
        w.t(body, P["hv:locatedIn"], s)
        w.t(body, P["hv:orgCategory"], _iri("orgcat:municipal-government"))
    for i in range(plan.parks):
        s = _iri(f"place/synth-park-{i:04d}")
        w.t(s, A, C["hv:IndustrialPark"])
        _labels(w, s, f"合成产业园 {i:04d}", f"Synthetic industrial park {i:04d}")
        w.t(s, P["schema:containedInPlace"], _district(rng.randrange(plan.districts)))
    g.counts.update(provinces=plan.provinces, cities=plan.cities, districts=plan.districts, parks=plan.parks)


def _schools_and_enterprises(g: _Generation) -> None:
    """Schools (kind fixed by number, so an IRI tells its class) and enterprises."""
    w, rng, plan = g.w, g.rng, g.plan
    # ---- schools (kind fixed by number, so an IRI tells its class) and enterprises
    for i in range(plan.schools):
        _, cls, level, cat, zh, en, _slug = _school_kind(i)
        s, d = _school(i), rng.randrange(plan.districts)
        w.t(s, A, C[cls])
        _labels(w, s, f"合成{zh} {i:05d}", f"Synthetic {en} {i:05d}")
        w.t(s, P["hv:schoolLevel"], _iri(level))
        w.t(s, P["hv:orgCategory"], _iri(cat))
        w.t(s, P["hv:locatedIn"], _district(d))
        w.t(s, P["hv:competentAuthority"], _gov("education-bureau", d % plan.cities))
    for i in range(plan.enterprises):
        s = _enterprise(i)
        w.t(s, A, C["hv:Enterprise"])
        _labels(w, s, f"合成企业 {i:06d}", f"Synthetic enterprise {i:06d}")
        w.t(s, P["hv:locatedIn"], _district(rng.randrange(plan.districts)))
        w.t(s, P["hv:industryField"], _iri(_FIELDS[rng.randrange(len(_FIELDS))]))
    g.counts.update(schools=plan.schools, enterprises=plan.enterprises)


def _consortia(g: _Generation) -> None:
    """Consortia: Zipf sizes truncated at MAX_CONSORTIUM, members drawn with skew, a lead unit each."""
    w, rng, plan = g.w, g.rng, g.plan
    # ---- consortia: Zipf sizes truncated at MAX_CONSORTIUM, members drawn with skew, a lead unit each
    zipf = [1 / (k + 1) ** 0.9 for k in range(plan.consortia)]
    scale = plan.memberships / sum(zipf)
    members_total = 0
    for i in range(plan.consortia):
        s = _consortium(i)
        cat, zh, en = _CONSORTIUM_KINDS[i % len(_CONSORTIUM_KINDS)]
        w.t(s, A, C["hv:Consortium"])
        _labels(w, s, f"合成{zh} {i:04d}", f"Synthetic {en} {i:04d}")
        w.t(s, P["hv:orgCategory"], _iri(cat))
        w.t(s, P["hv:locatedIn"], _city(rng.randrange(plan.cities)))
        w.t(s, P["hv:industryField"], _iri(_FIELDS[i % len(_FIELDS)]))
        size = max(2, min(int(zipf[i] * scale), MAX_CONSORTIUM, (plan.schools + plan.enterprises) // 2))
        chosen: list[str] = []
        seen: dict[str, None] = {}
        while len(chosen) < size:
            agent = _school(_pick(rng, plan.schools)) if rng.random() < 0.45 else _enterprise(_pick(rng, plan.enterprises))
            if agent not in seen:
                seen[agent] = None
                chosen.append(agent)
        for k, agent in enumerate(chosen):
            m = f"{s[:-1]}/member/{agent[len(_ID) + 5:-1]}>"
            st, stated = g.status()
            w.t(m, A, C["hv:ConsortiumMembership"])
            _labels(w, m, f"合成成员关系 {i:04d}-{k:05d}", f"Synthetic membership {i:04d}-{k:05d}")
            w.t(m, P["org:member"], agent)
            w.t(m, P["org:organization"], s)
            w.t(m, P["org:role"], C["role:lead-unit"] if k == 0 else C["role:member"])
            w.t(m, P["hv:assertionStatus"], st)
            g.evidence(m)
            if not stated:
                w.t(m, P["skos:editorialNote"], _INFERRED_NOTE)
            if stated:
                w.t(agent, P["org:memberOf"], s)
                w.t(s, P["org:hasMember"], agent)
        members_total += len(chosen)
    g.counts.update(consortia=plan.consortia, memberships=members_total)


def _documents_and_targets(g: _Generation) -> None:
    """Policy documents and the targets they set."""
    w, rng, plan = g.w, g.rng, g.plan
    # ---- policy documents, targets, the data set and its observations, pathways
    n_gov_cities = plan.cities
    for i in range(plan.documents):
        s = _iri(f"doc/synth-doc-{i:05d}")
        w.t(s, A, C["hv:PolicyDocument"])
        _labels(w, s, f"合成实施方案 {i:05d}", f"Synthetic implementation plan {i:05d}")
        w.t(s, P["eli:type_document"], _iri(_DOC_TYPES[i % len(_DOC_TYPES)]))
        w.t(s, P["eli:passed_by"], _gov("city-government", _pick(rng, n_gov_cities)))
        w.t(s, P["dcterms:issued"], _lit(str(2019 + rng.randrange(6)), datatype="xsd:gYear"))
        w.t(s, P["hv:assertionStatus"], C["status:stated"])
        g.evidence(s)
    for i in range(plan.targets):
        s = _iri(f"target/synth-target-{i:05d}")
        unit = _UNITS[rng.randrange(len(_UNITS))][0]
        w.t(s, A, C["hv:Target"])
        _labels(w, s, f"合成目标 {i:05d}", f"Synthetic target {i:05d}")
        w.t(s, P["hv:indicator"], _iri(_INDICATORS[rng.randrange(len(_INDICATORS))]))
        w.t(s, P["hv:actionVerb"], _iri(_VERBS[rng.randrange(len(_VERBS))]))
        w.t(s, P["hv:comparator"], _iri("cmp:reach" if rng.random() < 0.8 else "cmp:at-least"))
        w.t(s, P["hv:targetValue"], _lit(str(10 * (1 + _pick(rng, 100))), datatype="xsd:integer"))
        w.t(s, P["hv:unit"], _iri(unit))
        deadline = s[:-1] + "/deadline>"
        w.t(s, P["hv:deadline"], deadline)
        w.t(deadline, A, C["time:Instant"])
        w.t(deadline, P["time:inXSDgYear"], _lit(str(2025 + rng.randrange(6)), datatype="xsd:gYear"))
        w.t(s, P["hv:scope"], _area(plan, rng.randrange(plan.cities + plan.districts)))
        w.t(s, P["hv:setBy"], _iri(f"doc/synth-doc-{rng.randrange(plan.documents):05d}"))
        if rng.random() < 0.5:
            w.t(s, P["hv:responsibleBody"], _gov("education-bureau", _pick(rng, plan.cities)))
        w.t(s, P["hv:assertionStatus"], C["status:stated"])
        g.evidence(s)


def _observations(g: _Generation) -> None:
    """The statistics data set, its periods and its observations (each quoting its figure)."""
    w, rng, plan, valued = g.w, g.rng, g.plan, g.valued
    dataset = _iri("dataset/synth-stats")
    w.t(dataset, A, C["qb:DataSet"])
    _labels(w, dataset, "合成统计数据集", "Synthetic statistics data set")
    w.t(dataset, P["qb:structure"], C["hv:dsd"])
    for year in _PERIODS:
        s = _iri(f"period/synth-{year}")
        w.t(s, A, C["time:ProperInterval"])
        _labels(w, s, f"合成统计期 {year}年", f"Synthetic period {year}")
    n_areas = plan.cities + plan.districts
    for i in range(plan.observations):
        a, rest = i % n_areas, i // n_areas
        year = _PERIODS[rest % len(_PERIODS)]
        indicator_code = _INDICATORS[(rest // len(_PERIODS)) % len(_INDICATORS)]
        indicator = _iri(indicator_code)
        u = rng.randrange(len(_UNITS))
        v = 1 + _pick(rng, plan.obs_values)
        start, end, reported = valued[(u, v)]
        area_iri = _area(plan, a)
        s = _iri(f"obs/synth-stats/{indicator_code[4:]}/{area_iri.split('/')[-1][:-1]}/synth-{year}")
        w.t(s, A, C["hv:StatObservation"])
        _labels(w, s, f"合成观测 {i:06d}", f"Synthetic observation {i:06d}")
        w.t(s, P["qb:dataSet"], dataset)
        w.t(s, P["hv:indicator"], indicator)
        w.t(s, P["sdmx-dimension:refArea"], area_iri)
        w.t(s, P["sdmx-dimension:refPeriod"], _iri(f"period/synth-{year}"))
        w.t(s, P["sdmx-measure:obsValue"], _lit(str(v), datatype="xsd:integer"))
        w.t(s, P["hv:unit"], _iri(_UNITS[u][0]))
        w.t(s, P["hv:valueQualifier"], C["vq:exact"])
        w.t(s, P["hv:reportedText"], _lit(reported))
        w.t(s, P["hv:assertionStatus"], C["status:stated"])
        w.t(s, P["hv:evidence"], _iri(f"quote/{SOURCE_SLUG}/{start}-{end}"))


def _pathways(g: _Generation) -> None:
    """Pathways between education stages."""
    w, rng, plan = g.w, g.rng, g.plan
    for i in range(plan.pathways):
        frm, to, mechs, ptype, zh, en = _PATHWAYS[i % len(_PATHWAYS)]
        s = _iri(f"pathway/synth-pathway-{i:05d}")
        w.t(s, A, C["hv:Pathway"])
        _labels(w, s, f"合成升学路径 {i:05d}：{zh}", f"Synthetic pathway {i:05d}: {en}")
        w.t(s, P["hv:fromStage"], _iri(frm))
        w.t(s, P["hv:toStage"], _iri(to))
        for mech in mechs[: 1 + rng.randrange(len(mechs))]:
            w.t(s, P["hv:mechanism"], _iri(mech))
        w.t(s, P["hv:pathwayType"], _iri(ptype))
        w.t(s, P["hv:availableIn"], _district(rng.randrange(plan.districts)))
        w.t(s, P["hv:eligibilityText"], _lit(f"合成条件：{zh}", "zh"))
        w.t(s, P["hv:assertionStatus"], C["status:stated"])
        g.evidence(s)
    g.counts.update(documents=plan.documents, targets=plan.targets, observations=plan.observations,
                  pathways=plan.pathways)


def _agreements(g: _Generation) -> None:
    """Agreements with 2–5 parties, until the requested size is reached."""
    w, rng, plan = g.w, g.rng, g.plan
    # ---- agreements with 2–5 parties, until the requested size is reached
    n_agents = plan.schools + plan.enterprises
    agreements = participations = 0
    while w.count < w.total:
        i = agreements
        s = _iri(f"agreement/synth-agreement-{i:07d}")
        r = rng.random()
        n_parties = 2 if r < 0.60 else 3 if r < 0.82 else 4 if r < 0.94 else 5
        parties: list[str] = [_school(_pick(rng, plan.schools))]
        while len(parties) < n_parties:
            r = rng.random()
            if r < 0.55:
                agent = _enterprise(_pick(rng, plan.enterprises))
            elif r < 0.85:
                agent = _school(_pick(rng, plan.schools))
            else:
                agent = _gov("education-bureau", _pick(rng, plan.cities))
            if agent not in parties:
                parties.append(agent)
        statuses = [g.status() for _ in parties]
        w.t(s, A, C["hv:Agreement"])
        _labels(w, s, f"合成合作协议 {i:07d}", f"Synthetic agreement {i:07d}")
        w.t(s, P["hv:agreementType"], _iri(_AGREEMENT_TYPES[rng.randrange(len(_AGREEMENT_TYPES))]))
        all_stated = all(stated for _, stated in statuses)
        w.t(s, P["hv:partyCompleteness"], C["complete:all-stated" if all_stated else "complete:some-stated"])
        signed = s[:-1] + "/signedOn>"
        w.t(s, P["hv:signedOn"], signed)
        w.t(signed, A, C["time:Instant"])
        w.t(signed, P["time:inXSDgYear"], _lit(str(2015 + rng.randrange(10)), datatype="xsd:gYear"))
        w.t(s, P["hv:assertionStatus"], C["status:stated"])
        g.evidence(s)
        for k, (agent, (st, stated)) in enumerate(zip(parties, statuses)):
            p = f"{s[:-1]}/party/{agent[len(_ID) + 5:-1]}>"
            w.t(p, A, C["hv:Participation"])
            _labels(w, p, f"合成协议 {i:07d} 第{k + 1}方", f"Party {k + 1} of synthetic agreement {i:07d}")
            w.t(p, P["hv:relator"], s)
            w.t(p, P["hv:agent"], agent)
            w.t(p, P["hv:role"], C["role:signatory"])
            w.t(p, P["hv:assertionStatus"], st)
            g.evidence(p)
            if not stated:
                w.t(p, P["skos:editorialNote"], _INFERRED_NOTE)
            if stated:
                w.t(s, P["hv:party"], agent)
        agreements += 1
        participations += len(parties)
    g.counts.update(agreements=agreements, participations=participations, agents=n_agents + plan.cities)


def generate(triples: int, seed: int, out, *, source_name: str = "synthetic.source.txt",
             source_out=None, progress: Callable[[str], None] | None = None) -> SynthStats:
    """Stream a synthetic ecosystem of about ``triples`` triples as N-Triples to ``out``.

    Parameters
    ----------
    triples : int
        How many triples to write, :data:`MIN_TRIPLES` to :data:`MAX_TRIPLES`.
    seed : int
        Same seed, same size → byte-identical output.
    out : file-like
        Text or binary; receives UTF-8 N-Triples (also valid Turtle) in chunks.
    source_name : str
        What ``hv:repoPath`` of the synthetic ``hv:SourceText`` says (the file name of the
        source text, written beside the graph file).
    source_out : file-like, optional
        Receives the source text (UTF-8) that the quotes slice.
    progress : callable, optional
        Called with a one-line message about every 5 %.
    """
    triples = check_size(triples)
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise SynthError(f"--seed must be a whole number, not {seed!r}.")
    rng = random.Random(seed)
    vocabulary = _vocabulary_lines()
    plan = _plan(triples, len(vocabulary))
    text, generic, valued = _source_text(plan)
    if source_out is not None:
        data = text
        binary = isinstance(source_out, (io.RawIOBase, io.BufferedIOBase)) or "b" in getattr(source_out, "mode", "")
        source_out.write(data.encode("utf-8") if binary else data)
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    g = _Generation(_Writer(out, triples, progress), rng, plan, text, generic, valued)
    g.w.lines(vocabulary)
    _provenance(g, source_name, digest)
    for part in (_places, _schools_and_enterprises, _consortia, _documents_and_targets, _observations, _pathways,
                 _agreements):
        part(g)
    g.w.flush()
    if progress:
        progress(f"synth: done, {g.w.count:,} triples")
    return SynthStats(triples=g.w.count, source_chars=len(text), source_sha256=digest, counts=g.counts)


def write_synthetic(path: Path, triples: int, seed: int, *, force: bool = False,
                    progress: Callable[[str], None] | None = None) -> SynthStats:
    """Generate into ``path`` and its source text beside it, atomically (temp files + rename).

    Readers see the old pair of files or the new pair, never a half-written graph: both are
    streamed into temporary files in the same folder, fsynced, then renamed (source text first,
    so the new graph never points at an old text).
    """
    from ..writing import check_output_path

    path = Path(path)
    triples = check_size(triples)
    source = source_path_for(path)
    check_output_path(path, force=force)
    check_output_path(source, force=force)
    if path.suffix.lower() not in (".nt", ".ttl"):
        raise OutputError(f"Cannot write {path}: use a .nt or .ttl file name (the output is N-Triples, "
                          "which is also valid Turtle).")
    temps = []
    try:
        fd, tmp_graph = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent or ".")
        temps.append(tmp_graph)
        fd2, tmp_source = tempfile.mkstemp(prefix=f".{source.name}.", suffix=".tmp", dir=path.parent or ".")
        temps.append(tmp_source)
        with os.fdopen(fd, "wb") as graph_out, os.fdopen(fd2, "wb") as source_out:
            stats = generate(triples, seed, graph_out,
                             source_name=source.name, source_out=source_out, progress=progress)
            graph_out.flush()
            os.fsync(graph_out.fileno())
            source_out.flush()
            os.fsync(source_out.fileno())
        for tmp in temps:
            os.chmod(tmp, 0o644)
        os.replace(tmp_source, source)
        os.replace(tmp_graph, path)
        temps = []
    finally:
        for tmp in temps:
            if os.path.exists(tmp):
                os.unlink(tmp)
    return stats
