"""The package's folders tell the flow (docs/architecture.md), and nothing imports in a circle.

Both tests read the source with :mod:`ast`, so an import hidden inside a function counts as much as
one at the top of a module: a cycle that only shows at run time is still a cycle.
"""

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "harbin_kg"

#: The flow, upstream first: a package may import its own modules, the packages before it, and
#: the shared top-level modules (errors, namespaces, writing); never one after it.
FLOW = ("sources", "graph", "query", "analysis", "web")
#: Beside the flow: they use any of it, and nothing in the flow uses them; only cli uses the other two.
BESIDE = ("cli", "scale", "propose")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _imports(name: str, path: Path, known: set[str]) -> dict[str, int]:
    """Every harbin_kg module ``name`` imports (at any depth of the code) → the first line doing it."""
    is_package = path.name == "__init__.py"
    found: dict[str, int] = {}
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = name.split(".") if is_package else name.split(".")[:-1]
                base = base[: len(base) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            # ``from . import network`` imports the module network, not the package
            targets = [f"{target}.{a.name}" if f"{target}.{a.name}" in known else target for a in node.names]
        elif isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        else:
            continue
        for target in targets:
            if target in known and target != name:
                found.setdefault(target, node.lineno)
    return found


def _graph() -> tuple[dict[str, dict[str, int]], dict[str, Path]]:
    modules = _modules()
    known = set(modules)
    return {name: _imports(name, path, known) for name, path in modules.items()}, modules


def _find_cycle(edges: dict[str, dict[str, int]]) -> list[str] | None:
    """One import cycle as a list of modules (first == last), or None (an iterative depth-first search)."""
    state: dict[str, int] = {}  # 1 on the current path, 2 done
    for root in sorted(edges):
        if state.get(root):
            continue
        path, stack = [root], [iter(sorted(edges[root]))]
        state[root] = 1
        while stack:
            nxt = next(stack[-1], None)
            if nxt is None:
                state[path.pop()] = 2
                stack.pop()
            elif state.get(nxt) == 1:
                return path[path.index(nxt):] + [nxt]
            elif not state.get(nxt):
                state[nxt] = 1
                path.append(nxt)
                stack.append(iter(sorted(edges[nxt])))
    return None


def test_no_import_cycles():
    edges, modules = _graph()
    cycle = _find_cycle(edges)
    if cycle:
        steps = "\n".join(f"  {a} imports {b} ({modules[a].relative_to(PACKAGE.parent)}:{edges[a][b]})"
                          for a, b in zip(cycle, cycle[1:]))
        raise AssertionError("import cycle between harbin_kg modules; move the shared piece into a module "
                             f"both can import:\n{steps}")


def test_the_cycle_finder_reports_a_cycle_it_is_given():
    edges = {"a": {"b": 1}, "b": {"c": 2}, "c": {"a": 3}, "d": {"a": 4}}
    assert _find_cycle(edges) == ["a", "b", "c", "a"]
    assert _find_cycle({"a": {"b": 1}, "b": {}, "c": {"a": 2, "b": 3}}) is None


def _layer(module: str) -> str | None:
    """The package of the flow (or beside it) a module belongs to; None for the shared top level."""
    parts = module.split(".")
    return parts[1] if len(parts) > 2 or (len(parts) == 2 and parts[1] in FLOW + BESIDE) else None


def test_every_module_is_in_a_package_of_the_flow_or_shared():
    shared = {name for name in _modules() if _layer(name) is None}
    assert shared == {"harbin_kg", "harbin_kg.__main__", "harbin_kg.errors", "harbin_kg.namespaces",
                      "harbin_kg.writing"}, "a new top-level module: put it in the package of its responsibility"
    assert {_layer(name) for name in _modules()} - {None} == set(FLOW + BESIDE)


def test_packages_import_only_upstream():
    edges, modules = _graph()
    wrong = []
    for module, imported in sorted(edges.items()):
        layer = _layer(module)
        for target, line in sorted(imported.items()):
            target_layer = _layer(target)
            if target_layer is None or target_layer == layer:
                continue
            if module == "harbin_kg.__main__" and target_layer == "cli":
                continue
            if layer == "cli" or (layer in BESIDE and target_layer in FLOW):
                continue
            if layer in FLOW and target_layer in FLOW and FLOW.index(target_layer) < FLOW.index(layer):
                continue
            if layer is None and module != "harbin_kg.__main__":
                why = "a shared top-level module imports only other shared modules"
            elif target_layer in BESIDE:
                why = f"nothing but __main__ imports {target_layer}/ (it is beside the flow)"
            else:
                why = f"{target_layer}/ comes after {layer}/ in the flow {' → '.join(FLOW)}"
            wrong.append(f"  {modules[module].relative_to(PACKAGE.parent)}:{line} imports {target}: {why}")
    assert not wrong, "imports against the flow (docs/architecture.md):\n" + "\n".join(wrong)


# ---- the public API (docs/api.md) ------------------------------------------------------------------

NOTEBOOKS = PACKAGE.parent / "notebooks"


def test_every_public_name_resolves_and_is_documented():
    import harbin_kg

    api = (PACKAGE.parent / "docs" / "api.md").read_text(encoding="utf-8")
    for name in harbin_kg.__all__:
        assert getattr(harbin_kg, name) is not None
        assert f"`{name}`" in api, f"{name} is public but docs/api.md does not describe it"


def test_notebooks_use_the_public_api_alone():
    import json

    import harbin_kg

    for notebook in sorted(NOTEBOOKS.glob("*.ipynb")):
        cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
        code = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
        for node in ast.walk(ast.parse(code)):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("harbin_kg"):
                assert node.module == "harbin_kg", f"{notebook.name} imports from {node.module}; use `from harbin_kg import …`"
                private = [a.name for a in node.names if a.name not in harbin_kg.__all__]
                assert not private, f"{notebook.name} imports {private}, not in harbin_kg.__all__"
            if isinstance(node, ast.Import):
                assert not any(a.name.startswith("harbin_kg.") for a in node.names), notebook.name
