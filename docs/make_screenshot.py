"""Screenshot of the whole-ecosystem map of the bundled graph: python docs/make_screenshot.py build/harbin.ttl docs/ecosystem-map.png"""
import sys, tempfile
from pathlib import Path
from playwright.sync_api import sync_playwright
from harbin_kg.maps import aliases_from_graph, measure_scores, render_map
from harbin_kg.network import project
from harbin_kg.store import load_rdflib

src = Path(sys.argv[1]); out = Path(sys.argv[2])
rdf = load_rdflib(src)
G = project(rdf, "ecosystem")
html = render_map(G, title="哈尔滨职业教育政策生态全景", size_by=measure_scores(G, "degree"),
                  aliases=aliases_from_graph(rdf, G))
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]
with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
    path = Path(tmp) / "map.html"; path.write_text(html, encoding="utf-8")
    b = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
    page = b.new_page(viewport={"width": 1600, "height": 1000}, device_scale_factor=1.5)
    page.route("**/*", lambda r: r.continue_() if r.request.url == path.as_uri() else r.abort())
    page.goto(path.as_uri())
    for _ in range(1200):
        if page.evaluate("!!(window.hkgMap && hkgMap.state.ready)"): break
        page.wait_for_timeout(50)
    page.wait_for_timeout(300)
    page.screenshot(path=str(out))
    b.close()
print(out, len(G), G.number_of_edges())
