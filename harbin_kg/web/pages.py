"""HTML for people: entity pages (LodView-style), an entity index, the query page, a static site.

Every label, literal and IRI is escaped with :func:`html.escape` (hostile labels such as
``<img src=x onerror=…>`` show as text); only ``http(s)`` IRIs become links (a ``javascript:`` IRI is
a valid IRI); entity pages hold no script at all, and the server sends a Content-Security-Policy
that forbids inline script. The same page functions serve ``/id/…`` and write ``harbin-kg site``:
only the ``link`` function differs (absolute ``/id/…`` paths, or relative ``….html`` files).
"""

from __future__ import annotations

import html
import json
import math
import os
import posixpath
import re
import shutil
import tempfile
from pathlib import Path
from typing import Callable

import pyoxigraph as ox

from ..graph.labels import curie
from ..namespaces import ID as _ID_NAMESPACE
from ..namespaces import PREFIXES

__all__ = ["ID", "Site", "entity_iri", "write_site"]

ID: str = str(_ID_NAMESPACE)
_RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_LABELS = ("http://www.w3.org/2004/02/skos/core#prefLabel", "http://www.w3.org/2000/01/rdf-schema#label")
_EVIDENCE = PREFIXES["hv"] + "evidence"
_OA = "http://www.w3.org/ns/oa#"
_CITATION = PREFIXES["hv"] + "Citation"
_SLUG = re.compile(r"[A-Za-z0-9][A-Za-z0-9._~-]*(?:/[A-Za-z0-9][A-Za-z0-9._~-]*)*")
_MAP_NEIGHBOURS = 24
Link = Callable[[str, str], "str | None"]  # (target IRI, IRI of the page) → href or None


def entity_iri(slug: str) -> str | None:
    """``org/x`` → the entity IRI, or None for a path that is no entity slug (``..``, odd characters)."""
    return ID + slug if _SLUG.fullmatch(slug) and ".." not in slug else None


def _e(text) -> str:
    return html.escape(str(text), quote=True)


class Site:
    """Pages of one pyoxigraph Store; ``names[iri] = {"zh": …, "en": …}``."""

    def __init__(self, store: ox.Store):
        self.store = store
        self.names: dict[str, dict[str, str]] = {}
        for prop in _LABELS:
            for quad in store.quads_for_pattern(None, ox.NamedNode(prop), None):
                if isinstance(quad.subject, ox.NamedNode) and isinstance(quad.object, ox.Literal):
                    lang = (quad.object.language or "").split("-")[0]
                    self.names.setdefault(quad.subject.value, {}).setdefault(lang, quad.object.value)

    # ------------------------------------------------------------------------------ data

    def exists(self, iri: str) -> bool:
        node = ox.NamedNode(iri)
        return any(True for _ in self.store.quads_for_pattern(node, None, None)) or \
            any(True for _ in self.store.quads_for_pattern(None, None, node))

    def entities(self) -> list[str]:
        """Every IRI under the entity base that is the subject of a triple, sorted."""
        found = {q.subject.value for q in self.store.quads_for_pattern(None, None, None)
                 if isinstance(q.subject, ox.NamedNode) and q.subject.value.startswith(ID)}
        return sorted(iri for iri in found if entity_iri(iri[len(ID):]))

    def label(self, iri: str, lang: str = "zh") -> str:
        found = self.names.get(iri, {})
        for choice in (lang, "zh", "en", ""):
            if found.get(choice):
                return found[choice]
        return iri[len(ID):] if iri.startswith(ID) else curie(iri)

    def _triples(self, iri: str):
        node = ox.NamedNode(iri)
        outgoing = sorted(self.store.quads_for_pattern(node, None, None), key=lambda q: (q.predicate.value, str(q.object)))
        incoming = sorted(self.store.quads_for_pattern(None, None, node), key=lambda q: (q.predicate.value, str(q.subject)))
        return outgoing, incoming

    def quotes(self, iri: str) -> list[dict]:
        """Source quotes of the entity and of the facts that point at it (hv:evidence)."""
        node = ox.NamedNode(iri)
        # Quoted triples have no .value and hold no evidence: only IRIs and blank nodes are looked at.
        holders: list[ox.NamedNode | ox.BlankNode] = [node]
        holders += [
            q.subject for q in self.store.quads_for_pattern(None, None, node)
            if isinstance(q.subject, (ox.NamedNode, ox.BlankNode))]
        seen: set[str] = set()
        out: list[dict] = []
        for holder in holders:
            for ev in self.store.quads_for_pattern(holder, ox.NamedNode(_EVIDENCE), None):
                quote = ev.object
                if not isinstance(quote, (ox.NamedNode, ox.BlankNode)):
                    continue
                if quote.value in seen or self._is_citation(quote):
                    continue
                seen.add(quote.value)
                entry = {"iri": quote.value, "fact": holder.value, "exact": "", "prefix": "", "suffix": ""}
                for sel in self.store.quads_for_pattern(quote, ox.NamedNode(_OA + "hasSelector"), None):
                    if not isinstance(sel.object, (ox.NamedNode, ox.BlankNode)):
                        continue
                    for key in ("exact", "prefix", "suffix"):
                        for lit in self.store.quads_for_pattern(sel.object, ox.NamedNode(_OA + key), None):
                            if isinstance(lit.object, ox.Literal):
                                entry[key] = lit.object.value
                out.append(entry)
        return out

    def _is_citation(self, node) -> bool:
        return any(True for _ in self.store.quads_for_pattern(node, ox.NamedNode(_RDF_TYPE), ox.NamedNode(_CITATION)))

    def citations(self, iri: str) -> list[dict]:
        """Citations (pages the project does not ship) of the entity and of the facts that point at it."""
        from ..analysis.network import citations_of

        node = ox.NamedNode(iri)
        holders = [iri] + sorted({q.subject.value for q in self.store.quads_for_pattern(None, None, node)
                                  if isinstance(q.subject, ox.NamedNode)})
        found = citations_of(self.store, holders)
        seen, out = set(), []
        for holder in holders:
            for citation in found.get(holder, []):
                if citation["iri"] not in seen:
                    seen.add(citation["iri"])
                    out.append({**citation, "fact": holder})
        return out

    def entity_rdf(self, iri: str, media_type: str) -> bytes:
        """The entity's outgoing and incoming triples as Turtle, N-Triples or JSON-LD."""
        outgoing, incoming = self._triples(iri)
        triples = [q.triple for q in outgoing] + [q.triple for q in incoming if q.subject.value != iri]
        fmt = {"text/turtle": ox.RdfFormat.TURTLE, "application/n-triples": ox.RdfFormat.N_TRIPLES,
               "application/ld+json": ox.RdfFormat.JSON_LD}[media_type]
        from .server_workers import turtle_options

        data = ox.serialize(triples, format=fmt, **(turtle_options(triples) if fmt == ox.RdfFormat.TURTLE else {}))
        return data or b""  # no output file given, so pyoxigraph returns the bytes

    # ------------------------------------------------------------------------------ links

    @staticmethod
    def server_link(target: str, page: str | None = None) -> str | None:
        if target.startswith(ID) and entity_iri(target[len(ID):]):
            return "/id/" + target[len(ID):]
        return target if target.startswith(("http://", "https://")) else None

    @staticmethod
    def static_link(target: str, page: str | None = None) -> str | None:
        """Relative link between files of the static site (``id/org/x.html``; index.html at the top)."""
        if target.startswith(ID) and entity_iri(target[len(ID):]):
            here = posixpath.dirname("id/" + page[len(ID):]) if page else ""
            return posixpath.relpath("id/" + target[len(ID):] + ".html", here or ".")
        return target if target.startswith(("http://", "https://")) else None

    # ------------------------------------------------------------------------------ HTML

    def _term(self, term, page: str, link: Link) -> str:
        if isinstance(term, ox.NamedNode):
            zh, en = self.label(term.value, "zh"), self.label(term.value, "en")
            text = _e(zh) + (f' <span class="en">{_e(en)}</span>' if en != zh else "")
            href = link(term.value, page)
            return f'<a href="{_e(href)}" title="{_e(term.value)}">{text}</a>' if href else \
                f'<span title="{_e(term.value)}">{text}</span>'
        if isinstance(term, ox.Literal):
            extra = f' <span class="tag">@{_e(term.language)}</span>' if term.language else (
                f' <span class="tag">{_e(curie(term.datatype.value))}</span>'
                if not term.datatype.value.endswith("#string") else "")
            return f'<span class="literal">{_e(term.value)}</span>{extra}'
        return f"<span>{_e(term)}</span>"

    def _head(self, title: str, css: str) -> str:
        return (f'<!doctype html>\n<html lang="zh"><head><meta charset="utf-8">'
                f'<meta name="viewport" content="width=device-width, initial-scale=1">'
                f'<title>{_e(title)}</title><link rel="stylesheet" href="{_e(css)}"></head><body>')

    def entity_page(self, iri: str, link: Link, *, css: str | None = None, home: str | None = None) -> str:
        static = link is not self.server_link
        if css is None:
            css = posixpath.relpath("static/style.css", posixpath.dirname("id/" + iri[len(ID):])) if static else "/static/style.css"
        if home is None:
            home = posixpath.relpath("index.html", posixpath.dirname("id/" + iri[len(ID):])) if static else "/entities"
        outgoing, incoming = self._triples(iri)
        zh, en = self.label(iri, "zh"), self.label(iri, "en")
        types = [q.object for q in outgoing if q.predicate.value == _RDF_TYPE]
        labels = sorted((lang or "-", value) for lang, value in self.names.get(iri, {}).items())
        parts = [self._head(f"{zh} · {en}" if en != zh else zh, css)]
        nav = f'<nav><a href="{_e(home)}">实体索引 Entities</a>'
        nav += "" if static else ' · <a href="/">SPARQL 查询 Query</a>'
        parts.append(nav + "</nav>")
        parts.append(f'<header><h1>{_e(zh)}</h1>' + (f'<p class="en-title">{_e(en)}</p>' if en != zh else "")
                     + f'<p class="iri"><code>{_e(iri)}</code></p>')
        if types:
            parts.append('<p class="types">类型 Types: ' + ", ".join(self._term(t, iri, link) for t in types) + "</p>")
        if labels:
            parts.append('<p class="labels">' + " · ".join(f'{_e(v)} <span class="tag">@{_e(k)}</span>' for k, v in labels) + "</p>")
        if not static:
            parts.append('<p class="formats">Turtle · JSON-LD · N-Triples: <code>Accept: text/turtle</code> …</p>')
        parts.append("</header>")
        parts.append(self._svg_map(iri, outgoing, incoming, link))
        rows = [(q.predicate, q.object) for q in outgoing if q.predicate.value != _RDF_TYPE]
        parts.append(self._table("属性与关系 Properties and relations", "出 out", rows, iri, link))
        rows = [(q.predicate, q.subject) for q in incoming]
        parts.append(self._table("被引用 Incoming relations", "入 in", rows, iri, link))
        quotes = self.quotes(iri)
        if quotes:
            parts.append('<section><h2>原文引文 Source quotes</h2>')
            for quote in quotes:
                parts.append(f'<blockquote><span class="ctx">…{_e(quote["prefix"])}</span><mark>{_e(quote["exact"])}</mark>'
                             f'<span class="ctx">{_e(quote["suffix"])}…</span><footer>'
                             + self._term(ox.NamedNode(quote["iri"]), iri, link) + "</footer></blockquote>")
            parts.append("</section>")
        citations = self.citations(iri)
        if citations:
            from ..sources.citations import citation_html

            # Text first, then the page's URL: a link only for http(s), opening with
            # rel="noopener noreferrer"; any other scheme stays plain text.
            parts.append('<section class="citations"><h2>网页引用 Citations</h2><ul>')
            for citation in citations:
                parts.append(f'<li>{citation_html(citation)}<footer>'
                             + self._term(ox.NamedNode(citation["fact"]), iri, link) + " · "
                             + self._term(ox.NamedNode(citation["source"]), iri, link) + "</footer></li>")
            parts.append("</ul></section>")
        parts.append("</body></html>\n")
        return "".join(parts)

    def _table(self, title: str, direction: str, rows, page: str, link: Link) -> str:
        if not rows:
            return f"<section><h2>{_e(title)}</h2><p class=\"none\">— 无 none —</p></section>"
        body = "".join(f"<tr><td>{self._term(p, page, link)}</td><td>{self._term(o, page, link)}</td></tr>" for p, o in rows)
        return (f"<section><h2>{_e(title)} <span class=\"count\">{len(rows)}</span></h2><table><thead><tr>"
                f"<th>关系 property</th><th>{_e(direction)}</th></tr></thead><tbody>{body}</tbody></table></section>")

    def _svg_map(self, iri: str, outgoing, incoming, link: Link) -> str:
        """A small radial map: the entity in the middle, its linked entities around it (inline SVG)."""
        neighbours: dict[str, str] = {}
        for q in outgoing:
            if isinstance(q.object, ox.NamedNode) and q.predicate.value != _RDF_TYPE and q.object.value != iri:
                neighbours.setdefault(q.object.value, "out")
        for q in incoming:
            if isinstance(q.subject, ox.NamedNode) and q.subject.value != iri:
                neighbours.setdefault(q.subject.value, "in")
        if not neighbours:
            return ""
        shown = sorted(neighbours)[:_MAP_NEIGHBOURS]
        size, radius = 520, 190
        centre = size / 2
        parts = [f'<section><h2>关系图 Relationship map</h2><svg class="map" viewBox="0 0 {size} {size}" '
                 f'width="{size}" height="{size}" role="img" aria-label="relationship map">']
        points = []
        for i, other in enumerate(shown):
            angle = 2 * math.pi * i / len(shown) - math.pi / 2
            x, y = centre + radius * math.cos(angle), centre + radius * math.sin(angle)
            points.append((other, x, y))
            parts.append(f'<line x1="{centre:.1f}" y1="{centre:.1f}" x2="{x:.1f}" y2="{y:.1f}" class="edge-{neighbours[other]}"/>')
        for other, x, y in points:
            text = _e(self.label(other)[:18])
            node = (f'<circle cx="{x:.1f}" cy="{y:.1f}" r="7" class="node-{neighbours[other]}"/>'
                    f'<text x="{x:.1f}" y="{y - 11:.1f}" text-anchor="middle">{text}</text>')
            href = link(other, iri)
            parts.append(f'<a href="{_e(href)}"><title>{_e(other)}</title>{node}</a>' if href else node)
        parts.append(f'<circle cx="{centre}" cy="{centre}" r="11" class="node-self"/>'
                     f'<text x="{centre}" y="{centre + 28}" text-anchor="middle" class="self">{_e(self.label(iri)[:24])}</text>')
        more = len(neighbours) - len(shown)
        parts.append("</svg>" + (f'<p class="none">+{more} more / 另有 {more} 个</p>' if more > 0 else "") + "</section>")
        return "".join(parts)

    def index_page(self, link: Link, *, css: str = "/static/style.css", query_page: bool = True) -> str:
        groups: dict[str, list[str]] = {}
        for iri in self.entities():
            groups.setdefault(iri[len(ID):].split("/")[0], []).append(iri)
        parts = [self._head("哈尔滨职业教育知识图谱 · Entities", css)]
        if query_page:
            parts.append('<nav><a href="/">SPARQL 查询 Query</a></nav>')
        parts.append("<header><h1>实体索引 Entities</h1></header>")
        for kind in sorted(groups):
            items = "".join(f'<li>{self._term(ox.NamedNode(i), "", link)} <code>{_e(i[len(ID):])}</code></li>'
                            for i in groups[kind])
            parts.append(f"<section><h2>{_e(kind)} <span class=\"count\">{len(groups[kind])}</span></h2><ul>{items}</ul></section>")
        parts.append("</body></html>\n")
        return "".join(parts)

    def query_page(self, text: str = "", *, example: str = "") -> str:
        """The editor page; its script is /static/query.js; examples ride in a JSON data block.

        A bundled query with parameters gets a field per parameter (names as the command line takes
        them: 哈职院 works) and runs through ``/queries/NAME``; the page opens on ``example`` or, with
        neither a query nor an example, on :data:`FIRST_EXAMPLE`, which answers without parameters."""
        examples = _examples()
        names = [e["name"] for e in examples]
        if not text and example not in names:
            example = FIRST_EXAMPLE if FIRST_EXAMPLE in names else ""
        if example in names and not text:
            text = examples[names.index(example)]["text"]
        elif text:
            example = ""  # a shared query text wins over an example name
        if not text:
            text = "SELECT ?s ?label WHERE { ?s skos:prefLabel ?label } LIMIT 20"
        data = json.dumps({"examples": examples, "selected": example}, ensure_ascii=False)
        data = data.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
        options = "".join(f'<option value="{i}"{" selected" if e["name"] == example else ""}>'
                          f'{_e(e["title_zh"])} · {_e(e["title_en"])}{" …" if e["params"] else ""}</option>'
                          for i, e in enumerate(examples))
        prefixes = " ".join(sorted(PREFIXES))
        return (self._head("哈尔滨职业教育知识图谱 SPARQL", "/static/style.css")
                + '<nav><a href="/entities">实体索引 Entities</a> · <a href="/sparql">服务描述 Service description</a></nav>'
                + "<header><h1>SPARQL 查询 Query</h1><p>只读端点 Read-only endpoint: <code>/sparql</code>. "
                + f'预声明前缀 Predeclared prefixes: <code>{_e(prefixes)}</code></p></header>'
                + '<form id="query-form" method="get" action="/"><p><label>示例 Examples: <select id="examples">'
                + f'<option value="">—</option>{options}</select></label></p>'
                + '<fieldset id="params" hidden><legend>参数 Parameters</legend><div id="param-fields"></div>'
                + '<p class="hint">名称、简称或 IRI 均可 A name, an abbreviation or an IRI (哈职院, 省教育厅 …)</p></fieldset>'
                + f'<textarea id="query" name="query" rows="14" spellcheck="false">{_e(text)}</textarea>'
                + '<p><button type="submit" id="run">运行 Run</button> '
                + '<label><input type="radio" name="lang" value="zh" checked> 中文</label> '
                + '<label><input type="radio" name="lang" value="en"> English</label> '
                + '<a id="share" href="#">分享链接 Share link</a> '
                + '<a id="download" href="#">CSV</a> <span id="status" role="status"></span></p></form>'
                + '<div id="results"></div>'
                + f'<script type="application/json" id="examples-data">{data}</script>'
                + '<script src="/static/query.js"></script></body></html>\n')


# The query page opens on a research question that needs no parameter: who agreed with whom, when.
FIRST_EXAMPLE = "agreements"


def _examples() -> list[dict]:
    """The bundled research queries (harbin_kg/query/queries/*.rq) with their zh/en titles and parameters."""
    try:
        from ..query.library import library

        found = [{"name": q.name, "title_zh": q.title_zh or q.name, "title_en": q.title_en or q.name, "text": q.text,
                  "params": [{"name": p.name, "kind": p.kind, "optional": p.optional, "description": p.description,
                              "example": dict(q.example).get(p.name, "")} for p in q.params]}
                 for q in library().values()]
    except Exception:  # the library is another module's; a broken .rq must not take the page down
        import logging

        logging.getLogger("harbin_kg.web.server").exception("could not load the bundled queries")
        found = []
    return found or [
        {"name": "labels", "title_zh": "实体及其名称", "title_en": "Entities and their names", "params": [],
         "text": "SELECT ?entity ?label WHERE {\n  ?entity skos:prefLabel ?label .\n  FILTER(LANG(?label) = \"zh\")\n}\nORDER BY ?entity\nLIMIT 100"},
        {"name": "types", "title_zh": "各类实体数量", "title_en": "Entities per type", "params": [],
         "text": "SELECT ?type (COUNT(?s) AS ?n) WHERE {\n  ?s a ?type .\n}\nGROUP BY ?type\nORDER BY DESC(?n)"},
    ]


def write_site(store: ox.Store, out_dir: Path, *, progress: Callable[[str], None] | None = None) -> int:
    """Write every entity page, an index and the stylesheet under ``out_dir`` (built in a temporary
    folder beside it, then renamed into place: a reader never sees half a site). Returns the page count.

    ``out_dir`` must not exist, be empty, or be a site written earlier (it holds ``.harbin-kg-site``).
    """
    from ..errors import OutputError

    out_dir = Path(out_dir)
    if out_dir.exists():
        if not out_dir.is_dir():
            raise OutputError(f"{out_dir} is a file; give a folder for the site.")
        if any(out_dir.iterdir()) and not (out_dir / ".harbin-kg-site").exists():
            raise OutputError(f"{out_dir} is a folder that holds other files; give a new or empty folder "
                              f"(only a folder written by `harbin-kg site` is replaced).")
    parent = out_dir.resolve().parent
    if not parent.is_dir():
        raise OutputError(f"Cannot write {out_dir}: the folder {parent} does not exist.")
    site = Site(store)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.", dir=parent))
    try:
        (tmp / "static").mkdir()
        (tmp / "static" / "style.css").write_bytes(_static_bytes("style.css"))
        (tmp / ".harbin-kg-site").write_text("written by harbin-kg site\n")
        entities = site.entities()
        for n, iri in enumerate(entities, 1):
            target = tmp / "id" / (iri[len(ID):] + ".html")
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(site.entity_page(iri, site.static_link), encoding="utf-8")
            if progress and n % 200 == 0:
                progress(f"{n}/{len(entities)} pages")
        (tmp / "index.html").write_text(site.index_page(site.static_link, css="static/style.css", query_page=False),
                                        encoding="utf-8")
        os.chmod(tmp, 0o755)
        old = None
        if out_dir.exists():
            old = parent / f".{out_dir.name}.old-{os.getpid()}"
            os.replace(out_dir, old)
        os.replace(tmp, out_dir)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return len(entities)


def _static_bytes(name: str) -> bytes:
    from importlib import resources

    return (resources.files("harbin_kg.web") / "static" / name).read_bytes()
