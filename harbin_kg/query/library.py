"""The bundled research queries (``harbin_kg/query/queries/*.rq``) and their header comments.

Each ``.rq`` file starts with comment lines ``# key: value`` that describe it; the first line
that is not such a comment ends the header. Keys:

``# title-zh:`` / ``# title-en:``
    a short title in Chinese and English (shown by ``harbin-kg query --list``);
``# description:``
    what the query answers and how to read the columns (may repeat; lines are joined);
``# param: NAME KIND[?] — description``
    a parameter, bound to the variable ``?NAME`` (which the query must SELECT). KIND is
    ``entity`` (an IRI, slug, Chinese or English label or alias, resolved against the graph:
    哈职院 works; ``entity:level`` only accepts things under the ``level:`` prefix, so 普通高中
    means the education level, not the school class), ``iri``, ``string``, ``integer``, ``decimal``
    or ``gYear``; a trailing ``?``
    makes it optional: left out, the variable stays free and the query lists every value;
``# example: NAME=VALUE …``
    parameters for a worked example (tests run every query with them).

A parameter is bound by the engine (pyoxigraph ``substitutions`` / rdflib ``initBindings``) to
a term built from the graph or parsed from the value: never pasted into the query text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from ..errors import QueryError, close_matches, did_you_mean

__all__ = ["PARAM_KINDS", "Param", "NamedQuery", "parse_header", "library", "named_query", "looks_like_name"]

PARAM_KINDS = ("entity", "iri", "string", "integer", "decimal", "gYear")
_HEADER = re.compile(r"^#\s*([a-z][a-z-]*):\s?(.*)$")
_PARAM = re.compile(r"^([A-Za-z_]\w*)\s+([A-Za-z]+)(?::([\w-]+))?(\?)?\s*(?:[—–-]+\s*(.*))?$")
_NAME = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


@dataclass(frozen=True)
class Param:
    """A declared query parameter: ``?name`` bound to a value of ``kind``."""

    name: str
    kind: str = "string"
    optional: bool = False
    description: str = ""
    within: str = ""  # entity:PREFIX: only entities under that prefix (entity:level → education levels)


@dataclass(frozen=True)
class NamedQuery:
    """One bundled query with the metadata from its header."""

    name: str
    text: str
    title_zh: str = ""
    title_en: str = ""
    description: str = ""
    params: tuple[Param, ...] = ()
    example: tuple[tuple[str, str], ...] = ()

    def param(self, name: str) -> Param | None:
        return next((p for p in self.params if p.name == name), None)


def parse_header(text: str, *, where: str = "query") -> dict:
    """The header of a query text: ``{"title-zh": …, "description": …, "params": (Param, …), "example": …}``.

    >>> h = parse_header("# title-en: Partners\\n# param: org entity — who\\nSELECT ?org {}")
    >>> h["title-en"], h["params"]
    ('Partners', (Param(name='org', kind='entity', optional=False, description='who', within=''),))
    """
    found: dict = {"params": (), "example": ()}
    params: list[Param] = []
    description: list[str] = []
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        match = _HEADER.match(line)
        if not line.startswith("#"):
            break
        if not match:
            continue
        key, value = match.group(1), match.group(2).strip()
        if key == "param":
            spec = _PARAM.match(value)
            if not spec or spec.group(2) not in PARAM_KINDS:
                raise QueryError(
                    f"{where}: bad '# param:' line {value!r}; write '# param: NAME KIND — description' "
                    f"with KIND one of {', '.join(PARAM_KINDS)} (add ? for optional)."
                )
            params.append(Param(spec.group(1), spec.group(2), bool(spec.group(4)), (spec.group(5) or "").strip(),
                                spec.group(3) or ""))
        elif key == "description":
            description.append(value)
        elif key == "example":
            found["example"] = tuple(tuple(item.split("=", 1)) for item in value.split() if "=" in item)
        else:
            found[key] = value
    found["params"] = tuple(params)
    if description:
        found["description"] = " ".join(description)
    return found


def _from_text(name: str, text: str) -> NamedQuery:
    header = parse_header(text, where=f"{name}.rq")
    return NamedQuery(
        name=name, text=text, title_zh=header.get("title-zh", ""), title_en=header.get("title-en", ""),
        description=header.get("description", ""), params=header["params"], example=header["example"],
    )


@lru_cache(maxsize=1)
def library() -> dict[str, NamedQuery]:
    """Every bundled query by name (the file name without ``.rq``), sorted by name."""
    folder = resources.files("harbin_kg.query") / "queries"
    found = {}
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".rq"):
            name = entry.name[:-3]
            found[name] = _from_text(name, entry.read_text(encoding="utf-8"))
    return found


def looks_like_name(text: str) -> bool:
    """True for ``partners-of``-style words (a bundled query's name), False for SPARQL text."""
    return bool(_NAME.match(text.strip()))


def named_query(name: str) -> NamedQuery:
    """The bundled query ``name``, or a QueryError suggesting close names."""
    queries = library()
    if name in queries:
        return queries[name]
    hint = did_you_mean(close_matches(name, queries, n=4, cutoff=0.5, contained=4))
    raise QueryError(
        f'There is no bundled query called "{name}" (没有这个预置查询).{hint} '
        f"Run `harbin-kg query --list` to see all {len(queries)}."
    )
