"""SHACL validation of a graph against ``ontology/shapes.ttl`` (``harbin-kg validate``).

Two engines give the same rows (tests/test_shapes.py and tests/test_shacl_sparql.py hold them to
it): pySHACL, the reference, and the shapes compiled to SPARQL on pyoxigraph
(:mod:`harbin_kg.graph.shacl_sparql`), about two orders of magnitude faster on a large graph.
``auto`` takes the compiled one unless the shapes use SHACL it does not translate. This module
turns either report into plain rows with the bilingual messages of our shapes, so the CLI can
print a table a person can read.
"""

import logging
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, SH

from ..errors import DataError
from .labels import curie, label

__all__ = ["Result", "Report", "ENGINES", "validate_graph", "validate_file", "validate_store", "load_shapes"]

log = logging.getLogger(__name__)
_SEVERITY: dict[object, str] = {SH.Violation: "Violation", SH.Warning: "Warning", SH.Info: "Info"}
_SEVERITY_ZH = {"Violation": "违规", "Warning": "警告", "Info": "提示"}
ENGINES = ("auto", "oxigraph", "pyshacl")


@dataclass(frozen=True)
class Result:
    """One SHACL result: what is wrong, where, and both messages."""

    severity: str
    focus: str
    focus_label: str
    path: str
    value: str
    message_zh: str
    message_en: str
    shape: str
    component: str


@dataclass(frozen=True)
class Report:
    """The verdict and its rows, sorted violations first.

    The compiled engine hands over ``rows`` whose ``focus_label`` is still empty and a
    ``labeller``: labels are looked up on the store only for the rows someone reads
    (:meth:`labelled`), and the rdflib report graph is built only when ``graph`` is asked for.
    At a million triples the report has ~48,000 warnings; making a graph of them costs more
    than the checks that found them.
    """

    conforms: bool
    rows: tuple[Result, ...]
    make_graph: Callable[[], Graph] = field(repr=False, compare=False)
    labeller: Callable[[list[str]], dict[str, str]] | None = field(default=None, repr=False, compare=False)
    _labels: dict[str, str] = field(default_factory=dict, repr=False, compare=False)

    @cached_property
    def graph(self) -> Graph:
        """The SHACL validation report as an rdflib graph (built on first use)."""
        return self.make_graph()

    @cached_property
    def results(self) -> tuple[Result, ...]:
        return self.labelled(self.rows)

    @property
    def violations(self) -> tuple[Result, ...]:
        return self.labelled(r for r in self.rows if r.severity == "Violation")

    @property
    def warnings(self) -> tuple[Result, ...]:
        return self.labelled(r for r in self.rows if r.severity != "Violation")

    def labelled(self, rows: Iterable[Result]) -> tuple[Result, ...]:
        """``rows`` with their focus labels, looked up (once per focus node) for these rows only."""
        rows = tuple(rows)
        if self.labeller is None:
            return rows
        # Rows of an IRI focus arrive with an empty label; a blank node or literal is its own label.
        wanted = sorted({r.focus for r in rows if not r.focus_label and r.focus} - self._labels.keys())
        if wanted:
            self._labels.update(self.labeller(wanted))
        return tuple(r if r.focus_label else replace(r, focus_label=self._labels.get(r.focus, "")) for r in rows)

    def table(self, limit: int | None = None) -> str:
        """A readable bilingual table, violations first."""
        shown = self.labelled(self.rows if limit is None else self.rows[:limit])
        lines = []
        for r in shown:
            lines.append(f"[{r.severity} {_SEVERITY_ZH.get(r.severity, '')}] {r.focus_label} <{curie(r.focus)}>"
                         + (f"  {r.path}" if r.path else "") + (f" = {r.value}" if r.value else ""))
            if r.message_zh:
                lines.append(f"    {r.message_zh}")
            if r.message_en:
                lines.append(f"    {r.message_en}")
        if limit is not None and len(self.rows) > limit:
            lines.append(f"… and {len(self.rows) - limit} more (还有 {len(self.rows) - limit} 条)")
        return "\n".join(lines)


def load_shapes(path: Path) -> Graph:
    from .store import load_rdflib

    if not Path(path).exists():
        raise DataError(f"{path}: shapes file not found.")
    return load_rdflib(path)


def _vendor_graph(folder: Path) -> Graph | None:
    from .store import load_rdflib

    files = sorted(Path(folder).glob("*.ttl")) if folder and Path(folder).is_dir() else []
    if not files:
        return None
    graph = Graph()
    for path in files:
        graph += load_rdflib(path)
    return graph


def _order(r: "Result"):
    # Violations first; every field in the key, so both engines list the same rows in one order.
    return (r.severity != "Violation", r.focus, r.path, r.message_en, r.value, r.shape, r.component, r.message_zh)


def _defaults(shapes, ont, paths):
    if shapes is None or ont is None:
        from .paths import project_paths

        paths = paths or project_paths()
        shapes = shapes if shapes is not None else load_shapes(paths.shapes)
        ont = ont if ont is not None else _vendor_graph(paths.vendor)
    return shapes, ont


def _compiled(shapes: Graph, engine: str, progress=None):
    """The compiled checks, or None when ``auto`` must fall back to pySHACL (said on ``progress``)."""
    from .shacl_sparql import UnsupportedShapes, compile_shapes

    if engine not in ENGINES:
        raise ValueError(f"unknown SHACL engine {engine!r}; choose one of {', '.join(ENGINES)}")
    if engine == "pyshacl":
        return None
    try:
        return compile_shapes(shapes)
    except UnsupportedShapes as error:
        if engine == "oxigraph":
            raise
        if progress is not None:
            progress(f"{error} Falling back to pySHACL (改用 pySHACL).")
        return None


def validate_graph(data: Graph, shapes: Graph | None = None, *, paths=None, ont: Graph | None = None,
                   engine: str = "pyshacl", progress=None) -> Report:
    """Validate ``data`` against the shapes (default: the project's ``ontology/shapes.ttl``).

    The vocabulary axioms of ``ontology/vendor`` (e.g. org:FormalOrganization ⊑
    org:Organization) are mixed in as pySHACL's ``ont_graph``; ``data`` is never modified.
    ``engine``: ``pyshacl`` (the reference), ``oxigraph`` (shapes compiled to SPARQL; raises
    UnsupportedShapes for SHACL it does not translate) or ``auto`` (oxigraph, else pySHACL;
    pySHACL also when ``data`` holds an ill-typed literal, which Oxigraph would read by value).
    """
    shapes, ont = _defaults(shapes, ont, paths)
    checks = _compiled(shapes, engine, progress)
    if checks is not None and engine == "auto" and _has_ill_typed(data, progress):
        checks = None
    if checks is not None:
        from .store import store_from_graph

        store = store_from_graph(data)
        if ont is not None:
            _add_graph(store, ont)
        return validate_store(store, shapes, checks=checks, progress=progress)
    return _pyshacl(data, shapes, ont)


def _has_ill_typed(data: Graph, progress=None) -> bool:
    """Whether ``data`` holds a literal outside its datatype's lexical space (rdflib's ``ill_typed``).

    The compiled engine's one known difference from pySHACL: Oxigraph stores ``"1.0"^^xsd:integer``
    by value, as 1, so its checks cannot see that the text was wrong. Such a graph goes to pySHACL,
    which reports it; a scan of the objects costs a tenth of a second on the bundled graph.
    """
    for value in data.objects():
        if isinstance(value, Literal) and value.ill_typed:
            if progress is not None:
                progress(f'The graph holds an ill-typed literal ("{value}"^^<{value.datatype}>): validating with '
                         "pySHACL, which reports it (图中有不合数据类型的字面量，改用 pySHACL).")
            return True
    return False


def validate_file(path: Path, shapes: Graph | None = None, *, paths=None, engine: str = "auto",
                  progress=None) -> Report:
    """Validate a graph file; the oxigraph engine loads it straight into a store (no rdflib copy)."""
    from .store import load_into, load_rdflib

    shapes, ont = _defaults(shapes, None, paths)
    checks = _compiled(shapes, engine, progress)
    if checks is None:
        return _pyshacl(load_rdflib(path), shapes, ont)
    import pyoxigraph as ox

    store = load_into(ox.Store(), path)
    if ont is not None:
        _add_graph(store, ont)
    return validate_store(store, shapes, checks=checks, progress=progress)


def _add_graph(store, graph: Graph) -> None:
    import pyoxigraph as ox

    from .store import to_ox_term

    # As pySHACL's ont_graph: the vendor axioms join the data graph for the validation.
    store.bulk_extend(ox.Quad(to_ox_term(s), to_ox_term(p), to_ox_term(o), ox.DefaultGraph()) for s, p, o in graph)


def validate_store(store, shapes: Graph, *, checks=None, progress=None) -> Report:
    """Validate what a pyoxigraph Store holds with the compiled shapes; the same rows as pySHACL."""
    from .shacl_sparql import compile_shapes, run_checks

    checks = compile_shapes(shapes) if checks is None else checks
    findings = run_checks(store, checks, progress=progress)
    rows = sorted(_finding_rows(findings), key=_order)
    conforms = not any(r.severity == "Violation" for r in rows)
    return Report(conforms=conforms, rows=tuple(rows), make_graph=lambda: _report_graph(findings, conforms),
                  labeller=lambda iris: _store_labels(store, iris))


def _finding_rows(findings) -> list[Result]:
    """One Result per finding, focus label left empty (Report.labelled fills it in on demand)."""
    import pyoxigraph as ox

    from .store import to_rdflib_term

    fixed: dict[int, tuple[str, str, str, str, str]] = {}  # a check's part of its rows, made once per check
    rows = []
    for f in findings:
        check = f.check
        if id(check) not in fixed:
            path = "" if check.path is None else check.path if check.path == "(complex path)" else curie(check.path)
            shape = check.shape if not check.shape.startswith("_:") else check.shape[2:]
            fixed[id(check)] = (path, curie(shape), curie(check.component), _pick(check.messages, "zh"),
                            _pick(check.messages, "en"))
        path, shape, component, zh, en = fixed[id(check)]
        if check.templated:
            zh, en = _pick(f.messages, "zh"), _pick(f.messages, "en")
        focus = f.focus.value if isinstance(f.focus, ox.NamedNode) else str(to_rdflib_term(f.focus))
        rows.append(Result(severity=check.severity, focus=focus,
                           focus_label="" if isinstance(f.focus, ox.NamedNode) else focus, path=path,
                           value=_value_text(f.value, ox, to_rdflib_term), message_zh=zh, message_en=en,
                           shape=shape, component=component))
    return rows


def _value_text(value, ox, to_rdflib_term) -> str:
    if value is None:
        return ""
    if isinstance(value, ox.NamedNode):
        return curie(value.value)
    # Literals go through rdflib, whose (normalised) lexical form the reference engine prints.
    return str(to_rdflib_term(value))[:80]


def _report_graph(findings, conforms: bool) -> Graph:
    """The SHACL validation report graph of the compiled engine's findings."""
    from .store import to_rdflib_term

    report = Graph()
    report.bind("sh", SH)
    root = BNode()
    report.add((root, RDF.type, SH.ValidationReport))
    for f in findings:
        node = BNode()
        report.add((root, SH.result, node))
        report.add((node, RDF.type, SH.ValidationResult))
        report.add((node, SH.focusNode, to_rdflib_term(f.focus)))
        report.add((node, SH.resultSeverity, SH[f.check.severity]))
        report.add((node, SH.sourceConstraintComponent, URIRef(f.check.component)))
        shape = URIRef(f.check.shape) if not f.check.shape.startswith("_:") else BNode(f.check.shape[2:])
        report.add((node, SH.sourceShape, shape))
        if f.check.path is not None and f.check.path != "(complex path)":
            report.add((node, SH.resultPath, URIRef(f.check.path)))
        if f.value is not None:
            report.add((node, SH.value, to_rdflib_term(f.value)))
        for text, lang in f.messages:
            report.add((node, SH.resultMessage, Literal(text, lang=lang or None)))
    report.add((root, SH.conforms, Literal(conforms)))
    return report


def _pick(messages, lang: str) -> str:
    for text, tag in messages:
        if tag.startswith(lang):
            return text
    untagged = [text for text, tag in messages if not tag]
    return untagged[0] if (untagged and lang == "en") else ""


def _store_labels(store, iris: list[str]) -> dict[str, str]:
    """labels.label() over the store, for the given focus IRIs only (never every label)."""
    from .labels import local_name
    from .store_names import store_labels

    found: dict[str, str] = {}
    named = store_labels(store, iris)
    for iri in iris:
        by_lang = named.get(iri, {})
        for choice in ("zh", "en", ""):
            if choice in by_lang:
                found[iri] = by_lang[choice]
                break
        else:
            found[iri] = sorted(by_lang.items())[0][1] if by_lang else local_name(iri)
    return found


def _pyshacl(data: Graph, shapes: Graph, ont: Graph | None) -> Report:
    import pyshacl

    # The ontology's own subclass axioms are in the data graph already; "none" keeps
    # validation fast and predictable (SHACL follows rdfs:subClassOf for targets by itself).
    conforms, report_graph, _ = pyshacl.validate(
        data, shacl_graph=shapes, ont_graph=ont, inference="none", advanced=True,
        allow_warnings=True, inplace=False, meta_shacl=False,
    )
    return Report(conforms=bool(conforms), rows=tuple(_results(report_graph, data, shapes)),
                  make_graph=lambda: report_graph)


def _message(report: Graph, node, lang: str, shapes: Graph | None = None) -> str:
    messages = [m for m in report.objects(node, SH.resultMessage) if isinstance(m, Literal)]
    for m in messages:
        if (m.language or "").startswith(lang):
            return str(m)
    untagged = sorted(str(m) for m in messages if not m.language)
    # pySHACL drops the language tag when it fills a SPARQL constraint's {?var} message: find
    # which filled-in text came from the template in ``lang`` (the constraint's, else the shape's).
    if untagged and shapes is not None:
        for source in (report.value(node, SH.sourceConstraint), report.value(node, SH.sourceShape)):
            templates = [t for t in shapes.objects(source, SH.message)
                         if isinstance(t, Literal) and (t.language or "").startswith(lang)] if source is not None else []
            for template in sorted(templates):
                pattern = ".*".join(re.escape(part) for part in re.split(r"\{[?$]\w+\}", str(template)))
                for text in untagged:
                    if re.fullmatch(pattern, text, re.S):
                        return text
    return untagged[0] if (untagged and lang == "en") else ""


def _results(report: Graph, data: Graph, shapes: Graph | None = None) -> list[Result]:
    rows = []
    # Top-level results only: pySHACL also types the nested sh:detail results of sh:node as
    # sh:ValidationResult; they explain the result above them and are not results of their own.
    for node in report.objects(None, SH.result):
        focus = report.value(node, SH.focusNode)
        path = report.value(node, SH.resultPath)
        value = report.value(node, SH.value)
        severity = _SEVERITY.get(report.value(node, SH.resultSeverity), "Violation")
        rows.append(Result(
            severity=severity,
            focus=str(focus),
            focus_label=label(data, focus) if isinstance(focus, URIRef) else str(focus),
            path=curie(path) if isinstance(path, URIRef) else ("" if path is None else "(complex path)"),
            value="" if value is None else (curie(value) if isinstance(value, URIRef) else str(value)[:80]),
            message_zh=_message(report, node, "zh", shapes),
            message_en=_message(report, node, "en", shapes),
            shape=curie(str(report.value(node, SH.sourceShape) or "")),
            component=curie(str(report.value(node, SH.sourceConstraintComponent) or "")),
        ))
    return sorted(rows, key=_order)
