"""Screenshots of the map for the docs, drawn from the bundled graph by `harbin-kg map` itself.

    python docs/make_screenshot.py build/harbin.ttl docs/ecosystem-map.png docs/map-panel.png

The first is the whole ecosystem; the second opens on 省教育厅's neighbourhood (--focus) with the
evidence panel pinned on the 2023 department–city agreement, so the quote, its source and its
character offsets show. Chromium runs with every request but the page's own file refused.
"""
import subprocess
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]
EXE = Path(sys.executable).parent / "harbin-kg"


def draw(graph: Path, out: Path, *options: str) -> None:
    subprocess.run([str(EXE), "map", str(graph), "-o", str(out), "--force", *options], check=True)


def shoot(browser, page_path: Path, png: Path, script: str | None = None) -> None:
    page = browser.new_page(viewport={"width": 1600, "height": 1000}, device_scale_factor=1.5)
    page.route("**/*", lambda r: r.continue_() if r.request.url.split("#")[0] == page_path.as_uri() else r.abort())
    page.goto(page_path.as_uri())
    for _ in range(1200):
        if page.evaluate("!!(window.hkgMap && hkgMap.state.ready)"):
            break
        page.wait_for_timeout(50)
    if script:
        page.evaluate(script)
    page.wait_for_timeout(400)  # let the last frame paint before the picture is taken
    page.screenshot(path=str(png))
    page.close()


def main() -> None:
    graph, whole_png, panel_png = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        whole, focus = Path(tmp) / "whole.html", Path(tmp) / "focus.html"
        draw(graph, whole, "--title", "哈尔滨职业教育政策生态全景")
        draw(graph, focus, "--include-inferred", "--focus", "省教育厅", "--depth", "2")
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        shoot(browser, whole, whole_png)
        shoot(browser, focus, panel_png, """(() => {
            const n = hkgMap.data.nodes.find(x => x.iri.endsWith('/agreement/2023-tingshi-gongjian-zhanlue-hezuo'))
                   || hkgMap.data.nodes.find(x => x.iri.endsWith('/org/harbin-vocational-technical-college'));
            hkgMap.state.extra[n.id] = true; hkgMap.pin(n.id); })()""")
        browser.close()
    print(whole_png, panel_png)


if __name__ == "__main__":
    main()
