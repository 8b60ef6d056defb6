"""``harbin-kg query``: read-only SPARQL from the terminal, with a library of research questions."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from . import UsageExit, cli, echo_err, endpoint_option, open_source
from ..errors import DataError, QueryTimeout
from .vocabulary import DEFAULT_TIMEOUT

_GRAPH_SUFFIXES = (".ttl", ".nt")


def _split_arguments(arguments: tuple[str, ...], listing: bool) -> tuple[Path | None, str | None]:
    """GRAPH and QUERY from the positional arguments.

    Two arguments: GRAPH then QUERY. One argument: QUERY, unless it names an existing .ttl/.nt
    file, which is then a GRAPH still waiting for its QUERY.
    """
    if len(arguments) > 2:
        raise click.UsageError("Give at most two arguments: [GRAPH] QUERY (quote inline SPARQL).")
    if len(arguments) == 2:
        return Path(arguments[0]), arguments[1]
    if len(arguments) == 1:
        only = arguments[0]
        if only.lower().endswith(_GRAPH_SUFFIXES) and Path(only).is_file():
            if listing:
                return Path(only), None
            raise click.UsageError(f"{only} is a graph file; give a QUERY after it (a name, @file.rq, - or SPARQL text).")
        return None, only
    if listing:
        return None, None
    raise click.UsageError("Give a QUERY: a bundled query name (see --list), @file.rq, - for stdin, or SPARQL text.")


def _utf8_text(text: str, where: str) -> str:
    """``text`` from argv, refused if it held bytes that are not UTF-8 (Python keeps them as
    lone surrogates, which fail only later, deep inside an engine)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as error:
        bad = text[error.start:error.end].encode("utf-8", "surrogateescape")
        raise UsageExit(f"{where} is not valid UTF-8 (byte {bad[:4].hex(' ')} at character {error.start + 1}); "
                               "type or save it as UTF-8 (不是有效的 UTF-8 文本).") from None
    return text


def _read_stdin() -> str:
    stream = getattr(sys.stdin, "buffer", None)
    raw = stream.read() if stream is not None else sys.stdin.read()
    if isinstance(raw, str):
        return _utf8_text(raw, "The query on stdin")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise UsageExit(f"The query on stdin is not valid UTF-8 (byte {raw[error.start:error.start + 1].hex()} "
                               f"at offset {error.start}); save it as UTF-8 (不是有效的 UTF-8 文本).") from None


def _query_text(query: str) -> str:
    if query == "-":
        return _read_stdin()
    query = _utf8_text(query, "The query text")
    if query.startswith("@"):
        path = Path(query[1:])
        if not path.is_file():
            raise DataError(f"{path}: no such query file (找不到查询文件).")
        try:
            return path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            raise DataError(f"{path}: is not UTF-8 text; save the query as UTF-8.") from None
    return query


def _params(pairs: tuple[str, ...]) -> dict[str, str]:
    params = {}
    for pair in pairs:
        name, sep, value = _utf8_text(pair, "--param").partition("=")
        if not sep or not name.strip():
            raise click.BadParameter(f'"{pair}" is not NAME=VALUE (e.g. org=哈职院).', param_hint="--param")
        params[name.strip().lstrip("?$")] = value
    return params


def _list_queries() -> None:
    from ..query.library import library
    from ..query.tables import render_table

    rows = []
    for name, query in library().items():
        params = " ".join(f"{p.name}{'?' if p.optional else ''}" for p in query.params)
        rows.append((name, query.title_zh, query.title_en, params))
    click.echo(render_table(["name", "标题", "title", "params (? = optional)"], rows))
    echo_err(f"{len(rows)} bundled queries. Run one: harbin-kg query NAME [-p NAME=VALUE].")


@cli.command("query")
@click.argument("arguments", nargs=-1, metavar="[GRAPH] QUERY")
@click.option("--list", "listing", is_flag=True, help="List the bundled research queries with their zh/en titles.")
@click.option("-p", "--param", "params", multiple=True, metavar="NAME=VALUE",
              help="Bind ?NAME (repeatable). Entities by IRI, slug, Chinese/English name or alias (哈职院).")
@click.option("-f", "--format", "fmt", type=click.Choice(["table", "csv", "tsv", "json", "markdown", "turtle", "ntriples", "jsonld"]),
              default=None, help="Output format [default: table; turtle for CONSTRUCT/DESCRIBE].")
@click.option("--engine", type=click.Choice(["oxigraph", "rdflib"]), default="oxigraph", show_default=True,
              help="SPARQL engine: embedded pyoxigraph (fast) or rdflib's own.")
@click.option("--timeout", type=click.FloatRange(min=0), default=DEFAULT_TIMEOUT, show_default=True,
              help="Stop the query after SECONDS (0 = no limit).")
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True,
              help="Language of the labels shown for IRIs (falls back zh → en → local name).")
@click.option("--limit", type=click.IntRange(min=1), default=10_000, show_default=True,
              help="Keep at most this many rows; a note on stderr says when more existed.")
@click.option("--no-labels", is_flag=True, help="CSV/TSV: leave out the NAME_label columns.")
@click.option("--clear-store-cache", "clear_stores", is_flag=True,
              help="Delete the on-disk stores kept for the bundled graph and large files (written "
                   "again on next use), then exit; see docs/startup.md.")
@endpoint_option
def query_command(arguments, listing, params, fmt, engine, timeout, lang, limit, no_labels, endpoint, clear_stores):
    """Ask the graph a read-only SPARQL question; print the answer.

    QUERY is the name of a bundled query (see --list), @FILE.rq, - (read stdin) or SPARQL
    text. GRAPH is optional: a first argument is taken as GRAPH only when two are given
    (or when it is an existing .ttl/.nt file); without it the bundled graph is used.
    The ontology's and W3C prefixes (hv: org: skos: dcterms: …) are predeclared.

    \b
        harbin-kg query partners-of -p org=省教育厅
        harbin-kg query agreements --format csv > agreements.csv
        harbin-kg query build/harbin.ttl 'SELECT ?s ?l { ?s a hv:Agreement ; skos:prefLabel ?l }'
        harbin-kg query --list
        harbin-kg query agreements --endpoint http://127.0.0.1:7878/query
        harbin-kg query --clear-store-cache

    \b
    The bundled graph and files of 8 MB or more are kept as an on-disk store keyed by the
    file's content (build/cache/stores or ~/.cache/harbin-kg/stores): the first query on a file
    writes it, later ones open it in milliseconds (docs/startup.md).

    \b
    Formats: table and markdown show labels instead of IRIs; csv (UTF-8 with BOM, for
    spreadsheets) and tsv keep IRIs and add NAME_label columns; json is the SPARQL 1.1
    results format; turtle, ntriples and jsonld are for CONSTRUCT/DESCRIBE. In csv and tsv,
    a cell starting with = + - @ (not a number) gets a leading ' so spreadsheets do not run
    it as a formula. Data goes to stdout, messages to stderr.

    \b
    Refused before anything runs: updates (INSERT, DELETE, LOAD, CLEAR, DROP …), SERVICE,
    FROM and FROM NAMED. Exit codes: 0 ok; 1 error (missing graph, timeout);
    2 bad query, unknown entity or parameter.
    """
    from ..query.formats import render
    from ..query.run import run_query

    if clear_stores:
        from ..graph.diskstore import cache_root, clear_cache

        removed = clear_cache()
        echo_err(f"removed {len(removed)} cached store file(s) and folder(s) from {cache_root()}")
        return
    graph, query = _split_arguments(arguments, listing)
    if listing:
        _list_queries()
        return
    text = _query_text(query)
    source = open_source(graph, endpoint, timeout)
    try:
        result = run_query(source, text, _params(params), engine=engine, timeout=timeout or None, limit=limit)
    except QueryTimeout as error:
        raise click.ClickException(str(error)) from error  # exit 1: the query was fine, time ran out
    output = render(result, fmt, lang=lang, labels=not no_labels)
    click.echo(output, nl=False)
    if result.kind == "ask":
        return
    noun = "triples" if result.kind == "graph" else "rows"
    echo_err(f"{len(result)} {noun}" + (f" (cut at --limit {limit}; more exist)" if result.truncated else ""))
