"""harbin_kg.web.maps: one self-contained, offline, escaped, deterministic HTML page."""

import json
import os
import re
import subprocess
import sys

import networkx as nx
import pytest

from harbin_kg.errors import HarbinKGError
from harbin_kg.web.maps import MAX_NODES, PHYSICS_LIMIT, reduce_graph, render_map

ID = "https://w3id.org/hrbvet/id/"
HOSTILE = [
    '<img src=x onerror="document.body.dataset.xss=1">',
    "</script><script>document.body.dataset.xss=1</script>",
    '"><svg onload="document.body.dataset.xss=1">',
    '<a href="javascript:document.body.dataset.xss=1">href</a>',
]


def tiny() -> nx.Graph:
    """A hub college tied to a bureau, a consortium and a placeholder signatory."""
    G = nx.Graph()
    nodes = [
        ("org/harbin-vocational-technical-college", "HigherVocationalCollege", "哈尔滨职业技术学院",
         "Harbin Vocational and Technical College"),
        ("org/harbin-education-bureau", "GovernmentBody", "哈尔滨市教育局", "Harbin Education Bureau"),
        ("org/digital-economy-chanjiao-lianheti", "Consortium", "数字经济省域市域产教联合体", "Digital economy consortium"),
        ("org/harbin-signatory", "GovernmentBody", "哈尔滨市（签约主体未明）", "Harbin (signatory unstated)"),
    ]
    for slug, kind, zh, en in nodes:
        G.add_node(ID + slug, iri=ID + slug, kind=kind, label_zh=zh, label_en=en,
                   placeholder=slug.endswith("signatory"))
    fact = {"relator": ID + "agreement/x", "relation": "agreement", "label_zh": "战略合作协议",
            "label_en": "strategic agreement", "quotes": ["哈尔滨市教育局与哈职院签署战略合作协议"]}
    hub = ID + "org/harbin-vocational-technical-college"
    for other in list(G)[1:]:
        G.add_edge(hub, other, weight=1.0, via=[fact["relator"]], facts=[fact], relations=["agreement"])
    return G


def hostile() -> nx.Graph:
    G = nx.DiGraph()
    for _i, payload in enumerate(HOSTILE):
        G.add_node(payload, iri=payload, kind=payload, label_zh=payload, label_en=payload,
                   quotes=[payload], facts=[payload])
    for a, b in zip(HOSTILE, HOSTILE[1:]):
        G.add_edge(a, b, relation=HOSTILE[3], quotes=[HOSTILE[1]])
    return G


def data_of(page: str) -> dict:
    block = re.search(r'<script id="hkg-data" type="application/json">(.*?)</script>', page, re.S)
    return json.loads(block.group(1))


def test_a_complete_page_with_every_feature():
    page = render_map(tiny(), title="哈尔滨职教生态")
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    data = data_of(page)
    assert [n["id"] for n in data["nodes"]] == ["n0", "n1", "n2", "n3"]
    assert {n["lz"] for n in data["nodes"]} >= {"哈尔滨职业技术学院", "哈尔滨市教育局"}
    college = next(n for n in data["nodes"] if n["lz"] == "哈尔滨职业技术学院")
    assert college["iri"] == ID + "org/harbin-vocational-technical-college"
    # Tooltips are built in the page on hover (test_maps_browser checks what they show); the
    # data carries what they are built from, not 15,000 tooltip strings at 5,000 nodes.
    assert all("title" not in x for x in data["nodes"] + data["edges"])
    assert college["k"] == "HigherVocationalCollege" and college["le"] == "Harbin Vocational and Technical College"
    quotes = {data["ev"][i]["x"] for i in college["ev"] + [j for e in data["edges"] for j in e["ev"]]}
    assert "哈尔滨市教育局与哈职院签署战略合作协议" in quotes  # the source quote the tooltip shows
    assert all(e["lz"] == "协议" and e["tx"] == ["• 战略合作协议"] for e in data["edges"])
    assert 'id="hkg-search"' in page and 'id="hkg-lang"' in page and 'data-kind="k0"' in page
    assert "WenQuanYi Zen Hei" in page and "Noto Sans CJK SC" in page
    # issue 12: a precomputed (seeded) layout at every size, so even a small map opens at once
    assert data["options"]["physics"]["enabled"] is False and data["options"]["layout"]["randomSeed"] == 0  # the one default seed of every command
    assert all(isinstance(n["x"], float) and isinstance(n["y"], float) for n in data["nodes"])
    live = data_of(render_map(tiny(), title="t", layout="physics"))
    assert live["options"]["physics"]["enabled"] is True and "x" not in live["nodes"][0]


def test_no_external_urls_anywhere_a_browser_would_fetch():
    page = render_map(tiny(), title="t")
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:)?//""", page, re.I)
    assert not re.search(r"""url\(\s*["']?\s*(https?:)?//""", page, re.I)
    assert not re.search(r"@import", page, re.I)
    assert "sourceMappingURL" not in page
    assert "cdn.jsdelivr" not in page and "cdnjs" not in page
    assert "default-src 'none'" in page  # CSP: the browser itself refuses any request


def test_aliases_reach_the_search_data():
    G = tiny()
    page = render_map(G, title="t", aliases={ID + "org/harbin-vocational-technical-college": ["哈职院"]})
    college = next(n for n in data_of(page)["nodes"] if n["lz"] == "哈尔滨职业技术学院")
    assert college["al"] == ["哈职院"]  # the search and the tooltip read them from here


@pytest.mark.parametrize("payload", HOSTILE)
def test_hostile_heading_is_escaped(payload):
    page = render_map(tiny(), title=payload)
    assert payload not in page
    assert "<svg" not in page and "<img" not in page.split('id="hkg-data"')[0]


def test_hostile_labels_ids_and_titles_never_leave_the_json_block():
    page = render_map(hostile(), title="x")
    outside = page.replace(re.search(r'<script id="hkg-data".*?</script>', page, re.S).group(0), "")
    for payload in HOSTILE:
        assert payload not in page
    for tag in ("<img", "<svg", "<a href", "<script>document"):
        assert tag not in outside  # hostile kinds appear in the legend, escaped: &lt;img …
    block = re.search(r'<script id="hkg-data" type="application/json">(.*?)</script>', page, re.S).group(1)
    assert "<" not in block and ">" not in block  # so no "</script>" can close it early
    data = data_of(page)
    assert {n["lz"] for n in data["nodes"]} == set(HOSTILE)  # the text survives, as text
    assert all(re.fullmatch(r"n\d+", n["id"]) for n in data["nodes"])  # synthetic ids only
    assert all(isinstance(line, str) for x in data["nodes"] + data["edges"] for line in x.get("tx", []))
    assert any(HOSTILE[0] in line for n in data["nodes"] for line in n.get("tx", []))  # a fact, as text


def test_no_innerhtml_popup_mode():
    page = render_map(hostile(), title="href")
    assert "popup.innerHTML" not in page and "tooltip_link" not in page
    app = page.split("<script>")[-1]
    assert "innerHTML" not in app and "insertAdjacentHTML" not in app and "document.write" not in app


def test_byte_identical_for_the_same_input_and_seed():
    G = tiny()
    shuffled = nx.Graph()
    shuffled.add_nodes_from(reversed(list(G.nodes(data=True))))
    shuffled.add_edges_from(reversed(list(G.edges(data=True))))
    assert render_map(G, title="t") == render_map(shuffled, title="t")
    big = nx.barabasi_albert_graph(PHYSICS_LIMIT + 50, 2, seed=1)
    assert render_map(big, title="t", seed=3) == render_map(big, title="t", seed=3)
    assert render_map(big, title="t", seed=3) != render_map(big, title="t", seed=4)


def test_determinism_across_processes():
    code = ("import networkx as nx, hashlib; from harbin_kg.web.maps import render_map;"
            "G = nx.barabasi_albert_graph(400, 2, seed=1);"
            "print(hashlib.sha256(render_map(G, title='t', color_by='community').encode()).hexdigest())")
    runs = {subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
            for _ in range(2)}
    assert len(runs) == 1


def test_node_and_edge_counts_match_the_graph():
    G = nx.barabasi_albert_graph(120, 2, seed=2)
    data = data_of(render_map(G, title="t"))
    assert len(data["nodes"]) == 120 and len(data["edges"]) == G.number_of_edges()


def test_large_graphs_get_fixed_positions_and_no_physics():
    G = nx.barabasi_albert_graph(PHYSICS_LIMIT + 1, 2, seed=2)
    data = data_of(render_map(G, title="t"))
    assert data["fixed"] is True and data["options"]["physics"]["enabled"] is False
    assert all("x" in n and "y" in n for n in data["nodes"])
    small = data_of(render_map(nx.path_graph(5), title="t"))
    assert small["fixed"] is True and "x" in small["nodes"][0]  # precomputed at every size (issue 12)
    live = data_of(render_map(nx.path_graph(5), title="t", layout="physics"))
    assert live["fixed"] is False and "x" not in live["nodes"][0]


def test_too_many_nodes_is_refused_with_a_hint():
    G = nx.empty_graph(MAX_NODES + 1)
    with pytest.raises(HarbinKGError, match="--top"):
        render_map(G, title="t")


def test_top_keeps_the_best_and_folds_the_rest_per_kind():
    G = nx.star_graph(10)
    for n in G:
        G.nodes[n].update(kind="School" if n % 2 else "Enterprise", label_zh=f"节点{n}")
    H = reduce_graph(G, 3, dict(G.degree()))
    assert 0 in H and len(H) == 5  # 3 kept + one "others" node per kind
    others = [n for n in H if str(n).startswith("others:")]
    assert sorted(others) == ["others:Enterprise", "others:School"]
    assert sum(H.nodes[o]["aggregated"] for o in others) == 8
    data = data_of(render_map(G, title="t", top=3))
    assert any(n["lz"].startswith("其他学校") for n in data["nodes"])


def test_colour_by_community_has_a_community_legend():
    G = nx.disjoint_union(nx.complete_graph(4), nx.complete_graph(4))
    page = render_map(G, title="t", color_by="community")
    assert "社区 community 1 (4)" in page and "社区 community 2 (4)" in page
    colours = {n["color"] for n in data_of(page)["nodes"]}
    assert len(colours) == 2


def test_language_and_empty_graph():
    data = data_of(render_map(tiny(), title="t", lang="en"))
    assert data["lang"] == "en" and "Harbin Education Bureau" in {n["label"] for n in data["nodes"]}
    empty = render_map(nx.Graph(), title="t")
    assert data_of(empty)["nodes"] == [] and "Nothing to draw" in empty


def test_nothing_is_written_to_the_working_directory(tmp_path):
    code = ("import networkx as nx; from harbin_kg.web.maps import render_map;"
            "render_map(nx.barabasi_albert_graph(350, 2, seed=1), title='t')")
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env, check=True)
    assert list(tmp_path.iterdir()) == []


def test_display_uses_an_iframe_srcdoc():
    pytest.importorskip("IPython")
    from harbin_kg.web.maps import display

    html = display(tiny(), title="t").data
    assert "<iframe srcdoc=" in html and "&lt;!DOCTYPE html&gt;" in html
    assert not re.search(r"""src=["']https?:""", html)


def test_javascript_and_data_strings_never_become_attribute_values():
    bad = ["javascript:document.body.dataset.xss=1", "data:text/html,<b>x</b>", " JavaScript:alert(1)"]
    G = nx.Graph()
    for _i, text in enumerate(bad):
        G.add_node(text, iri=text, kind=text, label_zh=text, label_en=text, quotes=[text], aliases=[text])
    G.add_edge(bad[0], bad[1], relation=bad[2], status="inferred-context")
    details = {"evidence": {bad[0]: [{"t": "c", "u": bad[0], "ti": bad[1], "stk": bad[2], "stz": bad[1]}]},
               "status": {bad[0]: "inferred-context"}}
    page = render_map(G, title=bad[0], title_en=bad[1], details=details)
    html_part = page.split('<script id="hkg-data"')[0]
    values = re.findall(r"""\s[\w:-]+\s*=\s*("[^"]*"|'[^']*'|[^\s>]+)""", html_part)
    assert values and not [v for v in values if re.match(r"""["']?\s*(javascript|data):""", v, re.I)]
    assert not re.search(r"<option[^>]*value=\"(?!zh\"|en\"|1\"|2\"|3\")", html_part)  # only our own values
    data = data_of(page)
    assert {n["lz"] for n in data["nodes"]} == set(bad)  # kept as text in the data
    assert [r["u"] for r in data["ev"] if "u" in r] == [bad[0]]  # the page decides; it links only http(s)


def test_evidence_records_are_shared_and_sorted_stably():
    G = tiny()
    quote = {"t": "q", "x": "哈尔滨市教育局与哈职院签署战略合作协议", "s": 10, "e": 29, "src": ID + "text/seed-article"}
    facts = {ID + "agreement/x": [quote]}
    details = {"evidence": facts, "status": {ID + "agreement/x": "stated"}}
    for _u, _v, d in G.edges(data=True):
        d["via"] = [ID + "agreement/x"]
    first = render_map(G, title="t", details=details)
    data = data_of(first)
    assert len(data["ev"]) == 1 and data["ev"][0]["s"] == 10 and data["ev"][0]["f"] == ID + "agreement/x"
    assert all(e["ev"] == [0] and e["st"] == "stated" for e in data["edges"])
    assert first == render_map(G, title="t", details=details)


def test_big_maps_open_with_labels_on_their_best_scored_nodes_only():
    from harbin_kg.web.maps import LABEL_LIMIT

    G = nx.barabasi_albert_graph(LABEL_LIMIT + 300, 2, seed=4)
    for v in G:
        G.nodes[v].update(label_zh=f"机构{v}", label_en=f"Org {v}")
    data = data_of(render_map(G, title="t"))
    labelled = [n for n in data["nodes"] if "label" in n]
    assert len(labelled) == LABEL_LIMIT
    assert all(n["label"] == n["lz"] for n in labelled)
    lowest_labelled = min(n["value"] for n in labelled)
    assert all(n["value"] <= lowest_labelled for n in data["nodes"] if "label" not in n)
    hub = max(G, key=G.degree)
    assert next(n for n in data["nodes"] if n["lz"] == f"机构{hub}")["label"] == f"机构{hub}"
    small = data_of(render_map(nx.path_graph(LABEL_LIMIT), title="t"))
    assert all("label" in n for n in small["nodes"])  # up to the limit every node opens labelled


def test_big_maps_have_their_links_drawn_by_the_page_unless_laid_out_live():
    """Above PHYSICS_LIMIT nodes and DRAWN_LINKS_MIN links the page draws the links itself (every
    link stays in the data, with its dashes); small maps and live layouts keep vis edges."""
    from harbin_kg.web.maps import DRAWN_LINKS_MIN

    G = nx.barabasi_albert_graph(1200, 2, seed=5)
    for u, v in G.edges:
        G.edges[u, v].update(relations=["agreement"], status="stated" if (u + v) % 3 else "inferred-context")
    big = data_of(render_map(G, title="t"))
    assert big["drawn"] is True and len(big["edges"]) == G.number_of_edges() > DRAWN_LINKS_MIN
    assert {tuple(e.get("dashes") or ()) for e in big["edges"]} == {(), (6, 4)}
    assert data_of(render_map(G, title="t", layout="physics"))["drawn"] is False  # springs need every link
    for n in (300, 700):  # 300 nodes: link labels; 700 nodes: fewer links than the threshold
        small = nx.Graph(G.subgraph(range(n)))
        assert small.number_of_edges() < DRAWN_LINKS_MIN and data_of(render_map(small, title="t"))["drawn"] is False
