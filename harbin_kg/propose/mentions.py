"""Names in a text: the graph's own (Aho-Corasick, longest match wins) and new organisations.

New organisations are found by their shape: a run of Chinese characters that ends the way
organisation names end (…学院, …有限公司, …教育局 …). Where such a run starts is the hard
part; it stops at punctuation, at a name the graph already knows that is not a place, and
at the verbs and function words that stand before names in Chinese reports (与, 由, 签署 …).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from rdflib import URIRef

from .lexicon import Lexicon, Name, fold_key
from .spans import Span

__all__ = ["Mention", "find_known", "find_new", "drop_covered", "fold", "ORG_SUFFIXES"]


@dataclass(frozen=True)
class Mention:
    """A name in the text: the graph's entity it names (``iri``), or a new candidate."""

    span: Span
    text: str  # as written in the text
    kind: str  # organisation, place, document, indicator, unit
    iri: URIRef | None
    label_zh: str
    label_en: str
    confidence: float
    suffix: str = ""  # for a new organisation, the ending that marked it

    @property
    def is_new(self) -> bool:
        return self.iri is None


fold = fold_key  # the text is folded exactly as the names were


@lru_cache(maxsize=8)
def _automaton(lexicon_id: int, keys: tuple[str, ...]):
    import ahocorasick  # a C automaton: one pass over the text for thousands of names

    automaton = ahocorasick.Automaton()
    for key in keys:
        automaton.add_word(key, key)
    automaton.make_automaton()
    return automaton


def _ascii_word(char: str) -> bool:
    # harbin-kg is one word: a hyphen or underscore joins, it does not separate.
    return char.isascii() and (char.isalnum() or char in "-_")


def find_known(text: str, lexicon: Lexicon, folded: str | None = None) -> list[Mention]:
    """Every name of ``lexicon`` in ``text``, leftmost-longest, never overlapping."""
    folded = folded if folded is not None else fold(text)
    keys = tuple(sorted(lexicon.names))
    if not keys:
        return []
    automaton = _automaton(id(lexicon), keys)
    hits = []
    for end, key in automaton.iter(folded):
        start = end - len(key) + 1
        # English names must stand as words: "ICT" is not inside "strICT".
        if key.isascii() and ((start > 0 and _ascii_word(folded[start - 1]))
                              or (end + 1 < len(folded) and _ascii_word(folded[end + 1]))):
            continue
        hits.append((start, -(end + 1 - start), key))
    hits.sort()
    mentions, covered_to = [], -1
    for start, negative_length, key in hits:
        end = start - negative_length
        if start < covered_to:
            continue
        names = lexicon.names[key]
        name = _preferred(names)
        mentions.append(Mention(Span(start, end), text[start:end], name.kind, name.iri,
                                name.label_zh, name.label_en,
                                confidence=1.0 if len(names) == 1 else 0.5))
        covered_to = end
    return mentions


def _preferred(names: list[Name]) -> Name:
    # A shared name (职教中心 of two schools) still points somewhere; the lower confidence says
    # the curator must choose. Organisations before places before documents, then by IRI.
    order = {"organisation": 0, "place": 1, "document": 2, "indicator": 3, "unit": 4}
    return sorted(names, key=lambda n: (order.get(n.kind, 9), str(n.iri)))[0]


# Endings of organisation names, longest first so that 职业技术学院 wins over 学院.
ORG_SUFFIXES = (
    "人民政府", "有限责任公司", "股份有限公司", "有限公司", "委员会", "产业园区", "产业园",
    "职教中心", "职业教育中心", "共同体", "联合体", "联盟", "集团", "大学", "学院", "中学校", "学校", "中学",
    "中专", "教育局", "人社局", "局", "厅", "研究院", "协会",
)
# A bureau or a department is a 局/厅 only after the name of a field; 布局, 格局, 大厅 are not.
_ONE_CHAR_OK = re.compile(r"[育社政信改务业游委技源障管设输资计健通体境保]")
# Words that stand before a name in a sentence and are not part of it: a name found by its
# ending reaches left only as far as the nearest of these.
_STOP_WORDS = tuple(sorted({
    "与", "和", "及", "同", "跟", "由", "在", "向", "对", "把", "被", "将", "为", "是", "等", "了",
    "的", "从", "于", "经", "并", "还", "也", "都", "以", "到", "至", "其", "该", "各", "内", "让",
    "使", "给", "即", "或", "而", "又", "仅", "只", "所有", "签署", "签订", "签约", "成立", "组建",
    "牵头", "联合", "携手", "依托", "入选", "成为", "获批", "加入", "推进", "推动", "支持", "打造",
    "建设", "建成", "举办", "承办", "主办", "参加", "来自", "包括", "其中", "会同", "协同", "面向",
    "围绕", "通过", "我市", "我省", "探索", "实施", "开展", "组织", "引进", "分别", "以及", "联手",
    "合作", "首批", "首个", "成功", "正式", "积极", "深入", "选派", "同时", "目前", "现有", "已有",
    "全市", "全省", "全国", "指导", "鼓励", "创建", "共建", "构建", "建立", "设立", "形成", "深化", "转入", "考入", "进入", "就读", "召开", "按照", "规定", "可以", "能够",
    "培养", "服务", "对接", "覆盖", "涵盖", "吸纳", "带动", "授予", "认定", "评为", "列为", "确定",
}, key=len, reverse=True))
# Names made only of these words are kinds of thing, not names (校企命运共同体, 市属普通中专).
_GENERIC_WORDS = (
    "产教融合", "中等职业", "高等职业", "职业教育", "校企", "产教", "命运", "行业", "市域", "省域",
    "区域", "职业", "职教", "技工", "技师", "中职", "高职", "本科", "普通", "各类", "相关", "示范",
    "优质", "重点", "特色", "高水平", "现代", "新型", "本地", "当地", "公办", "民办", "市属", "省属",
    "区属", "县属", "产业", "融合", "发展", "教育", "合作", "开放式", "开放", "实践", "创新", "应用型",
    "应用", "高中", "初中", "中学", "学校", "院校", "试点", "实验", "国家级", "省级", "市级", "区级",
    "一流", "骨干", "双高", "我", "本", "该", "这", "那", "多", "两", "三", "四", "五", "六", "七",
    "八", "九", "十", "所", "级", "类", "属", "性", "省", "市", "区", "县", "国家", "首批", "批",
)
_GENERIC = re.compile(r"^(?:" + "|".join(sorted(map(re.escape, _GENERIC_WORDS), key=len, reverse=True))
                      + r"|\d)*$")
# A place at the start of a name (哈尔滨市…, 黑龙江省…, 呼兰区…) marks a proper name; taken off
# before the generic test, so that 哈尔滨市属普通中专 is still seen as a kind of school.
_PLACE_HEAD = re.compile(r"^(?:中国|全国|黑龙江省?|哈尔滨市?|哈市|龙江|新区|[\u3400-\u9fff]{2,4}?(?:省|市|区|县))+")
# An ending followed by these is inside a longer word: 中学生, 集团化, 大学生, 学校的 is fine.
_CONTINUES = {"中学": "生", "大学": "生", "集团": "化式内", "联盟": "式化", "学院": "派生", "学校": "园",
              "局": "面势部限", "厅": "堂"}
_COUNT = re.compile(r"[0-9一二三四五六七八九十百千万两]+[余多]?[所个家项名支批次]")
_NAME_CHARS = re.compile(r"[\u3400-\u9fff0-9A-Za-z·]")
_MAX_NAME = 28


def _left_edge(folded: str, end_of_name: int, stop: int) -> int:
    """Where a name ending at ``end_of_name`` starts: back over name characters, to a stop word."""
    start = end_of_name
    while start > stop and start > end_of_name - _MAX_NAME and _NAME_CHARS.match(folded[start - 1]):
        if any(folded.startswith(word, start - len(word)) and start - len(word) >= stop
               for word in _STOP_WORDS):
            break
        start -= 1
    # "全市43所学校", "8家企业": a count before a kind ends whatever came before the name.
    counts = list(_COUNT.finditer(folded, start, end_of_name))
    return counts[-1].end() if counts else start


def drop_covered(known: list[Mention], new: list[Mention]) -> list[Mention]:
    """Known names inside a new organisation's name (哈尔滨 in 哈尔滨某某有限公司) are part of it."""
    return [k for k in known if not any(n.span.contains(k.span) and n.span != k.span for n in new)
            or k.kind in ("indicator", "unit")]


def find_new(text: str, known: list[Mention], folded: str | None = None) -> list[Mention]:
    """Organisation-shaped names in ``text`` that no known name covers."""
    folded = folded if folded is not None else fold(text)
    # Indicator names (产教融合共同体 …) may end a new organisation's name; entity names may not.
    taken = sorted(m.span for m in known if m.kind in ("organisation", "place", "document"))
    org_ends = sorted(m.span.end for m in known if m.kind != "place")
    pattern = re.compile("|".join(re.escape(s) for s in ORG_SUFFIXES))
    found: list[Mention] = []
    position = 0
    while True:
        match = pattern.search(folded, position)
        if not match:
            break
        position = match.end()
        end, suffix = match.end(), match.group()
        # 集团有限公司, 学院有限公司: an ending followed by another is one longer ending.
        following = pattern.match(folded, end)
        while following:
            end, suffix = following.end(), following.group()
            position = end
            following = pattern.match(folded, end)
        if end < len(folded) and folded[end] in _CONTINUES.get(suffix, ""):
            continue
        if len(suffix) == 1 and not (match.start() and _ONE_CHAR_OK.match(folded[match.start() - 1])):
            continue
        if any(span.start <= match.start() < span.end for span in taken):
            continue
        stop = max([e for e in org_ends if e <= match.start()], default=0)
        start = _left_edge(folded, match.start(), stop)
        name = folded[start:end]
        stem = name[: len(name) - len(match.group())] if end == match.end() else name[: match.start() - start]
        head = _PLACE_HEAD.match(stem)
        proper = stem[head.end():] if head else stem
        if len(stem) < 2 or _GENERIC.match(proper):
            continue
        span = Span(start, end)
        if found and found[-1].span.overlaps(span):
            continue
        starts_with_place = head is not None or any(m.span.end == start for m in known if m.kind == "place")
        confidence = 0.8 if starts_with_place else 0.6
        found.append(Mention(span, text[start:end], "organisation", None, text[start:end], "",
                             confidence, suffix))
    return found
