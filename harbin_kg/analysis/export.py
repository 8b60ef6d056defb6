"""A projected network to files other tools read: GraphML, GEXF (Gephi, Cytoscape), CSV.

Nodes keep ``label`` (zh), ``label_zh``, ``label_en``, ``kind``, ``placeholder``, any scores
and ``community``; edges keep ``weight``, ``via``, relation kinds, years, quotes and citations. GraphML and
GEXF cannot hold lists, so list-valued attributes are joined with :data:`SEPARATOR`; nested
records (``facts``) become their labels and quotes. Output is deterministic: nodes and edges are
sorted, no timestamps (networkx's GEXF ``lastmodifieddate`` is removed). CSV is UTF-8 with a BOM
so that spreadsheet programs show Chinese correctly.
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import networkx as nx

from ..errors import OutputError
from ..writing import atomic_write_bytes, atomic_write_text, check_output_path

__all__ = ["SEPARATOR", "FORMATS", "annotate", "flatten", "to_graphml", "to_gexf", "to_csv", "write_export"]

SEPARATOR = " | "
FORMATS = ("graphml", "gexf", "csv")
_NODE_FIRST = ["label", "label_zh", "label_en", "kind", "placeholder", "iri"]
_EDGE_FIRST = ["weight", "count", "relations", "via"]


def annotate(G: nx.Graph, scores: dict[str, dict] | None = None, communities: dict | None = None) -> nx.Graph:
    """A copy of ``G`` with each measure as a node attribute and ``community``/``community_stability``."""
    H = G.copy()
    for measure, values in (scores or {}).items():
        for node, value in values.items():
            if node in H:
                H.nodes[node][measure] = float(value)
    if communities:
        for node, index in communities["membership"].items():
            if node in H:
                H.nodes[node]["community"] = int(index)
                H.nodes[node]["community_stability"] = float(communities["stability"]["node"][node])
    return H


def _flat_value(key: str, value):
    if value is None:
        return None
    if isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    if isinstance(value, list | tuple | set | frozenset):
        items = sorted(value, key=str) if isinstance(value, set | frozenset) else list(value)
        return SEPARATOR.join(str(v) for v in items if v is not None)
    return str(value)


def _flat_attrs(data: dict, node: bool) -> dict:
    out = {}
    for key, value in data.items():
        if key == "facts":  # records of the relators behind a partnership edge
            out["facts_zh"] = SEPARATOR.join(f.get("label_zh") or f["relator"] for f in value)
            out["facts_en"] = SEPARATOR.join(f.get("label_en") or f["relator"] for f in value)
            out["quotes"] = SEPARATOR.join(q for f in value for q in f.get("quotes", []))
            out["citations"] = SEPARATOR.join(c for f in value for c in f.get("citations", []))
            continue
        flat = _flat_value(key, value)
        if flat is not None:
            out[key] = flat
    if node and "label" not in out:
        out["label"] = out.get("label_zh", "")
    return out


def flatten(G: nx.Graph) -> nx.Graph:
    """A new graph of the same type with sorted nodes/edges and only scalar attributes."""
    H = G.__class__()
    H.graph.update({k: _flat_value(k, v) for k, v in G.graph.items() if k in ("projection", "data_version")
                    and v is not None})
    if "spec" in G.graph:
        H.graph["spec"] = json.dumps(G.graph["spec"], ensure_ascii=False, sort_keys=True)
    for n in sorted(G, key=str):
        H.add_node(str(n), **_flat_attrs(G.nodes[n], True))
    edges = []
    for u, v, d in G.edges(data=True):
        if not G.is_directed() and str(v) < str(u):
            u, v = v, u
        edges.append((str(u), str(v), d))
    for u, v, d in sorted(edges, key=lambda e: (e[0], e[1])):
        H.add_edge(u, v, **_flat_attrs(d, False))
    return H


def to_graphml(G: nx.Graph) -> str:
    """GraphML text (labels, kinds, scores, community, years as attributes)."""
    return "\n".join(nx.generate_graphml(flatten(G), prettyprint=True)) + "\n"


def to_gexf(G: nx.Graph) -> str:
    """GEXF 1.2 text, without the writing date so the output is reproducible."""
    text = "\n".join(nx.generate_gexf(flatten(G), prettyprint=True)) + "\n"
    return re.sub(r' lastmodifieddate="[^"]*"', "", text, count=1)


def _columns(rows: list[dict], first: list[str]) -> list[str]:
    keys = set().union(*rows) if rows else set()
    return [k for k in first if k in keys] + sorted(keys - set(first))


def to_csv(G: nx.Graph) -> tuple[str, str]:
    """``(nodes_csv, edges_csv)`` texts; the first columns are ``id`` and ``source``/``target``."""
    H = flatten(G)
    nodes = [{"id": n, **d} for n, d in H.nodes(data=True)]
    edges = [{"source": u, "target": v, **d} for u, v, d in H.edges(data=True)]

    def write(rows, first):
        buf = io.StringIO()
        cols = _columns(rows, first)
        writer = csv.DictWriter(buf, fieldnames=cols, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        return buf.getvalue()

    return write(nodes, ["id", *_NODE_FIRST]), write(edges, ["source", "target", *_EDGE_FIRST])


def csv_paths(path: Path) -> tuple[Path, Path]:
    """``out/x.csv`` → ``out/x-nodes.csv``, ``out/x-edges.csv``; a folder → ``nodes.csv``, ``edges.csv``."""
    path = Path(path)
    if path.suffix.lower() == ".csv":
        return path.with_name(f"{path.stem}-nodes.csv"), path.with_name(f"{path.stem}-edges.csv")
    return path / "nodes.csv", path / "edges.csv"


def write_export(G: nx.Graph, fmt: str, path: Path, *, force: bool = True) -> list[Path]:
    """Write ``G`` as ``fmt`` (graphml, gexf or csv) atomically; the paths written."""
    path = Path(path)
    if fmt == "graphml":
        check_output_path(path, force=force)
        return [atomic_write_text(path, to_graphml(G))]
    if fmt == "gexf":
        check_output_path(path, force=force)
        return [atomic_write_text(path, to_gexf(G))]
    if fmt == "csv":
        nodes_path, edges_path = csv_paths(path)
        for p in (nodes_path, edges_path):
            check_output_path(p, force=force)
        nodes_csv, edges_csv = to_csv(G)
        atomic_write_bytes(nodes_path, ("\ufeff" + nodes_csv).encode("utf-8"))
        atomic_write_bytes(edges_path, ("\ufeff" + edges_csv).encode("utf-8"))
        return [nodes_path, edges_path]
    raise OutputError(f"Unknown export format {fmt!r}; use one of {', '.join(FORMATS)}.")
