"""Maps in a real browser: Debian's chromium driven by PyPI playwright, with the network blocked.

Every page is opened from a file:// URL; any other request is recorded and aborted. The tests
wait for the page to say it is ready (``window.hkgMap.state.ready``) but never assert timings.
"""

import re
import shutil
from pathlib import Path

import networkx as nx
import pytest

from harbin_kg.web.maps import aliases_from_graph, render_map

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]
TINY = Path(__file__).parent / "data" / "tiny.ttl"
LAYERS = ["ecosystem", "partnership", "membership", "documents", "pathways", "hierarchy"]
XSS = "document.body.dataset.xss='1'"
HOSTILE = [
    f'<img src=x onerror="{XSS}">',
    f"</script><script>{XSS}</script>",
    f'"><svg onload="{XSS}">',
    f'<a href="#" onmouseover="{XSS}">href</a>',
]


@pytest.fixture(scope="module")
def browser():
    playwright = pytest.importorskip("playwright.sync_api")
    if not shutil.which(CHROMIUM):
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium fonts-wqy-zenhei)")
    with playwright.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


class Opened:
    def __init__(self, page, requests, errors):
        self.page, self.requests, self.errors = page, requests, errors

    def js(self, code, arg=None):
        return self.page.evaluate(code, arg)

    def hover_node(self, node_id):
        """Move the mouse onto a node and return the tooltip's text."""
        x, y = self.js("""id => { const n = hkgMap.network; const p = n.getPositions([id])[id];
                            const d = n.canvasToDOM(p); const r = n.body.container.getBoundingClientRect();
                            return [d.x + r.left, d.y + r.top]; }""", node_id)
        self.page.mouse.move(x - 3, y - 3)
        self.page.mouse.move(x, y)
        tip = self.page.locator("div.vis-tooltip")
        tip.wait_for(state="visible")
        return tip.inner_text()


@pytest.fixture
def open_map(browser, tmp_path):
    pages = []

    def opener(html: str, name: str = "map.html") -> Opened:
        path = tmp_path / name
        path.write_text(html, encoding="utf-8")
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        pages.append(page)
        requests, errors = [], []

        def route(r):
            requests.append(r.request.url)
            if r.request.url == path.as_uri():
                r.continue_()
            else:
                r.abort()

        page.route("**/*", route)
        page.on("pageerror", lambda e: errors.append(f"pageerror: {e}"))
        page.on("console", lambda m: errors.append(f"console.{m.type}: {m.text}")
                if m.type in ("error", "warning") else None)
        page.goto(path.as_uri())
        # The page's CSP forbids eval, which wait_for_function's polling needs: poll from outside.
        for _ in range(2400):  # a generous upper bound (120 s), not a timing assertion
            if page.evaluate("!!(window.hkgMap && window.hkgMap.state.ready)"):
                break
            page.wait_for_timeout(50)
        else:
            raise AssertionError(f"the map never became ready; errors: {errors}")
        return Opened(page, requests, errors)

    yield opener
    for page in pages:
        page.close()


@pytest.fixture(scope="module", params=["tiny", "bundled"])
def kg(request):
    """(rdflib graph, source path): the tiny test graph, and the real bundled one."""
    from harbin_kg.graph.store import load_rdflib

    if request.param == "tiny":
        path = TINY
    else:
        from harbin_kg.graph.outputs import default_graph_path

        path = default_graph_path()
    return load_rdflib(path), path, request.param


# The alias each graph is searched by, and the entity it must select. The tiny graph has no
# partnership for 哈职院, so it checks another alias; the bundled graph checks 哈职院 itself.
SEARCH = {"tiny": ("哈市教育局", "哈尔滨市教育局"), "bundled": ("哈职院", "哈尔滨职业技术学院")}


def map_of(kg, layer, **kwargs):
    from harbin_kg.analysis.network import project

    rdf, path, _ = kg
    G = project(rdf, layer)
    return G, render_map(G, title=f"{layer} 图", aliases=aliases_from_graph(rdf, G), **kwargs)


def assert_clean(opened, html_path_count=1):
    assert len(opened.requests) == html_path_count, opened.requests  # only the page itself
    assert all(u.startswith("file://") for u in opened.requests)
    assert opened.errors == []


@pytest.mark.parametrize("layer", LAYERS)
def test_each_layer_opens_offline_with_every_node(kg, layer, open_map):
    G, html = map_of(kg, layer)
    opened = open_map(html)
    assert_clean(opened)
    # every node and link of the graph is in the page (by IRI), plus one node per folded group
    assert sorted(opened.js("hkgMap.nodes.get().filter(n => n.id[0] === 'n').map(n => n.iri)")) == \
        sorted(str(d.get("iri") or n) for n, d in G.nodes(data=True))
    assert opened.js("hkgMap.edges.get().filter(e => e.id[0] === 'e').length") == G.number_of_edges()
    groups = opened.js("hkgMap.data.groups.map(g => g.id)")
    assert opened.js("hkgMap.nodes.length") == len(G) + len(groups)


def test_focus_map_search_tooltip_and_language(kg, open_map):
    from harbin_kg.graph.labels import resolve_entity

    from harbin_kg.analysis.network import project

    rdf, _, name = kg
    alias, full_name = SEARCH[name]
    full = project(rdf, "ecosystem")
    centre = str(resolve_entity(rdf, alias))
    assert centre in full, f"{full_name} has no link in the {name} ecosystem graph (data gap, not a map bug)"
    G = nx.ego_graph(full, centre, radius=2, undirected=True)
    html = render_map(G, title=f"{alias} · 周边", aliases=aliases_from_graph(rdf, G))
    opened = open_map(html)
    assert_clean(opened)
    assert opened.js("hkgMap.nodes.get().filter(n => n.id[0] === 'n').length") == len(G)

    # search by the alias, as a person would: type and press Enter
    opened.page.fill("#hkg-search", alias)
    opened.page.press("#hkg-search", "Enter")
    selected = opened.js("hkgMap.network.getSelectedNodes()")
    assert len(selected) == 1
    assert opened.js("id => hkgMap.nodes.get(id).lz", selected[0]) == full_name
    assert full_name in opened.page.inner_text("#hkg-status")

    # a tooltip shows a source quote (「…」) for a node that has one
    with_quote = opened.js("hkgMap.data.nodes.filter(n => hkgMap.nodeTip(n).includes('「')).map(n => n.id)")
    assert with_quote, "no node carries a quote"
    tip = opened.hover_node(with_quote[0])
    assert "「" in tip and "」" in tip

    # the language switch relabels nodes and the legend
    zh_label = opened.js("id => hkgMap.nodes.get(id).label", selected[0])
    opened.page.select_option("#hkg-lang", "en")
    en_label = opened.js("id => hkgMap.nodes.get(id).label", selected[0])
    assert zh_label == full_name and en_label != zh_label and en_label.isascii()
    assert opened.page.locator("#hkg-legend h2 .en").first.is_visible()
    assert not opened.page.locator("#hkg-legend h2 .zh").first.is_visible()
    assert opened.errors == []


def test_kind_filter_hides_and_shows(open_map):
    G = nx.Graph()
    G.add_node("a", kind="School", label_zh="甲")
    G.add_node("b", kind="Enterprise", label_zh="乙")
    G.add_edge("a", "b")
    opened = open_map(render_map(G, title="t"))
    box = opened.page.locator("#hkg-kinds input").first
    box.uncheck()
    assert opened.js("hkgMap.nodes.get().filter(n => n.hidden).length") == 1
    box.check()
    assert opened.js("hkgMap.nodes.get().filter(n => n.hidden).length") == 0
    assert opened.errors == []


def test_hostile_labels_show_as_text_and_never_run(open_map):
    G = nx.Graph()
    for _i, payload in enumerate(HOSTILE):
        G.add_node(payload, iri=payload, kind=payload, label_zh=payload, label_en=payload,
                   quotes=[payload])
    for a, b in zip(HOSTILE, HOSTILE[1:]):
        G.add_edge(a, b, relation=HOSTILE[3], quotes=[HOSTILE[0]])
    opened = open_map(render_map(G, title=HOSTILE[0] + HOSTILE[3]))
    assert opened.page.inner_text("#hkg-title") == HOSTILE[0] + HOSTILE[3]
    assert opened.js("hkgMap.nodes.get().map(n => n.lz).sort()") == sorted(HOSTILE)
    for node_id in opened.js("hkgMap.nodes.getIds()"):
        tip = opened.hover_node(node_id)
        label = opened.js("id => hkgMap.nodes.get(id).lz", node_id)
        assert label in tip  # shown as text, not parsed as HTML
    legend = opened.page.inner_text("#hkg-kinds")
    assert HOSTILE[2] in legend
    opened.page.fill("#hkg-search", HOSTILE[1])
    opened.page.press("#hkg-search", "Enter")
    assert opened.js("document.body.dataset.xss") is None
    assert opened.js("document.querySelectorAll('img, svg, a[href], iframe').length") == 0
    assert_clean(opened)


def test_five_thousand_nodes_become_interactive(open_map):
    G = nx.barabasi_albert_graph(5000, 2, seed=5)
    for n in G:
        G.nodes[n].update(kind=("School", "Enterprise", "GovernmentBody")[n % 3],
                          label_zh=f"机构{n}", label_en=f"Org {n}")
    opened = open_map(render_map(G, title="5k"))
    assert_clean(opened)
    assert opened.js("hkgMap.nodes.length") == 5000
    assert opened.js("hkgMap.state.ready") is True
    opened.page.fill("#hkg-search", "机构4321")
    opened.page.press("#hkg-search", "Enter")
    node_id = opened.js("hkgMap.network.getSelectedNodes()[0]")
    assert opened.js("id => hkgMap.nodes.get(id).lz", node_id) == "机构4321"
    assert "机构4321" in opened.hover_node(node_id)
    assert opened.errors == []


# ---- speed work (issue 12 budgets): tooltips built on hover, labels by importance and zoom,
# panning a big map moves a picture. What a person sees must not change.

ID = "https://w3id.org/hrbvet/id/"


def empty_spot(opened):
    """Page coordinates of a point of the map with no node or link under it."""
    return opened.js("""() => { const n = hkgMap.network, r = n.body.container.getBoundingClientRect();
        for (let i = 0; i < 400; i++) { const x = 20 + (i * 37) % (r.width - 40), y = 20 + (i * 53) % (r.height - 40);
          if (n.getNodeAt({x, y}) === undefined && n.getEdgeAt({x, y}) === undefined && !hkgMap.linkAt({x, y})) {
            return [x + r.left, y + r.top]; } }
        return null; }""")


def tooltip_graph() -> nx.Graph:
    """A college tied to a bureau and a consortium by one agreement with a source quote."""
    G = nx.Graph()
    for slug, kind, zh, en in (
            ("org/harbin-vocational-technical-college", "HigherVocationalCollege", "哈尔滨职业技术学院",
             "Harbin Vocational and Technical College"),
            ("org/harbin-education-bureau", "GovernmentBody", "哈尔滨市教育局", "Harbin Education Bureau"),
            ("org/digital-economy-chanjiao-lianheti", "Consortium", "数字经济省域市域产教联合体",
             "Digital economy consortium")):
        G.add_node(ID + slug, iri=ID + slug, kind=kind, label_zh=zh, label_en=en)
    fact = {"relator": ID + "agreement/x", "label_zh": "战略合作协议", "quotes": ["哈尔滨市教育局与哈职院签署战略合作协议"]}
    hub = ID + "org/harbin-vocational-technical-college"
    for other in list(G)[1:]:
        G.add_edge(hub, other, weight=1.0, via=[fact["relator"]], facts=[fact], relations=["agreement"])
    return G


def hover_edge(opened, edge_id):
    """Move the mouse onto the middle of a link and return the tooltip's text."""
    x, y = opened.js("""id => { const n = hkgMap.network, e = hkgMap.edges.get(id);
                        const p = n.getPositions([e.from, e.to]);
                        const d = n.canvasToDOM({x: (p[e.from].x + p[e.to].x) / 2, y: (p[e.from].y + p[e.to].y) / 2});
                        const r = n.body.container.getBoundingClientRect(); return [d.x + r.left, d.y + r.top]; }""",
                     edge_id)
    opened.page.mouse.move(x - 3, y - 3)
    opened.page.mouse.move(x, y)
    tip = opened.page.locator("div.vis-tooltip")
    tip.wait_for(state="visible")
    return tip.inner_text()


def test_tooltips_are_built_on_hover_with_names_kind_alias_quote_and_iri(open_map):
    college = ID + "org/harbin-vocational-technical-college"
    html = render_map(tooltip_graph(), title="t", aliases={college: ["哈职院"]})
    assert '"title"' not in html.split('id="hkg-data"')[1].split("</script>")[0]  # no tooltip strings in the data
    opened = open_map(html)
    node_id = opened.js("iri => hkgMap.data.nodes.find(n => n.iri === iri).id", college)
    tip = opened.hover_node(node_id)
    for text in ("高等职业院校 / higher vocational college", "哈尔滨职业技术学院", "Harbin Vocational and Technical College",
                 "又称 also: 哈职院", "连接 links: 2", "「哈尔滨市教育局与哈职院签署战略合作协议」", college):
        assert text in tip, (text, tip)
    opened.page.mouse.move(*empty_spot(opened))
    opened.page.locator("div.vis-tooltip").wait_for(state="hidden")
    edge_id = opened.js("hkgMap.data.edges[0].id")
    tip = hover_edge(opened, edge_id)
    for text in ("协议 / agreement", "• 战略合作协议", "「哈尔滨市教育局与哈职院签署战略合作协议」"):
        assert text in tip, (text, tip)
    assert opened.errors == []


def big_graph(n=1200):
    G = nx.barabasi_albert_graph(n, 2, seed=5)
    for v in G:
        G.nodes[v].update(kind=("School", "Enterprise", "GovernmentBody")[v % 3],
                          label_zh=f"机构{v}", label_en=f"Org {v}")
    return G


def test_big_map_opens_with_the_most_important_labels_and_labels_the_rest_on_zoom(open_map):
    from harbin_kg.web.maps import LABEL_LIMIT

    G = big_graph()
    opened = open_map(render_map(G, title="1200"))
    assert_clean(opened)
    labelled = set(opened.js("hkgMap.labelled()"))
    assert len(labelled) == LABEL_LIMIT
    hub = max(G, key=lambda v: (G.degree(v), -v))
    leaf = max((v for v in G if G.degree(v) == 2), key=lambda v: v)  # one of the least linked nodes
    ids = opened.js("hkgMap.data.nodes.reduce((m, n) => (m[n.lz] = n.id, m), {})")
    assert ids[f"机构{hub}"] in labelled and ids[f"机构{leaf}"] not in labelled
    assert opened.js("id => hkgMap.nodes.get(id).label", ids[f"机构{hub}"]) == f"机构{hub}"
    assert opened.js("id => hkgMap.nodes.get(id).label", ids[f"机构{leaf}"]) is None
    # zoom in on the leaf, as the mouse wheel would: its label arrives, in the page's language
    opened.js("""id => hkgMap.network.moveTo({position: hkgMap.network.getPositions([id])[id], scale: 1.5,
                                               animation: false})""", ids[f"机构{leaf}"])
    assert poll(opened, "id => hkgMap.nodes.get(id).label", ids[f"机构{leaf}"]) == f"机构{leaf}"
    opened.page.select_option("#hkg-lang", "en")
    assert opened.js("id => hkgMap.nodes.get(id).label", ids[f"机构{leaf}"]) == f"Org {leaf}"
    assert opened.js("id => hkgMap.nodes.get(id).label", ids[f"机构{hub}"]) == f"Org {hub}"
    assert opened.errors == []


def poll(opened, code, arg=None, until=lambda v: v is not None):
    """The value of ``code`` once ``until`` holds for it (an upper bound on polling, not a timing)."""
    for _ in range(600):
        value = opened.js(code, arg)
        if until(value):
            return value
        opened.page.wait_for_timeout(50)
    return value


def test_link_labels_of_a_small_map_arrive_on_zoom(open_map):
    # three nodes open zoomed in far enough to read their link labels: they are there at once
    few = open_map(render_map(tooltip_graph(), title="t"))
    assert poll(few, "hkgMap.edges.get().map(e => e.label || null)", until=lambda v: None not in v) == ["协议", "协议"]
    # 250 nodes open too far out to read a link label: none is drawn (or measured) until a zoom-in
    G = nx.barabasi_albert_graph(250, 2, seed=3)
    for u, v in G.edges:
        G.edges[u, v]["relations"] = ["agreement"]
    opened = open_map(render_map(G, title="250"))
    assert opened.js("hkgMap.network.getScale()") < 0.7
    assert set(opened.js("hkgMap.edges.get().map(e => e.label || null)")) == {None}
    opened.js("hkgMap.network.moveTo({scale: 2.0, animation: false})")
    assert poll(opened, "hkgMap.edges.get('e0').label") == "协议"
    assert set(opened.js("hkgMap.edges.get().map(e => e.label)")) == {"协议"}
    opened.page.select_option("#hkg-lang", "en")
    assert set(opened.js("hkgMap.edges.get().map(e => e.label)")) == {"agreement"}
    assert few.errors == [] and opened.errors == []


def test_panning_a_big_map_moves_a_picture_and_ends_live(open_map):
    opened = open_map(render_map(big_graph(), title="1200"))
    page = opened.page
    box = page.locator("#hkg-network canvas").bounding_box()
    # start where no node is, so the drag pans the view rather than moving a node
    x, y = empty_spot(opened)
    before = opened.js("hkgMap.network.getViewPosition()")
    scale = opened.js("hkgMap.network.getScale()")
    page.mouse.move(x, y)
    page.mouse.down()
    for i in range(1, 11):
        page.mouse.move(x + 12 * i, y + 6 * i)
    assert opened.js("hkgMap.panning()") is True
    assert opened.js("hkgMap.network.renderer.options.hideNodesOnDrag") is True
    # what is drawn while panning is the picture of the map: the canvas is not blank
    inked = opened.js("""() => { const c = document.querySelector('#hkg-network canvas');
        const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data; let k = 0;
        for (let i = 0; i < d.length; i += 4 * 97) { if (d[i + 3] > 0 && (d[i] < 240 || d[i + 1] < 240 || d[i + 2] < 240)) { k++; } }
        return k; }""")
    assert inked > 100
    page.mouse.up()
    assert opened.js("hkgMap.panning()") is False
    assert opened.js("hkgMap.network.renderer.options.hideNodesOnDrag") is False
    after = opened.js("hkgMap.network.getViewPosition()")
    assert abs((before["x"] - after["x"]) * scale - 120) < 2 and abs((before["y"] - after["y"]) * scale - 60) < 2
    # dragging a node stays live: no picture
    node_id = opened.js("hkgMap.data.nodes[0].id")
    nx_, ny_ = opened.js("""id => { const n = hkgMap.network; const d = n.canvasToDOM(n.getPositions([id])[id]);
                               const r = n.body.container.getBoundingClientRect(); return [d.x + r.left, d.y + r.top]; }""",
                         node_id)
    page.mouse.move(nx_, ny_)
    page.mouse.down()
    page.mouse.move(nx_ + 30, ny_ + 10)
    assert opened.js("hkgMap.panning()") is False
    page.mouse.up()
    assert box is not None and opened.errors == []


# ---- links drawn by the page (maps of more than DRAWN_LINKS_MIN links): what a person can do
# with a link must not change — hover it, click it for its evidence, filter it away.

QUOTE = "哈尔滨市教育局与哈职院签署战略合作协议"


def drawn_graph(n=1200) -> nx.Graph:
    """A big map whose links differ: agreement or consortium, stated or inferred, dated 2020 or
    2023, each with a quote of its own."""
    G = big_graph(n)
    for i, (u, v) in enumerate(sorted(tuple(sorted(e)) for e in G.edges)):
        G.edges[u, v].update(weight=1.0, relations=["agreement" if i % 2 else "consortium"],
                             status="stated" if i % 3 else "inferred-context", year=2020 if i % 4 else 2023,
                             quotes=[f"{QUOTE}（第{i}条）"])
    return G


def clear_link(opened, status=None):
    """(link id, page x, page y): the middle of a drawn link that no node and no other link comes
    near, in the left half of the map (clear of the panel); of that ``status`` if given. The view
    is zoomed in (scale 1) on the outskirts of the map, where links are far apart."""
    return opened.js("""status => { const m = hkgMap.network, r = m.body.container.getBoundingClientRect();
        const ok = e => !status || e.st === status, pos = m.getPositions(), vis = hkgMap.visible().edges;
        const outskirts = Object.values(pos).sort((a, b) => Math.hypot(b.x, b.y) - Math.hypot(a.x, a.y));
        for (const at of outskirts.slice(0, 40)) {
        m.moveTo({position: {x: at.x + r.width / 4, y: at.y}, scale: 1.0, animation: false});
        const shown = hkgMap.data.edges.filter(e => vis[e.id]);
        const seg = e => [m.canvasToDOM(pos[e.from]), m.canvasToDOM(pos[e.to])];
        const dist = (p, [a, b]) => { const dx = b.x - a.x, dy = b.y - a.y, l = dx * dx + dy * dy;
          const k = l ? Math.max(0, Math.min(1, ((p.x - a.x) * dx + (p.y - a.y) * dy) / l)) : 0;
          return Math.hypot(a.x + k * dx - p.x, a.y + k * dy - p.y); };
        const segs = shown.map(seg);
        for (const e of shown) {
          if (!ok(e)) continue;
          const [a, b] = seg(e), p = {x: (a.x + b.x) / 2, y: (a.y + b.y) / 2};
          if (p.x < 30 || p.y < 30 || p.x > r.width / 2 || p.y > r.height - 30) continue;
          if (m.getNodeAt(p) !== undefined) continue;
          if (Object.values(pos).some(q => Math.hypot(m.canvasToDOM(q).x - p.x, m.canvasToDOM(q).y - p.y) < 25)) continue;
          if (shown.some((f, j) => f.id !== e.id && dist(p, segs[j]) < 10)) continue;
          return [e.id, p.x + r.left, p.y + r.top]; }
        }
        return null; }""", status)


# Whether the map's canvas around page point (x, y) is darker than the white background (read
# through a copy of those pixels: reading the map's own canvas again and again makes Chromium warn).
INK = """([x, y]) => { const c = document.querySelector('#hkg-network canvas'), r = c.getBoundingClientRect();
        const k = c.width / r.width, copy = document.createElement('canvas');
        copy.width = 3; copy.height = 3;
        const g = copy.getContext('2d', {willReadFrequently: true});
        g.drawImage(c, Math.round((x - r.left) * k) - 1, Math.round((y - r.top) * k) - 1, 3, 3, 0, 0, 3, 3);
        const d = g.getImageData(0, 0, 3, 3).data;
        for (let i = 0; i < d.length; i += 4) { if (d[i + 3] > 0 && d[i] < 235) return true; }
        return false; }"""


def test_big_map_draws_its_links_and_a_click_on_one_opens_its_evidence(open_map):
    from harbin_kg.web.maps import DRAWN_LINKS_MIN

    G = drawn_graph()
    assert G.number_of_edges() > DRAWN_LINKS_MIN
    opened = open_map(render_map(G, title="1200"))
    assert_clean(opened)
    assert opened.js("hkgMap.data.drawn") is True
    # every link is drawn by the page; vis-network holds none of them yet
    assert sorted(opened.js("hkgMap.drawnLinks()")) == sorted(opened.js("hkgMap.data.edges.map(e => e.id)"))
    assert opened.js("hkgMap.edges.get().filter(e => e.id[0] === 'e').length") == 0
    link, x, y = clear_link(opened)
    assert opened.js("id => hkgMap.drawnLinks().includes(id)", link) and poll(opened, INK, [x, y], until=bool)
    edge = opened.js("id => hkgMap.data.edges.find(e => e.id === id)", link)
    ends = opened.js("e => [e.from, e.to].map(id => hkgMap.data.nodes.find(n => n.id === id).lz)", edge)

    # a click on the drawn link pins it: the panel shows its relation, its two ends and its quote
    opened.page.mouse.click(x, y)
    panel = opened.page.locator("#hkg-panel")
    panel.wait_for(state="visible")
    assert opened.js("hkgMap.state.selectedEdge") == link
    assert opened.page.inner_text("#hkg-panel-title") == edge["lz"]
    number = sorted(tuple(sorted(e)) for e in G.edges).index(tuple(sorted(int(name[2:]) for name in ends)))
    body = opened.page.inner_text("#hkg-panel")
    assert f"{QUOTE}（第{number}条）" in body and ends[0] in body and ends[1] in body
    # … and it is now a vis edge, selected, drawn by vis-network rather than by the page
    assert link in opened.js("hkgMap.liveLinks()") and link not in opened.js("hkgMap.drawnLinks()")
    assert opened.js("hkgMap.network.getSelectedEdges()") == [link]
    fragment = opened.js("location.hash")
    assert f"se={link}" in fragment
    # Esc closes the panel and the link goes back to the page's drawing
    opened.page.keyboard.press("Escape")
    panel.wait_for(state="hidden")
    opened.page.mouse.move(5, 5)  # off the map: nothing hovered
    assert poll(opened, "hkgMap.liveLinks()", until=lambda v: v == []) == []
    assert link in opened.js("hkgMap.drawnLinks()")
    assert poll(opened, INK, [x, y], until=bool)
    # the view as a link: the fragment pins the drawn link again
    opened.js("h => { location.hash = h; }", fragment)
    panel.wait_for(state="visible")
    assert opened.js("hkgMap.state.selectedEdge") == link and opened.js("hkgMap.liveLinks()") == [link]
    assert opened.js("hkgMap.network.getSelectedEdges()") == [link]
    assert opened.errors == []


def test_hovering_a_drawn_link_shows_its_tooltip_as_text(open_map):
    G = drawn_graph()
    for u, v in G.edges:  # hostile relation names: shown as text, never run
        G.edges[u, v].update(relation_zh=HOSTILE[0] + "协议", relation_en=HOSTILE[3])
    opened = open_map(render_map(G, title="1200"))
    link, x, y = clear_link(opened, "inferred-context")
    opened.page.mouse.move(x - 2, y - 2)
    opened.page.mouse.move(x, y)
    # hovered (once the pointer rests): a vis edge, which vis-network highlights
    assert poll(opened, "hkgMap.liveLinks()", until=lambda v: v == [link]) == [link]
    tip = opened.page.locator("div.vis-tooltip")
    tip.wait_for(state="visible")
    edge = opened.js("id => hkgMap.data.edges.find(e => e.id === id)", link)
    text = tip.inner_text()
    assert f"{edge['lz']} / {edge['le']}" in text and "据上下文推断" in text and QUOTE in text
    assert edge["lz"] == HOSTILE[0] + "协议" and edge["le"] == HOSTILE[3]
    assert opened.js("document.body.dataset.xss") is None
    assert opened.js("document.querySelectorAll('img, svg, a[href], iframe').length") == 0
    assert_clean(opened)


def test_filters_and_the_year_hide_drawn_links(open_map):
    opened = open_map(render_map(drawn_graph(), title="1200"))
    all_links = set(opened.js("hkgMap.drawnLinks()"))
    inferred = set(opened.js("hkgMap.data.edges.filter(e => e.st === 'inferred-context').map(e => e.id)"))
    link, x, y = clear_link(opened, "inferred-context")
    assert poll(opened, INK, [x, y], until=bool)
    opened.page.locator('#hkg-statuses input[data-status="inferred"]').uncheck()
    drawn = set(opened.js("hkgMap.drawnLinks()"))
    assert drawn and not drawn & inferred
    assert drawn == {e for e in all_links - inferred if opened.js("id => hkgMap.visible().edges[id]", e)}
    assert not poll(opened, INK, [x, y], until=lambda v: not v)  # the dashed link is no longer drawn
    assert opened.js("hkgMap.state.visibleEdges") == len(drawn)
    opened.page.locator('#hkg-statuses input[data-status="inferred"]').check()
    assert set(opened.js("hkgMap.drawnLinks()")) == all_links and poll(opened, INK, [x, y], until=bool)
    # the year slider: "that year only", 2023, draws only the links of 2023
    opened.page.locator("#hkg-year-on").check()
    opened.page.locator('input[name="hkg-year-mode"][value="win"]').check()
    opened.page.locator("#hkg-year").fill("2023")
    years = opened.js("hkgMap.drawnLinks().map(id => hkgMap.data.edges.find(e => e.id === id).yr)")
    assert years and set(years) == {2023}
    # a relation switched off leaves the drawing too
    opened.page.locator("#hkg-year-on").uncheck()
    rel = opened.js("hkgMap.data.rels.find(p => p[1] === 'consortium')[0]")
    opened.page.locator(f'#hkg-rels input[data-rel="{rel}"]').uncheck()
    rels = opened.js("hkgMap.drawnLinks().map(id => hkgMap.data.edges.find(e => e.id === id).r)")
    assert rels and set(rels) == {"agreement"}
    assert "rx=consortium" in opened.js("location.hash")
    assert opened.errors == []


def test_a_pinned_node_a_path_and_the_exports_of_a_drawn_map(open_map):
    G = drawn_graph()
    opened = open_map(render_map(G, title="1200"))
    hub = opened.js("hkgMap.data.nodes.find(n => n.lz === '机构0').id")
    links = sorted(opened.js("id => hkgMap.data.edges.filter(e => e.from === id || e.to === id).map(e => e.id)", hub))
    assert len(links) == G.degree(0)
    opened.page.fill("#hkg-search", "机构0")
    opened.page.press("#hkg-search", "Enter")
    # the pinned node's links are drawn again, highlighted with it (no vis edges for them)
    assert opened.js("hkgMap.network.getSelectedNodes()") == [hub]
    assert opened.js("hkgMap.selectedLinks()") == links and opened.js("hkgMap.liveLinks()") == []
    assert set(links) <= set(opened.js("hkgMap.drawnLinks()"))
    # … and so is everything its panel lists: one entry per link
    assert opened.page.locator("#hkg-panel .rel-item").count() == len(links)
    # a shortest path: its links are selected on the map
    paths = opened.js("hkgMap.findPaths('机构7', '机构1100')")
    assert paths and set(paths[0]["edges"]) <= set(opened.js("hkgMap.network.getSelectedEdges()"))
    assert set(paths[0]["edges"]) <= set(opened.js("hkgMap.liveLinks()"))
    # the SVG has every link in view, dashed where inferred; the CSV every link with its quote
    opened.js("hkgMap.closePanel()")
    svg = opened.js("hkgMap.exportSVG()")
    lines = re.findall(r"<line [^>]*>", svg)
    assert len(lines) == G.number_of_edges()
    assert sum("stroke-dasharray" in line for line in lines) == opened.js(
        "hkgMap.data.edges.filter(e => e.st === 'inferred-context').length")
    csv_text = opened.js("hkgMap.exportCSV()")
    assert csv_text.count("\r\nlink,") == G.number_of_edges() and f"{QUOTE}（第0条）" in csv_text
    png = opened.js("hkgMap.exportPNG()")
    assert png.startswith("data:image/png;base64,")
    assert opened.errors == []
