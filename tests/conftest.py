"""Shared fixtures: the real bundled graph (built once per run) and a CLI runner."""

import shutil
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

ROOT = Path(__file__).resolve().parent.parent

# Keep compiled modules between runs even where PYTHONDONTWRITEBYTECODE is set (it is on some
# machines and CI images): without them every pytest worker recompiles harbin_kg and re-does
# pytest's assertion rewriting of every test module (~15 s a run on a loaded 2-core machine),
# and every `harbin-kg` subprocess a test starts recompiles the package. The files go to the
# git-ignored __pycache__/ folders; nothing else changes.
sys.dont_write_bytecode = False


@pytest.fixture(scope="session")
def bundled_graph_path() -> Path:
    from harbin_kg.graph.outputs import default_graph_path

    return default_graph_path()


@pytest.fixture(scope="session")
def bundled_graph(bundled_graph_path):
    from harbin_kg.graph.store import load_rdflib

    return load_rdflib(bundled_graph_path)


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def project_copy(tmp_path) -> Path:
    """A private copy of data/ and ontology/ that a test may break."""
    for name in ("data", "ontology"):
        shutil.copytree(ROOT / name, tmp_path / name)
    return tmp_path


class Listener:
    """A loopback TCP listener that records every connection made to it (the egress witness)."""

    def __init__(self):
        import socket
        import threading

        self.hits: list[bytes] = []
        self._socket = socket.socket()
        self._socket.bind(("127.0.0.1", 0))
        self._socket.listen(8)
        self._socket.settimeout(0.2)
        self.port = self._socket.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self):
        while not self._stop.is_set():
            try:
                conn, _ = self._socket.accept()
                self.hits.append(conn.recv(2000))
                conn.close()
            except OSError:
                pass

    def close(self):
        self._stop.set()
        self._thread.join()
        self._socket.close()


@pytest.fixture
def listener():
    """A :class:`Listener` on a free loopback port; a test asserts ``listener.hits == []``."""
    witness = Listener()
    yield witness
    witness.close()


@pytest.fixture(scope="module")
def oxigraph_server(tmp_path_factory):
    """A real ``oxigraph serve`` on a free loopback port (its base URL), stopped after the module."""
    import socket
    import subprocess
    import sys
    import time

    from harbin_kg.graph.remote import EndpointStore, RemoteError

    binary = Path(sys.executable).parent / "oxigraph"
    if not binary.exists():
        pytest.skip(f"the oxigraph server binary is not installed at {binary} (pip install oxigraph)")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    location = tmp_path_factory.mktemp("oxigraph")
    process = subprocess.Popen([str(binary), "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                EndpointStore(base + "/query", timeout=2, default_graph=()).query("ASK { ?s ?p ?o }")
                break
            except RemoteError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("oxigraph serve did not start") from None
                time.sleep(0.1)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)


# --- issue 11 (h11-model): the made-up web-citation fixture -----------------------------------
WEB_FIXTURE = ROOT / "tests" / "data" / "web-fixture"


def make_web_project(root: Path) -> Path:
    """data/ and ontology/ under ``root`` with the seed and only the fixture's cited pages and facts.

    The real data/sources/web and data/facts/web are left out, so tests of the citation machinery
    do not depend on how far the curated web data has got.
    """
    for name in ("data", "ontology"):
        shutil.copytree(ROOT / name, root / name, ignore=shutil.ignore_patterns("web"))
    shutil.copytree(WEB_FIXTURE / "sources" / "web", root / "data" / "sources" / "web")
    shutil.copytree(WEB_FIXTURE / "facts" / "web", root / "data" / "facts" / "web")
    return root


@pytest.fixture
def web_project(tmp_path) -> Path:
    """A private copy of the seed plus the web fixture that a test may break."""
    return make_web_project(tmp_path)


@pytest.fixture(scope="session")
def web_graph_path(pytestconfig, tmp_path_factory) -> Path:
    """The built (and validated) graph of the seed plus the web fixture, built once per run."""
    return shared_build(pytestconfig, tmp_path_factory, "web-project", make_web_project)


@pytest.fixture(scope="session")
def web_graph(web_graph_path):
    from harbin_kg.graph.store import load_rdflib

    return load_rdflib(web_graph_path)


# --- the seed report alone ------------------------------------------------------------------------
@pytest.fixture(scope="session")
def seed_graph_path(pytestconfig, tmp_path_factory) -> Path:
    """The built graph of the seed report alone, without the cited web pages.

    Findings that the report supports by itself (its counts, its ranking) are asserted on this
    graph, so they stay true as pages are added to data/facts/web/.
    """
    return shared_build(pytestconfig, tmp_path_factory, "seed-project", make_seed_project)


def make_seed_project(root: Path) -> Path:
    """data/ and ontology/ under ``root`` with the seed report alone (no cited web pages)."""
    for name in ("data", "ontology"):
        shutil.copytree(ROOT / name, root / name, ignore=shutil.ignore_patterns("web"))
    return root


@pytest.fixture
def seed_project(tmp_path) -> Path:
    """A private copy of the seed report's data and the ontology that a test may break.

    For tests of the build's logic (a bad quote, a dangling reference, an atomic write): the
    seed alone exercises every check at a quarter of the real data's build time. The real data
    is built (and validated) whole by ``bundled_graph_path``, and checked by its own tests.
    """
    return make_seed_project(tmp_path)


# --- built graphs shared by the xdist workers and kept between runs -------------------------
# A build with SHACL validation takes seconds (minutes on a loaded machine); with `-n 2` each
# worker used to build each session graph itself. One worker builds it under a file lock into
# pytest's cache folder (.pytest_cache/d/harbin-kg-graphs, or the run's shared temp folder with
# -p no:cacheprovider); the others, and later runs, reuse it. The key covers every input that
# can change the bytes: the data and ontology, the test fixtures, harbin_kg's code and the
# versions of the libraries that parse, reason and validate. `pytest --cache-clear` drops it.
def _build_key(name: str) -> str:
    import hashlib
    from importlib.metadata import version

    from harbin_kg.graph.paths import data_version, project_paths

    digest = hashlib.sha256(f"{name}\n{data_version(project_paths())}\n".encode())
    for folder in (ROOT / "harbin_kg", ROOT / "tests" / "data", ROOT / "data", ROOT / "ontology"):
        for path in sorted(folder.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                digest.update(str(path.relative_to(ROOT)).encode() + b"\0" + path.read_bytes())
    for package in ("rdflib", "pyshacl", "pyoxigraph", "owlrl"):
        digest.update(f"{package} {version(package)}\n".encode())
    return digest.hexdigest()[:16]


def _shared_base(config, tmp_path_factory) -> Path:
    cache = getattr(config, "cache", None)
    return cache.mkdir("harbin-kg-graphs") if cache is not None else tmp_path_factory.getbasetemp().parent


def shared_file(config, tmp_path_factory, name: str, write, extra: bytes = b"") -> Path:
    """``write(path)`` run once into the shared cache (under a file lock, like :func:`shared_build`).

    For a result derived from the bundled graph that takes long to compute (the OWL-RL closure):
    the worker that asks first computes and writes it, the other worker and later runs read it.
    The key is the graphs' key (data, ontology, fixtures, harbin_kg's code, library versions)
    plus ``extra`` (the code that computes it, so a changed test recomputes).
    """
    import fcntl
    import hashlib

    base = _shared_base(config, tmp_path_factory)
    key = hashlib.sha256(_build_key(name).encode() + b"\0" + extra).hexdigest()[:16]
    path = base / f"{name}-{key}"
    with open(base / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # one worker computes; the other waits for it
        if not path.exists():
            for old in base.glob(f"{name}-*"):
                old.unlink()  # results for inputs that have changed since
            partial = path.with_name(path.name + ".partial")
            write(partial)
            partial.replace(path)  # whole or absent, even if the run is interrupted
    return path


def shared_build(config, tmp_path_factory, name: str, make_project) -> Path:
    """``make_project(root)`` built and validated once into a shared cache; its harbin.ttl."""
    import fcntl

    from harbin_kg.graph.outputs import build_and_write
    from harbin_kg.graph.paths import Paths

    base = _shared_base(config, tmp_path_factory)
    root = base / f"{name}-{_build_key(name)}"
    done = root / "build" / "BUILT"
    with open(base / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # one worker builds; the others wait for it
        if not done.exists():
            shutil.rmtree(root, ignore_errors=True)  # a build interrupted last time
            root.mkdir(parents=True)
            make_project(root)
            build_and_write(root / "build", Paths(root / "data", root / "ontology"))
            done.write_text("built and validated\n")
    return root / "build" / "harbin.ttl"


# --- the quick loop: `pytest -m "not slow"` -------------------------------------------------
# Tests that drive Chromium (browser) or start real servers (server) are slow by nature; they
# count as slow without each carrying both marks, so `-m "not slow"` leaves all of them out.
#
# The long files run first. With `--dist worksteal` each worker starts on its half of the list
# and an idle worker takes the tail of the other's; a long test left at the end (a notebook, the
# OWL-RL closure, a browser file) kept one worker busy while the other had nothing left to take.
# Whole files move, in their collected order, so module fixtures are still set up once per
# stretch: the notebooks (nbmake), then the files with a slow test, then the rest.
def pytest_collection_modifyitems(config, items):
    for item in items:
        if item.get_closest_marker("browser") or item.get_closest_marker("server"):
            item.add_marker(pytest.mark.slow)
    rank: dict = {}
    for item in items:
        weight = 0 if type(item).__module__.startswith("nbmake") else 1 if item.get_closest_marker("slow") else 2
        rank[item.path] = min(rank.get(item.path, 2), weight)
    first_seen = {path: index for index, path in reversed(list(enumerate(item.path for item in items)))}
    items.sort(key=lambda item: (rank[item.path], first_seen[item.path]))
