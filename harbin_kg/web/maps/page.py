"""Interactive relationship maps: a networkx graph → one self-contained, offline HTML page.

pyvis supplies the node/edge option model and the vis-network 9.1.2 build shipped in its wheel;
everything pyvis gets wrong is avoided (docs/maps.md, "Safety"): the page comes from our own template
(``templates/map.html``) with vis-network's JS and CSS inlined, no CDN tag, no ``lib/`` folder,
no file written at all. Node ids are synthetic (``n0``, ``n1``…; the IRI is kept in the data),
tooltips are plain text (vis-network shows strings with ``innerText``), the data travels as a
JSON block with ``<``, ``>`` and ``&`` escaped, the heading goes through Jinja autoescaping, and a
Content-Security-Policy with script hashes refuses any script we did not write and any request.

Every map gets positions computed in Python (seeded igraph: Kamada–Kawai up to
:data:`PHYSICS_LIMIT` nodes, Fruchterman–Reingold above) and opens without physics;
``layout="physics"`` still asks for vis-network's live, seeded layout. The page itself
(``templates/map.js``) adds the evidence panel, filters, time slider, neighbourhoods, groups,
shortest paths, exports and the view in the URL fragment; :mod:`.evidence` supplies what the
panel shows.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import math
import re
from collections.abc import Iterable, Mapping
from functools import lru_cache
from importlib import resources
from typing import Literal

import networkx as nx
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from ... import __version__
from ...errors import HarbinKGError

__all__ = ["render_map", "reduce_graph", "display", "kind_style", "PHYSICS_LIMIT", "MAX_NODES", "LABEL_LIMIT",
           "DRAWN_LINKS_MIN"]

PHYSICS_LIMIT = 300  #: up to this many nodes: Kamada–Kawai layout and link labels; above: FR, no link labels
LABEL_LIMIT = 500  #: larger maps open with only this many node labels (by score); zooming in adds the rest
MAX_NODES = 5000  #: more drawn nodes than this and browsers stop being interactive: refuse
#: more links than this (on a map of more than PHYSICS_LIMIT nodes with a precomputed layout): the
#: page draws the links itself and makes vis-network edges only of those being looked at
DRAWN_LINKS_MIN = 1500
FOLD_MIN = 6  #: this many same-kind nodes with the same neighbours fold into one group node
STATED = "stated"
UNDATED = -1  #: the year of a fact that has no date (shown or hidden by the "undated" toggle)

FONT_STACK = ('"Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Zen Hei", "PingFang SC", '
              '"Hiragino Sans GB", "Microsoft YaHei", sans-serif')

# Colour, zh and en name per kind (the ontology's class labels). Unknown kinds get a palette colour.
KINDS: dict[str, tuple[str, str, str]] = {
    "GovernmentBody": ("#d62728", "政府机构", "government body"),
    "UnnamedParty": ("#ff9999", "未点名主体", "unnamed party"),
    "DescribedGroup": ("#c7e9c0", "所述群体", "described group"),
    "AgreementTie": ("#c5b0d5", "协议双边关系", "agreement tie"),
    "PlannedOrganization": ("#dadaeb", "拟建机构", "planned organisation"),
    "School": ("#1f77b4", "学校", "school"),
    "UndergraduateInstitution": ("#17becf", "本科院校", "undergraduate institution"),
    "HigherVocationalCollege": ("#3f51b5", "高等职业院校", "higher vocational college"),
    "SecondaryVocationalSchool": ("#6baed6", "中等职业学校", "secondary vocational school"),
    "GeneralHighSchool": ("#9ecae1", "普通高中", "general high school"),
    "Enterprise": ("#ff7f0e", "企业", "enterprise"),
    "Consortium": ("#2ca02c", "联合体/共同体", "consortium"),
    "AdministrativeArea": ("#8c564b", "行政区域", "administrative area"),
    "IndustrialPark": ("#bcbd22", "产业园区", "industrial park"),
    "Agreement": ("#9467bd", "协议", "agreement"),
    "JointInitiative": ("#e377c2", "共建项目", "joint initiative"),
    "PilotProgramme": ("#f7b6d2", "试点项目", "pilot programme"),
    "PolicyDocument": ("#7f7f7f", "政策文件", "policy document"),
    "PolicyTask": ("#c7c7c7", "重点任务", "policy task"),
    "SourceDocument": ("#aec7e8", "来源文献", "source document"),
    "Event": ("#ffbb78", "事件", "event"),
    "SigningEvent": ("#e6a04b", "签约活动", "signing event"),
    "Pathway": ("#98df8a", "升学通道", "education pathway"),
    "Target": ("#ff9896", "目标", "target"),
    "OrgChange": ("#5d4037", "机构变更", "organisation change"),
    "StatObservation": ("#80cbc4", "统计数据", "statistical observation"),
    "ValueChange": ("#4db6ac", "数值变化", "value change"),
    "Designation": ("#c49c94", "认定", "designation"),
    "Relator": ("#a1887f", "关系体", "relator"),
    "Organization": ("#393b79", "组织", "organisation"),
    "Concept": ("#dbdb8d", "概念", "concept"),
}
PALETTE = ("#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1",
           "#ff9da7", "#9c755f", "#bab0ac", "#86bcb6", "#d37295", "#a0cbe8", "#8cd17d")
OTHERS_COLOUR = "#bdbdbd"
_KIND_KEYS = {re.sub(r"[^a-z0-9]", "", k.lower()): k for k in KINDS}


def _kind_key(kind) -> str:
    """``hv:School``, ``…#School``, ``school`` and ``School`` are the same kind."""
    return _kind_key_of(str(kind or ""))


@lru_cache(maxsize=4096)
def _kind_key_of(text: str) -> str:  # called for every node several times; a map has few kinds
    text = re.split(r"[#/:]", text)[-1] if text else ""
    return _KIND_KEYS.get(re.sub(r"[^a-z0-9]", "", text.lower()), text or "Thing")


def kind_style(kinds: Iterable) -> dict[str, tuple[str, str, str]]:
    """(colour, zh name, en name) for each kind; unknown kinds get palette colours in sorted order."""
    out, spare = {}, iter(PALETTE * 4)
    for kind in sorted({_kind_key(k) for k in kinds}):
        out[kind] = KINDS.get(kind) or (next(spare, "#888888"), kind, kind)
    return out


# ---------------------------------------------------------------- reduction
def reduce_graph(G: nx.Graph, top: int, scores: Mapping | None = None) -> nx.Graph:
    """The ``top`` nodes by score (degree by default), the rest folded into one node per kind.

    Each "others" node carries ``aggregated`` (how many it stands for) and ``members`` (their
    labels, best first); an edge to it has ``weight`` = the number of edges it replaces.
    """
    if top < 1:
        raise HarbinKGError(f"--top must be at least 1 (got {top}).")
    if len(G) <= top:
        return G
    score = scores if scores is not None else dict(G.degree())
    ranked = sorted(G, key=lambda n: (-float(score.get(n, 0) or 0), str(n)))
    keep = set(ranked[:top])
    folded: dict[str, list] = {}
    for n in ranked[top:]:
        folded.setdefault(_kind_key(G.nodes[n].get("kind")), []).append(n)
    H = G.__class__()
    H.graph.update(G.graph)
    for n in ranked[:top]:
        H.add_node(n, **G.nodes[n])
    owner = {}
    styles = kind_style(folded)
    for kind, members in sorted(folded.items()):
        key = f"others:{kind}"
        _, zh, en = styles[kind]
        H.add_node(key, iri="", kind=kind, aggregated=len(members), others=True,
                   label_zh=f"其他{zh}（{len(members)}个）", label_en=f"Other {en} ({len(members)})",
                   members=[G.nodes[m].get("label_zh") or G.nodes[m].get("label_en") or str(m)
                            for m in members[:30]])
        owner.update(dict.fromkeys(members, key))
    counts: dict = {}
    for u, v, data in G.edges(data=True):
        if u in keep and v in keep:
            H.add_edge(u, v, **data)
            continue
        a, b = owner.get(u, u), owner.get(v, v)
        if a != b:
            pair = (a, b) if G.is_directed() else tuple(sorted((a, b), key=str))
            counts[pair] = counts.get(pair, 0) + 1
    for (a, b), w in sorted(counts.items(), key=lambda item: (str(item[0][0]), str(item[0][1]))):
        extra = {"key": "folded"} if G.is_multigraph() else {}
        H.add_edge(a, b, **extra, weight=w, folded=w, relation_zh="汇总", relation_en="aggregated")
    return H


# ---------------------------------------------------------------- layout
def _positions(order: list, edges: list[tuple[int, int]], seed: int) -> list[tuple[float, float]]:
    """Fruchterman–Reingold (igraph, grid variant: ~0.4 s for 5k nodes), seeded, in pixels."""
    import igraph

    if not order:
        return []
    g = igraph.Graph(n=len(order), edges=sorted({(min(a, b), max(a, b)) for a, b in edges if a != b}))
    from ...analysis.centrality import seeded_igraph

    with seeded_igraph(seed):
        if len(order) <= PHYSICS_LIMIT:
            # Small maps: Kamada–Kawai spreads hubs and their leaves evenly (FR packs them into a
            # hairball), seeded from FR so the result is deterministic; cheap at this size.
            start = g.layout_fruchterman_reingold(niter=500, grid="nogrid")
            layout = g.layout_kamada_kawai(seed=start, maxiter=50 * max(len(order), 1))
        else:
            layout = g.layout_fruchterman_reingold(niter=500, grid="grid")
    coords = layout.coords
    if not coords:
        return []
    xs, ys = [c[0] for c in coords], [c[1] for c in coords]
    span = max(max(xs) - min(xs), max(ys) - min(ys)) or 1.0
    # px per node along each side: room for the long Chinese labels of small maps at the zoom
    # where labels show; big maps are read by zooming in, and tighter keeps them on one screen
    scale = (130.0 if len(coords) <= PHYSICS_LIMIT else 80.0) * math.sqrt(len(coords)) / span
    cx, cy = (max(xs) + min(xs)) / 2, (max(ys) + min(ys)) / 2
    return [(round((x - cx) * scale, 1), round((y - cy) * scale, 1)) for x, y in coords]


# ---------------------------------------------------------------- text
def _short(text: str, limit: int = 160) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _local(iri: str) -> str:
    iri = str(iri).rstrip("/#")
    return re.split(r"[#/]", iri)[-1] if iri else ""


def _fact(item) -> tuple[str, list[str]]:
    """A ``via``/``facts`` entry (an IRI string, a dict or a tuple) as (name, quotes)."""
    if isinstance(item, Mapping):
        name = (item.get("label_zh") or item.get("label") or item.get("label_en")
                or _local(item.get("iri") or item.get("fact") or ""))
        quotes = item.get("quotes") or item.get("quote") or ()
        quotes = [quotes] if isinstance(quotes, str) else list(quotes)
    elif isinstance(item, (tuple, list)):
        name, quotes = _local(item[0]), [q for q in item[1:] if isinstance(q, str)]
    else:
        name, quotes = _local(item), []
    return str(name), [str(q) for q in quotes if q]


RELATIONS = {  # relation codes of harbin_kg.analysis.network → (zh, en)
    "agreement": ("协议", "agreement"), "consortium": ("联合体", "consortium"),
    "pilot": ("试点", "pilot"), "initiative": ("共建", "co-built initiative"),
    "event": ("活动", "event"), "participation": ("参与", "takes part"),
    "partnership": ("合作", "partnership"), "sub-organization": ("下属", "part of"),
    "competent-authority": ("主管", "competent authority"), "governs": ("管辖", "governs"),
    "guided-by": ("依据", "guided by"), "issuer": ("发文", "issued by"),
    "transmits": ("转发", "transmits"), "part-of": ("组成部分", "part of"),
    "based-on": ("依据", "based on"), "cites": ("引用", "cites"), "pathway": ("升学通道", "pathway"),
    "hierarchy": ("隶属", "hierarchy"), "documents": ("文件", "documents"),
    "target-scope": ("目标涉及", "target concerns"), "set-by": ("目标出自", "set by"),
    "recipient": ("获认定", "designated"), "conferred-by": ("认定机构", "conferred by"),
    "original-organization": ("原机构", "original organisation"),
    "resulting-organization": ("变更为", "resulting organisation"), "goals": ("目标与认定", "goals"),
}


def _relation(data: Mapping) -> tuple[str, str]:
    """The edge's relation in zh and en: explicit labels, else relation code(s), else the predicate."""
    if data.get("relation_zh") or data.get("relation_en"):
        zh, en = data.get("relation_zh"), data.get("relation_en")
        return str(zh or en), str(en or zh)
    codes = [str(c) for c in (data.get("relations") or ()) if c] or (
        [str(data["relation"])] if data.get("relation") else [])
    if not codes:
        for key in ("predicate", "kind", "role", "type"):
            if data.get(key):
                codes = [_local(data[key])]
                break
    if not codes and (data.get("via") is not None or data.get("facts") is not None):
        codes = ["partnership"]
    pairs = [RELATIONS.get(c, (c, c)) for c in codes]
    return "、".join(p[0] for p in pairs), ", ".join(p[1] for p in pairs)


# ---------------------------------------------------------------- page
@lru_cache(maxsize=1)
def _assets() -> dict[str, str]:
    """vis-network 9.1.2 JS/CSS from the pinned pyvis wheel, our app JS/CSS; sourcemap lines dropped."""
    lib = resources.files("pyvis") / "templates" / "lib" / "vis-9.1.2"
    ours = resources.files("harbin_kg.web") / "templates"
    strip = re.compile(r"^\s*//# sourceMappingURL=.*$|/\*# sourceMappingURL=.*?\*/", re.M)
    assets = {
        "vis_js": strip.sub("", (lib / "vis-network.min.js").read_text(encoding="utf-8")),
        "vis_css": strip.sub("", (lib / "vis-network.css").read_text(encoding="utf-8")),
        "app_js": (ours / "map.js").read_text(encoding="utf-8"),
        "app_css": (ours / "map.css").read_text(encoding="utf-8").replace("FONT_STACK", FONT_STACK),
    }
    for name, text in assets.items():
        if re.search(r"</(script|style)|<!--", text, re.I):
            raise RuntimeError(f"{name} cannot be inlined: it contains a closing tag")
    return assets


def _json_block(value) -> str:
    # Safe inside <script type="application/json">: no "</script>", no "<!--", no line separators.
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    for raw, esc in (("&", "\\u0026"), ("<", "\\u003c"), (">", "\\u003e"),
                     ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(raw, esc)
    return text


def _sha(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode() + "'"


@lru_cache(maxsize=1)
def _environment() -> Environment:
    folder = str(resources.files("harbin_kg.web") / "templates")
    return Environment(loader=FileSystemLoader(folder), autoescape=select_autoescape(["html"]),
                       keep_trailing_newline=True)


def render_map(
    G: nx.Graph,
    *,
    title: str,
    title_en: str | None = None,
    size_by: Mapping | None = None,
    color_by: Literal["kind", "community"] = "kind",
    communities=None,
    seed: int = 0,
    lang: Literal["zh", "en"] = "zh",
    layout: Literal["physics", "fixed"] | None = None,
    aliases: Mapping[str, Iterable[str]] | None = None,
    top: int | None = None,
    max_nodes: int = MAX_NODES,
    details: Mapping | None = None,
    focus=None,
    depth: int | None = None,
    fold_min: int = FOLD_MIN,
) -> str:
    """Draw ``G`` as one self-contained HTML page and return it (nothing is written).

    Parameters
    ----------
    G : nodes with ``iri``, ``kind``, ``label_zh``, ``label_en`` (optional ``placeholder``,
        ``aliases``, ``quotes``, ``facts``, ``status``, ``year``); edges with optional ``weight``,
        ``via`` (facts with quotes), ``relation``/``relation_zh``/``relation_en``, ``status``.
    title, title_en : the heading in Chinese and English (the page switches between them).
    size_by : node → score (centrality); node size and label priority grow with it. Default: degree.
    color_by : ``"kind"`` (legend of kinds) or ``"community"`` (``communities``: a list of node
        sets or a node → id mapping; computed with seeded Louvain when omitted).
    layout : ``"physics"`` (seeded vis-network physics), ``"fixed"`` (igraph positions, physics
        off) or None: precomputed positions at every size (fast to open); physics on request.
    aliases : IRI (or node) → other names (哈职院) the search box should also find.
    top : keep the ``top`` nodes by score and fold the rest into one node per kind.
    details : what :func:`harbin_kg.web.maps.evidence.map_details` read from the store (quotes with
        offsets, citations, statuses, level, place); without it the panel shows the ``quotes``
        the graph itself carries.
    focus, depth : open on the neighbourhood of node ``focus`` (``depth`` steps, default 1);
        the whole graph stays in the page, so neighbours can be expanded by double-click.
    fold_min : this many nodes or more of one kind with the same neighbours (30 targets of one
        plan) fold into one expandable group node.

    >>> G = nx.Graph(); G.add_node("a", kind="School", label_zh="哈尔滨学院", label_en="Harbin University")
    >>> page = render_map(G, title="<demo>")
    >>> page.startswith("<!DOCTYPE html>") and "&lt;demo&gt;" in page and "http://" not in page.split("<script>")[0]
    True
    """
    _check_style(lang, color_by)
    scores = dict(size_by) if size_by is not None else dict(G.degree())
    G = _drawable(G, top, scores, max_nodes)
    order = sorted(G, key=str)
    c = _Canvas(G, order, details or {}, [float(scores.get(n, 0) or 0) for n in order])
    group_of, group_legend = _groups(G, order, color_by, communities, seed)
    edges_out, relation_counts = _edges_out(c)
    nodes_out = _nodes_out(c, lang=lang, color_by=color_by, group_of=group_of, group_legend=group_legend,
                           scored=size_by is not None, aliases=aliases)
    if layout not in (None, "fixed", "physics"):
        raise HarbinKGError(f'Unknown layout "{layout}"; use fixed or physics.')
    fixed = layout != "physics"  # precomputed positions at every size: the page opens at once
    _label_best(nodes_out, c.values)
    groups = _fold_groups(G, order, c.index, nodes_out, edges_out, fold_min, c.styles)
    if fixed:
        _place(order, c.raw_edges, groups, nodes_out, seed)
    legends = _legends(c, nodes_out, edges_out, relation_counts, lang)
    data = {"nodes": nodes_out, "edges": edges_out, "options": _options(G.is_directed(), fixed, seed, len(order)),
            "lang": lang, "fixed": fixed, "ev": c.table.records, "groups": groups,
            "focus": _focus_id(focus, c.index), "depth": depth or 1, "titles": [title, title_en or title],
            # Link labels (up to 300 nodes) are given by the page once the view is zoomed in far enough
            # to read them: at the opening zoom vis-network would measure them only to skip them.
            "edgeLabels": len(order) <= PHYSICS_LIMIT,
            # vis-network builds a full options object per edge (0.4 s for 10,000 links): big maps
            # get their links drawn by the page instead (templates/map.js, "links drawn by the page").
            # Physics needs every link as a spring, so a live layout keeps them all as vis edges.
            "drawn": fixed and len(nodes_out) > PHYSICS_LIMIT and len(edges_out) > DRAWN_LINKS_MIN,
            **{key: [[x["id"], x["key"]] for x in legends[name]]
               for key, name in (("kinds", "kinds"), ("rels", "relations"), ("srctypes", "source_types"))},
            "years": legends["years"]}
    return _page(data, legends, title=title, title_en=title_en, lang=lang, color_by=color_by,
                 group_legend=group_legend)


def _check_style(lang: str, color_by: str) -> None:
    if lang not in ("zh", "en"):
        raise HarbinKGError(f'Unknown language "{lang}"; use zh or en.')
    if color_by not in ("kind", "community"):
        raise HarbinKGError(f'Cannot colour by "{color_by}"; use kind or community.')


def _drawable(G: nx.Graph, top: int | None, scores: Mapping, max_nodes: int) -> nx.Graph:
    """``G`` folded to its ``top`` nodes (if asked), refused if still too big for a browser."""
    if top is not None:
        G = reduce_graph(G, top, scores)
    if len(G) > max_nodes:
        raise HarbinKGError(
            f"The map would draw {len(G):,} nodes; browsers stop being interactive above "
            f"{max_nodes:,}. Draw the most central ones with --top N (for example --top 2000) "
            f"or pick a --layer or --focus.")
    return G


class _Canvas:
    """What the parts of one page share: the graph, its node order (a node's id is its position),
    the store's details, the scores, the evidence table and the per-fact records already added."""

    def __init__(self, G: nx.Graph, order: list, details: Mapping, values: list[float]):
        self.G, self.order, self.details, self.values = G, order, details, values
        self.index = {n: i for i, n in enumerate(order)}
        self.styles = kind_style(G.nodes[n].get("kind") for n in order)
        self.table = _EvidenceTable()
        self.statuses = details.get("status", {})
        self.notes = details.get("note", {})
        self.evidence_of = details.get("evidence", {})
        self.node_year = {i: _year_of(G.nodes[n]) for i, n in enumerate(order)}
        self.raw_edges = _sorted_edges(G, self.index)
        self.fact_records: dict[str, list[int]] = {}
        # A relator's record is one object shared by all its ties (hundreds, among the hubs a
        # --top map keeps): its name and quotes are read, and its quotes added, once per object.
        # The object is kept beside its result, so that its id cannot be reused while the page is made.
        self._facts: dict[int, tuple] = {}
        self._quote_ids: dict[tuple, tuple] = {}

    def facts_of(self, items) -> list[tuple[str, list[str]]]:
        """``via``/``facts`` entries as (name, quotes), each object normalised once."""
        out = []
        for item in items or ():
            found = self._facts.get(id(item))
            if found is None or found[0] is not item:
                found = self._facts[id(item)] = (item, _fact(item))
            out.append(found[1])
        return out

    def quote_ids(self, item, quotes: list[str], status) -> list[int]:
        """The evidence ids of an entry's ``quotes`` (from :meth:`facts_of`) under a link's ``status``."""
        key = (id(item), str(status) if status else None)
        found = self._quote_ids.get(key)
        if found is None or found[0] is not item:
            found = self._quote_ids[key] = (item, [self.table.add_quote(q, status) for q in quotes])
        return found[1]


def _sorted_edges(G: nx.Graph, index: Mapping) -> list[tuple[int, int, Mapping]]:
    """(from id, to id, data) of every edge, sorted by ids (and data, for parallel edges)."""
    pairs = ((index[u], index[v], d) for u, v, d in G.edges(data=True))
    if not G.is_directed():  # an undirected edge has no first end: draw it from the smaller id
        pairs = ((min(a, b), max(a, b), d) for a, b, d in pairs)
    # Parallel edges (multigraphs) need their data as a tie-break; other edges do not.
    found = list(pairs)
    seen_pairs: dict[tuple, int] = {}
    for a, b, _ in found:
        seen_pairs[(a, b)] = seen_pairs.get((a, b), 0) + 1
    return sorted(found, key=lambda e: (e[0], e[1], _json_block(_edge_key(e[2]))
                                        if seen_pairs[(e[0], e[1])] > 1 else ""))


def _edges_out(c: _Canvas) -> tuple[list[dict], dict[str, list]]:
    """The page's links in ``c.raw_edges`` order, and [zh, en, count] per relation code."""
    from .evidence import fact_iris_of_edge

    max_w = max((float(d.get("weight", 1) or 1) for _, _, d in c.raw_edges), default=1.0)
    relation_counts: dict[str, list] = {}
    edges_out = []
    for i, (a, b, data) in enumerate(c.raw_edges):
        rel_zh, rel_en = _relation(data)
        code = _relation_code(data)
        relation_counts.setdefault(code, [rel_zh, rel_en, 0])[2] += 1
        items = data.get("facts") or data.get("via") or ()
        facts = c.facts_of(items)
        w = float(data.get("weight", 1) or 1)
        fact_iris = fact_iris_of_edge(c.order[a], c.order[b], data, c.G) if c.details else []
        status = _edge_status(data, fact_iris, c.statuses, c.G.nodes[c.order[a]], c.G.nodes[c.order[b]])
        year = _edge_year(data, c.node_year[a], c.node_year[b])
        edge = {"id": f"e{i}", "from": f"n{a}", "to": f"n{b}",
                "lz": rel_zh, "le": rel_en, "r": code, "width": round(1 + 4 * w / max_w, 2),
                "ev": _edge_evidence(c, data, list(zip(items, facts)), fact_iris, status)}
        lines = _edge_lines(data, facts)
        if lines:
            edge["tx"] = lines
        if status:
            edge["st"] = status
            if status != STATED:
                edge["dashes"] = [6, 4]
        if year is not None:
            edge["yr"] = year
        edges_out.append(edge)
    return edges_out, relation_counts


def _edge_lines(data: Mapping, facts: list[tuple[str, list[str]]]) -> list[str]:
    """Tooltip lines the page cannot rebuild from the rest of the data; it builds the rest
    (relation, quotes) on hover, so 10,000 links do not carry 10,000 tooltip strings."""
    lines = []
    if data.get("folded"):
        lines.append(f"汇总 {data['folded']} 条关系 / {data['folded']} relations folded")
    elif "weight" in data and float(data["weight"] or 0) != 1.0:
        lines.append(f"权重 weight: {float(data['weight']):.3g}")
    if data.get("roles"):
        lines.append("角色 role: " + "、".join(map(str, data["roles"])))
    if data.get("mechanism_labels"):
        lines.append("机制 mechanism: " + "、".join(map(str, data["mechanism_labels"])))
    lines += [f"• {_short(name, 120)}" for name, _ in facts[:6] if name]
    if len(facts) > 6:
        lines.append(f"… +{len(facts) - 6}")
    return lines


def _edge_evidence(c: _Canvas, data: Mapping, facts: list[tuple], fact_iris: list[str], status) -> list[int]:
    """The evidence ids of a link: its facts' records from the store, else the quotes it carries."""
    ev: list[int] = []
    for f in fact_iris:
        # A consortium's fact stands behind every tie among its members: its records are
        # added once (the same ids, in the same first-use order), not once per tie.
        if f not in c.fact_records:
            c.fact_records[f] = [c.table.add(r, f, c.statuses.get(f), c.notes.get(f))
                                 for r in c.evidence_of.get(f, ())]
        ev += c.fact_records[f]
    if not ev:  # no store details: the quotes the graph carries, without offsets
        # (in the order they come, so that new records get their ids as they always did)
        for item, (_, quotes) in facts:
            ev += c.quote_ids(item, quotes, status)
        ev += [c.table.add_quote(q, status) for q in (str(q) for q in data.get("quotes") or ()) if q]
    return sorted(set(ev))


def _nodes_out(c: _Canvas, *, lang: str, color_by: str, group_of: Mapping, group_legend: list,
               scored: bool, aliases: Mapping[str, Iterable[str]] | None) -> list[dict]:
    """The page's nodes in ``c.order``: names, colour, size, evidence, status, year, level, place."""
    alias_map = {str(k): list(v) for k, v in (aliases or {}).items()}
    for k, v in (c.details.get("aliases") or {}).items():
        alias_map.setdefault(str(k), []).extend(v)
    top_value = max(c.values, default=0) or 1.0
    nodes_out = []
    for i, n in enumerate(c.order):
        d = c.G.nodes[n]
        kind = _kind_key(d.get("kind"))
        colour = c.styles[kind][0]
        if d.get("others"):
            colour = OTHERS_COLOUR
        elif color_by == "community":
            colour = group_legend[group_of[n]][0]
        iri = str(d.get("iri") or ("" if d.get("others") else n))
        lz, le, names = _node_names(d, iri, n, alias_map)
        status = c.statuses.get(iri) or d.get("status") or None
        node = {"id": f"n{i}", "label": le if lang == "en" else lz, "lz": lz, "le": le, "al": names,
                "iri": iri, "k": kind, "color": colour,
                "value": round(1 + 99 * math.sqrt(max(c.values[i], 0) / top_value), 2),
                "ev": _node_evidence(c, d, iri, status)}
        lines = _node_lines(d, c.values[i] if scored else None, group_of.get(n) if color_by == "community" else None,
                            c.node_year[i])
        if lines:
            node["tx"] = lines
        if status:
            node["st"] = str(status)
        if c.node_year[i] is not None:
            node["yr"] = c.node_year[i]
        elif _is_fact(d, status):
            node["yr"] = UNDATED
        for key, short in (("level", "lv"), ("place", "pl")):
            if iri in c.details.get(key, {}):
                node[short] = list(c.details[key][iri])
        _node_border(node, d, colour, status)
        nodes_out.append(node)
    return nodes_out


def _node_names(d: Mapping, iri: str, n, alias_map: Mapping) -> tuple[str, str, list[str]]:
    """Chinese and English name of a node, and its other names (for the search box)."""
    lz = str(d.get("label_zh") or d.get("label_en") or _local(iri) or n)
    le = str(d.get("label_en") or d.get("label_zh") or _local(iri) or n)
    names = sorted({str(x) for x in list(d.get("aliases") or ()) + alias_map.get(iri, [])
                    + alias_map.get(str(n), [])} - {lz, le})
    return lz, le, names


def _node_lines(d: Mapping, score: float | None, community: int | None, year) -> list[str]:
    """Tooltip lines the page cannot rebuild from the rest of the data (names, kind, links,
    year, status, quotes and IRI it builds on hover, from the fields it has anyway)."""
    lines = []
    if d.get("aggregated"):
        lines.append("包括 includes: " + "、".join(map(str, d.get("members", [])[:12]))
                     + (" …" if d["aggregated"] > 12 else ""))
    if score is not None:
        lines.append(f"得分 score: {score:.3g}")
    if community is not None and not d.get("others"):
        lines.append(f"社区 community: {community + 1}")
    for key, name in (("n_parties", "参与方 parties"), ("reported_members", "成员 members")):
        if d.get(key) not in (None, "", []):
            lines.append(f"{name}: {d[key]}")
    if d.get("year") not in (None, "") and year is None:  # a year the slider cannot read
        lines.append(f"年份 year: {d['year']}")
    for fact in [str(f) for f in d.get("facts") or ()][:4]:
        lines.append(f"• {_short(fact, 120)}")
    return lines


def _node_evidence(c: _Canvas, d: Mapping, iri: str, status) -> list[int]:
    """The evidence ids of a node: its records from the store, else the quotes it carries."""
    ev = [c.table.add(r, iri, status, c.notes.get(iri)) for r in c.evidence_of.get(iri, ())]
    if not ev:
        ev = [c.table.add_quote(str(q), status) for q in dict.fromkeys(d.get("quotes") or ()) if q]
    return ev


def _node_border(node: dict, d: Mapping, colour, status) -> None:
    """A dashed border for a placeholder (white inside) and for what is not stated."""
    if d.get("placeholder"):
        node["ph"] = True
        node["shapeProperties"] = {"borderDashes": [4, 3]}
        node["borderWidth"] = 2
        node["color"] = {"background": "#ffffff", "border": colour}
    elif status and status != STATED:
        node["shapeProperties"] = {"borderDashes": [4, 3]}
        node["borderWidth"] = 2


def _label_best(nodes_out: list[dict], values: list[float]) -> None:
    """Labels by importance: the LABEL_LIMIT best-scored nodes open labelled; the page labels
    the others in view once the zoom makes them readable (measuring 5,000 labels costs a second)."""
    if len(nodes_out) <= LABEL_LIMIT:
        return
    keep = set(sorted(range(len(nodes_out)), key=lambda j: (-values[j], j))[:LABEL_LIMIT])
    for j, node in enumerate(nodes_out):
        if j not in keep:
            del node["label"]


def _legends(c: _Canvas, nodes_out: list[dict], edges_out: list[dict], relation_counts: Mapping,
             lang: str) -> dict[str, list]:
    """The legend rows: kinds (with counts, in the page language's order), relations, years, source types."""
    counts: dict[str, int] = {}
    for node in nodes_out:
        counts[node["k"]] = counts.get(node["k"], 0) + 1
    styles = c.styles
    by_name = (lambda item: (styles[item[0]][2].lower(), item[0])) if lang == "en" else (
        lambda item: (styles[item[0]][1], item[0]))
    kinds = [{"key": k, "colour": styles[k][0], "zh": styles[k][1], "en": styles[k][2], "count": n,
              "id": f"k{j}"} for j, (k, n) in enumerate(sorted(counts.items(), key=by_name))]
    relations = [{"id": f"r{j}", "key": code, "zh": zh, "en": en, "count": n}
                 for j, (code, (zh, en, n)) in enumerate(sorted(relation_counts.items()))]
    years = sorted({e["yr"] for e in edges_out if e.get("yr", UNDATED) != UNDATED}
                   | {n["yr"] for n in nodes_out if n.get("yr", UNDATED) != UNDATED})
    return {"kinds": kinds, "relations": relations, "years": years,
            "source_types": _source_types(c.table.records)}


def _focus_id(focus, index: Mapping) -> str | None:
    if focus is None:
        return None
    if focus not in index:
        raise HarbinKGError(f"Cannot focus on {focus!r}: it is not in the drawn graph.")
    return f"n{index[focus]}"


def _page(data: dict, legends: Mapping, *, title: str, title_en: str | None, lang: str, color_by: str,
          group_legend: list) -> str:
    """The HTML page: our template, vis-network and the app inlined, the data as one JSON block."""
    assets = _assets()
    csp = ("default-src 'none'; img-src data: blob:; style-src 'unsafe-inline'; "
           f"script-src {_sha(assets['vis_js'])} {_sha(assets['app_js'])}; base-uri 'none'; form-action 'none'")
    nodes_out, edges_out = data["nodes"], data["edges"]
    return _environment().get_template("map.html").render(
        title=title if lang == "zh" else (title_en or title), title_zh=title, title_en=title_en or title,
        lang=lang, version=__version__, csp=Markup(csp), kinds=legends["kinds"], color_by=color_by,
        relations=legends["relations"], years=legends["years"], source_types=legends["source_types"],
        has_inferred=any(e.get("st", STATED) != STATED for e in edges_out)
        or any(n.get("st", STATED) != STATED for n in nodes_out),
        groups=[{"colour": c, "label": lab} for c, lab in group_legend],
        n_nodes=len(nodes_out), n_edges=len(edges_out), fixed=data["fixed"],
        data_json=Markup(_json_block(data)), vis_js=Markup(assets["vis_js"]),
        vis_css=Markup(assets["vis_css"]), app_js=Markup(assets["app_js"]),
        app_css=Markup(assets["app_css"]))


_FACT_KINDS = {"Agreement", "JointInitiative", "PilotProgramme", "Event", "SigningEvent", "Target",
               "Designation", "Relator", "Pathway", "OrgChange", "Participation", "StatObservation",
               "ValueChange"}


def _is_fact(d: Mapping, status) -> bool:
    return bool(status) or _kind_key(d.get("kind")) in _FACT_KINDS


def _year_of(d: Mapping):
    y = d.get("year")
    try:
        return int(y) if y not in (None, "") else None
    except (TypeError, ValueError):
        return None


def _edge_year(data: Mapping, ya, yb):
    years = [int(y) for y in (data.get("years") or ()) if isinstance(y, int)]
    if years:
        return min(years)
    if data.get("year") not in (None, ""):
        return _year_of(data)
    for y in (ya, yb):
        if y is not None:
            return y
    if data.get("participation") or data.get("via"):
        return UNDATED
    return None


def _edge_status(data: Mapping, fact_iris, statuses, da: Mapping, db: Mapping):
    """A link is stated only if every fact it stands for is (MODEL: "stated" needs every part)."""
    found = [statuses[f] for f in fact_iris if statuses.get(f)]
    found += [str(data["status"])] if data.get("status") else []
    found += [str(f.get("status")) for f in data.get("facts") or () if isinstance(f, Mapping) and f.get("status")]
    for d in (da, db):  # a participation in an inferred relator is no more certain than the relator
        if d.get("bipartite") == 1 or d.get("relation"):
            if d.get("status"):
                found.append(str(d["status"]))
    if not found:
        return None
    inferred = sorted(s for s in set(found) if s != STATED)
    return inferred[0] if inferred else STATED


def _relation_code(data: Mapping) -> str:
    if data.get("folded"):
        return "aggregated"
    codes = [str(c) for c in (data.get("relations") or ()) if c] or (
        [str(data["relation"])] if data.get("relation") else [])
    if not codes:
        for key in ("predicate", "kind", "role", "type"):
            if data.get(key):
                return _local(data[key]) or "link"
        return "partnership" if (data.get("via") is not None or data.get("facts") is not None) else "link"
    return codes[0] if len(codes) == 1 else "+".join(sorted(codes))


class _EvidenceTable:
    """Evidence records in first-use order, each stored once (a quote shared by 40 facts is one entry)."""

    def __init__(self) -> None:
        self.records: list[dict] = []
        self._index: dict = {}
        self._quotes: dict[tuple, int] = {}

    def add(self, record: Mapping, fact, status, note) -> int:
        rec = {k: v for k, v in record.items() if v not in (None, "")}
        if fact:
            rec["f"] = str(fact)
        if status:
            rec["st"] = str(status)
        if note:
            rec["nt"] = str(note)
        try:  # a tuple of the items is a key ten times cheaper than JSON text (thousands of records)
            key: tuple | str = tuple(sorted(rec.items()))
            hash(key)
        except TypeError:  # a list or dict value
            key = json.dumps(rec, ensure_ascii=False, sort_keys=True)
        if key not in self._index:
            self._index[key] = len(self.records)
            self.records.append(rec)
        return self._index[key]

    def add_quote(self, exact: str, status) -> int:
        """``add({"t": "q", "x": exact}, None, status, None)``, remembered: the hubs of a folded
        1M-triple map share hundreds of quotes, and each tie would rebuild the same record."""
        key = (exact, str(status) if status else None)
        found = self._quotes.get(key)
        if found is None:
            found = self._quotes[key] = self.add({"t": "q", "x": exact}, None, status, None)
        return found


def _source_types(records: list[dict]) -> list[dict]:
    seen: dict[str, tuple[str, str]] = {}
    for r in records:
        key = r.get("stk") or ("shipped-text" if r.get("t") == "q" else "unknown")
        if key not in seen:
            if key == "shipped-text":
                seen[key] = ("随附原文（引文）", "shipped text (quotes)")
            else:
                seen[key] = (r.get("stz") or key, r.get("ste") or key)
    return [{"id": f"s{j}", "key": k, "zh": zh, "en": en} for j, (k, (zh, en)) in enumerate(sorted(seen.items()))]


def _place(order, raw_edges, groups, nodes_out, seed) -> None:
    """Seeded positions, computed with every group folded into one node (so a group gets a place
    of its own rather than sitting under its hub); members sit in a ring around their group."""
    n = len(order)
    slot = list(range(n))
    for j, g in enumerate(groups):
        for m in g["members"]:
            slot[int(m[1:])] = n + j
    edges = sorted({(slot[a], slot[b]) for a, b, _ in raw_edges})
    positions = _positions(list(range(n + len(groups))), edges, seed)
    for i, node in enumerate(nodes_out):
        if slot[i] == i:
            node["x"], node["y"] = positions[i]
    for j, g in enumerate(groups):
        gx, gy = positions[n + j]
        g["x"], g["y"] = gx, gy
        radius = 40.0 + 12.0 * math.sqrt(len(g["members"]))
        for k, m in enumerate(g["members"]):
            angle = 2 * math.pi * k / len(g["members"])
            node = nodes_out[int(m[1:])]
            node["x"], node["y"] = round(gx + radius * math.cos(angle), 1), round(gy + radius * math.sin(angle), 1)


def _fold_groups(G, order, index, nodes_out, edges_out, fold_min, styles) -> list[dict]:
    """Nodes of one kind with exactly the same (few) neighbours — the 30 targets that all point at
    Harbin and the plan — fold into one group node; the page unfolds it on a double-click."""
    if fold_min < 2:
        return []
    U = G.to_undirected(as_view=True) if G.is_directed() else G
    buckets: dict[tuple, list[int]] = {}
    for n in order:
        nbrs = set(U[n]) - {n}
        if not 1 <= len(nbrs) <= 3 or G.nodes[n].get("others"):
            continue
        key = (_kind_key(G.nodes[n].get("kind")), tuple(sorted(index[m] for m in nbrs)))
        buckets.setdefault(key, []).append(index[n])
    groups: list[dict] = []
    by_id = {e["id"]: e for e in edges_out}
    member_edges: dict[int, list[str]] = {}
    for e in edges_out:
        for end in ("from", "to"):
            member_edges.setdefault(int(e[end][1:]), []).append(e["id"])
    for (kind, nbrs), members in sorted(buckets.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        if len(members) < fold_min:
            continue
        j = len(groups)
        _, zh, en = styles[kind]
        gid = f"g{j}"
        colour = nodes_out[members[0]]["color"]
        group = {"id": gid, "k": kind, "value": round(min(100.0, 20 + 4 * len(members)), 2), "lz": f"{zh} ×{len(members)}", "le": f"{en} ×{len(members)}",
                 "members": [f"n{m}" for m in members], "nbrs": [f"n{m}" for m in nbrs],
                 "color": colour if isinstance(colour, str) else colour.get("border", OTHERS_COLOUR),
                 "edges": []}
        for k, nb in enumerate(nbrs):
            sample = next((by_id[e] for e in member_edges.get(members[0], ())
                           if {by_id[e]["from"], by_id[e]["to"]} == {f"n{members[0]}", f"n{nb}"}), None)
            forward = sample is None or sample["from"] == f"n{members[0]}"
            group["edges"].append({"id": f"{gid}e{k}", "from": gid if forward else f"n{nb}",
                                   "to": f"n{nb}" if forward else gid,
                                   "lz": sample["lz"] if sample else "", "le": sample["le"] if sample else ""})
        for m in members:
            nodes_out[m]["grp"] = gid
        groups.append(group)
    return groups


def _edge_key(data: Mapping) -> dict:
    # A stable sort key for parallel edges: their data minus anything unserialisable.
    return {k: (v if isinstance(v, (str, int, float, bool)) else str(v)) for k, v in data.items()}


def _groups(G, order, color_by, communities, seed) -> tuple[dict, list]:
    """Community id per node and the legend rows (colour, label) — empty when colouring by kind."""
    if color_by != "community":
        return {}, []
    plain = [n for n in order if not G.nodes[n].get("others")]
    if communities is None:
        from ...analysis.centrality import louvain

        communities = louvain(G.subgraph(plain), seed=seed)
    if isinstance(communities, Mapping):
        sets: dict = {}
        for n, c in communities.items():
            sets.setdefault(c, set()).add(n)
        communities = list(sets.values())
    ranked = sorted((sorted(map(str, c)) for c in communities), key=lambda c: (-len(c), c))
    member = {m: i for i, c in enumerate(ranked) for m in c}
    group_of = {n: member.get(str(n), len(ranked)) for n in plain}
    extra = 1 if any(n not in member for n in map(str, plain)) else 0
    legend = [(PALETTE[i % len(PALETTE)], f"社区 community {i + 1} ({len(c)})")
              for i, c in enumerate(ranked)]
    if extra:
        legend.append(("#888888", "其他 other"))
    return group_of, legend


def _options(directed: bool, fixed: bool, seed: int, n: int) -> dict:
    """vis-network options: pyvis's option model for what it covers, the rest added here."""
    from pyvis.network import Network

    net = Network(directed=directed, cdn_resources="in_line")
    net.toggle_physics(not fixed)
    net.set_edge_smooth("continuous" if not fixed and n <= 100 else "dynamic")
    big = n > 1000  # hiding links while dragging keeps panning 5,000 nodes under 50 ms a frame
    net.toggle_hide_edges_on_drag(fixed and big)
    net.inherit_edge_colors(False)
    options = json.loads(net.options.to_json())
    if fixed:
        options["edges"]["smooth"] = False
    options["physics"].update({
        "solver": "forceAtlas2Based", "minVelocity": 0.75, "stabilization": {
            "enabled": not fixed, "iterations": 300, "fit": True, "updateInterval": 50}})
    options["layout"] = {"randomSeed": seed, "improvedLayout": not fixed and n <= 100}
    options["interaction"].update({"hover": True, "tooltipDelay": 300, "navigationButtons": False,
                                   "hideEdgesOnZoom": fixed and big, "multiselect": False,
                                   "keyboard": {"enabled": False}})
    # Labels by importance and zoom: a node's label grows with its score (value) and is drawn
    # only once it would be at least drawThreshold px tall on screen.
    options["nodes"] = {"shape": "dot", "borderWidth": 1,
                        "scaling": {"min": 8, "max": 36, "label": {
                            "enabled": True, "min": 9, "max": 18, "drawThreshold": 8, "maxVisible": 30}},
                        "font": {"face": FONT_STACK, "size": 14, "strokeWidth": 3, "strokeColor": "#ffffff"}}
    options["edges"].update({"color": {"color": "#9e9e9e", "highlight": "#333333", "hover": "#555555",
                                       "inherit": False},
                             "font": {"face": FONT_STACK, "size": 12, "align": "middle",
                                      "color": "#444444", "strokeWidth": 3},
                             "scaling": {"label": {"enabled": True, "drawThreshold": 10}},
                             "arrows": {"to": {"enabled": directed, "scaleFactor": 0.5}},
                             "selectionWidth": 2})
    return options


def display(G: nx.Graph, *, height: int = 640, **kwargs):
    """Show the map inline in a notebook: an ``<iframe srcdoc>``, so no CDN and no file.

    Takes :func:`render_map`'s arguments (``title`` defaults to "harbin-kg map").
    """
    from IPython.display import HTML  # only notebooks need IPython

    kwargs.setdefault("title", "harbin-kg map")
    page = render_map(G, **kwargs)
    return HTML(f'<div class="harbin-kg-map"><iframe srcdoc="{html.escape(page, quote=True)}" '
                f'sandbox="allow-scripts" style="width:100%;height:{int(height)}px;border:1px solid #ddd">'
                "</iframe></div>")


def aliases_from_graph(graph, G: nx.Graph) -> dict[str, list[str]]:
    """IRI → every other name the RDF ``graph`` gives it (skos:altLabel/hiddenLabel, all labels)."""
    from rdflib import Literal, URIRef
    from rdflib.namespace import RDFS, SKOS

    out: dict[str, list[str]] = {}
    for n, d in G.nodes(data=True):
        iri = str(d.get("iri") or n)
        if not iri.startswith(("http://", "https://")):
            continue
        names = {str(o) for p in (SKOS.altLabel, SKOS.hiddenLabel, SKOS.prefLabel, RDFS.label)
                 for o in graph.objects(URIRef(iri), p) if isinstance(o, Literal)}
        if names:
            out[iri] = sorted(names)
    return out


def measure_scores(G: nx.Graph, measure: str = "degree", *, seed: int = 0) -> dict:
    """Node → score for sizing, from :func:`harbin_kg.analysis.centrality.centrality` (``degree``,
    ``weighted-degree``, ``betweenness``, ``closeness``, ``pagerank``, ``eigenvector``, …).

    Measures where low means central (Burt's constraint) would shrink the brokers: refused.
    """
    if measure == "degree":  # the default: no igraph round trip for what networkx has at hand
        return {n: float(d) for n, d in G.degree()}
    from ...analysis.centrality import MEASURES, _measure, centrality

    spec = _measure(measure)
    if not spec.higher_is_central:
        valid = ", ".join(m.replace("_", "-") for m, v in MEASURES.items() if v.higher_is_central)
        raise HarbinKGError(f"Cannot size nodes by {measure} (low values are central); use one of {valid}.")
    return centrality(G, spec.name, seed=seed)
