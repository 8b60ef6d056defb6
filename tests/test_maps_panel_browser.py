"""The map as a research instrument, driven in a real browser (Debian chromium, network blocked).

The page is drawn by ``harbin-kg map`` from ``tests/data/map-fixture.ttl``: the tiny graph plus
made-up fixture facts that carry citations (hv:Citation under hv:evidence, as the build writes
them), so the panel shows both kinds of evidence. Every test waits on page state, never on time.
"""

import csv
import io
import re
import shutil
import struct
from pathlib import Path

import pytest

from harbin_kg.cli import cli

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]
FIXTURE = Path(__file__).parent / "data" / "map-fixture.ttl"
ID = "https://w3id.org/hrbvet/id/"
HVTC = ID + "org/harbin-vocational-technical-college"
QUOTE_434 = "2023年底,在“部省共建”战略协议指引下,哈尔滨市政府与省教育厅签署《厅市共建龙江职业教育创新发展样板战略合作协议》。"


@pytest.fixture(scope="module")
def browser():
    playwright = pytest.importorskip("playwright.sync_api")
    if not shutil.which(CHROMIUM):
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium fonts-wqy-zenhei)")
    with playwright.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@pytest.fixture(scope="module")
def drawn(tmp_path_factory):
    """Map files written by the CLI: the whole fixture ecosystem (stated + inferred), and a focus map."""
    from click.testing import CliRunner

    folder = tmp_path_factory.mktemp("maps")
    runner = CliRunner()
    out = {}
    for name, extra in (("all", ["--include-inferred"]),
                        ("focus", ["--include-inferred", "--focus", "哈职院", "--depth", "1"])):
        path = folder / f"{name}.html"
        result = runner.invoke(cli, ["map", str(FIXTURE), "-o", str(path), *extra])
        assert result.exit_code == 0, result.output
        out[name] = path
    return out


class Opened:
    def __init__(self, page, requests, errors):
        self.page, self.requests, self.errors = page, requests, errors

    def js(self, code, arg=None):
        return self.page.evaluate(code, arg)

    def node_id(self, iri):
        return self.js("iri => hkgMap.data.nodes.find(n => n.iri === iri).id", iri)

    def click_node(self, node_id, double=False):
        x, y = self.js("""id => { const n = hkgMap.network; n.focus(id, {scale: 1.2, animation: false});
                            const p = n.getPositions([id])[id]; const d = n.canvasToDOM(p);
                            const r = n.body.container.getBoundingClientRect(); return [d.x + r.left, d.y + r.top]; }""",
                       node_id)
        if double:
            self.page.mouse.dblclick(x, y)
        else:
            self.page.mouse.click(x, y)

    def wait(self, code, arg=None):
        for _ in range(600):  # an upper bound on polling, not a timing assertion
            if self.js(code, arg):
                return
            self.page.wait_for_timeout(25)
        raise AssertionError(f"never true: {code}")

    def counts(self):
        return self.js("[hkgMap.state.visibleNodes, hkgMap.state.visibleEdges]")

    def shown_edges(self):
        return self.js("hkgMap.edges.get().filter(e => !e.hidden && e.id[0] === 'e')"
                       ".map(e => [e.id, hkgMap.data.edges.find(x => x.id === e.id).st || null, !!e.dashes])")


@pytest.fixture
def open_map(browser):
    pages = []

    def opener(path: Path, fragment: str = "") -> Opened:
        context = browser.new_context(viewport={"width": 1400, "height": 900}, accept_downloads=True)
        page = context.new_page()
        pages.append(context)
        requests, errors = [], []

        def route(r):
            requests.append(r.request.url)
            if r.request.url.split("#")[0] == path.as_uri():
                r.continue_()
            else:
                r.abort()

        page.route("**/*", route)
        page.on("pageerror", lambda e: errors.append(f"pageerror: {e}"))
        page.on("console", lambda m: errors.append(f"console.{m.type}: {m.text}")
                if m.type in ("error", "warning") else None)
        page.goto(path.as_uri() + fragment)
        opened = Opened(page, requests, errors)
        opened.wait("!!(window.hkgMap && window.hkgMap.state.ready)")
        return opened

    yield opener
    for context in pages:
        context.close()


def assert_clean(opened):
    assert [u.split("#")[0] for u in opened.requests] == [opened.requests[0].split("#")[0]], opened.requests
    assert opened.requests[0].startswith("file://")
    assert opened.errors == []
    assert opened.js("document.body.dataset.xss") is None


def test_pin_a_node_copy_its_quote_and_close_with_escape(drawn, open_map):
    opened = open_map(drawn["all"])
    agreement = opened.node_id(ID + "agreement/2023-tingshi-gongjian-zhanlue-hezuo")
    opened.click_node(agreement)
    panel = opened.page.locator("#hkg-panel")
    panel.wait_for(state="visible")
    assert opened.page.inner_text("#hkg-panel-title") == "厅市共建龙江职业教育创新发展样板战略合作协议"
    box = panel.locator(".ev-quote").first
    assert box.locator(".quote-text").inner_text() == QUOTE_434  # the whole quote, not a shortened one
    text = box.inner_text()
    assert "字符 434–494" in text and "报道全文" in text  # its position and the text it comes from
    assert "明确陈述" in text  # stated
    box.locator("button.copy").click()
    assert opened.js("window.getSelection().toString()") == QUOTE_434
    opened.wait("document.querySelector('.copy-note').textContent.length > 0")
    # the panel is reachable by keyboard and Esc closes it
    assert opened.js("document.getElementById('hkg-panel').contains(document.activeElement)")
    opened.page.keyboard.press("Escape")
    panel.wait_for(state="hidden")
    assert opened.js("hkgMap.state.selected") is None
    assert_clean(opened)


def test_citation_shows_outlet_title_date_locator_key_phrase_and_a_safe_link(drawn, open_map):
    opened = open_map(drawn["all"])
    opened.js("id => hkgMap.pin(id)", opened.node_id(ID + "agreement/fx-2021-hvtc-bureau"))
    cites = opened.page.locator("#hkg-panel-body > .ev-cite")  # its own evidence, not its links'
    assert cites.count() == 2
    first = cites.nth(0).inner_text()
    for shown in ("测试日报", "测试晚报", "哈职院与哈市教育局签约（测试页面）", "2021-06-18", "2026-12-02",
                  "para 3", "校企合作协议", "主流媒体", "中"):
        assert shown in first
    link = cites.nth(0).locator("a.cite-link")
    assert link.get_attribute("href") == "https://news.example.org/2021/hvtc-bureau.html"
    assert link.get_attribute("rel") == "noopener noreferrer" and link.get_attribute("target") == "_blank"
    assert "para 7" in cites.nth(1).inner_text() and "官方文件" in cites.nth(1).inner_text()
    # the hostile citation: javascript: URL shown as text, its <img> title as text, nothing runs
    opened.js("id => hkgMap.pin(id)", opened.node_id(ID + "agreement/fx-2019-university-enterprise"))
    hostile = opened.page.locator("#hkg-panel-body > .ev-cite").first
    assert "javascript:document.body.dataset.xss='1'" in hostile.inner_text()
    assert "<img src=x onerror=alert(1)>校企合作" in hostile.inner_text()
    assert hostile.locator("a").count() == 0 and hostile.locator(".url-text").count() == 1
    assert "据上下文推断" in hostile.inner_text()  # inferred, with the editorial note
    assert "publication date" in hostile.inner_text()
    assert opened.js("document.querySelectorAll('#hkg-panel img, a[href^=\"javascript\"], a[href^=\"data\"]').length") == 0
    assert_clean(opened)  # showing a link requests nothing; only a user's click would


def test_status_filter_shows_and_hides_dashed_inferred_links(drawn, open_map):
    opened = open_map(drawn["all"])
    shown = opened.shown_edges()
    inferred = [e for e in shown if e[1] and e[1] != "stated"]
    assert inferred and all(dashed for _, _, dashed in inferred)
    assert all(not dashed for _, st, dashed in shown if st in (None, "stated"))
    n0, e0 = opened.counts()
    opened.page.locator('#hkg-statuses input[data-status="inferred"]').uncheck()
    assert all(st in (None, "stated") for _, st, _ in opened.shown_edges())
    n1, e1 = opened.counts()
    assert e1 == e0 - opened.js("hkgMap.data.edges.filter(e => e.st && e.st !== 'stated').length")
    assert n1 < n0  # the enterprise known only from an inferred tie goes with it
    assert opened.js("hkgMap.nodes.get(hkgMap.data.nodes.find(n => n.lz === '测试科技有限公司').id).hidden") is True
    assert opened.page.inner_text('#hkg-statuses [data-count="inferred"]') == "0"
    opened.page.locator('#hkg-statuses input[data-status="inferred"]').check()
    assert {e[0] for e in opened.shown_edges()} == {e[0] for e in shown}  # the dashed links are back
    assert_clean(opened)


def test_year_slider_changes_the_counts(drawn, open_map):
    opened = open_map(drawn["all"])
    assert opened.js("hkgMap.data.years") == [2019, 2021, 2023]
    total = opened.counts()
    opened.page.locator("#hkg-year-on").check()
    slider = opened.page.locator("#hkg-year")
    slider.fill("2019")  # range input: fires input/change
    at_2019 = opened.counts()
    slider.fill("2021")
    at_2021 = opened.counts()
    assert at_2019[1] < at_2021[1] <= total[1]
    assert opened.page.inner_text("#hkg-year-value") == "2021"
    dated = opened.js("hkgMap.data.edges.filter(e => e.yr > 0 && !hkgMap.visible().edges[e.id]).map(e => e.yr)")
    assert dated and all(y > 2021 for y in dated)  # cumulative: everything up to 2021 stays
    opened.page.locator('input[name="hkg-year-mode"][value="win"]').check()
    window = opened.js("hkgMap.data.edges.filter(e => hkgMap.visible().edges[e.id] && e.yr > 0).map(e => e.yr)")
    assert window and set(window) == {2021}
    opened.page.locator("#hkg-undated").uncheck()
    assert opened.js("hkgMap.data.edges.filter(e => hkgMap.visible().edges[e.id] && e.yr === -1).length") == 0
    assert "y=2021" in opened.js("location.hash") and "ym=win" in opened.js("location.hash")
    assert_clean(opened)


def test_focus_highlights_and_double_click_expands_and_collapses(drawn, open_map):
    opened = open_map(drawn["focus"])
    hvtc = opened.node_id(HVTC)
    assert opened.js("hkgMap.state.focus") == hvtc
    assert opened.js("id => hkgMap.nodes.get(id).borderWidth", hvtc) == 5  # the focused entity stands out
    shown = opened.js("Object.keys(hkgMap.visible().nodes).filter(k => hkgMap.visible().nodes[k])")
    agreement = opened.node_id(ID + "agreement/fx-2021-hvtc-bureau")
    bureau = opened.node_id(ID + "org/harbin-education-bureau")
    assert agreement in shown and bureau not in shown  # depth 1: the agreement, not yet its other party
    before = opened.counts()
    opened.click_node(agreement, double=True)
    opened.wait("id => hkgMap.visible().nodes[id] === true", bureau)
    assert opened.counts()[0] > before[0]
    opened.click_node(agreement, double=True)
    opened.wait("id => hkgMap.visible().nodes[id] === false", bureau)
    assert opened.counts() == before
    # "only this neighbourhood" at depth 2 from the pinned node, then back to everything
    opened.js("id => hkgMap.pin(id)", hvtc)
    opened.page.select_option("#hkg-depth", "2")
    opened.page.click("#hkg-only")
    assert opened.js("id => hkgMap.visible().nodes[id]", bureau) is True
    opened.page.click("#hkg-all")
    assert opened.counts()[0] == opened.js("hkgMap.data.nodes.length")  # all again (folded members count)
    assert_clean(opened)


def test_group_node_folds_targets_and_unfolds_on_double_click(drawn, open_map):
    opened = open_map(drawn["all"])
    group = opened.js("hkgMap.data.groups[0]")
    assert group["lz"] == "目标 ×7" and len(group["members"]) == 7
    assert opened.js("hkgMap.nodes.get('g0').hidden") is False
    assert all(opened.js("id => hkgMap.nodes.get(id).hidden", m) for m in group["members"])
    opened.click_node("g0", double=True)
    opened.wait("hkgMap.nodes.get('g0').hidden === true")
    assert not any(opened.js("id => hkgMap.nodes.get(id).hidden", m) for m in group["members"])
    assert_clean(opened)


def test_shortest_path_between_two_organisations_by_alias(drawn, open_map):
    opened = open_map(drawn["all"])
    opened.page.fill("#hkg-path-from", "哈职院")
    opened.page.fill("#hkg-path-to", "省教育厅")
    opened.page.click("#hkg-path-go")
    opened.page.locator("#hkg-panel ol.path").first.wait_for()
    paths = opened.js("hkgMap.state.path.paths.map(p => p.nodes.map(id => hkgMap.data.nodes.find(n => n.id === id).lz))")
    assert paths == [["哈尔滨职业技术学院", "哈职院与哈市教育局校企合作协议（测试）", "哈尔滨市教育局",
                      "职业教育与产业融合示范合作先导区", "黑龙江省教育厅"]]
    panel = opened.page.inner_text("#hkg-panel")
    assert "最短路径" in panel and "哈尔滨职业技术学院" in panel and "黑龙江省教育厅" in panel
    # each link of the path carries its evidence: the citation of 哈职院's signature …
    first = opened.page.locator("#hkg-panel ol.path li").first
    first.locator("summary").click()
    assert "para 3" in first.inner_text() and "哈职院" in first.inner_text()
    # … and the seed quote of the co-built pilot zone
    assert "黑龙江省教育厅、哈尔滨市教育局、哈尔滨新区共建的职业教育与产业融合示范合作先导区全面建成" in \
        opened.js("document.querySelector('#hkg-panel').textContent")
    assert sorted(opened.js("hkgMap.network.getSelectedNodes()")) == sorted(
        opened.js("hkgMap.state.path.paths[0].nodes"))
    fragment = opened.js("location.hash")
    assert "pf=" in fragment
    assert_clean(opened)
    # the path is part of the view: the same file opened with the fragment shows it again
    again = open_map(drawn["all"], fragment)
    assert again.js("hkgMap.state.path.paths.length") == 1
    again.page.locator("#hkg-panel ol.path").first.wait_for()
    assert "黑龙江省教育厅" in again.page.inner_text("#hkg-panel")
    assert_clean(again)


def _png_size(data: bytes):
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


def test_export_png_svg_and_csv(drawn, open_map):
    opened = open_map(drawn["all"])
    opened.js("id => hkgMap.pin(id)", opened.node_id(HVTC))
    with opened.page.expect_download() as info:
        opened.page.click("#hkg-png")
    png = Path(info.value.path()).read_bytes()
    assert info.value.suggested_filename == "harbin-kg-map.png"
    width, height = _png_size(png)
    canvas_w = opened.js("document.querySelector('#hkg-network canvas').width")
    assert width > canvas_w and height > 100  # the view plus the legend beside it

    with opened.page.expect_download() as info:
        opened.page.click("#hkg-svg")
    svg = Path(info.value.path()).read_text(encoding="utf-8")
    assert svg.startswith("<svg") and 'xmlns="http://www.w3.org/2000/svg"' in svg
    assert "哈尔滨职业技术学院" in svg and "高等职业院校" in svg  # a node label and the legend
    assert "<script" not in svg and "href" not in svg
    assert svg.count("<circle") >= opened.counts()[0]

    with opened.page.expect_download() as info:
        opened.page.click("#hkg-csv")
    text = Path(info.value.path()).read_text(encoding="utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    # a pinned node: the CSV holds it, its neighbours and its links, with their evidence
    names = {r["name_zh"] for r in rows if r["type"] == "node"}
    assert {"哈尔滨职业技术学院", "哈职院与哈市教育局校企合作协议（测试）"} <= names
    assert "黑龙江省教育厅" not in names
    link = next(r for r in rows if r["type"] == "link" and r["to"] == ID + "agreement/fx-2021-hvtc-bureau")
    assert link["from"] == HVTC and link["status"] == "stated" and link["year"] == "2021"
    assert "测试日报" in link["evidence"] and "para 3" in link["evidence"] and "「哈职院」" in link["evidence"]
    assert_clean(opened)


def test_the_view_round_trips_through_the_url_fragment(drawn, open_map):
    opened = open_map(drawn["all"])
    opened.page.select_option("#hkg-lang", "en")
    opened.page.locator('#hkg-statuses input[data-status="inferred"]').uncheck()
    opened.page.locator("#hkg-year-on").check()
    opened.page.locator("#hkg-year").fill("2021")
    opened.js("id => hkgMap.setFocus(id, 2)", opened.node_id(HVTC))
    opened.js("id => hkgMap.pin(id)", opened.node_id(ID + "org/harbin-education-bureau"))
    fragment = opened.js("location.hash")
    view = opened.js("""[hkgMap.state.lang, hkgMap.state.statuses, hkgMap.state.year, hkgMap.state.yearOn,
                         hkgMap.state.focus, hkgMap.state.depth, hkgMap.state.selected,
                         hkgMap.state.visibleNodes, hkgMap.state.visibleEdges]""")
    again = open_map(drawn["all"], fragment)
    assert again.js("""[hkgMap.state.lang, hkgMap.state.statuses, hkgMap.state.year, hkgMap.state.yearOn,
                        hkgMap.state.focus, hkgMap.state.depth, hkgMap.state.selected,
                        hkgMap.state.visibleNodes, hkgMap.state.visibleEdges]""") == view
    assert again.page.locator("#hkg-panel").is_visible()
    assert again.page.inner_text("#hkg-panel-title") == "Harbin Municipal Education Bureau"
    assert again.page.inner_text("#hkg-title") == "Policy ecosystem (all layers)"  # heading follows the language
    assert not again.page.locator('#hkg-statuses input[data-status="inferred"]').is_checked()
    assert again.js("location.hash") == fragment
    assert_clean(again)


def test_language_switch_covers_heading_status_line_and_legend_order(drawn, open_map):
    opened = open_map(drawn["all"])
    opened.page.fill("#hkg-search", "哈职院")
    opened.page.press("#hkg-search", "Enter")
    assert opened.page.inner_text("#hkg-status") == "已选中：哈尔滨职业技术学院"
    assert opened.page.inner_text("#hkg-title") == "政策生态全景"
    opened.page.select_option("#hkg-lang", "en")
    assert opened.page.inner_text("#hkg-status") == "Selected: Harbin Vocational and Technical College"
    assert opened.page.inner_text("#hkg-title") == "Policy ecosystem (all layers)"
    assert opened.page.inner_text("#hkg-counts").startswith("showing ")
    legend = opened.js("[...document.querySelectorAll('#hkg-kinds li .en')].map(x => x.textContent)")
    assert legend == sorted(legend, key=str.lower)
    colours = opened.js("[...document.querySelectorAll('#hkg-kinds .swatch')].map(x => x.style.backgroundColor)")
    assert len(colours) == len(set(colours))  # one colour per kind
    assert_clean(opened)


def test_hostile_strings_never_become_attribute_values(tmp_path, open_map):
    """javascript:/data: strings as labels, kinds, relations and source types: text, never attributes."""
    import networkx as nx

    from harbin_kg.web.maps import render_map

    bad = ["javascript:document.body.dataset.xss='1'", "data:text/html,<script>x</script>"]
    G = nx.Graph()
    G.add_node("a", iri=bad[0], kind=bad[1], label_zh=bad[0], label_en=bad[1], quotes=[bad[0]])
    G.add_node("b", iri=bad[1], kind=bad[0], label_zh=bad[1], label_en=bad[0])
    G.add_edge("a", "b", relation=bad[0], status="inferred-context")
    details = {"evidence": {bad[0]: [{"t": "c", "u": bad[0], "ti": bad[1], "o": bad[1], "stk": bad[1],
                                      "stz": bad[0], "ste": bad[1], "kp": bad[0]}]}}
    page = render_map(G, title=bad[0], details=details)
    attributes = re.findall(r'\s[\w-]+="([^"]*)"', page.split('<script id="hkg-data"')[0])
    assert not [a for a in attributes if a.lower().lstrip().startswith(("javascript:", "data:"))]
    assert "<option value=\"javascript" not in page and "<option value=\"data" not in page
    path = tmp_path / "bad.html"
    path.write_text(page, encoding="utf-8")
    opened = open_map(path)
    opened.js("id => hkgMap.pin(id)", "n0")
    assert opened.js("""[...document.querySelectorAll('*')].flatMap(e => [...e.attributes])
                        .filter(a => /^\\s*(javascript|data):/i.test(a.value)).length""") == 0
    opened.page.fill("#hkg-search", bad[1])
    opened.page.press("#hkg-search", "Enter")
    assert bad[1] in opened.page.inner_text("#hkg-panel")
    assert_clean(opened)


def test_served_map_links_to_the_entity_page(drawn, browser):
    """Served over http (as `harbin-kg serve` does for pages), the panel links to /id/…; from a file it does not."""
    url = "http://127.0.0.1:9/maps/all.html"
    html = drawn["all"].read_text(encoding="utf-8")
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    try:
        page = context.new_page()
        requests = []

        def route(r):
            requests.append(r.request.url)
            if r.request.url == url:
                r.fulfill(status=200, content_type="text/html; charset=utf-8", body=html)
            else:
                r.abort()

        page.route("**/*", route)
        page.goto(url)
        opened = Opened(page, requests, [])
        opened.wait("!!(window.hkgMap && window.hkgMap.state.ready)")
        opened.js("id => hkgMap.pin(id)", opened.node_id(HVTC))
        link = page.locator("#hkg-panel a.entity-link")
        assert link.get_attribute("href") == "/id/org/harbin-vocational-technical-college"
        assert requests == [url]  # showing the link fetched nothing
    finally:
        context.close()


def test_file_map_has_no_entity_page_link(drawn, open_map):
    opened = open_map(drawn["all"])
    opened.js("id => hkgMap.pin(id)", opened.node_id(HVTC))
    assert opened.page.locator("#hkg-panel a.entity-link").count() == 0
    assert opened.page.locator("#hkg-panel code.iri").inner_text() == HVTC
