"""What the map's evidence panel shows, read from the store: evidence, statuses, names, level, place.

Every fact carries ``hv:evidence``; the object is one of two kinds (both ``hv:Evidence``):

* an ``hv:Quote`` — a verbatim slice of a shipped source text, with its character offsets
  (``oa:TextPositionSelector``) and the text it comes from (``oa:hasSource``);
* an ``hv:Citation`` — a pointer to a page the project does not ship: ``hv:source`` (an
  ``hv:CitedSource`` with URL, title, outlet, dates, source type and reliability),
  ``hv:locator`` ("para 3") and ``hv:keyPhrase`` (a name or figure as the page writes it).

:func:`map_details` reads both for the nodes and links of a drawn graph in a handful of
SELECTs (chunked ``VALUES``), so the page can show them without any request of its own.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping

import networkx as nx

from ...namespaces import PREFIXES

__all__ = ["map_details", "fact_iris_of_edge", "EVIDENCE_KEYS"]

HVNS = "https://w3id.org/hrbvet/ont#"
_PREFIX_BLOCK = "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items())
#: Keys of a citation record in the page (short, because 5,000-node maps carry many).
EVIDENCE_KEYS = ("t", "x", "s", "e", "src", "o", "oo", "ti", "d", "rd", "loc", "kp", "u", "stz", "ste",
                 "rz", "re", "rn")


def _values(iris: Iterable[str], size: int = 1500) -> list[str]:
    iris = sorted({i for i in iris if i and i.startswith(("http://", "https://"))})
    return [" ".join(f"<{i}>" for i in iris[k:k + size]) for k in range(0, len(iris), size)]


def _rows(store, query: str):
    solutions = store.query(_PREFIX_BLOCK + query)
    names = [v.value for v in solutions.variables]
    for s in solutions:  # terms in variable order: a lookup by name per cell is twice as slow
        yield {n: (None if t is None else t.value) for n, t in zip(names, s)}


def fact_iris_of_edge(u: str, v: str, data: Mapping, G: nx.Graph) -> list[str]:
    """The facts an edge stands for: its participation, the relators it goes through, its
    pathways, or — for an edge out of a fact node (goals layer) — that fact."""
    out: list[str] = []
    for key in ("participation",):
        if data.get(key):
            out.append(str(data[key]))
    for key in ("via", "pathways"):
        out += [str(x) for x in data.get(key) or () if isinstance(x, str)]
    if not out and data.get("layer") == "goals":
        out.append(str(G.nodes[u].get("iri") or u))
    return list(dict.fromkeys(out))


def _label_pair(rows: list[tuple[str, str]]) -> tuple[str, str]:
    zh = sorted(v for lang, v in rows if lang.startswith("zh"))
    en = sorted(v for lang, v in rows if lang.startswith("en"))
    other = sorted(v for lang, v in rows if not lang.startswith(("zh", "en")))
    zh_v = (zh or en or other or [""])[0]
    en_v = (en or zh or other or [""])[0]
    return zh_v, en_v


def map_details(source, G: nx.Graph) -> dict:
    """Evidence and details for the nodes and links of ``G`` (drawn from ``source``).

    Returns ``{"evidence": {fact: [record…]}, "status": {iri: status}, "aliases": {iri: [name…]},
    "level": {iri: (zh, en)}, "place": {iri: (zh, en)}, "note": {iri: editorial note}}``.
    A record is ``{"t": "q", "x": exact, "s": start, "e": end, "src": source label}`` for a quote
    or ``{"t": "c", "u": url, "ti": title, "o": outlet, "oo": original outlet, "d": issued,
    "rd": read on, "loc": locator, "kp": key phrase, "stz"/"ste": source type, "rz"/"re"/"rn":
    reliability (label, notation)}`` for a citation; records of a fact are sorted (quotes by
    offset, then citations by source and locator) so the page is byte-identical run to run.
    """
    from ...analysis.network import open_store

    store = open_store(source)
    nodes = {str(d.get("iri") or n) for n, d in G.nodes(data=True)}
    facts = set(nodes)
    for u, v, d in G.edges(data=True):
        facts.update(fact_iris_of_edge(u, v, d, G))
    status, notes, links = _fact_links(store, facts)
    records: dict[str, dict] = {}
    for chunk in _values({e for es in links.values() for e in es}):
        _quote_records(store, chunk, records)
        _citation_records(store, chunk, records)
    return {"evidence": _sorted_evidence(links, records), "status": status, "note": notes,
            **_node_details(store, nodes)}


def _fact_links(store, facts: set[str]) -> tuple[dict[str, str], dict[str, str], dict[str, list[str]]]:
    """Each fact's assertion status, editorial note (the smallest of several) and evidence IRIs."""
    status: dict[str, str] = {}
    notes: dict[str, str] = {}
    links: dict[str, list[str]] = defaultdict(list)
    for chunk in _values(facts):
        q = f"""SELECT ?f ?p ?o WHERE {{ VALUES ?f {{ {chunk} }} ?f ?p ?o
            FILTER(?p IN (hv:evidence, hv:assertionStatus, skos:editorialNote)) }}"""
        for r in _rows(store, q):
            if r["p"].endswith("#evidence"):
                links[r["f"]].append(r["o"])
            elif r["p"].endswith("#assertionStatus"):
                status[r["f"]] = r["o"].rsplit("/", 1)[-1]
            elif r["f"] not in notes or r["o"] < notes[r["f"]]:
                notes[r["f"]] = r["o"]
    return status, notes, links


def _quote_records(store, chunk: str, records: dict[str, dict]) -> None:
    """The quote records of the evidence IRIs in ``chunk``: text, offsets, source and its labels."""
    q = f"""SELECT ?e ?exact ?start ?end ?src ?srcl ?srcll WHERE {{ VALUES ?e {{ {chunk} }}
        ?e oa:hasSelector ?ts . ?ts oa:exact ?exact .
        OPTIONAL {{ ?e oa:hasSelector ?ps . ?ps oa:start ?start ; oa:end ?end }}
        OPTIONAL {{ ?e oa:hasSource ?src OPTIONAL {{ ?src skos:prefLabel ?srcl BIND(LANG(?srcl) AS ?srcll) }} }} }}"""
    labels: dict[str, list] = defaultdict(list)
    for r in _rows(store, q):
        records.setdefault(r["e"], {"t": "q", "x": r["exact"], "s": _int(r["start"]),
                                    "e": _int(r["end"]), "src": r["src"] or ""})
        if r["srcl"]:
            labels[r["e"]].append((r["srcll"] or "", r["srcl"]))
    for e, pairs in labels.items():
        zh, en = _label_pair(sorted(set(pairs)))
        records[e]["srcz"], records[e]["srce"] = zh, en


_CITATION_FIELDS = (("loc", "loc"), ("kp", "kp"), ("u", "url"), ("ti", "title"), ("o", "outlet"),
                    ("oo", "orig"), ("d", "issued"), ("rd", "read"))


def _citation_records(store, chunk: str, records: dict[str, dict]) -> None:
    """The citation records of the evidence IRIs in ``chunk`` (a quote record of the same IRI is
    replaced): the cited page's fields (the smallest of several), source type and reliability."""
    q = f"""SELECT ?e ?s ?loc ?kp ?url ?title ?outlet ?orig ?issued ?read ?st ?stl ?stll ?rel ?rell ?relll ?reln
        WHERE {{ VALUES ?e {{ {chunk} }} ?e <{HVNS}source> ?s .
        OPTIONAL {{ ?e <{HVNS}locator> ?loc }} OPTIONAL {{ ?e <{HVNS}keyPhrase> ?kp }}
        OPTIONAL {{ ?s schema:url ?url }} OPTIONAL {{ ?s dcterms:title ?title }}
        OPTIONAL {{ ?s <{HVNS}outlet> ?outlet }} OPTIONAL {{ ?s <{HVNS}originalOutlet> ?orig }}
        OPTIONAL {{ ?s dcterms:issued ?issued }} OPTIONAL {{ ?s <{HVNS}readOn> ?read }}
        OPTIONAL {{ ?s <{HVNS}sourceType> ?st OPTIONAL {{ ?st skos:prefLabel ?stl BIND(LANG(?stl) AS ?stll) }} }}
        OPTIONAL {{ ?s <{HVNS}reliability> ?rel OPTIONAL {{ ?rel skos:notation ?reln }}
                    OPTIONAL {{ ?rel skos:prefLabel ?rell BIND(LANG(?rell) AS ?relll) }} }} }}"""
    st_labels: dict[str, list] = defaultdict(list)
    rel_labels: dict[str, list] = defaultdict(list)
    for r in _rows(store, q):
        rec = records.get(r["e"])
        if rec is None or rec.get("t") != "c":
            rec = records[r["e"]] = {"t": "c", "src": r["s"]}
        for key, var in _CITATION_FIELDS:
            if r[var] and (key not in rec or r[var] < rec[key]):
                rec[key] = r[var]
        if r["st"]:
            rec["stk"] = r["st"].rsplit("/", 1)[-1]
            if r["stl"]:
                st_labels[r["e"]].append((r["stll"] or "", r["stl"]))
        if r["rel"]:
            rec["rk"] = r["rel"].rsplit("/", 1)[-1]
            if r["reln"]:
                rec["rn"] = _int(r["reln"])
            if r["rell"]:
                rel_labels[r["e"]].append((r["relll"] or "", r["rell"]))
    for e, pairs in st_labels.items():
        records[e]["stz"], records[e]["ste"] = _label_pair(sorted(set(pairs)))
    for e, pairs in rel_labels.items():
        records[e]["rz"], records[e]["re"] = _label_pair(sorted(set(pairs)))


def _sorted_evidence(links: Mapping[str, list[str]], records: Mapping[str, dict]) -> dict[str, list[dict]]:
    """fact → its records, quotes by offset first, then citations by source and locator."""
    evidence = {}
    for f, es in links.items():
        recs = [records[e] for e in dict.fromkeys(es) if e in records]
        recs.sort(key=lambda r: (r["t"] != "q", r.get("s") if r.get("s") is not None else -1,
                                 r.get("x", ""), r.get("src", ""), r.get("loc", ""), r.get("kp", "")))
        if recs:
            evidence[f] = recs
    return evidence


def _node_details(store, nodes: set[str]) -> dict[str, dict]:
    """Other names (for the search box), administrative level and place of the drawn nodes."""
    aliases: dict[str, list[str]] = defaultdict(list)
    level_rows: dict[str, list] = defaultdict(list)
    place_rows: dict[str, list] = defaultdict(list)
    for chunk in _values(nodes):
        q = f"""SELECT ?n ?p ?o ?l ?ll WHERE {{ VALUES ?n {{ {chunk} }} ?n ?p ?o
            FILTER(?p IN (skos:altLabel, skos:hiddenLabel, <{HVNS}adminLevel>, hv:locatedIn, hv:governs))
            OPTIONAL {{ FILTER(isIRI(?o)) ?o skos:prefLabel ?l BIND(LANG(?l) AS ?ll) }} }}"""
        for r in _rows(store, q):
            if r["p"].endswith(("altLabel", "hiddenLabel")):
                aliases[r["n"]].append(r["o"])
            elif r["p"].endswith("adminLevel"):
                level_rows[r["n"]].append((r["ll"] or "", r["l"] or r["o"].rsplit("/", 1)[-1]))
            elif r["l"] or r["o"]:
                place_rows[r["n"]].append((r["ll"] or "", r["l"] or r["o"].rsplit("/", 1)[-1]))
    return {
        "aliases": {k: sorted(set(v)) for k, v in aliases.items()},
        "level": {k: _label_pair(sorted(set(v))) for k, v in level_rows.items()},
        "place": {k: _label_pair(sorted(set(v))) for k, v in place_rows.items()},
    }


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
