"""Bound parameters written into the query as terms, so the engine can use them everywhere.

Oxigraph 0.5 applies ``substitutions`` on top of the plan and does not push the term into the
branches of a ``UNION``: partners-of on 1M triples joins every participation first (41 ms) and
filters after, where the same query with the IRI in its text takes 0.65 ms. :func:`inline`
rewrites the query so that each bound variable is the term itself:

* in a pattern or an expression, ``?org`` becomes ``<https://…>`` (or ``"text"@zh`` …);
* in the top SELECT list (and a sub-SELECT's), ``?org`` becomes ``(<…> AS ?org)``, so the
  result still has the column;
* in ``GROUP BY`` / ``ORDER BY``, a bare ``?org`` becomes ``(<…>)``.

(``SELECT *`` keeps ``substitutions``: the rewritten query would lose the column.)

That is SEP-0007's "the variable is replaced by the term throughout the query", the semantics of
``substitutions`` itself. The term is serialised here from an rdflib ``URIRef`` or ``Literal``
that :func:`harbin_kg.query.run.bind_params` built (an entity found in the graph, a checked IRI, a
parsed literal), escaped as N-Triples escapes it, and refused if anything in it could end the
term: the user's text never becomes query syntax. Where the rewrite is not certain to mean the
same (the variable is the target of ``AS`` or listed in ``VALUES``, the text uses ``\\u``
escapes or has an unterminated string, a term is a blank node) :func:`inline` returns None and
the caller binds with ``substitutions`` as before.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache

from rdflib import Literal, URIRef

# The same lexical rules as the read-only guard: strings, IRIs and comments are never rewritten.
from ..graph.sparql_guard import _OPAQUE, _PREFIXED, _VARIABLE

__all__ = ["inline", "sparql_term"]

_IRI_OK = re.compile(r'[^<>"{}|^`\\\x00-\x20]*')
_LANG = re.compile(r"[A-Za-z]+(?:-[A-Za-z0-9]+)*")
_ECHAR = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}
_CODE = re.compile(rf"(?P<pname>{_PREFIXED.pattern})|(?P<var>{_VARIABLE.pattern})|(?P<word>[A-Za-z_]\w*)"
                   r"|(?P<open>[({])|(?P<close>[)}])")
_CLAUSE_END = {"HAVING", "ORDER", "LIMIT", "OFFSET", "VALUES", "GROUP", "WHERE"}


def _iri(value: str) -> str | None:
    return f"<{value}>" if value and _IRI_OK.fullmatch(value) else None


def sparql_term(term) -> str | None:
    """The term as SPARQL text, or None if it cannot be written safely (a blank node, an IRI
    with a character that could end it, a malformed language tag)."""
    if isinstance(term, URIRef):
        return _iri(str(term))
    if isinstance(term, Literal):
        text = '"' + "".join(_ECHAR.get(c, c) for c in str(term)) + '"'
        if term.language:
            return text + "@" + term.language if _LANG.fullmatch(term.language) else None
        if term.datatype is not None and str(term.datatype) != "http://www.w3.org/2001/XMLSchema#string":
            datatype = _iri(str(term.datatype))
            return text + "^^" + datatype if datatype else None
        return text
    return None


def _tokens(text: str) -> list[tuple[str, str]] | None:
    """(kind, text) for every token that matters, ("other", text) for what lies between, and
    ("opaque", text) for strings, IRIs and comments. None if a string is unterminated."""
    out: list[tuple[str, str]] = []
    position = 0
    for match in _OPAQUE.finditer(text):
        if match.group(1):  # unterminated string: the engine will reject it; do not guess
            return None
        out += _code_tokens(text[position:match.start()])
        out.append(("opaque", match.group(0)))
        position = match.end()
    return out + _code_tokens(text[position:])


def _code_tokens(code: str) -> list[tuple[str, str]]:
    out, position = [], 0
    for match in _CODE.finditer(code):
        if match.start() > position:
            out.append(("other", code[position:match.start()]))
        out.append((match.lastgroup or "other", match.group(0)))  # every alternative of _CODE is named
        position = match.end()
    if position < len(code):
        out.append(("other", code[position:]))
    return out


def inline(text: str, bindings: Mapping[str, object]) -> str | None:
    """``text`` with every bound variable replaced by its term (see the module docstring), or
    None where that could change the meaning, or where a SELECT does not project a bound
    variable (binding with ``substitutions`` then reports it as before)."""
    if not bindings:
        return None
    terms = {}
    for name, value in bindings.items():
        written = sparql_term(value)
        if written is None:
            return None
        terms[name] = written
    parts = _template(text, frozenset(terms))
    if parts is None:
        return None
    out = []
    for part in parts:
        if isinstance(part, str):
            out.append(part)
        else:
            how, name, token = part
            term = terms[name]
            out.append(f"({term} AS {token})" if how == "select" else f"({term})" if how == "order" else term)
    return "".join(out)


@lru_cache(maxsize=64)
def _template(text: str, names: frozenset) -> tuple | None:
    """The text cut where the variables ``names`` stand: plain strings and ``(how, name, token)``
    slots (how: "select", "order" or "term"); None where the rewrite is not certain. Cached: the
    same bundled query is rewritten for every call with new terms."""
    if "\\u" in text or "\\U" in text:
        return None
    tokens = _tokens(text)
    if tokens is None:
        return None
    cut = _Cut(dict.fromkeys(names))
    for kind, token in tokens:
        if kind == "word":
            cut.word(token)
            continue
        if kind in ("open", "close"):
            cut.bracket(kind, token)
        elif kind == "var" and token[1:] in cut.terms:
            if not cut.parameter(token[1:], token):
                return None  # the query binds this variable itself
            continue
        else:
            cut.projection(kind, token)
        cut.out.append(token)
        if kind == "other" and not token.strip() or kind == "opaque" and token.startswith("#"):
            continue  # white space and comments do not separate AS from its variable
        cut.previous = "" if kind != "other" else token.strip()
    return cut.template()


class _Cut:
    """Where _template is in the query as it walks the tokens, and the parts cut so far."""

    def __init__(self, terms: dict):
        self.terms = terms
        self.out: list[str | tuple[str, str, str]] = []  # text, or (role, parameter, token) where a parameter goes
        self.mode = "body"  # "select" (a projection list), "order" (GROUP BY / ORDER BY list), "values", "body"
        self.depth = self.clause_depth = self.values_depth = 0
        self.form: str | None = None  # the query form: the first of SELECT, ASK, CONSTRUCT, DESCRIBE
        self.selects = 0
        self.projected: set[str] = set()
        self.star = False
        self.values_head = False  # between VALUES and its data block: the variables it binds
        self.previous = ""  # the previous significant token (keywords upper-cased)

    def word(self, token: str) -> None:
        upper = token.upper()
        if upper == "SELECT":
            self.mode, self.clause_depth, self.selects = "select", self.depth, self.selects + 1
            self.form = self.form or "SELECT"
        elif upper in ("ASK", "CONSTRUCT", "DESCRIBE"):
            self.form = self.form or upper
        elif upper == "WHERE" and self.mode == "select" and self.depth == self.clause_depth:
            self.mode = "body"
        elif upper == "BY" and self.previous in ("GROUP", "ORDER"):
            self.mode, self.clause_depth = "order", self.depth
        elif self.mode == "order" and self.depth == self.clause_depth and upper in _CLAUSE_END:
            self.mode = "body"
        if upper == "VALUES":
            self.mode, self.values_head = "values", True
        self.out.append(token)
        self.previous = upper

    def bracket(self, kind: str, token: str) -> None:
        if kind == "open":
            if token == "{" and self.mode == "select" and self.depth == self.clause_depth:
                self.mode = "body"
            if token == "{" and self.mode == "values" and self.values_head:
                self.values_head, self.values_depth = False, self.depth
            self.depth += 1
            return
        self.depth -= 1
        if self.mode == "values" and not self.values_head and self.depth == self.values_depth:
            self.mode = "body"
        elif self.mode in ("order", "select") and self.depth < self.clause_depth:
            self.mode = "body"

    def parameter(self, name: str, token: str) -> bool:
        """Cut a slot for the parameter ``name``; False where the query binds it itself."""
        if self.previous == "AS" or (self.mode == "values" and self.values_head):
            return False
        at_clause = self.depth == self.clause_depth
        if self.mode == "select" and at_clause:
            if self.selects == 1:
                self.projected.add(name)
            self.out.append(("select", name, token))
        elif self.mode == "order" and at_clause:
            self.out.append(("order", name, token))
        else:
            self.out.append(("term", name, token))
        self.previous = ""
        return True

    def projection(self, kind: str, token: str) -> None:
        """Note the outer SELECT's other variables and its ``*``."""
        if self.mode != "select" or self.depth != self.clause_depth or self.selects != 1:
            return
        if kind == "var":
            self.projected.add(token[1:])
        elif kind == "other" and "*" in token:
            self.star = True

    def template(self) -> tuple | None:
        if self.selects > 1:
            return None  # a subquery may project the variable too: (term AS ?v) twice does not parse
        if self.form == "SELECT" and (self.star or any(name not in self.projected for name in self.terms)):
            return None  # SELECT * would lose the column; an unprojected parameter is an error
        joined: list = []
        for part in self.out:  # neighbouring strings joined: fewer parts to walk on every call
            if isinstance(part, str) and joined and isinstance(joined[-1], str):
                joined[-1] += part
            else:
                joined.append(part)
        return tuple(joined)
