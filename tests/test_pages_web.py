"""Entity pages and the static site show citations as text with their link (http/https only,
rel="noopener noreferrer"); other schemes stay plain text; everything is escaped."""

import re

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import XSD

from harbin_kg.sources.citations import citation_html, safe_href
from harbin_kg.namespaces import HV, ID, SCHEMA
from harbin_kg.web.pages import Site
from harbin_kg.graph.store import load_store, store_from_graph

OBS_FX03 = str(ID["obs/modern-industry-colleges-harbin-2021-fx03"])


@pytest.fixture(scope="module")
def site(web_graph_path):
    return Site(load_store(web_graph_path))


def citations_section(page: str) -> str:
    return re.search(r'<section class="citations">.*?</section>', page, re.S).group(0)


def test_an_http_citation_is_text_and_a_safe_link(site):
    page = site.entity_page(str(ID["agreement/2021-fixture-order-class"]), site.server_link)
    section = citations_section(page)
    assert ('样例日报 2021-06, para 7: 订单班 <a href="https://example.org/fixture/2021-week.html" '
            'rel="noopener noreferrer" target="_blank">https://example.org/fixture/2021-week.html</a>') in section
    assert section.count("<li>") == 4  # the agreement's two citations and its two parties' ones
    # the seed quotes section does not list citations as empty quotes
    assert "<mark></mark>" not in page


def test_another_scheme_is_plain_text(site):
    section = citations_section(site.entity_page(OBS_FX03, site.static_link))
    assert "样例转载站（样例日报） 2021, para 3: 52个 ftp://example.org/fixture/2021-reprint.txt" in section
    assert 'href="ftp:' not in section


def test_hostile_urls_and_key_phrases_are_escaped(web_graph):
    from rdflib import Graph

    graph = Graph()
    for triple in web_graph:
        graph.add(triple)
    page_iri, cite = ID["source/fx02"], URIRef(str(ID["agreement/2021-fixture-order-class"]) + "/cite/fx02")
    graph.set((page_iri, SCHEMA.url, Literal("javascript:alert(1)", datatype=XSD.anyURI)))
    graph.set((cite, HV.keyPhrase, Literal('<img src=x onerror="alert(1)">')))
    site = Site(store_from_graph(graph))
    section = citations_section(site.entity_page(str(ID["agreement/2021-fixture-order-class"]), site.server_link))
    assert "<img" not in section and "&lt;img src=x onerror=&#34;alert(1)&#34;&gt;" in section
    assert 'href="javascript' not in section and "javascript:alert(1)" in section


@pytest.mark.parametrize("url,href", [
    ("https://example.org/a?b=1", "https://example.org/a?b=1"),
    ("HTTP://EXAMPLE.ORG/", "HTTP://EXAMPLE.ORG/"),
    ("javascript:alert(1)", None), ("data:text/html,<b>x</b>", None), ("file:///etc/passwd", None),
    ('https://example.org/"onmouseover="x', None), ("", None), (None, None),
])
def test_only_http_and_https_become_links(url, href):
    assert safe_href(url) == href
    html = citation_html({"outlet": "o", "locator": "para 1", "key_phrase": "k", "url": url})
    assert ("<a " in html) == (href is not None)
    if href:
        assert 'rel="noopener noreferrer"' in html


def test_the_static_site_has_the_citations(tmp_path, web_graph_path):
    from harbin_kg.web.pages import write_site

    write_site(load_store(web_graph_path), tmp_path / "site")
    page = (tmp_path / "site" / "id" / "org" / "fixture-enterprise-a.html").read_text(encoding="utf-8")
    section = citations_section(page)
    assert '样例市教育局网站 2019-05-10, para 2: 样例甲科技有限公司 <a href="https://example.org/fixture/2019-signing.html" ' \
           'rel="noopener noreferrer"' in section
    assert 'href="../source/fx01.html"' in section
