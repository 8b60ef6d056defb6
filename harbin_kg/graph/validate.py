"""SHACL validation of a graph against ``ontology/shapes.ttl`` (``harbin-kg validate``).

pySHACL does the work; this module reads its report graph into plain rows with the
bilingual messages of our shapes, so the CLI can print a table a person can read.
"""

import logging
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, SH

from ..errors import DataError
from .labels import curie, label

__all__ = ["Result", "Report", "validate_graph", "load_shapes"]

log = logging.getLogger(__name__)
_SEVERITY = {SH.Violation: "Violation", SH.Warning: "Warning", SH.Info: "Info"}
_SEVERITY_ZH = {"Violation": "违规", "Warning": "警告", "Info": "提示"}


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
    conforms: bool
    results: tuple[Result, ...]
    graph: Graph = field(repr=False)

    @property
    def violations(self) -> tuple[Result, ...]:
        return tuple(r for r in self.results if r.severity == "Violation")

    @property
    def warnings(self) -> tuple[Result, ...]:
        return tuple(r for r in self.results if r.severity != "Violation")

    def table(self, limit: int | None = None) -> str:
        """A readable bilingual table, violations first."""
        rows = sorted(self.results, key=lambda r: (r.severity != "Violation", r.focus, r.path, r.message_en))
        shown = rows if limit is None else rows[:limit]
        lines = []
        for r in shown:
            lines.append(f"[{r.severity} {_SEVERITY_ZH.get(r.severity, '')}] {r.focus_label} <{curie(r.focus)}>"
                         + (f"  {r.path}" if r.path else "") + (f" = {r.value}" if r.value else ""))
            if r.message_zh:
                lines.append(f"    {r.message_zh}")
            if r.message_en:
                lines.append(f"    {r.message_en}")
        if limit is not None and len(rows) > limit:
            lines.append(f"… and {len(rows) - limit} more (还有 {len(rows) - limit} 条)")
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


def validate_graph(data: Graph, shapes: Graph | None = None, *, paths=None, ont: Graph | None = None) -> Report:
    """Validate ``data`` against the shapes (default: the project's ``ontology/shapes.ttl``).

    The vocabulary axioms of ``ontology/vendor`` (e.g. org:FormalOrganization ⊑
    org:Organization) are mixed in as pySHACL's ``ont_graph``; ``data`` is never modified.
    """
    import pyshacl

    if shapes is None or ont is None:
        from .paths import project_paths

        paths = paths or project_paths()
        shapes = shapes if shapes is not None else load_shapes(paths.shapes)
        ont = ont if ont is not None else _vendor_graph(paths.vendor)
    # The ontology's own subclass axioms are in the data graph already; "none" keeps
    # validation fast and predictable (SHACL follows rdfs:subClassOf for targets by itself).
    conforms, report_graph, _ = pyshacl.validate(
        data, shacl_graph=shapes, ont_graph=ont, inference="none", advanced=True,
        allow_warnings=True, inplace=False, meta_shacl=False,
    )
    return Report(conforms=bool(conforms), results=tuple(_results(report_graph, data)), graph=report_graph)


def _message(report: Graph, node, lang: str) -> str:
    messages = [m for m in report.objects(node, SH.resultMessage) if isinstance(m, Literal)]
    for m in messages:
        if (m.language or "").startswith(lang):
            return str(m)
    untagged = [str(m) for m in messages if not m.language]
    return untagged[0] if (untagged and lang == "en") else ""


def _results(report: Graph, data: Graph) -> list[Result]:
    rows = []
    for node in report.subjects(RDF.type, SH.ValidationResult):
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
            message_zh=_message(report, node, "zh"),
            message_en=_message(report, node, "en"),
            shape=curie(report.value(node, SH.sourceShape) or ""),
            component=curie(report.value(node, SH.sourceConstraintComponent) or ""),
        ))
    return sorted(rows, key=lambda r: (r.severity != "Violation", r.focus, r.path, r.message_en))
