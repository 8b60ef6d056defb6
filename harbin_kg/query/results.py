"""What a query returned: :class:`QueryResult`, rdflib terms with labels (see :mod:`harbin_kg.query.run`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal as TypingLiteral

from rdflib import Graph, Literal, URIRef
from rdflib.term import Node

from ..errors import HarbinKGError
from ..graph.labels import curie, local_name
from ..namespaces import ID

__all__ = ["QueryResult"]


@dataclass(frozen=True)
class QueryResult:
    """What a query returned.

    ``kind`` is ``select``, ``ask`` or ``graph`` (CONSTRUCT/DESCRIBE: ``rows`` are triples under
    the variables ``subject predicate object``); ``rows`` hold rdflib terms (``None`` = unbound);
    ``truncated`` says rows were cut at the limit; ``labels`` maps each IRI in the rows to its
    labels by language (``{"zh": …, "en": …}``).
    """

    kind: TypingLiteral["select", "ask", "graph"]
    variables: tuple[str, ...] = ()
    rows: tuple[tuple[Node | None, ...], ...] = ()
    boolean: bool | None = None
    truncated: bool = False
    labels: Mapping[str, Mapping[str, str]] = field(default_factory=dict, compare=False, repr=False)

    def __len__(self) -> int:
        return len(self.rows)

    def label(self, node, lang: str = "zh") -> str:
        """How to show one cell: an IRI's label (``lang`` → zh → en → local name), a literal's text."""
        if node is None:
            return ""
        if isinstance(node, URIRef):
            found = self.labels.get(str(node), {})
            for choice in (lang, "zh", "en", ""):
                if found.get(choice):
                    return found[choice]
            if str(node).startswith(str(ID)):
                return local_name(node)
            return curie(node)
        return str(node)

    def labelled_rows(self, lang: str = "zh") -> list[tuple[str, ...]]:
        """Rows as display strings, every IRI replaced by its label."""
        return [tuple(self.label(value, lang) for value in row) for row in self.rows]

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
