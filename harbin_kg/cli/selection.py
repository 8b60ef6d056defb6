"""The selection options every network command shares, and the one function that applies them.

``--projection``/``-P``, ``--include-inferred``, ``--kind``, ``--year``, ``--scope`` and
``--min-reliability`` mean the same in ``map`` as in ``centrality`` and ``export``.
:func:`selection_options` adds them to a command; :func:`select` turns them into a graph.
Where the projection itself takes ``scope``/``min_reliability`` they are handed to it;
otherwise :mod:`harbin_kg.web.maps.selection` filters the projected graph.
"""

from __future__ import annotations

import inspect
from typing import Any

import click

from ..errors import HarbinKGError
from ..analysis.network import PROJECTIONS, RELATION_KINDS, STATED, STATUSES

__all__ = ["selection_options", "select", "describe"]

SCOPE_CHOICES = ["all", "harbin"]
RELIABILITY_CHOICES = ["low", "medium", "high"]


def selection_options(*, default_projection: str = "partnership", aliases: tuple[str, ...] = ()):
    """Decorator adding the shared selection options (``aliases``: extra names for --projection)."""
    options = [
        click.option("--projection", "-P", *aliases, "projection", type=click.Choice(list(PROJECTIONS)),
                     default=default_projection, show_default=True, help="Which network (named projection)."),
        click.option("--include-inferred", is_flag=True,
                     help="Also take facts inferred from context or photo captions (default: stated facts only)."),
        click.option("--kind", "kinds", multiple=True, type=click.Choice(list(RELATION_KINDS)),
                     help="Only these relation kinds (repeatable)."),
        click.option("--year", "years", multiple=True, type=int,
                     help="Only facts (agreements, consortia, initiatives, pilots …) dated in these years "
                          "(repeatable; undated facts drop out)."),
        click.option("--scope", type=click.Choice(SCOPE_CHOICES), default="all", show_default=True,
                     help="harbin: only organisations of the Harbin ecosystem (hv:inHarbinEcosystem)."),
        click.option("--min-reliability", type=click.Choice(RELIABILITY_CHOICES), default=None,
                     help="Only facts with evidence at least this reliable (a shipped-text quote always is)."),
    ]

    def decorate(func):
        for option in reversed(options):
            func = option(func)
        return func

    return decorate


def select(source, projection: str, *, include_inferred: bool = False, kinds=(), years=(),
           scope: str = "all", min_reliability: str | None = None, evidence: bool = True):
    """The projected graph with every selection filter applied (empty graphs are the caller's call).

    ``evidence=False``: partnership ties come without ``facts``; the caller attaches them to what
    it shows (:func:`harbin_kg.analysis.network.attach_evidence`)."""
    from ..analysis import network
    from ..web.maps.selection import filter_reliability, filter_scope

    statuses = STATUSES if include_inferred else (STATED,)
    shape = PROJECTIONS[projection].shape
    kw: dict[str, Any] = {"statuses": statuses}
    if kinds and shape in ("two-mode", "one-mode", "ecosystem"):
        kw["kinds"] = tuple(kinds)
    elif kinds:
        raise HarbinKGError(f"--kind applies to the two-mode, partnership, membership and ecosystem "
                            f"projections, not to {projection}.")
    if years:
        kw["years"] = tuple(years)
    if not evidence:
        kw["evidence"] = False
    params = inspect.signature(network.project).parameters
    native: dict[str, Any] = {k: v for k, v in (("scope", scope), ("min_reliability", min_reliability)) if k in params}
    G = network.project(source, projection, **kw, **{k: v for k, v in native.items() if v not in (None, "all")})
    # The projection's own scope keeps the ties among Harbin's organisations; filter_scope then
    # drops every other organisation node that a projection reaches without a tie (a parent body,
    # a governed place's body) and says what to do when the graph has no scope marks at all.
    G = filter_scope(G, source, scope)
    if "min_reliability" not in native:
        G = filter_reliability(G, source, min_reliability)
    G.graph.setdefault("selection", {"statuses": list(statuses), "kinds": list(kinds), "years": list(years),
                                     "scope": scope, "min_reliability": min_reliability})
    return G


def describe(projection: str, include_inferred: bool, kinds, years, scope: str, min_reliability) -> str:
    """One line naming the selection, for progress and empty-selection messages."""
    parts = [projection, "stated + inferred" if include_inferred else "stated only"]
    if kinds:
        parts.append("kinds " + ",".join(kinds))
    if years:
        parts.append("years " + ",".join(map(str, years)))
    if scope != "all":
        parts.append(f"scope {scope}")
    if min_reliability:
        parts.append(f"reliability ≥ {min_reliability}")
    return "; ".join(parts)
