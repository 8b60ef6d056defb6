"""Exceptions raised by harbin_kg; ``str(e)`` is always a complete sentence for a person.

Only :mod:`harbin_kg.cli` turns them into exit codes; the library never prints or exits.
"""

import difflib
from collections.abc import Iterable

__all__ = [
    "close_matches",
    "did_you_mean",
    "HarbinKGError",
    "DataError",
    "QueryError",
    "ForbiddenQuery",
    "QueryTimeout",
    "UnknownEntity",
    "OutputError",
    "OutOfMemory",
    "EngineCrash",
]


class HarbinKGError(Exception):
    """Base class of every error harbin_kg raises on purpose."""


class DataError(HarbinKGError):
    """Curated data, a source or a graph file is wrong; the message names file and line."""


class QueryError(HarbinKGError):
    """A SPARQL query cannot be parsed or run; the message gives line and column."""


class ForbiddenQuery(QueryError):
    """A query asks for something we never do: updates, SERVICE, FROM, LOAD."""


class QueryTimeout(QueryError):
    """A query ran longer than its time limit and was stopped."""


class OutputError(HarbinKGError):
    """An output file cannot be written (missing folder, read-only, exists without --force)."""


class UnknownEntity(HarbinKGError):
    """A name matched no entity; ``suggestions`` holds close matches as (label, IRI) pairs."""

    def __init__(self, name: str, suggestions=()):
        self.name = name
        self.suggestions = list(suggestions)
        message = f'No entity is called "{name}" (没有名为“{name}”的实体).'
        if self.suggestions:
            shown = "; ".join(f"{label} <{iri}>" for label, iri in self.suggestions)
            message += f" Did you mean: {shown}?"
        else:
            message += " Try an IRI, a slug such as org/harbin-university, or a Chinese or English label."
        super().__init__(message)


class OutOfMemory(HarbinKGError):
    """A query or a parse needed more memory than it may use (exit status 3 on the command line)."""


class EngineCrash(HarbinKGError):
    """The SPARQL engine or an RDF parser died (a crash in compiled code, not an error in the input
    we could name); exit status 4 on the command line. Worth reporting with the input that did it."""


def close_matches(word: str, choices: Iterable[str], *, n: int = 5, cutoff: float = 0.5,
                  contained: int | None = 0) -> list[str]:
    """Choices close to ``word``, for a "did you mean" hint: difflib's best ``n``, then up to
    ``contained`` (None: all) choices that hold ``word`` or are held in it, since Chinese names
    are short and an abbreviation is often part of the full name (职教中心 in 呼兰区职教中心).

    >>> close_matches("partners", ["partners-of", "partners-over-time", "routes"], n=1, contained=None)
    ['partners-of', 'partners-over-time']
    """
    choices = list(choices)
    found = difflib.get_close_matches(word, choices, n=n, cutoff=cutoff)
    held = [c for c in choices if word and (word in c or c in word) and c not in found]
    return found + (held if contained is None else held[:contained])


def did_you_mean(close: Iterable[str]) -> str:
    """`` Did you mean: a, b?`` (with its leading space), or nothing when there is nothing close."""
    close = list(close)
    return f" Did you mean: {', '.join(close)}?" if close else ""
