"""Shared fixtures: the real bundled graph (built once per run) and a CLI runner."""

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

ROOT = Path(__file__).resolve().parent.parent


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
def web_graph_path(tmp_path_factory) -> Path:
    """The built (and validated) graph of the seed plus the web fixture, built once per run."""
    from harbin_kg.graph.outputs import build_and_write
    from harbin_kg.graph.paths import Paths

    root = make_web_project(tmp_path_factory.mktemp("web-project"))
    build_and_write(root / "build", Paths(root / "data", root / "ontology"))
    return root / "build" / "harbin.ttl"


@pytest.fixture(scope="session")
def web_graph(web_graph_path):
    from harbin_kg.graph.store import load_rdflib

    return load_rdflib(web_graph_path)


# --- the seed report alone ------------------------------------------------------------------------
@pytest.fixture(scope="session")
def seed_graph_path(tmp_path_factory) -> Path:
    """The built graph of the seed report alone, without the cited web pages.

    Findings that the report supports by itself (its counts, its ranking) are asserted on this
    graph, so they stay true as pages are added to data/facts/web/.
    """
    from harbin_kg.graph.outputs import build_and_write
    from harbin_kg.graph.paths import Paths

    root = tmp_path_factory.mktemp("seed-project")
    for name in ("data", "ontology"):
        shutil.copytree(ROOT / name, root / name, ignore=shutil.ignore_patterns("web"))
    build_and_write(root / "build", Paths(root / "data", root / "ontology"))
    return root / "build" / "harbin.ttl"


# --- the quick loop: `pytest -m "not slow"` -------------------------------------------------
# Tests that drive Chromium (browser) or start real servers (server) are slow by nature; they
# count as slow without each carrying both marks, so `-m "not slow"` leaves all of them out.
def pytest_collection_modifyitems(config, items):
    for item in items:
        if item.get_closest_marker("browser") or item.get_closest_marker("server"):
            item.add_marker(pytest.mark.slow)
