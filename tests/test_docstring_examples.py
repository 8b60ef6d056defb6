"""Every docstring example (``>>>``) in harbin_kg runs as a test, so none can go stale.

The examples are found by reading the source (ast), not by importing every module at collection
time, so the quick loop stays quick; each one is imported and run only when its test runs. They
are plain doctests (exact output, no option flags) on small made-up inputs: offline and fast.
An example marked ``# doctest: +SKIP`` (one that needs the built bundled graph) is reported as
skipped, never as passed.
"""

from __future__ import annotations

import ast
import doctest
import importlib
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "harbin_kg"


def _docstrings_with_examples() -> list[tuple[str, str]]:
    """(module, qualified name ``harbin_kg.module.Class.function``) of each docstring holding ``>>>``."""
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        module = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))

        def visit(node, prefix):
            doc = ast.get_docstring(node, clean=False)
            if doc and ">>>" in doc:
                found.append((module, prefix))
            for child in getattr(node, "body", []):
                if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                    visit(child, f"{prefix}.{child.name}")

        visit(tree, module)
    return found


EXAMPLES = _docstrings_with_examples()


def test_the_examples_are_found():
    # 21 docstrings hold examples today; a finder that silently found none would pass everything
    names = [name for _, name in EXAMPLES]
    assert len(names) >= 21, names
    assert any(name.endswith(".guard_cell") for name in names) and any(name.endswith(".network") for name in names)


@pytest.mark.parametrize("module_name,name", EXAMPLES, ids=[name for _, name in EXAMPLES])
def test_docstring_example(module_name, name):
    module = importlib.import_module(module_name)
    tests = [t for t in doctest.DocTestFinder().find(module, module_name) if t.name == name]
    assert len(tests) == 1, f"{name}: the docstring with examples was not found by doctest"
    runner = doctest.DocTestRunner(verbose=False)
    report: list[str] = []
    result = runner.run(tests[0], out=report.append)
    assert result.failed == 0, "".join(report)
    if result.attempted == 0:
        pytest.skip(f"{name}: every example is marked +SKIP (it needs the built bundled graph)")
