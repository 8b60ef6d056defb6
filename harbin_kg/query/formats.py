"""Query results as text: terminal table, CSV, TSV, SPARQL JSON, Markdown, Turtle, N-Triples, JSON-LD.

* ``table`` and ``markdown`` show labels instead of IRIs (``lang`` first, then zh → en → local
  name), for reading; a query's ``X_zh``/``X_en`` columns are left out there when ``X`` is shown.
* ``csv`` and ``tsv`` keep full IRIs and add a ``NAME_label`` column after each column holding
  IRIs, for spreadsheets and scripts. CSV starts with a UTF-8 byte-order mark so spreadsheet
  software opens Chinese correctly. Cells starting with ``=``, ``+``, ``-`` or ``@`` (or a tab or
  carriage return) that are not plain numbers get a leading ``'`` so a spreadsheet shows them
  instead of running them as formulas (CSV injection).
* ``json`` is the W3C SPARQL 1.1 Query Results JSON format, Chinese unescaped.
* ``turtle``, ``ntriples`` and ``jsonld`` serialise CONSTRUCT/DESCRIBE results.
"""

from __future__ import annotations

import csv
import io
import json
import re

from ..errors import QueryError
from .results import Cell, QueryResult
from .tables import render_table

__all__ = ["TABLE_FORMATS", "GRAPH_FORMATS", "FORMATS", "render", "sparql_json", "guard_cell", "csv_text"]

TABLE_FORMATS = ("table", "csv", "tsv", "json", "markdown")
GRAPH_FORMATS = ("turtle", "ntriples", "jsonld")
FORMATS = TABLE_FORMATS + GRAPH_FORMATS
_NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")


def render(result: QueryResult, fmt: str | None = None, *, lang: str = "zh", labels: bool = True) -> str:
    """The result as text in ``fmt`` (default: table, or turtle for CONSTRUCT/DESCRIBE)."""
    fmt = fmt or ("turtle" if result.kind == "graph" else "table")
    if fmt not in FORMATS:
        raise QueryError(f'Unknown format "{fmt}"; use one of {", ".join(FORMATS)}.')
    if fmt in GRAPH_FORMATS:
        if result.kind != "graph":
            raise QueryError(
                f"--format {fmt} is for CONSTRUCT and DESCRIBE queries; this is a {result.kind.upper()} "
                f"query: use {', '.join(TABLE_FORMATS)}."
            )
        return _graph_text(result, fmt)
    if fmt == "json":
        if result.kind == "graph":
            raise QueryError("--format json is for SELECT and ASK; for CONSTRUCT use jsonld, turtle or ntriples.")
        return _json_text(result) + "\n"
    if fmt in ("csv", "tsv"):
        return _delimited(result, "," if fmt == "csv" else "\t", bom=fmt == "csv", labels=labels, lang=lang)
    headers, rows = _display(result, lang)
    if fmt == "markdown":
        return _markdown(headers, rows)
    align = "".join(">" if _numeric_column(result, result.variables.index(h)) else "<" for h in headers) if result.kind != "ask" else "<"
    return render_table(headers, rows, align=align) + "\n"


def _display(result: QueryResult, lang: str) -> tuple[list[str], list[tuple[str, ...]]]:
    """Headers and label rows for reading. ``X_zh``/``X_en`` label columns are left out when
    column ``X`` is there: the table already shows X by its label in the chosen language."""
    if result.kind == "ask":
        return ["boolean"], [("true" if result.boolean else "false",)]
    names = set(result.variables)
    keep = [i for i, var in enumerate(result.variables)
            if not (var.endswith(("_zh", "_en")) and var[:-3] in names)]
    rows = [tuple(row[i] for i in keep) for row in result.labelled_rows(lang)]
    return [result.variables[i] for i in keep], rows


def _numeric_column(result: QueryResult, index: int) -> bool:
    values = [cell for row in result.cells() if (cell := row[index]) is not None]
    return bool(values) and all(cell[0] == "literal" and _NUMBER.match(cell[1]) for cell in values)


def _markdown(headers: list[str], rows) -> str:
    def cell(text: str) -> str:
        return text.replace("\\", "\\\\").replace("|", "\\|").replace("\r", "").replace("\n", "<br>")

    lines = ["| " + " | ".join(cell(h) for h in headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(cell(c) for c in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def guard_cell(text: str) -> str:
    """``'=1+1`` for ``=1+1`` (spreadsheets would run it); numbers such as ``-5`` stay as they are.

    >>> guard_cell("=HYPERLINK(1)"), guard_cell("-5"), guard_cell("哈职院")
    ("'=HYPERLINK(1)", '-5', '哈职院')
    """
    if text and text[0] in "=+-@\t\r" and not _NUMBER.match(text):
        return "'" + text
    return text


def _raw(cell: Cell | None) -> str:
    if cell is None:
        return ""
    if cell[0] == "bnode":
        return f"_:{cell[1]}"
    return cell[1]


def csv_text(headers, rows, *, delimiter: str = ",") -> str:
    """The one writer of delimited text for every command (``query``, ``centrality``, ``communities``).

    CSV starts with a UTF-8 byte-order mark (spreadsheets then open Chinese correctly) and ends
    lines with CRLF (RFC 4180); TSV has neither. Every cell goes through :func:`guard_cell`.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n" if delimiter == "," else "\n")
    writer.writerow([guard_cell(str(h)) for h in headers])
    for row in rows:
        writer.writerow([guard_cell("" if cell is None else str(cell)) for cell in row])
    return ("\ufeff" if delimiter == "," else "") + buffer.getvalue()


def _delimited(result: QueryResult, delimiter: str, *, bom: bool, labels: bool, lang: str) -> str:
    if result.kind == "ask":
        return csv_text(["boolean"], [["true" if result.boolean else "false"]], delimiter=delimiter)
    cells = result.cells()
    with_labels = [labels and any((cell := row[i]) is not None and cell[0] == "uri" for row in cells)
                   for i in range(len(result.variables))]
    header = []
    for var, add in zip(result.variables, with_labels):
        header += [var, f"{var}_label"] if add else [var]
    shown: dict = {}  # each distinct cell written once: rows repeat the same IRIs

    def written(cell, add: bool) -> list[str]:
        key = (cell, add)
        found = shown.get(key)
        if found is None:
            found = shown[key] = [_raw(cell)] + ([result.cell_label(cell, lang) if cell and cell[0] == "uri" else ""]
                                                  if add else [])
        return found

    rows = []
    for row in cells:
        out: list[str] = []
        for cell, add in zip(row, with_labels):
            out += written(cell, add)
        rows.append(out)
    return csv_text(header, rows, delimiter=delimiter)


def _json_term(cell: Cell) -> dict:
    kind, text, language, datatype = cell
    term = {"type": kind, "value": text}
    if language:
        term["xml:lang"] = language
    elif datatype is not None:
        term["datatype"] = datatype
    return term


def sparql_json(result: QueryResult) -> dict:
    """The W3C SPARQL 1.1 Query Results JSON document of a SELECT or ASK result."""
    if result.kind == "ask":
        return {"head": {}, "boolean": bool(result.boolean)}
    bindings = [
        {var: _json_term(cell) for var, cell in zip(result.variables, row) if cell is not None}
        for row in result.cells()
    ]
    return {"head": {"vars": list(result.variables)}, "results": {"bindings": bindings}}


def _json_text(result: QueryResult) -> str:
    """``json.dumps(sparql_json(result), ensure_ascii=False, indent=2)``, byte for byte, with each
    distinct term written once: json's indented writer is pure Python, and 1,229 rows × 9 terms
    took longer to write than to query (tests compare the two)."""
    if result.kind == "ask":
        return json.dumps(sparql_json(result), ensure_ascii=False, indent=2)
    string = json.encoder.encode_basestring  # the C writer of a string (ensure_ascii off)

    def listing(items: list[str], indent: str) -> str:
        return "[]" if not items else "[\n" + ",\n".join(indent + "  " + item for item in items) + "\n" + indent + "]"

    written: dict = {}

    def binding(var: str, cell: Cell) -> str:
        key = (var, cell)
        text = written.get(key)
        if text is None:
            fields = ",\n".join(f"          {string(k)}: {string(v)}" for k, v in _json_term(cell).items())
            text = written[key] = f"        {string(var)}: {{\n{fields}\n        }}"
        return text

    rows = []
    for row in result.cells():
        parts = [binding(var, cell) for var, cell in zip(result.variables, row) if cell is not None]
        rows.append("{\n" + ",\n".join(parts) + "\n      }" if parts else "{}")
    head = listing([string(v) for v in result.variables], "    ")
    return (f'{{\n  "head": {{\n    "vars": {head}\n  }},\n  "results": {{\n    "bindings": '
            f"{listing(rows, '    ')}\n  }}\n}}")


def _graph_text(result: QueryResult, fmt: str) -> str:
    graph = result.graph()
    if fmt == "turtle":
        return graph.serialize(format="turtle")
    if fmt == "ntriples":
        lines = graph.serialize(format="nt").splitlines()
        return "".join(line + "\n" for line in sorted(lines) if line.strip())
    from ..namespaces import PREFIXES

    # A context given as a dict is never fetched; rdflib escapes nothing with ensure_ascii off.
    text = graph.serialize(format="json-ld", context=dict(PREFIXES), indent=2, ensure_ascii=False)
    return text if text.endswith("\n") else text + "\n"
