"""The ``harbin-kg`` command line: thin click commands over the library; the only code that prints.

Each family of commands lives in its own module and registers itself on :data:`cli` below.
Exit codes (docs/cli-errors.md): 0 success; 1 an error the message explains; 2 a usage error
(bad option, unknown command, unparsable query); 3 out of memory; 4 the engine or a parser
crashed; 130 interrupted (Ctrl-C). ``validate`` follows pySHACL: 0 conforms, 1 does not
conform, 2 could not validate.
"""

from collections.abc import MutableMapping
from importlib import import_module
from pathlib import Path

import click

from .. import __version__
from ..errors import EngineCrash, HarbinKGError, OutOfMemory, QueryError, UnknownEntity

CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


class UsageExit(click.ClickException):
    """An error that exits with status 2 (bad query, invalid choice), like click's UsageError."""

    exit_code = 2


class ExitWith(click.ClickException):
    """``Error: …`` on stderr with a chosen exit status (the table in docs/cli-errors.md); click
    declares ``exit_code`` per class, so each status is a subclass."""


class OutOfMemoryExit(ExitWith):
    exit_code = 3


class CrashExit(ExitWith):
    exit_code = 4


class InterruptedExit(ExitWith):
    exit_code = 130  # 128 + SIGINT, as shells report a Ctrl-C


EXIT_OUT_OF_MEMORY = OutOfMemoryExit.exit_code
EXIT_CRASH = CrashExit.exit_code
EXIT_INTERRUPTED = InterruptedExit.exit_code


def _is_engine_panic(error: BaseException) -> bool:
    # pyoxigraph (Rust, via PyO3) turns a panic into pyo3_runtime.PanicException, a BaseException.
    return type(error).__name__ == "PanicException"


# ---- lazy commands (issue 17: start-up) -------------------------------------------------------
#: Each command → the module under harbin_kg/cli/ that defines it, and the summary ``--help``
#: lists (the first line of its docstring; tests/test_startup.py keeps the two equal). A command
#: is imported when it runs, so ``harbin-kg query`` never loads networkx, numpy or pySHACL and
#: ``harbin-kg --help`` loads neither rdflib nor pyoxigraph. A new command adds its line here.
COMMANDS = {
    "build": ("graph", "Build the knowledge graph from the curated data and the ontology."),
    "centrality": ("analysis", "Rank organisations by a centrality measure (中心性排名), with zh/en names."),
    "communities": ("analysis", "Groups of organisations that work together (Louvain 社群), with their stability."),
    "export": ("analysis", "Write a projection with scores and communities for Gephi, Cytoscape or a spreadsheet."),
    "map": ("maps", "Draw an interactive relationship map as one offline HTML file."),
    "pathways": ("analysis", "Every route between two education stages (立交桥), hop by hop, each hop citing its source."),
    "propose": ("propose", "Draft the facts of TEXT (UTF-8) for a curator: names, figures, dates and ties."),
    "publish": ("scale", "Load GRAPH into a SPARQL 1.1 store, one named graph per layer, counts verified."),
    "query": ("query", "Ask the graph a read-only SPARQL question; print the answer."),
    "serve": ("serve", "Serve GRAPH as a read-only SPARQL 1.1 endpoint, with a query page and entity pages."),
    "site": ("serve", "Write the entity pages of GRAPH as a static website that needs no server."),
    "stats": ("graph", "Count what GRAPH holds: entities per class, facts per kind, sources by type and by year, "
                       "organisations, named ties with both parties, dated figures, quotes."),
    "synth": ("scale", "Generate a synthetic VET ecosystem that follows the ontology and passes the shapes."),
    "validate": ("graph", "Validate GRAPH against the SHACL shapes; print a bilingual report."),
}


class StartupInterrupted(KeyboardInterrupt):
    """Ctrl-C while a command's modules (rdflib, pyoxigraph …) were still loading."""


class LazyCommands(MutableMapping):
    """``cli.commands``: every command by name; a command's module is imported when it is looked up."""

    def __init__(self) -> None:
        self._loaded: dict = {}

    def _load(self, name):
        if name not in self._loaded and name in COMMANDS:
            try:
                import_module(f"{__name__}.{COMMANDS[name][0]}")  # its @cli.command registers it
            except KeyboardInterrupt as error:
                raise StartupInterrupted() from error

    def __getitem__(self, name):
        self._load(name)
        return self._loaded[name]

    def __setitem__(self, name, command):
        self._loaded[name] = command

    def __delitem__(self, name):
        del self._loaded[name]

    def __contains__(self, name):
        return name in self._loaded or name in COMMANDS

    def __iter__(self):
        return iter(sorted(set(self._loaded) | set(COMMANDS)))

    def __len__(self):
        return len(set(self._loaded) | set(COMMANDS))

    def loaded(self, name):
        """The command if its module is already imported, else None (imports nothing)."""
        return self._loaded.get(name)


class Group(click.Group):
    """Turns the library's errors into ``Error: …`` on stderr, in one place; loads commands lazily."""

    def format_commands(self, ctx, formatter):
        # click's own listing, except that a command not yet imported shows its summary from
        # COMMANDS instead of being imported just to print one line.
        rows = []
        for name in self.list_commands(ctx):
            command = self.commands.loaded(name) or click.Command(name, help=COMMANDS[name][1])
            if not command.hidden:
                rows.append((name, command))
        if rows:
            limit = formatter.width - 6 - max(len(name) for name, _ in rows)
            with formatter.section("Commands"):
                formatter.write_dl([(name, command.get_short_help_str(limit)) for name, command in rows])

    def resolve_command(self, ctx, args):
        # Old option names keep working, with a note (harbin_kg/cli/vocabulary.py).
        from .vocabulary import rename_options

        name, command, rest = super().resolve_command(ctx, args)
        return name, command, rename_options(name or "", rest, lambda message: click.echo(message, err=True))

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except (QueryError, UnknownEntity) as error:
            raise UsageExit(str(error)) from error
        except OutOfMemory as error:
            raise OutOfMemoryExit(str(error)) from error
        except EngineCrash as error:
            raise CrashExit(str(error)) from error
        except HarbinKGError as error:
            raise click.ClickException(str(error)) from error
        except MemoryError as error:
            raise OutOfMemoryExit("Out of memory (内存不足): the graph or the query needs more memory than this "
                           "process may use. Narrow the query (LIMIT, fewer unconnected patterns) or use a "
                           "machine with more memory.") from error
        except StartupInterrupted as error:
            raise InterruptedExit("interrupted during start-up (启动时被中断); nothing was done.") from error
        except KeyboardInterrupt as error:
            raise InterruptedExit("interrupted (已中断). Files are written atomically: each output is the "
                           "previous one or the new one, never half of one.") from error
        except OSError as error:
            # The operating system refused a file operation we did not foresee (a read-only file
            # system, a folder that cannot be written): one line naming the file, not a traceback.
            if error.filename is None:
                raise
            raise click.ClickException(f"{error.filename}: {error.strerror or error} (文件操作失败). Check that "
                                       "the path exists and can be written, or choose another.") from error
        except BaseException as error:
            if _is_engine_panic(error):
                raise CrashExit(f"The SPARQL engine or RDF parser crashed (引擎崩溃): {error}. This is a bug "
                               "in the engine, not in your input's wording; run again with --engine rdflib, "
                               "and please report the input that did it.") from error
            raise


@click.group(cls=Group, context_settings=CONTEXT_SETTINGS, commands=LazyCommands())
@click.version_option(__version__, prog_name="harbin-kg")
@click.option("-v", "--verbose", count=True, help="More messages on stderr (-vv for debug).")
def cli(verbose: int) -> None:
    """harbin-kg: the knowledge graph of Harbin's vocational-education reform.

    哈尔滨职业教育改革知识图谱：构建、验证、查询、分析与绘制。

    Every command that reads a graph takes it as an optional first argument; without it
    the bundled graph (built from data/ on first use) is used.

    \b
        harbin-kg build && harbin-kg validate && harbin-kg stats
        harbin-kg query partners-of --param org=省教育厅
    """
    import logging  # here, not at the top: --help should not pay for it

    level = logging.WARNING - 10 * min(verbose, 2)
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")


def resolve_graph_path(graph: Path | None) -> Path:
    """The user's graph file, or the bundled graph (built on demand, progress on stderr)."""
    if graph is not None:
        return graph
    from ..graph.outputs import default_graph_path

    return default_graph_path(progress=lambda msg: click.echo(msg, err=True))


graph_argument = click.argument(
    "graph", required=False, type=click.Path(dir_okay=False, path_type=Path)
)


endpoint_option = click.option(
    "--endpoint", metavar="URL", default=None,
    help="Query a SPARQL endpoint instead of a graph file, e.g. http://127.0.0.1:7878/query "
         "(Oxigraph) after `harbin-kg publish`. GRAPH must then be omitted.")


def open_source(graph: Path | None, endpoint: str | None, timeout: float | None = 30.0):
    """A local graph path (the bundled graph by default) or a remote EndpointStore."""
    if endpoint:
        if graph is not None:
            raise click.UsageError("Give either GRAPH or --endpoint, not both.")
        from ..graph.remote import EndpointStore

        return EndpointStore(endpoint, timeout=timeout or 30.0)
    return resolve_graph_path(graph)


def names_graph(source):
    """An rdflib Graph to resolve names against: the whole file, or the labels of an endpoint."""
    from ..graph.store import load_rdflib

    if isinstance(source, (str, Path)):
        return load_rdflib(Path(source))
    import pyoxigraph as ox
    from rdflib import Graph
    from rdflib.namespace import SKOS

    from ..graph.store import to_rdflib_term

    names = Graph()
    for prop in (SKOS.prefLabel, SKOS.altLabel):
        for quad in source.quads_for_pattern(None, ox.NamedNode(str(prop)), None):
            names.add((to_rdflib_term(quad.subject), prop, to_rdflib_term(quad.object)))
    return names


def echo_err(message: str) -> None:
    click.echo(message, err=True)


# Each module adds its commands to ``cli`` when imported: on first use, through COMMANDS above.
