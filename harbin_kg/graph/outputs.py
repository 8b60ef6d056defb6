"""The build's outputs: the files written as one set, and the bundled graph kept current in a cache.

``harbin-kg build`` writes Turtle, N-Triples and JSON-LD with a stamp of the data version;
every other command finds the bundled graph through :func:`default_graph_path`, which rebuilds
it (under a lock: one process builds, the others wait) when its inputs changed.
"""

from collections.abc import Callable
from pathlib import Path

from rdflib import Graph
from rdflib.namespace import DCTERMS

from ..errors import DataError
from ..writing import exclusive_lock, install_files
from ..namespaces import GRAPH_IRI
from .paths import Paths, cache_dir, data_version, project_paths
from .serialize import serialize
from .store import load_rdflib

__all__ = ["OUTPUTS", "STAMP", "write_outputs", "build_and_write", "default_graph_path", "load_graph"]


OUTPUTS = {"harbin.ttl": "turtle", "harbin.nt": "nt", "harbin.jsonld": "json-ld"}
STAMP = "harbin.version"  # the data version the outputs were built from: they are current for it


def write_outputs(graph: Graph, out_dir: Path, *, version: str | None = None) -> list[Path]:
    """Write the graph as Turtle, N-Triples and JSON-LD, with the data-version stamp, as one set.

    Every text is serialised first; then :func:`~harbin_kg.writing.install_files` makes the
    four files live together (a versioned folder and one atomic switch, under a lock), so an
    interrupted or concurrent build leaves the previous set whole, never a mix.
    ``version`` defaults to the one the graph records (``dcterms:hasVersion``).
    """
    if len(graph) == 0:
        raise DataError("Refusing to write an empty graph.")
    texts = {name: serialize(graph, fmt).encode("utf-8") for name, fmt in OUTPUTS.items()}
    version = version or str(graph.value(GRAPH_IRI, DCTERMS.hasVersion) or "unversioned")
    texts[STAMP] = (version + "\n").encode()
    written = install_files(out_dir, texts, label=version)
    return [path for path in written if path.name in OUTPUTS]


def build_and_write(out_dir: Path, paths: Paths | None = None, *, validate: bool = True,
                    progress: Callable[[str], None] | None = None):
    """Build, validate with the shapes, and only if the graph conforms, write it.

    Returns ``(written paths, validation report or None)``.
    """
    # Imported here, not at the top: every query finds the bundled graph through
    # default_graph_path, and only a stale one is rebuilt (the builder, its checks and the
    # sources' readers are a tenth of a bundled query's start).
    from .build import build_graph
    from .validate import validate_graph

    paths = paths or project_paths()
    say = progress or (lambda message: None)
    graph = build_graph(paths, progress=progress)
    report = None
    if validate:
        say(f"validating {len(graph)} triples against {paths.shapes}")
        # auto: the shapes compiled to SPARQL (pySHACL's rows, a fifteenth of its time on the
        # bundled graph), and pySHACL itself for a graph with an ill-typed literal.
        report = validate_graph(graph, paths=paths, engine="auto")
        if not report.conforms:
            raise DataError(
                "The built graph does not conform to the shapes; nothing was written.\n"
                + report.table(limit=20)
                + "\nFix the data (or run harbin-kg validate on a graph for the full report)."
            )
    say(f"writing {len(graph)} triples to {out_dir}")
    return write_outputs(graph, out_dir, version=data_version(paths)), report


def default_graph_path(progress: Callable[[str], None] | None = None) -> Path:
    """The bundled graph, (re)built when missing or older than its inputs.

    In a checkout it lives in ``build/``; an installed package keeps it in the user cache.
    A stamp file records the data version it was built from.
    """
    paths = project_paths()
    out_dir = cache_dir(paths)
    target = out_dir / "harbin.ttl"
    stamp = out_dir / STAMP
    version = data_version(paths)
    if target.exists() and stamp.exists() and stamp.read_text().strip() == version:
        return target
    out_dir.mkdir(parents=True, exist_ok=True)
    # Several processes (pytest workers, a notebook and a shell) may ask at once: one builds.
    with exclusive_lock(out_dir / ".build.lock"):
        if target.exists() and stamp.exists() and stamp.read_text().strip() == version:
            return target
        if progress:
            progress(f"building the bundled graph (data version {version}) …")
        build_and_write(out_dir, paths, progress=progress)  # writes the stamp with the outputs
    return target


def load_graph(path: Path) -> Graph:
    """Parse a built graph file strictly (pyoxigraph), as an rdflib Graph."""
    return load_rdflib(path)
