"""Where the curated data and the ontology live, and the data version their bytes give.

Every stage that reads the project's inputs (the build, validation against the shapes, the
bundled-graph cache, the synthetic generator) finds them through :func:`project_paths`: the
checkout's ``data/`` and ``ontology/``, else the copies an installed package carries.
"""

import hashlib
import os
import sys
from dataclasses import dataclass
from pathlib import Path

__all__ = ["Paths", "project_paths", "data_version", "default_out_dir", "cache_dir"]


@dataclass(frozen=True)
class Paths:
    """Where the curated data and the ontology live."""

    data: Path
    ontology: Path

    @property
    def sources(self) -> Path:
        return self.data / "sources"

    @property
    def facts(self) -> Path:
        return self.data / "facts"

    @property
    def web_sources(self) -> Path:
        """Cited pages the project does not ship: one hv:CitedSource node each."""
        return self.sources / "web"

    @property
    def web_facts(self) -> Path:
        """Facts taken from cited pages (hv:cite, never hv:quote)."""
        return self.facts / "web"

    def seed_fact_files(self) -> list[Path]:
        """Curated files quoting a shipped source: facts/NAME/*.ttl for every NAME but web."""
        return sorted(p for p in self.facts.glob("*/*.ttl") if p.parent != self.web_facts)

    @property
    def shapes(self) -> Path:
        return self.ontology / "shapes.ttl"

    @property
    def vendor(self) -> Path:
        return self.ontology / "vendor"

    @property
    def rules(self) -> Path:
        return self.ontology / "rules"

    def vocabulary_files(self) -> list[Path]:
        """Ontology and concept schemes: part of the built graph (shapes and vendor are not)."""
        files = sorted(p for p in self.ontology.glob("*.ttl") if p.name != "shapes.ttl")
        return files + sorted((self.ontology / "schemes").glob("*.ttl"))

    def input_files(self) -> list[Path]:
        """Every file whose bytes decide the graph, in a fixed order (for the data version)."""
        files = self.vocabulary_files() + sorted(p for p in self.sources.glob("*") if p.is_file())
        files += sorted(self.web_sources.glob("*.ttl"))
        files += sorted(self.facts.glob("*/*.ttl")) + sorted(self.rules.glob("*.rq"))
        files += [self.shapes] if self.shapes.exists() else []
        return files + sorted(self.vendor.glob("*.ttl"))


def project_paths(data_dir: Path | None = None, ontology_dir: Path | None = None) -> Paths:
    """The repository's ``data/`` and ``ontology/`` (a checkout), else the installed copies."""
    candidates = [Path(__file__).resolve().parents[2], Path(sys.prefix) / "share" / "harbin-kg"]
    root = next((c for c in candidates if (c / "data" / "sources").is_dir()), candidates[0])
    return Paths(Path(data_dir) if data_dir else root / "data",
                 Path(ontology_dir) if ontology_dir else root / "ontology")


def data_version(paths: Paths) -> str:
    """A short hash of every input file (names and bytes): it changes when any input changes."""
    digest = hashlib.sha256()
    for path in paths.input_files():
        # The folder and file name, not the absolute path: a checkout and an install agree.
        digest.update(f"{path.parent.name}/{path.name}".encode())
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()[:16]


def default_out_dir(paths: Paths | None = None) -> Path:
    """Where ``harbin-kg build`` writes by default: where every other command looks for the
    bundled graph (``build/`` in a checkout, else the user cache)."""
    return cache_dir(paths or project_paths())


def cache_dir(paths: Paths) -> Path:
    root = paths.data.parent
    if (root / "setup.cfg").exists() and os.access(root, os.W_OK):
        return root / "build"
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "harbin-kg"
