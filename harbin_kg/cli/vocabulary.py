"""One vocabulary for every command: shared defaults, measure names, and the old option names.

* ``--seed`` defaults to :data:`DEFAULT_SEED` and ``--timeout`` to :data:`DEFAULT_TIMEOUT` in
  every command that has them.
* Measures are spelled as in the tables, JSON and Python (``weighted_degree``); the hyphenated
  spelling (``weighted-degree``) is accepted everywhere too (:class:`MeasureChoice`).
* Renamed options keep working for a while, with a note on stderr (:data:`RENAMED`): the same
  network is ``--projection`` (``-P``) in every command (``map`` called it ``--layer``), and
  ``-p`` is ``--param`` only (``serve`` used it for ``--port``).
* A file named with ``-o``/``--output``/``--save-rdf`` is never replaced without ``--force``.
  The folders harbin-kg manages as a whole (``build -o DIR`` with its ``.builds/``, a ``site``
  folder with its ``.harbin-kg-site`` marker) are replaced in one atomic step, no flag needed.
"""

from __future__ import annotations

import click

DEFAULT_SEED = 0
DEFAULT_TIMEOUT = 30.0

#: command → {old option: new option}; the old one is rewritten, with a note on stderr.
RENAMED = {
    "map": {"--layer": "--projection"},
    "serve": {"-p": "--port"},
}


def rename_options(command: str, args: list[str], warn) -> list[str]:
    """``args`` with the old option names of ``command`` replaced by the new ones."""
    renamed = RENAMED.get(command)
    if not renamed:
        return args
    out: list[str] = []
    for k, arg in enumerate(args):
        if arg == "--":
            return out + args[k:]
        name, eq, value = arg.partition("=")
        new = None
        if name in renamed:
            new = renamed[name] + (eq + value)
        else:  # a short option glued to its value: -p8080
            for old, replacement in renamed.items():
                if len(old) == 2 and arg.startswith(old) and len(arg) > 2 and not arg.startswith("--"):
                    new = f"{replacement}={arg[2:]}"
        if new is None:
            out.append(arg)
            continue
        old_name = name if name in renamed else arg[:2]
        warn(f"Note: {old_name} is the old name of {renamed[old_name]} in harbin-kg {command}; "
             f"use {renamed[old_name]} (the old name will be removed).")
        out.append(new)
    return out


class MeasureChoice(click.Choice):
    """A measure name: ``weighted_degree`` or ``weighted-degree`` (the first is the one shown)."""

    def convert(self, value, param, ctx):
        if isinstance(value, str):
            value = value.replace("-", "_")
        return super().convert(value, param, ctx)
