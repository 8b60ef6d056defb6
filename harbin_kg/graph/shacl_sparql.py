"""SHACL shapes compiled to SPARQL and run on pyoxigraph (``harbin-kg validate --engine oxigraph``).

pySHACL walks every focus node in Python and re-parses a SPARQL constraint per node; on a
million triples that is minutes. Here each constraint of the shapes graph becomes ONE SPARQL
SELECT over all its focus nodes at once (focus node, value, and the bindings its message needs),
and Oxigraph answers it from its indexes. The compiler is generic over the shapes graph: it reads
targets, paths and constraint components, never the names of our shapes.

It covers the SHACL Core components (and the SHACL-SPARQL parts) that ``ontology/shapes.ttl``
uses: sh:targetClass / targetNode / targetSubjectsOf / targetObjectsOf, sh:SPARQLTarget;
predicate, inverse, sequence, alternative and */+/? paths; minCount, maxCount, datatype, class,
nodeKind, pattern (+flags), in, hasValue, languageIn, uniqueLang, minLength, maxLength,
min/maxInclusive/Exclusive, lessThan, disjoint, node, or, and, not, xone, qualifiedValueShape
(min/max), sh:sparql SELECT constraints with {?var} messages, sh:severity, sh:message,
sh:deactivated. Anything else (sh:closed, sh:equals, custom constraint components, rules,
a nested count above 1, a shape that reports without an sh:message …) raises
:class:`UnsupportedShapes` naming the shape and the term: nothing is skipped silently, and
``--engine auto`` then runs pySHACL instead.

Semantics follow pySHACL where the two could differ (checked against pySHACL on every mutation
case in tests/test_shapes.py): class membership follows rdfs:subClassOf* in the
data graph; sh:datatype also rejects ill-formed lexical forms for exactly the datatypes rdflib
checks (integers, decimal, float/double, boolean, date, time, dateTime) and, like pySHACL,
accepts any lexical form for the others (gYear, anyURI …); sh:in and sh:hasValue compare terms,
not values; sh:lessThan reports one result per failing pair; sh:uniqueLang one per repeated tag.
"""

from __future__ import annotations

import itertools
import re
from typing import NoReturn, cast
from dataclasses import dataclass

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS, SH, XSD

from ..errors import HarbinKGError

__all__ = ["UnsupportedShapes", "Check", "Finding", "compile_shapes", "run_checks"]


class UnsupportedShapes(HarbinKGError):
    """The shapes graph uses SHACL this compiler does not translate (it never skips silently)."""


@dataclass(frozen=True)
class Check:
    """One compiled constraint: a SELECT whose rows are results of ``shape`` for ``component``."""

    shape: str                      # IRI or "_:…" of the shape that reports
    component: str                  # sh:…ConstraintComponent IRI
    severity: str                   # "Violation" | "Warning" | "Info"
    path: str | None                # result path: an IRI, "(complex path)" or None
    messages: tuple[tuple[str, str], ...]   # (text, language) of the reporting shape or constraint
    query: str
    value_is_focus: bool = False    # node-shape results name the focus node as the value
    templated: bool = False         # messages carry {?var} placeholders (SPARQL constraints)


@dataclass(frozen=True)
class Finding:
    """One result row, in plain terms (pyoxigraph terms converted by the caller)."""

    check: Check
    focus: object
    value: object | None
    messages: tuple[tuple[str, str], ...]


_SEVERITY = {SH.Violation: "Violation", SH.Warning: "Warning", SH.Info: "Info"}
_KINDS = {  # sh:nodeKind → SPARQL test of ?x
    SH.IRI: "isIRI({x})", SH.BlankNode: "isBlank({x})", SH.Literal: "isLiteral({x})",
    SH.BlankNodeOrIRI: "(isIRI({x}) || isBlank({x}))", SH.BlankNodeOrLiteral: "(isBlank({x}) || isLiteral({x}))",
    SH.IRIOrLiteral: "(isIRI({x}) || isLiteral({x}))",
}
# Well-formedness, for the datatypes rdflib (and so pySHACL) checks; others accept any lexical form.
_INT = r"^\s*[+-]?[0-9]+\s*$"
_DEC = r"^\s*[+-]?(([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?|inf(inity)?|nan)\s*$"
_LEXICAL = {
    XSD.integer: f'REGEX(STR({{x}}), "{_INT}")',
    XSD.int: f'REGEX(STR({{x}}), "{_INT}")',
    XSD.long: f'REGEX(STR({{x}}), "{_INT}")',
    XSD.nonNegativeInteger: r'(REGEX(STR({x}), "^\s*\+?[0-9]+\s*$") || REGEX(STR({x}), "^\s*-0+\s*$"))',
    XSD.positiveInteger: r'REGEX(STR({x}), "^\s*\+?0*[1-9][0-9]*\s*$")',
    XSD.decimal: f'REGEX(STR({{x}}), "{_DEC}", "i")',
    XSD.double: f'REGEX(STR({{x}}), "{_DEC}", "i")',
    XSD.float: f'REGEX(STR({{x}}), "{_DEC}", "i")',
    XSD.boolean: 'REGEX(STR({x}), "^(true|false|1|0)$", "i")',
    XSD.date: "COALESCE(DATATYPE(xsd:date(STR({x}))) = xsd:date, false)",
    XSD.dateTime: "COALESCE(DATATYPE(xsd:dateTime(STR({x}))) = xsd:dateTime, false)",
    XSD.time: "COALESCE(DATATYPE(xsd:time(STR({x}))) = xsd:time, false)",
}
# Integer types Oxigraph folds into xsd:integer when it stores a literal (their value ranges).
_INTEGER_RANGES = {
    XSD.nonNegativeInteger: (0, None), XSD.positiveInteger: (1, None), XSD.nonPositiveInteger: (None, 0),
    XSD.negativeInteger: (None, -1), XSD.long: (-2**63, 2**63 - 1), XSD.int: (-2**31, 2**31 - 1),
    XSD.short: (-2**15, 2**15 - 1), XSD.byte: (-128, 127), XSD.unsignedLong: (0, 2**64 - 1),
    XSD.unsignedInt: (0, 2**32 - 1), XSD.unsignedShort: (0, 2**16 - 1), XSD.unsignedByte: (0, 255),
}
_LEXICAL = {k: v.replace("\\", "\\\\") if "REGEX" in v else v for k, v in _LEXICAL.items()}

# Terms of a shape that carry no constraint (or that the compiler reads itself).
_NON_CONSTRAINT = {SH.message, SH.severity, SH.name, SH.description, SH.order, SH.group, SH.defaultValue,
                   SH.deactivated, SH.path, SH.targetClass, SH.targetNode, SH.targetSubjectsOf,
                   SH.targetObjectsOf, SH.target, SH.property, SH.prefixes, SH.declare,
                   SH.qualifiedMinCount, SH.qualifiedMaxCount, SH.qualifiedValueShapesDisjoint, SH.flags}
_VALUE_COMPONENTS = {SH["class"], SH.datatype, SH.nodeKind, SH.pattern, SH["in"], SH.languageIn, SH.minLength,
                     SH.maxLength, SH.minInclusive, SH.minExclusive, SH.maxInclusive, SH.maxExclusive,
                     SH.node, SH["or"], SH["and"], SH["not"], SH.xone}
_COMPONENT_NAME = {SH["class"]: "Class", SH.datatype: "Datatype", SH.nodeKind: "NodeKind", SH.pattern: "Pattern",
                   SH["in"]: "In", SH.languageIn: "LanguageIn", SH.minLength: "MinLength", SH.maxLength: "MaxLength",
                   SH.minInclusive: "MinInclusive", SH.minExclusive: "MinExclusive",
                   SH.maxInclusive: "MaxInclusive", SH.maxExclusive: "MaxExclusive", SH.node: "Node",
                   SH["or"]: "Or", SH["and"]: "And", SH["not"]: "Not", SH.xone: "Xone"}
_PREAMBLE = ("PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>\n"
             "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
             "PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>\n")


def _count(node) -> int:
    """A count parameter (sh:minCount 2): rdflib Nodes are str, so this is int() of its lexical form."""
    return int(str(node))


def _flag(node) -> bool:
    """A boolean parameter (sh:uniqueLang true) as rdflib reads it."""
    return bool(cast(Literal, node).toPython())


def _sparql_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r") + '"'


class _Compiler:
    def __init__(self, shapes: Graph, optimise: bool = True):
        self.g = shapes
        self.optimise = optimise
        self._target_bodies: dict = {}  # shape → SPARQL target bodies, canonical (see _canonical)
        self._fresh = itertools.count()
        self._integer_admitted = False

    # ---------------------------------------------------------------- helpers
    def name(self, node) -> str:
        return str(node) if isinstance(node, URIRef) else f"_:{node}"

    def refuse(self, shape, what: str) -> NoReturn:
        what = re.sub(r"<http://www\.w3\.org/ns/shacl#(\w+)>", r"sh:\1", what)
        what = re.sub(r"<http://www\.w3\.org/2001/XMLSchema#(\w+)>", r"xsd:\1", what)
        raise UnsupportedShapes(
            f"shape {self.name(shape)}: {what} is not supported by the SPARQL engine "
            "(用 --engine pyshacl 验证); run with --engine pyshacl, or --engine auto to fall back.")

    def var(self) -> str:
        return f"?hk{next(self._fresh)}"

    def term(self, shape, node) -> str:
        if isinstance(node, (URIRef, Literal)):
            return node.n3()
        self.refuse(shape, f"the blank node {node} as a constant")

    def one(self, shape, prop):
        values = list(self.g.objects(shape, prop))
        if len(values) != 1:
            self.refuse(shape, f"{len(values)} values of {prop.n3()}")
        return values[0]

    def items(self, shape, node) -> list:
        if node != RDF.nil and self.g.value(node, RDF.first) is None:
            self.refuse(shape, f"a non-list value {node}")
        return list(Collection(self.g, node))

    def deactivated(self, shape) -> bool:
        return any(bool(v.toPython()) for v in self.g.objects(shape, SH.deactivated) if isinstance(v, Literal))

    def path(self, shape, node) -> str:
        if isinstance(node, URIRef):
            return node.n3()
        if self.g.value(node, RDF.first) is not None:
            return "(" + "/".join(self.path(shape, p) for p in self.items(shape, node)) + ")"
        preds = set(self.g.predicates(node, None))
        if preds == {SH.inversePath}:
            return "^" + self.path(shape, self.g.value(node, SH.inversePath))
        if preds == {SH.alternativePath}:
            alts = self.items(shape, self.g.value(node, SH.alternativePath))
            return "(" + "|".join(self.path(shape, p) for p in alts) + ")"
        for prop, op in ((SH.zeroOrMorePath, "*"), (SH.oneOrMorePath, "+"), (SH.zeroOrOnePath, "?")):
            if preds == {prop}:
                return "(" + self.path(shape, self.g.value(node, prop)) + ")" + op
        self.refuse(shape, f"the path {node} ({', '.join(sorted(p.n3() for p in preds))})")

    def messages(self, node) -> tuple[tuple[str, str], ...]:
        return tuple(sorted((str(m), m.language or "") for m in self.g.objects(node, SH.message)
                            if isinstance(m, Literal)))

    def severity(self, shape) -> str:
        value = self.g.value(shape, SH.severity)
        if value is None:
            return "Violation"
        if value not in _SEVERITY:
            self.refuse(shape, f"the severity {value}")
        return _SEVERITY[value]

    def check_terms(self, shape, allowed_extra=()):
        for pred in set(self.g.predicates(shape, None)):
            if str(pred).startswith(str(SH)) and pred not in _NON_CONSTRAINT and pred not in _VALUE_COMPONENTS \
                    and pred not in allowed_extra:
                self.refuse(shape, f"the constraint {pred.n3()}")

    # ---------------------------------------------------------------- conformance of a value (nested shapes)
    def conforms(self, shape, x: str, depth: int = 0) -> str:
        """A SPARQL expression true iff the node in variable ``x`` conforms to ``shape``."""
        if depth > 8:
            self.refuse(shape, "shape nesting deeper than 8 (recursive shapes?)")
        if self.deactivated(shape):
            return "true"
        self.check_terms(shape, allowed_extra={SH.minCount, SH.maxCount, SH.hasValue, SH.qualifiedValueShape,
                                               SH.sparql, SH.uniqueLang})
        if (shape, SH.sparql, None) in self.g:
            self.refuse(shape, "sh:sparql inside a nested shape")
        tests = []
        path = self.g.value(shape, SH.path)
        if path is None:
            for pred in (SH.minCount, SH.maxCount, SH.qualifiedValueShape, SH.uniqueLang):
                if (shape, pred, None) in self.g:
                    self.refuse(shape, f"{pred.n3()} on a node shape")
            for pred in _VALUE_COMPONENTS:
                for param in self.g.objects(shape, pred):
                    tests.append(self.value_test(shape, pred, param, x, depth))
            for value in self.g.objects(shape, SH.hasValue):
                tests.append(f"sameTerm({x}, {self.term(shape, value)})")
        else:
            tests.extend(self.nested_property(shape, self.path(shape, path), x, depth))
        for prop in self.g.objects(shape, SH.property):
            tests.append(self.conforms(prop, x, depth + 1))
        return "(" + " && ".join(tests) + ")" if tests else "true"

    def nested_property(self, shape, path: str, x: str, depth: int) -> list[str]:
        tests = []
        for count in self.g.objects(shape, SH.minCount):
            n = _count(count)
            if n > 1:
                self.refuse(shape, f"sh:minCount {n} inside a nested shape")
            if n == 1:
                tests.append(f"EXISTS {{ {x} {path} ?{self.var()[1:]} }}")
        for count in self.g.objects(shape, SH.maxCount):
            n = _count(count)
            a, b = self.var(), self.var()
            if n == 0:
                tests.append(f"NOT EXISTS {{ {x} {path} {a} }}")
            elif n == 1:
                tests.append(f"NOT EXISTS {{ {x} {path} {a} . {x} {path} {b} . FILTER (!sameTerm({a}, {b})) }}")
            else:
                self.refuse(shape, f"sh:maxCount {n} inside a nested shape")
        for value in self.g.objects(shape, SH.hasValue):
            tests.append(f"EXISTS {{ {x} {path} {self.term(shape, value)} }}")
        for pred in _VALUE_COMPONENTS:
            for param in self.g.objects(shape, pred):
                v = self.var()
                tests.append(f"NOT EXISTS {{ {x} {path} {v} . FILTER (!{self.value_test(shape, pred, param, v, depth)}) }}")
        if (shape, SH.uniqueLang, None) in self.g:
            self.refuse(shape, "sh:uniqueLang inside a nested shape")
        for q in self.g.objects(shape, SH.qualifiedValueShape):
            if any(_flag(v) for v in self.g.objects(shape, SH.qualifiedValueShapesDisjoint)):
                self.refuse(shape, "sh:qualifiedValueShapesDisjoint")
            for count in self.g.objects(shape, SH.qualifiedMinCount):
                n, v = _count(count), self.var()
                if n > 1:
                    self.refuse(shape, f"sh:qualifiedMinCount {n} inside a nested shape")
                if n == 1:
                    tests.append(f"EXISTS {{ {x} {path} {v} . FILTER ({self.conforms(q, v, depth + 1)}) }}")
            for count in self.g.objects(shape, SH.qualifiedMaxCount):
                n, a, b = _count(count), self.var(), self.var()
                if n == 0:
                    tests.append(f"NOT EXISTS {{ {x} {path} {a} . FILTER ({self.conforms(q, a, depth + 1)}) }}")
                elif n == 1:
                    tests.append(f"NOT EXISTS {{ {x} {path} {a} . {x} {path} {b} . FILTER (!sameTerm({a}, {b}) "
                                 f"&& {self.conforms(q, a, depth + 1)} && {self.conforms(q, b, depth + 1)}) }}")
                else:
                    self.refuse(shape, f"sh:qualifiedMaxCount {n} inside a nested shape")
        return tests

    def value_test(self, shape, pred, param, x: str, depth: int) -> str:
        """A SPARQL expression true iff the value in ``x`` satisfies one value-type component."""
        if pred == SH["class"]:
            return f"EXISTS {{ {x} rdf:type/rdfs:subClassOf* {self.term(shape, param)} }}"
        if pred == SH.datatype and param in _INTEGER_RANGES:
            # Oxigraph stores "5"^^xsd:positiveInteger as "5"^^xsd:integer: the derived type is gone.
            # Checked as an integer in range, which only differs from pySHACL for a plain integer;
            # allowed only where an xsd:integer alternative accepts that integer anyway.
            if not self._integer_admitted:
                self.refuse(shape, f"sh:datatype {param.n3()} outside an sh:or that also admits xsd:integer "
                                   "(Oxigraph stores it as xsd:integer)")
            low, high = _INTEGER_RANGES[param]
            bounds = "".join([f" && {x} >= {low}" if low is not None else "",
                              f" && {x} <= {high}" if high is not None else ""])
            return f"(isLiteral({x}) && sameTerm(DATATYPE({x}), xsd:integer){bounds})"
        if pred == SH.datatype:
            test = f"(isLiteral({x}) && sameTerm(DATATYPE({x}), {self.term(shape, param)})"
            if param in _LEXICAL:
                test += " && " + _LEXICAL[param].format(x=x)
            return test + ")"
        if pred == SH.nodeKind:
            if param not in _KINDS:
                self.refuse(shape, f"sh:nodeKind {param}")
            return _KINDS[param].format(x=x)
        if pred == SH.pattern:
            flags = self.g.value(shape, SH.flags)
            extra = f", {_sparql_string(str(flags))}" if flags is not None else ""
            return f"(!isBlank({x}) && REGEX(STR({x}), {_sparql_string(str(param))}{extra}))"
        if pred == SH["in"]:
            members = [f"sameTerm({x}, {self.term(shape, m)})" for m in self.items(shape, param)]
            return "(" + " || ".join(members) + ")" if members else "false"
        if pred == SH.languageIn:
            tags = [f"langMatches(LANG({x}), {_sparql_string(str(t))})" for t in self.items(shape, param)]
            return f"(isLiteral({x}) && ({' || '.join(tags) or 'false'}))"
        if pred in (SH.minLength, SH.maxLength):
            op = ">=" if pred == SH.minLength else "<="
            return f"(!isBlank({x}) && STRLEN(STR({x})) {op} {int(param)})"
        if pred in (SH.minInclusive, SH.minExclusive, SH.maxInclusive, SH.maxExclusive):
            op = {SH.minInclusive: ">=", SH.minExclusive: ">", SH.maxInclusive: "<=", SH.maxExclusive: "<"}[pred]
            return f"COALESCE({x} {op} {self.term(shape, param)}, false)"
        if pred == SH.node:
            return self.conforms(param, x, depth + 1)
        if pred == SH["not"]:
            return f"!{self.conforms(param, x, depth + 1)}"
        shapes = self.items(shape, param)
        admitted = self._integer_admitted
        self._integer_admitted = pred == SH["or"] and any(
            isinstance(s, BNode) and set(self.g.predicate_objects(s)) == {(SH.datatype, XSD.integer)} for s in shapes)
        try:
            members = [self.conforms(s, x, depth + 1) for s in shapes]
        finally:
            self._integer_admitted = admitted
        if pred == SH["or"]:
            return "(" + " || ".join(members) + ")" if members else "false"
        if pred == SH["and"]:
            return "(" + " && ".join(members) + ")" if members else "true"
        if pred == SH.xone:
            return "((" + " + ".join(f"IF({m}, 1, 0)" for m in members) + ") = 1)" if members else "false"
        self.refuse(shape, f"the constraint {pred.n3()}")

    # ---------------------------------------------------------------- targets
    def prefixes(self, shape, node) -> str:
        lines = []
        for source in self.g.objects(node, SH.prefixes):
            for decl in self.g.objects(source, SH.declare):
                prefix, ns = self.g.value(decl, SH.prefix), self.g.value(decl, SH.namespace)
                if prefix is None or ns is None:
                    self.refuse(shape, f"an incomplete sh:declare on {source}")
                lines.append(f"PREFIX {prefix}: <{ns}>")
        return "\n".join(sorted(set(lines)))

    def focus(self, shape) -> tuple[str, str] | None:
        """(prefix lines, group pattern binding ?this once per focus node), or None without targets."""
        branches, prefixes = [], []
        for cls in self.g.objects(shape, SH.targetClass):
            t = self.var()
            branches.append(f"{{ {t} rdfs:subClassOf* {self.term(shape, cls)} . ?this rdf:type {t} }}")
        for node in self.g.objects(shape, SH.targetNode):
            branches.append(f"{{ VALUES ?this {{ {self.term(shape, node)} }} }}")
        for prop in self.g.objects(shape, SH.targetSubjectsOf):
            branches.append(f"{{ ?this {self.term(shape, prop)} {self.var()} }}")
        for prop in self.g.objects(shape, SH.targetObjectsOf):
            branches.append(f"{{ {self.var()} {self.term(shape, prop)} ?this }}")
        for target in self.g.objects(shape, SH.target):
            if (target, RDF.type, SH.SPARQLTarget) not in self.g or (target, SH.select, None) not in self.g:
                self.refuse(shape, f"the target {target} (only sh:SPARQLTarget with sh:select)")
            select = str(self.g.value(target, SH.select))
            head, body, tail = _split_select(select)
            if head is None or tail or "?this" not in head.replace("$this", "?this"):
                self.refuse(shape, "a SPARQL target that is not a plain SELECT ?this WHERE { … }")
            if self.optimise:
                body = _anti_join_as_optional(body, head + tail)
            distinct = "DISTINCT " if re.search(r"\bDISTINCT\b", head, re.I) else ""
            self._target_bodies.setdefault(shape, set()).add(
                (_canonical(body), self.prefixes(shape, target)))
            branches.append(f"{{ SELECT {distinct}?this WHERE {{ {body} }} }}")
            prefixes.append(self.prefixes(shape, target))
        if (shape, RDF.type, RDFS.Class) in self.g or (shape, RDF.type, URIRef("http://www.w3.org/2002/07/owl#Class")) in self.g:
            self.refuse(shape, "an implicit class target (a shape that is also a class)")
        if not branches:
            return None
        return "\n".join(p for p in prefixes if p), \
            "{ SELECT DISTINCT ?this WHERE { " + " UNION ".join(branches) + " } }"

    # ---------------------------------------------------------------- top-level checks
    def compile(self) -> list[Check]:
        if any(True for _ in self.g.subjects(RDF.type, SH.ConstraintComponent)):
            self.refuse(next(self.g.subjects(RDF.type, SH.ConstraintComponent)), "a custom constraint component")
        for rule_pred in (SH.rule, SH.shapesGraph, SH.entailment):
            for s in self.g.subjects(rule_pred, None):
                self.refuse(s, f"{rule_pred.n3()}")
        checks: list[Check] = []
        shapes = {s for p in (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.target)
                  for s in self.g.subjects(p, None)}
        shapes |= {s for s in self.g.subjects(RDF.type, RDFS.Class) if (s, RDF.type, SH.NodeShape) in self.g}
        for shape in sorted(shapes, key=self.name):
            if self.deactivated(shape):
                continue
            focus = self.focus(shape)
            if focus is None:
                continue
            prefixes, pattern = focus
            path = self.g.value(shape, SH.path)
            if path is None:
                checks.extend(self.node_checks(shape, prefixes, pattern))
            else:
                checks.extend(self.property_checks(shape, prefixes, pattern))
            for prop in sorted(self.g.objects(shape, SH.property), key=self.name):
                if self.deactivated(prop):
                    continue
                if (prop, SH.path, None) not in self.g:
                    self.refuse(prop, "sh:property without sh:path")
                checks.extend(self.property_checks(prop, prefixes, pattern))
        return checks

    def _check(self, shape, component: str, query: str, *, path=None, value_is_focus=False,
               messages=None, templated=False) -> Check:
        messages = self.messages(shape) if messages is None else messages
        if not messages:
            self.refuse(shape, "a shape with no sh:message (pySHACL would word its own)")
        path_text = None
        if path is not None:
            path_text = str(path) if isinstance(path, URIRef) else "(complex path)"
        return Check(self.name(shape), str(SH) + component + "ConstraintComponent", self.severity(shape),
                     path_text, messages, query, value_is_focus, templated)

    def node_checks(self, shape, prefixes: str, focus: str) -> list[Check]:
        self.check_terms(shape, allowed_extra={SH.sparql, SH.hasValue})
        for pred in (SH.minCount, SH.maxCount, SH.qualifiedValueShape, SH.uniqueLang, SH.lessThan, SH.disjoint):
            if (shape, pred, None) in self.g:
                self.refuse(shape, f"{pred.n3()} on a node shape")
        checks = []
        head = _PREAMBLE + prefixes + "\n"
        for pred in sorted(_VALUE_COMPONENTS, key=str):
            for param in self.g.objects(shape, pred):
                test = self.value_test(shape, pred, param, "?this", 0)
                checks.append(self._check(shape, _COMPONENT_NAME[pred], value_is_focus=True, query=(
                    f"{head}SELECT ?this WHERE {{ {focus} FILTER (!{test}) }}")))
        for value in self.g.objects(shape, SH.hasValue):
            checks.append(self._check(shape, "HasValue", value_is_focus=False, query=(
                f"{head}SELECT ?this WHERE {{ {focus} FILTER (!sameTerm(?this, {self.term(shape, value)})) }}")))
        for constraint in sorted(self.g.objects(shape, SH.sparql), key=self.name):
            check = self.sparql_check(shape, constraint, prefixes, focus)
            if check is not None:
                checks.append(check)
        return checks

    def sparql_check(self, shape, constraint, prefixes: str, focus: str) -> Check | None:
        if self.deactivated(constraint):
            return None
        extra = set(self.g.predicates(constraint, None)) - {RDF.type, SH.select, SH.prefixes, SH.message,
                                                            SH.deactivated, RDFS.label, RDFS.comment}
        if extra:
            self.refuse(shape, f"{', '.join(sorted(p.n3() for p in extra))} on the SPARQL constraint {constraint}")
        select = self.g.value(constraint, SH.select)
        if select is None:
            self.refuse(shape, "a SPARQL constraint without sh:select")
        head, body, tail = _split_select(str(select).replace("$this", "?this"))
        if head is None:
            self.refuse(shape, "a SPARQL constraint that is not a plain SELECT … WHERE { … }")
        if self.optimise:
            body = _anti_join_as_optional(body, head + tail)
        if re.search(r"\?path\b", head) or "$PATH" in str(select):
            self.refuse(shape, "?path or $PATH in a SPARQL constraint")
        variables = re.findall(r"[?$](\w+)", head)
        if "this" not in variables or re.search(r"\(|\*", head):
            self.refuse(shape, "a SPARQL constraint whose SELECT does not list ?this and plain variables")
        if self.optimise and not tail and _canonical(body) is not None \
                and (_canonical(body), self.prefixes(shape, constraint)) in self._target_bodies.get(shape, ()):
            # The constraint's pattern is one of the shape's SPARQL targets: every ?this it
            # finds is a focus node already, so joining it with the targets would run it twice.
            focus = ""
        query = (f"{_PREAMBLE}{prefixes}\n{self.prefixes(shape, constraint)}\n"
                 f"SELECT {head} WHERE {{ {focus} {body} }} {tail}")
        own = self.messages(constraint)
        # pySHACL words the result with the constraint's messages and the shape's (both formatted)
        messages = own or self.messages(shape)
        return self._check(shape, "SPARQL", query, path=self.g.value(shape, SH.path), value_is_focus=True,
                           messages=messages, templated=True)

    def property_checks(self, shape, prefixes: str, focus: str) -> list[Check]:
        self.check_terms(shape, allowed_extra={SH.minCount, SH.maxCount, SH.hasValue, SH.qualifiedValueShape,
                                               SH.uniqueLang, SH.lessThan, SH.disjoint})
        path_node = self.g.value(shape, SH.path)
        p = self.path(shape, path_node)
        head = _PREAMBLE + prefixes + "\n"
        checks = []

        def add(component, query):
            checks.append(self._check(shape, component, head + query, path=path_node))

        for count in self.g.objects(shape, SH.minCount):
            n = _count(count)
            if n == 1:
                add("MinCount", f"SELECT ?this WHERE {{ {focus} FILTER NOT EXISTS {{ ?this {p} ?v }} }}")
            elif n > 1:
                add("MinCount", f"SELECT ?this WHERE {{ {{ SELECT ?this (COUNT(DISTINCT ?v) AS ?n) WHERE {{ {focus} "
                                f"OPTIONAL {{ ?this {p} ?v }} }} GROUP BY ?this }} FILTER (?n < {n}) }}")
        for count in self.g.objects(shape, SH.maxCount):
            n = _count(count)
            add("MaxCount", f"SELECT ?this WHERE {{ {focus} ?this {p} ?v }} GROUP BY ?this "
                            f"HAVING (COUNT(DISTINCT ?v) > {n})")
        for value in self.g.objects(shape, SH.hasValue):
            add("HasValue", f"SELECT ?this WHERE {{ {focus} FILTER NOT EXISTS {{ ?this {p} {self.term(shape, value)} }} }}")
        for pred in sorted(_VALUE_COMPONENTS, key=str):
            for param in self.g.objects(shape, pred):
                test = self.value_test(shape, pred, param, "?value", 0)
                add(_COMPONENT_NAME[pred], f"SELECT DISTINCT ?this ?value WHERE {{ {focus} ?this {p} ?value . "
                                           f"FILTER (!{test}) }}")
        for flag in self.g.objects(shape, SH.uniqueLang):
            if _flag(flag):
                add("UniqueLang", f"SELECT ?this WHERE {{ {{ SELECT DISTINCT ?this ?value WHERE {{ {focus} "
                                  f"?this {p} ?value . FILTER (LANG(?value) != \"\") }} }} }} "
                                  f"GROUP BY ?this (LCASE(LANG(?value))) HAVING (COUNT(?value) > 1)")
        for other in self.g.objects(shape, SH.lessThan):
            o = self.term(shape, other)
            add("LessThan", f"SELECT ?this ?value WHERE {{ {{ SELECT DISTINCT ?this ?value WHERE {{ {focus} "
                            f"?this {p} ?value }} }} ?this {o} ?other . "
                            f"FILTER (!COALESCE(?value < ?other && (isLiteral(?value) = isLiteral(?other)), false)) }}")
        for other in self.g.objects(shape, SH.disjoint):
            add("Disjoint", f"SELECT DISTINCT ?this ?value WHERE {{ {focus} ?this {p} ?value . "
                            f"?this {self.term(shape, other)} ?value }}")
        for q in self.g.objects(shape, SH.qualifiedValueShape):
            if any(_flag(v) for v in self.g.objects(shape, SH.qualifiedValueShapesDisjoint)):
                self.refuse(shape, "sh:qualifiedValueShapesDisjoint")
            test = self.conforms(q, "?v", 1)
            counted = (f"{{ SELECT ?this (COUNT(DISTINCT ?v) AS ?n) WHERE {{ {focus} "
                       f"OPTIONAL {{ ?this {p} ?v . FILTER ({test}) }} }} GROUP BY ?this }}")
            for count in self.g.objects(shape, SH.qualifiedMinCount):
                add("QualifiedMinCount", f"SELECT ?this WHERE {{ {counted} FILTER (?n < {_count(count)}) }}")
            for count in self.g.objects(shape, SH.qualifiedMaxCount):
                add("QualifiedMaxCount", f"SELECT ?this WHERE {{ {counted} FILTER (?n > {_count(count)}) }}")
        if (shape, SH.sparql, None) in self.g:
            self.refuse(shape, "sh:sparql on a property shape")
        return checks


def _split_select(select: str) -> tuple[str | None, str, str]:
    """('?this ?value', body, tail) of ``SELECT … WHERE { body } [GROUP BY … HAVING …]``; else (None, '', '')."""
    match = re.match(r"\s*SELECT\s+(.*?)\s*WHERE\s*\{(.*)\}([^{}]*)$", select, re.S | re.I)
    if match is None:
        return None, "", ""
    tail = match.group(3).strip()
    if tail and not re.fullmatch(r"GROUP\s+BY\s+[?$][^{}]*", tail, re.S | re.I):
        return None, "", ""   # ORDER BY, LIMIT, VALUES … after the group: not translated
    head = re.sub(r"^\s*DISTINCT\s+", "DISTINCT ", match.group(1), flags=re.I)
    return head, match.group(2), tail.replace("$this", "?this")


_KEYWORDS = re.compile(r"\b(FILTER|BIND|VALUES|OPTIONAL|MINUS|UNION|GRAPH|SERVICE|EXISTS|NOT|SELECT)\b", re.I)
_TRAILING_NOT_EXISTS = re.compile(r"\bFILTER\s+NOT\s+EXISTS\s*\{([^{}]*)\}\s*$", re.I)
_VARIABLE = re.compile(r"[?$](\w+)")


def _canonical(body: str) -> str | None:
    """``body`` with its variables renamed in order of appearance (``?this`` kept) and its
    whitespace collapsed: two patterns that differ only in variable names compare equal.
    None when a string, comment or IRI could hide a variable name (such bodies never compare)."""
    if any(c in body for c in "\"'#<"):
        return None
    names: dict[str, str] = {"this": "this"}
    renamed = _VARIABLE.sub(lambda m: "?" + names.setdefault(m.group(1), f"v{len(names)}"), body)
    return " ".join(renamed.split())


def _anti_join_as_optional(body: str, rest: str) -> str:
    """``P FILTER NOT EXISTS { ?s PATH ?x FILTER (…) }`` as ``P OPTIONAL { … } FILTER (!BOUND(?x))``.

    Oxigraph 0.5 evaluates such a NOT EXISTS as a nested loop, every row of P against every
    match of the inner pattern in the graph: 12 s for VerbatimTextShape at 1M triples, with
    3,406 mentions and 70,597 quotes. The OPTIONAL form reads the inner pattern once and joins
    it on ``?s``: 0.7 s. The two give the same solutions when P is a plain basic graph pattern
    (every variable of P is bound before the inner pattern is joined), ``?s`` is a variable of
    P, and ``?x`` is found nowhere else in the query (it is bound exactly when the inner pattern
    matches). The inner pattern must be ONE triple pattern whose predicate is a path without
    variables: the OPTIONAL side then costs at most one pass over that path's triples, never a
    pass over the whole graph (``?fact ?p ?this`` would be, when P has few or no rows). Any
    other body is returned unchanged.
    """
    if any(c in body for c in "\"'#<"):
        return body   # strings, comments or IRIs could hide a brace, a keyword or a "?name"
    match = _TRAILING_NOT_EXISTS.search(body)
    if match is None:
        return body
    outer, inner = body[:match.start()], match.group(1)
    if "{" in outer or "}" in outer or _KEYWORDS.search(outer):
        return body
    parts = re.split(r"\bFILTER\b", inner, maxsplit=1, flags=re.I)
    triple = re.fullmatch(r"\s*[?$](\w+)\s+([^\s?$]+)\s+[?$](\w+)\s*\.?\s*", parts[0])
    if triple is None:
        return body
    if re.search(r"\b(BIND|VALUES|EXISTS|SELECT|OPTIONAL|MINUS|UNION)\b", inner, re.I):
        return body
    subject, fresh = triple.group(1), triple.group(3)
    elsewhere = set(_VARIABLE.findall(outer)) | set(_VARIABLE.findall(rest))
    if subject not in _VARIABLE.findall(outer) or fresh in elsewhere or fresh == subject:
        return body
    return f"{outer}OPTIONAL {{{inner}}} FILTER (!BOUND(?{fresh}))\n"


def compile_shapes(shapes: Graph, *, optimise: bool = True) -> list[Check]:
    """The shapes graph as a list of SPARQL checks, or :class:`UnsupportedShapes` saying what is not covered.

    ``optimise=False`` keeps every SPARQL target and constraint as written: the reference the
    rewritten queries are tested against (tests/test_shapes.py, on every mutation case).
    """
    return [c for c in _Compiler(shapes, optimise).compile() if c is not None]


def _format(template: str, bindings: dict) -> str:
    # As pySHACL: {?var} and {$var} become the string of the bound term.
    for name, value in bindings.items():
        template = re.sub("{[?$]" + name + "}", str(value).replace("\\", "\\\\"), template)
    return template


def run_checks(store, checks: list[Check], progress=None) -> list[Finding]:
    """Run every check on a pyoxigraph Store; findings in the order of the checks."""
    findings = []
    for i, check in enumerate(checks):
        if progress is not None and i % 100 == 0:
            progress(f"SHACL (oxigraph): check {i + 1}/{len(checks)}")
        for row in store.query(check.query):
            focus = row["this"]
            value = None
            try:
                value = row["value"]
            except (KeyError, IndexError):
                value = None
            if value is None and check.value_is_focus:
                value = focus
            messages = check.messages
            if check.templated:
                bindings = {}
                for name in re.findall(r"{[?$](\w+)}", " ".join(m for m, _ in messages)):
                    try:
                        term = row[name]
                    except (KeyError, IndexError):
                        term = None
                    if term is not None:
                        bindings[name] = term.value
                if value is not None:
                    bindings.setdefault("value", value.value)
                bindings.setdefault("this", focus.value)
                messages = tuple((_format(m, bindings), lang) for m, lang in messages)
            findings.append(Finding(check, focus, value, messages))
    return findings
