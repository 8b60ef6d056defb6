"""Read-only checks on SPARQL text, done before any engine sees the query.

A query that names ``SERVICE`` makes the engine send HTTP requests (pyoxigraph has no switch to
stop it, rdflib follows redirects and opens ``file:`` IRIs); ``FROM`` / ``FROM NAMED`` make
rdflib fetch URLs or read local files; updates (``INSERT``, ``LOAD`` …) change or fetch data.
the project's design. So every query goes through :func:`check_read_only` first:

1. **Lexical scan, failing closed.** ``\\uXXXX`` escapes are decoded first (SPARQL allows them
   anywhere), then comments, strings, IRIs, variables and prefixed names are blanked out, and
   what is left (keywords, function names, punctuation) is searched case-insensitively for
   ``SERVICE``, ``FROM`` and the update keywords. Anything odd (an unterminated string) leaves
   more text to search, so a mistake refuses a query rather than letting one through.
2. **Syntax**, by pyoxigraph's strict parser: a :class:`~harbin_kg.errors.QueryError` with line
   and column (see :func:`syntax_error`).
3. For the rdflib engine, **the algebra** is checked too (:func:`check_rdflib_algebra`).
"""

from __future__ import annotations

import re
from itertools import accumulate

from ..errors import ForbiddenQuery, QueryError

__all__ = ["UPDATE_KEYWORDS", "MAX_NESTING", "check_read_only", "check_query", "check_nesting", "nesting_depth",
           "lexical_keywords", "query_form", "syntax_error", "check_rdflib_algebra"]

UPDATE_KEYWORDS = ("INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY",
                   "WITH", "USING")

_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
# One pass, leftmost match wins: long strings before short ones, IRIs, comments. An
# *unterminated* string is matched too, to the end of its line (of the text for a long string):
# otherwise the failing scan for its end was restarted at every later quote and the pass became
# quadratic (issue 13). It is the one capturing group, so that :func:`_blank_opaque` can keep
# its text visible.
_OPAQUE = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*"""'
    r"|'''(?:[^'\\]|\\.|'(?!''))*'''"
    r'|"(?:[^"\\\n\r]|\\.)*"'
    r"|'(?:[^'\\\n\r]|\\.)*'"
    r'|(""".*'
    r"|'''.*"
    r'|"(?:[^"\\\n\r]|\\.)*\\?(?=[\n\r]|\Z)'
    r"|'(?:[^'\\\n\r]|\\.)*\\?(?=[\n\r]|\Z))"
    r'|<[^<>"{}|^`\\\s]*>'
    r"|#[^\n\r]*",
    re.S,
)
_VARIABLE = re.compile(r"[?$][\w\u00B7\u0300-\u036F\u203F-\u2040]+")
# The look-behind lets a prefixed name start only where a run of name characters starts; without
# it a long run with no colon was scanned again from each of its characters (quadratic).
_PREFIXED = re.compile(r"(?<![\w.\-\u00B7])[\w.\-\u00B7]*:[\w.\-:%\\\u00B7]*")
_WORD = re.compile(r"[A-Za-z_]+")
_FORMS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")


def _decode_escapes(text: str) -> str:
    def one(match: re.Match) -> str:
        code = int(match.group(1) or match.group(2), 16)
        return chr(code) if code <= 0x10FFFF else match.group(0)

    return _ESCAPE.sub(one, text)


def _blank_opaque(text: str) -> str:
    """``text`` with each string, IRI and comment replaced by a space. An unterminated string
    keeps its text (minus the opening quotes), so what follows it is still searched: failing
    closed, as the parser rejects such a query anyway. ``split`` and ``join`` keep this in C
    (a replacement function would be called once per string: 10 ms on 60 KB of ``""``)."""
    parts = _OPAQUE.split(text)
    unterminated = parts[1::2]
    if not any(unterminated):
        return " ".join(parts[0::2])
    out = [parts[0]]
    for index in range(1, len(parts), 2):
        token = parts[index]
        out.append(" " + token.lstrip(token[0]) if token else " ")
        out.append(parts[index + 1])
    return "".join(out)


def lexical_keywords(text: str) -> list[str]:
    """The bare words of a query outside comments, strings, IRIs, variables and prefixed names.

    >>> lexical_keywords('SELECT ?from WHERE { ?s ex:service "SERVICE" } # FROM')
    ['SELECT', 'WHERE']
    """
    return _words(_blank_opaque(_decode_escapes(text)))


def _words(blanked: str) -> list[str]:
    if "?" in blanked or "$" in blanked:  # the `in` tests skip a pass over text that cannot match
        blanked = _VARIABLE.sub(" ", blanked)
    if ":" in blanked:
        blanked = _PREFIXED.sub(" ", blanked)
    return _WORD.findall(blanked.upper())


def query_form(text: str) -> str:
    """``SELECT``, ``ASK``, ``CONSTRUCT`` or ``DESCRIBE``: the first query-form keyword."""
    return _form(lexical_keywords(text))


def _form(words: list[str]) -> str:
    return next((word for word in words if word in _FORMS), "SELECT")


def check_query(text: str, *, nesting_limit: int | None = None) -> str:
    """:func:`check_read_only` and :func:`check_nesting` in one lexical pass; the query form.

    What the endpoint runs on every query in the server process, before any worker: so it must
    stay linear in the length of the text (benchmarks/endpoint.py times it).

    >>> check_query("ask {}")
    'ASK'
    """
    blanked = _blank_opaque(_decode_escapes(text))
    words = _words(blanked)
    _refuse_forbidden(words)
    limit = MAX_NESTING if nesting_limit is None else nesting_limit
    depth = _depth(blanked, stop_above=limit)
    if depth > limit:
        raise QueryError(
            f"The query is nested at least {depth} levels deep (brackets and chained ! or ^ operators); the limit is "
            f"{limit} (查询嵌套过深，上限 {limit} 层). Flatten it, for example with VALUES or separate patterns."
        )
    return _form(words)


def check_read_only(text: str) -> None:
    """Refuse updates, SERVICE and FROM / FROM NAMED; nothing is parsed or run before this.

    >>> check_read_only("SELECT * WHERE { ?s ?p ?o }")
    >>> check_read_only("select * where { service <http://127.0.0.1:1/> { ?s ?p ?o } }")
    Traceback (most recent call last):
    ...
    harbin_kg.errors.ForbiddenQuery: The query uses SERVICE, which harbin-kg never runs: it would send requests to another server (查询含 SERVICE，会访问外部服务器，已拒绝).
    """
    _refuse_forbidden(lexical_keywords(text))


def _refuse_forbidden(words: list[str]) -> None:
    found = set(words)
    if "SERVICE" in found:
        raise ForbiddenQuery(
            "The query uses SERVICE, which harbin-kg never runs: it would send requests to another "
            "server (查询含 SERVICE，会访问外部服务器，已拒绝)."
        )
    if "FROM" in found:
        which = "FROM NAMED" if any(a == "FROM" and b == "NAMED" for a, b in zip(words, words[1:])) else "FROM"
        raise ForbiddenQuery(
            f"The query uses {which}, which harbin-kg does not allow: it could fetch a URL or read a "
            f"local file. Remove the {which} line; queries always run against the loaded graph "
            f"(不允许 {which}，查询只针对已加载的图)."
        )
    updates = [w for w in UPDATE_KEYWORDS if w in found]
    if updates:
        raise ForbiddenQuery(
            f"The query contains {updates[0]}, an update: harbin-kg only reads the graph "
            f"(只读：不允许 INSERT、DELETE、LOAD、CLEAR、DROP 等更新操作). Use SELECT, ASK, CONSTRUCT or DESCRIBE."
        )


_OX_POSITION = re.compile(r"error at (\d+):(\d+): ?")


def _short_expected(detail: str) -> str:
    detail = detail.replace("\n", " ")
    if "Prefix not found" in detail:
        return "a prefix that is not declared (未声明的前缀); add a PREFIX line or use one of the predeclared prefixes"
    if detail.startswith("expected one of "):
        options = [o.strip().strip('"') for o in detail[len("expected one of "):].split(",")]
        options = [o for o in options if re.fullmatch(r"[A-Za-z_]{2,}", o)]
        if len(options) > 8:
            options = options[:8] + ["…"]
        return ("expected one of " + ", ".join(options)) if options else "unexpected text here"
    return detail


def syntax_error(text: str, error: Exception, *, first_line: int = 1) -> QueryError:
    """A QueryError for a query pyoxigraph could not parse, with line and column.

    The position is where parsing stopped: pyoxigraph's own position often points at the end of
    the query (its parser looks ahead), so when rdflib's parser also rejects the text, its
    position (the first token that fits no rule) is used instead. Lines count from 1 in the
    text the user wrote (``first_line`` shifts them when a header was added); columns from 1.
    """
    message = str(error)
    match = _OX_POSITION.match(message)
    detail = _short_expected(message[match.end():] if match else message)
    line, column = (int(match.group(1)), int(match.group(2))) if match else (1, 1)
    from pyparsing import ParseBaseException  # rdflib's SPARQL parser is pyparsing (loaded on use)

    try:
        from rdflib.plugins.sparql.parser import parseQuery

        parseQuery(text)
    except Exception as rdflib_error:  # pyparsing's ParseException, or anything else it raises
        if isinstance(rdflib_error, ParseBaseException) and rdflib_error.lineno and rdflib_error.col:
            line, column = rdflib_error.lineno, rdflib_error.col
    return located_error(text, line + first_line - 1, column, detail)


def located_error(text: str, line: int, column: int, detail: str) -> QueryError:
    """``SPARQL syntax error at line L, column C: …`` with the line and a caret under the column."""
    lines = text.splitlines() or [""]
    shown = lines[min(max(line, 1), len(lines)) - 1]
    line_out = line
    return QueryError(
        f"SPARQL syntax error at line {line_out}, column {column} (语法错误，第{line_out}行第{column}列): {detail}.\n"
        f"  {shown}\n  {' ' * (max(column, 1) - 1)}^"
    )


def check_rdflib_algebra(text: str, prefixes: dict[str, str]):
    """rdflib's prepared query, refused if its algebra holds SERVICE or a dataset clause."""
    from rdflib.plugins.sparql import prepareQuery
    from rdflib.plugins.sparql.parserutils import CompValue
    from pyparsing import ParseBaseException

    try:
        prepared = prepareQuery(text, initNs=prefixes)
    except Exception as error:  # pyparsing ParseException and rdflib's own errors
        if isinstance(error, ParseBaseException) and error.lineno and error.col:
            found = error.msg or "unexpected text here"
            raise located_error(text, error.lineno, error.col, f"rdflib: {found}") from None
        raise QueryError(f"rdflib could not parse the query: {error}") from None

    def names(node, acc: set) -> set:
        if isinstance(node, CompValue):
            acc.add(node.name)
            for value in node.values():
                names(value, acc)
        elif isinstance(node, (list, tuple)):
            for value in node:
                names(value, acc)
        return acc

    if "ServiceGraphPattern" in names(prepared.algebra, set()):
        raise ForbiddenQuery("The query uses SERVICE, which harbin-kg never runs.")
    if prepared.algebra.get("datasetClause"):
        raise ForbiddenQuery("The query uses FROM or FROM NAMED, which harbin-kg does not allow.")
    return prepared



MAX_NESTING = 100
_NOT_BRACKET = re.compile(r"[^{}()\[\]]+")
_STEP = {"{": 1, "(": 1, "[": 1, "}": -1, ")": -1, "]": -1}
_UNARY_RUN = re.compile(r"[!^][!^\s]*")


def nesting_depth(text: str) -> int:
    """How deeply the query nests: the deepest ``{ ( [`` outside strings, IRIs and comments, plus
    the longest run of the prefix operators ``!`` and ``^``, which nest too.

    pyoxigraph's parser recurses once per level and crashed its process on 10,000 chained ``!``
    (issue 13); nested collections ``((( … )))`` take time cubic in the depth (27 s at 200).
    A bound checked before parsing gives a clear 400 instead.

    >>> nesting_depth('SELECT * { FILTER("{{{{" && !(!?x)) }')
    4
    """
    return _depth(_blank_opaque(_decode_escapes(text)))


def _depth(blanked: str, stop_above: int | None = None) -> int:
    # whitespace inside a run counts too: an upper bound. The `in` tests skip passes that cannot match.
    longest = max(map(len, _UNARY_RUN.findall(blanked)), default=0) if "!" in blanked or "^" in blanked else 0
    brackets = _NOT_BRACKET.sub("", blanked) if "(" in blanked or "{" in blanked or "[" in blanked else ""
    depth = deepest = 0
    for start in range(0, len(brackets), 4096):  # in chunks, to stop early on 30,000 nested (
        levels = list(accumulate(map(_STEP.__getitem__, brackets[start:start + 4096]), initial=depth))
        deepest, depth = max(deepest, max(levels)), levels[-1]
        if stop_above is not None and deepest + longest > stop_above:
            break
    return deepest + longest


def check_nesting(text: str, limit: int = MAX_NESTING) -> None:
    """Refuse (QueryError) a query nested deeper than ``limit`` (:func:`nesting_depth`)."""
    check_query(text, nesting_limit=limit)
