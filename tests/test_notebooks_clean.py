"""The research notebooks are committed clean: no outputs, no sys.path edits, no fetching, kernel python3.

Executing them is a separate CI step: ``pytest --nbmake notebooks/`` (see .dev/README-notebooks.md).
"""

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
EXPECTED = {
    "01-asking-questions-with-sparql.ipynb",
    "02-who-is-central.ipynb",
    "03-maps-and-pathways.ipynb",
    "04-extending-the-graph.ipynb",
}
# Identifiers, not addresses: our entity/ontology namespace, and namespace IRIs declared in Turtle text.
URL = re.compile(r"https?://[^\s\"'<>)]+")
IDENTIFIER = re.compile(r"^https://w3id\.org/hrbvet/")
FETCHING = re.compile(
    r"\b(urllib\.request|urlopen|requests|httpx|http\.client|aiohttp|socket|SPARQLWrapper|webbrowser)\b"
    r"|^\s*[!%](pip|conda|curl|wget)\b",
    re.MULTILINE,
)


def _load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def _code_cells(nb: dict) -> list[tuple[int, str]]:
    return [(i, "".join(c["source"]) if isinstance(c["source"], list) else c["source"])
            for i, c in enumerate(nb["cells"]) if c["cell_type"] == "code"]


def test_the_four_notebooks_exist():
    assert EXPECTED <= {p.name for p in NOTEBOOKS}


def test_outputs_folder_is_git_ignored():
    assert "notebooks/out/" in (ROOT / ".gitignore").read_text(encoding="utf-8").split()


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_numbered_name(path):
    assert re.fullmatch(r"\d\d-[a-z0-9]+(-[a-z0-9]+)*\.ipynb", path.name), path.name


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_outputs_stripped(path):
    nb = _load(path)
    dirty = [i for i, c in enumerate(nb["cells"]) if c["cell_type"] == "code"
             and (c.get("outputs") or c.get("execution_count") is not None)]
    assert not dirty, (f"{path.name}: cells {dirty} have outputs or execution counts; strip them "
                       "(jupyter nbconvert --clear-output --inplace, or nbstripout)")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_kernel_is_python3(path):
    assert _load(path)["metadata"]["kernelspec"]["name"] == "python3"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_no_sys_path_edits(path):
    for i, source in _code_cells(_load(path)):
        assert not re.search(r"sys\.path|PYTHONPATH|site\.addsitedir", source), \
            f"{path.name}, cell {i}: edits the import path; install the package (pip install -e .) instead"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_nothing_fetched(path):
    for i, source in _code_cells(_load(path)):
        assert not FETCHING.search(source), f"{path.name}, cell {i}: reaches for the network"
        for line in source.splitlines():
            if line.lstrip().startswith(("@prefix", "@base")):
                continue  # namespace declarations in Turtle text: never dereferenced
            for url in URL.findall(line):
                assert IDENTIFIER.match(url), f"{path.name}, cell {i}: URL {url} (notebooks reach no network)"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_explains_itself_in_both_languages(path):
    first = "".join(_load(path)["cells"][0]["source"])
    assert re.search(r"[\u4e00-\u9fff]", first) and re.search(r"[A-Za-z]{4,}", first), \
        f"{path.name}: the first cell should state the research question in Chinese and English"
