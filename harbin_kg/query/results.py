"""What a query returned: :class:`QueryResult`, rdflib terms with labels (see :mod:`harbin_kg.query.run`).

The oxigraph engine hands over its own terms, and a result keeps them: the formatters read each
distinct term once as a :data:`Cell` (its kind, text, language, datatype), and rdflib terms are
made only when someone reads ``rows`` (issue 17: at 1,229 rows × 9 columns, making rdflib terms
cost more than the query). A cell is what rdflib's term would show: typed literals other than
``xsd:string`` go through rdflib, which normalises some lexical forms (``"01"^^xsd:integer`` is
shown as ``1``), so every output is the same byte for byte whichever way the rows came.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Literal as TypingLiteral

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from ..errors import HarbinKGError
from ..graph.labels import curie, local_name
from ..namespaces import ID

__all__ = ["QueryResult", "Cell", "cell_of"]

#: How a formatter sees one term: (kind, text, language, datatype), kind ``uri``, ``bnode`` or
#: ``literal``; language and datatype are None when absent (a plain string has neither).
Cell = tuple[str, str, "str | None", "str | None"]
_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def cell_of(term) -> Cell | None:
    """The :data:`Cell` of an rdflib or a pyoxigraph term (None for an unbound value)."""
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return ("uri", term.value, None, None)
    if isinstance(term, ox.Literal):
        if term.language:
            return ("literal", term.value, term.language, None)
        if term.datatype.value == _XSD_STRING:
            return ("literal", term.value, None, None)
        from ..graph.store import to_rdflib_term

        return cell_of(to_rdflib_term(term))  # rdflib's own lexical form (see the module docstring)
    if isinstance(term, ox.BlankNode):
        return ("bnode", term.value, None, None)
    if isinstance(term, URIRef):
        return ("uri", str(term), None, None)
    if isinstance(term, BNode):
        return ("bnode", str(term), None, None)
    if isinstance(term, Literal):
        return ("literal", str(term), term.language or None,
                None if term.language or term.datatype is None else str(term.datatype))
    raise TypeError(f"unsupported term {term!r}")


class QueryResult:
    """What a query returned.

    ``kind`` is ``select``, ``ask`` or ``graph`` (CONSTRUCT/DESCRIBE: ``rows`` are triples under
    the variables ``subject predicate object``); ``rows`` hold rdflib terms (``None`` = unbound);
    ``truncated`` says rows were cut at the limit; ``labels`` maps each IRI in the rows to its
    labels by language (``{"zh": …, "en": …}``). ``terms``: the same rows as pyoxigraph terms,
    given instead of ``rows`` by the oxigraph engine (``rows`` is then made on first use).
    """

    __slots__ = ("kind", "variables", "boolean", "truncated", "labels", "_rows", "_terms", "_cells")

    def __init__(self, kind: TypingLiteral["select", "ask", "graph"], variables: Sequence[str] = (),
                 rows: Sequence[Sequence[Node | None]] = (), boolean: bool | None = None, truncated: bool = False,
                 labels: Mapping[str, Mapping[str, str]] | None = None, *, terms: Sequence[Sequence] | None = None):
        self.kind, self.variables, self.boolean, self.truncated = kind, tuple(variables), boolean, truncated
        self.labels = {} if labels is None else labels
        self._terms = None if terms is None else tuple(tuple(row) for row in terms)
        self._rows = None if terms is not None else tuple(tuple(row) for row in rows)
        self._cells: tuple | None = None

    def with_labels(self, labels: Mapping[str, Mapping[str, str]]) -> QueryResult:
        """The same rows with ``labels``."""
        other = QueryResult(self.kind, self.variables, (), self.boolean, self.truncated, labels)
        other._rows, other._terms, other._cells = self._rows, self._terms, self._cells
        return other

    @property
    def rows(self) -> tuple[tuple[Node | None, ...], ...]:
        if self._rows is None:
            from ..graph.store import to_rdflib_term

            memo: dict = {None: None}  # rows repeat the same organisation, relator and status
            for row in self._terms or ():
                for term in row:
                    if term not in memo:
                        memo[term] = to_rdflib_term(term)
            self._rows = tuple(tuple(memo[term] for term in row) for row in self._terms or ())
        return self._rows

    def cells(self) -> tuple[tuple[Cell | None, ...], ...]:
        """The rows as :data:`Cell` tuples, what the formatters read (each distinct term read once)."""
        if self._cells is None:
            memo: dict = {None: None}
            source = self._terms if self._terms is not None else self.rows
            for row in source:
                for term in row:
                    if term not in memo:
                        memo[term] = cell_of(term)
            self._cells = tuple(tuple(memo[term] for term in row) for row in source)
        return self._cells

    def __len__(self) -> int:
        return len(self._terms if self._terms is not None else self.rows)

    def __eq__(self, other) -> bool:
        if not isinstance(other, QueryResult):
            return NotImplemented
        return ((self.kind, self.variables, self.rows, self.boolean, self.truncated)
                == (other.kind, other.variables, other.rows, other.boolean, other.truncated))

    def __hash__(self) -> int:
        return hash((self.kind, self.variables, self.rows, self.boolean, self.truncated))

    def __repr__(self) -> str:
        return (f"QueryResult(kind={self.kind!r}, variables={self.variables!r}, rows={self.rows!r}, "
                f"boolean={self.boolean!r}, truncated={self.truncated!r})")

    def __getstate__(self):
        # Sent from the query's child process: the engine's terms as they are, or the rows.
        return (self.kind, self.variables, self.boolean, self.truncated, self.labels,
                self._terms, self._rows if self._terms is None else None)

    def __setstate__(self, state) -> None:
        self.kind, self.variables, self.boolean, self.truncated, self.labels, self._terms, self._rows = state
        self._cells = None

    def label(self, node, lang: str = "zh") -> str:
        """How to show one cell: an IRI's label (``lang`` → zh → en → local name), a literal's text."""
        return self.cell_label(cell_of(node), lang)

    def cell_label(self, cell: Cell | None, lang: str = "zh") -> str:
        """:meth:`label` of a :data:`Cell`."""
        if cell is None:
            return ""
        if cell[0] == "uri":
            found = self.labels.get(cell[1], {})
            for choice in (lang, "zh", "en", ""):
                if found.get(choice):
                    return found[choice]
            if cell[1].startswith(str(ID)):
                return local_name(cell[1])
            return curie(cell[1])
        return cell[1]

    def labelled_rows(self, lang: str = "zh") -> list[tuple[str, ...]]:
        """Rows as display strings, every IRI replaced by its label."""
        shown: dict = {None: ""}  # each distinct cell labelled once

        def show(cell):
            text = shown.get(cell)
            if text is None:
                text = shown[cell] = self.cell_label(cell, lang)
            return text

        return [tuple(show(cell) for cell in row) for row in self.cells()]

    def as_dicts(self) -> list[dict[str, Node | None]]:
        return [dict(zip(self.variables, row)) for row in self.rows]

    def graph(self) -> Graph:
        """CONSTRUCT/DESCRIBE results as an rdflib Graph with our prefixes bound."""
        from ..namespaces import bind_prefixes

        out = bind_prefixes(Graph())
        for s, p, o in self.rows:
            if s is not None and p is not None and o is not None:  # a CONSTRUCT row is always whole
                out.add((s, p, o))
        return out

    def to_dataframe(self, lang: str | None = "zh"):
        """A pandas DataFrame (pandas must be installed): Python values, and for every column
        holding IRIs a ``NAME_label`` column beside it (``lang=None`` leaves labels out)."""
        try:
            import pandas as pd
        except ImportError:
            raise HarbinKGError("to_dataframe() needs pandas: pip install pandas") from None
        if self.kind == "ask":
            return pd.DataFrame({"boolean": [self.boolean]})
        columns: dict[str, list] = {}
        for i, var in enumerate(self.variables):
            values = [row[i] for row in self.rows]
            columns[var] = [_python(v) for v in values]
            if lang and any(isinstance(v, URIRef) for v in values):
                columns[f"{var}_label"] = [self.label(v, lang) if isinstance(v, URIRef) else None for v in values]
        return pd.DataFrame(columns)


def _python(node):
    if isinstance(node, Literal):
        value = node.toPython()
        return str(node) if isinstance(value, Literal) else value
    return None if node is None else str(node)
