"""Curated data + ontology → the knowledge graph (``harbin-kg build``).

Where facts enter: ``data/sources/NAME.txt`` (a source, never edited) with its metadata
``data/sources/NAME.ttl``, and the curated facts ``data/facts/NAME/*.ttl`` quoting it. The
build, in order:

1. parses every file strictly (pyoxigraph: file, line and column for any syntax error);
2. checks each source against the hash its quotes were taken from;
3. expands the curation shorthands (:mod:`harbin_kg.sources.quotes`): ``hv:quote`` becomes
   ``hv:evidence`` → an ``hv:Quote`` whose offsets are computed here, and blank nodes get
   stable IRIs; pages the project does not ship are described in ``data/sources/web/*.ttl``
   and their facts in ``data/facts/web/*.ttl`` carry ``hv:cite``, which becomes ``hv:evidence``
   → a ``hv:Citation`` (:mod:`harbin_kg.sources.citations`);
4. checks what Turtle cannot: unknown terms, dangling references, an identifier defined in
   two files, missing ``@zh`` labels, verbatim literals that are not in their own quotes;
5. derives the shortcut edges by the documented CONSTRUCT rules in ``ontology/rules/``;
6. validates the result against ``ontology/shapes.ttl`` (done by the caller, see
   :func:`build_and_write`), and only then writes it, atomically.
"""

import fcntl
import hashlib
import json
import logging
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, SKOS, TIME, XSD

from .. import __version__
from ..errors import DataError, QueryError
from ..namespaces import HV, ID, SCHEME, bind_prefixes
from ..sources.citations import expand_citations, key_phrases, refuse_quotes, split_cites
from ..sources.quotes import Source, expand_quotes, line_of, skolemize
from .store import load_rdflib, to_rdflib_term

__all__ = [
    "Paths", "project_paths", "build_graph", "data_version", "serialize", "write_outputs",
    "build_and_write", "default_graph_path", "default_out_dir", "load_graph", "GRAPH_IRI", "OUTPUTS", "STAMP",
]

log = logging.getLogger(__name__)

GRAPH_IRI = ID["graph/harbin-kg"]
_VERBATIM = (HV.mentionText, HV.reportedText, HV.dateText)


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


def _read_sources(paths: Paths) -> tuple[dict[str, Source], dict[Path, Graph]]:
    """Each source text with its metadata file, hash-checked."""
    if not paths.sources.is_dir():
        raise DataError(f"{paths.sources}: no sources folder; the data folder must hold sources/NAME.txt and sources/NAME.ttl.")
    sources: dict[str, Source] = {}
    graphs: dict[Path, Graph] = {}
    for text_path in sorted(paths.sources.glob("*.txt")):
        slug = text_path.stem
        meta_path = text_path.with_suffix(".ttl")
        if not meta_path.exists():
            raise DataError(f"{text_path}: has no metadata file {meta_path.name}; copy seed-article.ttl and adapt it (data/README.md).")
        meta = load_rdflib(meta_path)
        text_iri = ID[f"text/{slug}"]
        expected = meta.value(text_iri, HV.sha256)
        if expected is None:
            raise DataError(f"{meta_path}: <text/{slug}> has no hv:sha256; add the hash of {text_path.name} (sha256sum {text_path}).")
        raw = text_path.read_bytes()
        actual = hashlib.sha256(raw).hexdigest()
        if actual != str(expected):
            raise DataError(
                f"{text_path}: the source changed after its quotes were taken (sha256 {actual[:12]}…, "
                f"expected {str(expected)[:12]}… in {meta_path.name}, line {line_of(meta_path, str(expected))}). "
                "Restore the original file; a corrected text is a new source (NAME-v2) with its own hash."
            )
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as error:
            raise DataError(f"{text_path}: not valid UTF-8 ({error.reason}).") from None
        sources[slug] = Source(slug=slug, path=text_path, text=text, iri=text_iri)
        graphs[meta_path] = meta
    if not sources:
        raise DataError(f"{paths.sources}: holds no source texts (*.txt).")
    return sources, graphs


def _source_for(path: Path, paths: Paths, sources: dict[str, Source]) -> Source:
    slug = path.stem if path.parent == paths.sources else path.parent.name
    if slug not in sources:
        raise DataError(f"{path}: its folder facts/{slug}/ names no source; expected data/sources/{slug}.txt.")
    return sources[slug]


def _declared_terms(vocabulary: Graph) -> set[URIRef]:
    # Anything the vocabulary types (a class, a property, a concept, hv:dsd …) is declared.
    declared = {s for s in vocabulary.subjects(RDF.type) if isinstance(s, URIRef)}
    return declared | {s for s in vocabulary.subjects(RDFS.subClassOf) if isinstance(s, URIRef)}


def _check_terms(path: Path, graph: Graph, declared: set[URIRef]) -> None:
    """Every hv: term and every concept a curated file uses must be declared in ontology/."""
    for triple in graph:
        for position, node in zip(("subject", "predicate", "object"), triple):
            if not isinstance(node, URIRef):
                continue
            iri = str(node)
            ours = iri.startswith(str(HV)) or (iri.startswith(str(SCHEME)) and position != "subject")
            if ours and node not in declared and node != HV.quote:
                raise DataError(
                    f"{path}, line {line_of(path, iri.rsplit('/', 1)[-1].rsplit('#', 1)[-1])}: unknown term "
                    f"<{iri}> (未定义的术语). Declare it in ontology/ (with zh/en labels) or fix the spelling."
                )


def _check_iris(path: Path, graph: Graph) -> None:
    from rdflib.term import _is_valid_uri

    for triple in graph:
        for node in triple:
            if isinstance(node, URIRef) and not _is_valid_uri(str(node)):
                raise DataError(f"{path}, line {line_of(path, str(node)[-20:])}: invalid IRI <{node}>.")


def _check_entities(files: dict[Path, Graph], merged: Graph) -> None:
    """Duplicate identifiers, dangling references and missing @zh labels, with file and line."""
    defined_in: dict[URIRef, Path] = {}
    for path, graph in files.items():
        for subject in sorted(set(graph.subjects(RDF.type))):
            if not isinstance(subject, URIRef) or not str(subject).startswith(str(ID)):
                continue
            if subject in defined_in and defined_in[subject] != path:
                raise DataError(
                    f"{path}, line {line_of(path, _rel(subject))}: duplicate identifier <{_rel(subject)}>, "
                    f"already defined in {defined_in[subject]} (line {line_of(defined_in[subject], _rel(subject))}). "
                    "Each entity is defined in one file; use another slug or merge the two."
                )
            defined_in[subject] = path
    for path, graph in files.items():
        for _subject, obj in graph.subject_objects():
            if (isinstance(obj, URIRef) and str(obj).startswith(str(ID)) and obj not in defined_in
                    and not str(obj).startswith(str(ID["quote/"]))):
                raise DataError(
                    f"{path}, line {line_of(path, _rel(obj))}: <{_rel(obj)}> is referenced but defined nowhere "
                    "(未定义的实体). Define it (with a type, labels and a quote) or fix the slug."
                )
    for subject, path in sorted(defined_in.items()):
        if "/quote/" in str(subject) or str(subject).startswith(str(ID["quote/"])):
            continue
        if not any(isinstance(v, Literal) and (v.language or "").startswith("zh")
                   for v in merged.objects(subject, SKOS.prefLabel)):
            raise DataError(
                f"{path}, line {line_of(path, _rel(subject))}: <{_rel(subject)}> has no Chinese label; "
                'add skos:prefLabel "…"@zh (每个实体都需要中文标签).'
            )


def _check_aliases(merged: Graph) -> None:
    """Two organisations or places may not answer to the same name (哈职院 must find one)."""
    owner: dict[str, URIRef] = {}
    for prop in (SKOS.prefLabel, SKOS.altLabel):
        for subject, value in sorted(merged.subject_objects(prop)):
            # Top-level organisations and places only: their sub-nodes (<org/x/cite/s01>,
            # <org/x/member/y>) are named after them, not aliases of them.
            if not str(subject).startswith((str(ID["org/"]), str(ID["place/"]))) or _rel(subject).count("/") != 1:
                continue
            key = str(value)
            if key in owner and owner[key] != subject:
                raise DataError(
                    f'The name "{key}" labels both <{_rel(owner[key])}> and <{_rel(subject)}>; '
                    "names must pick out one entity (keep the alias on one of them)."
                )
            owner[key] = subject


def _check_verbatim(path: Path, graph: Graph, own_quotes: dict, parents: dict, *, cited: bool = False) -> None:
    """mentionText, reportedText and dateText must be slices of their own node's quotes (MODEL §5.7).

    For a fact from a cited page (``cited``) the only words of the page the project keeps are
    its citations' key phrases, so the verbatim literals must come from those.
    """
    for prop in _VERBATIM:
        for subject, value in graph.subject_objects(prop):
            holder = subject
            while holder not in own_quotes and holder in parents:
                holder = parents[holder]
            exacts = own_quotes.get(holder, [])
            if not any(str(value) in exact for exact in exacts):
                if cited:
                    raise DataError(
                        f'{path}, line {line_of(path, str(value))}: {prop.fragment} "{value}" of <{_rel(subject)}> '
                        "is not in any key phrase of its own citations; make it the hv:keyPhrase of a hv:cite "
                        "on that node (or its fact), or move a paraphrase to skos:editorialNote."
                    )
                raise DataError(
                    f'{path}, line {line_of(path, str(value))}: {prop.fragment} "{value}" of <{_rel(subject)}> '
                    "is not in any of its own quotes; quote the words it comes from, or move a paraphrase "
                    "to skos:editorialNote."
                )


def _rel(node) -> str:
    text = str(node)
    return text[len(str(ID)):] if text.startswith(str(ID)) else text


def _derive(graph: Graph, rules_dir: Path) -> Graph:
    """Run every CONSTRUCT rule in ``ontology/rules`` over the graph: the derived shortcuts."""
    from .store import store_from_graph

    derived = Graph()
    if not rules_dir.is_dir():
        return derived
    from .sparql_guard import check_read_only

    store = store_from_graph(graph)
    for rule in sorted(rules_dir.glob("*.rq")):
        text = rule.read_text(encoding="utf-8")
        # A rule is a local CONSTRUCT: the same guard as user queries (no SERVICE, FROM, update).
        try:
            check_read_only(text)
        except QueryError as error:
            raise DataError(f"{rule}: {error}") from None
        if "CONSTRUCT" not in text.upper():
            raise DataError(f"{rule}: a derivation rule must be a SPARQL CONSTRUCT query.")
        try:
            for triple in store.query(text):
                derived.add(tuple(to_rdflib_term(t) for t in (triple.subject, triple.predicate, triple.object)))
        except SyntaxError as error:
            raise DataError(f"{rule}: {error}") from None
    return derived


def build_graph(paths: Paths | None = None, *, progress: Callable[[str], None] | None = None) -> Graph:
    """The knowledge graph from curated data and ontology (not yet SHACL-validated).

    Raises :class:`~harbin_kg.errors.DataError` naming file and line for any bad input.
    """
    paths = paths or project_paths()
    say = progress or (lambda message: None)
    for folder in (paths.data, paths.ontology):
        if not folder.is_dir():
            raise DataError(f"{folder}: no such folder; pass the folder that holds the curated data and the ontology.")
    say(f"reading ontology from {paths.ontology}")
    vocabulary = Graph()
    for path in paths.vocabulary_files():
        part = load_rdflib(path)
        _check_iris(path, part)
        vocabulary += part
    declared = _declared_terms(vocabulary)

    sources, metadata = _read_sources(paths)
    fact_files = {path: load_rdflib(path) for path in paths.seed_fact_files()}
    if not fact_files:
        raise DataError(f"{paths.facts}: no curated files (facts/NAME/*.ttl).")
    say(f"expanding {len(metadata) + len(fact_files)} curated files quoting {len(sources)} source(s)")
    expanded: dict[Path, Graph] = {}
    quote_graph = Graph()
    for path, raw in {**metadata, **fact_files}.items():
        _check_iris(path, raw)
        _check_terms(path, raw, declared)
        source = _source_for(path, paths, sources)
        graph, quotes, own_quotes = expand_quotes(path, raw, source)
        graph, parents = skolemize(path, graph)
        _check_verbatim(path, graph, own_quotes, parents)
        expanded[path] = graph
        quote_graph += quotes

    cited_sources = _read_web(paths, declared, expanded, say)

    facts = Graph()
    for graph in expanded.values():
        facts += graph
    _check_entities(expanded, facts + vocabulary)
    _check_aliases(facts)

    graph = bind_prefixes(Graph())
    graph += vocabulary
    graph += facts
    graph += quote_graph
    for source in sources.values():
        graph.add((source.iri, HV.charCount, Literal(len(source.text), datatype=XSD.nonNegativeInteger)))
    say("deriving shortcut edges (ontology/rules)")
    graph += _derive(graph, paths.rules)
    _describe_build(graph, paths, sources, cited_sources)
    return graph


def _read_web(paths: Paths, declared: set[URIRef], expanded: dict[Path, Graph], say) -> list[URIRef]:
    """Cited pages (sources/web/*.ttl) and the facts citing them (facts/web/*.ttl), expanded into
    ``expanded``; returns the cited sources' IRIs."""
    source_files = sorted(paths.web_sources.glob("*.ttl"))
    fact_files = sorted(paths.web_facts.glob("*.ttl"))
    if not source_files and not fact_files:
        return []
    say(f"expanding {len(source_files)} cited-source file(s) and {len(fact_files)} cited-fact file(s)")
    cited_sources: list[URIRef] = []
    for path in source_files:
        raw = load_rdflib(path)
        _check_iris(path, raw)
        _check_terms(path, raw, declared)
        for shorthand in (HV.quote, HV.cite):
            for subject in raw.subjects(shorthand):
                raise DataError(
                    f"{path}, line {line_of(path, shorthand.fragment)}: <{_rel(subject)}> uses hv:{shorthand.fragment} "
                    "in a source description; data/sources/web/ describes pages, the facts taken from them "
                    "go to data/facts/web/ with hv:cite."
                )
        graph, _ = skolemize(path, raw)
        expanded[path] = graph
        cited_sources += sorted(s for s in graph.subjects(RDF.type, HV.CitedSource) if isinstance(s, URIRef))
    all_cites = []
    split: dict[Path, tuple[Graph, dict]] = {}
    for path in fact_files:
        raw = load_rdflib(path)
        _check_iris(path, raw)
        _check_terms(path, raw, declared)
        refuse_quotes(path, raw)
        _require_citations(path, raw)
        graph, parents = skolemize(path, raw, leave=(HV.cite,))
        graph, cites = split_cites(path, graph)
        all_cites += cites
        split[path] = (graph, parents)
    citation_graphs = expand_citations(all_cites)
    phrases = key_phrases(all_cites)
    for path, (graph, parents) in split.items():
        _check_verbatim(path, graph, phrases, parents, cited=True)
        expanded[path] = graph + citation_graphs.get(path, Graph())
    return sorted(set(cited_sources))


def _require_citations(path: Path, graph: Graph) -> None:
    """Every entity and fact a facts/web file defines cites a page (dates and periods need not:
    they belong to the fact that cites)."""
    for subject in sorted(set(graph.subjects(RDF.type))):
        if not isinstance(subject, URIRef) or (subject, HV.cite, None) in graph:
            continue
        if any(str(t).startswith(str(TIME)) for t in graph.objects(subject, RDF.type)):
            continue
        raise DataError(
            f"{path}, line {line_of(path, _rel(subject))}: <{_rel(subject)}> has no hv:cite; every entity and "
            "fact in data/facts/web/ cites the page it comes from: hv:cite [ hv:source <source/…> ; "
            'hv:locator "para N" ; hv:keyPhrase "…" ] (网页事实与实体须注明出处).'
        )


def _describe_build(graph: Graph, paths: Paths, sources: dict[str, Source], cited_sources=()) -> None:
    graph.add((GRAPH_IRI, RDF.type, PROV.Entity))
    graph.add((GRAPH_IRI, SKOS.prefLabel, Literal("哈尔滨职业教育知识图谱（构建结果）", lang="zh")))
    graph.add((GRAPH_IRI, SKOS.prefLabel, Literal("Harbin VET knowledge graph (built)", lang="en")))
    graph.add((GRAPH_IRI, DCTERMS.hasVersion, Literal(data_version(paths))))
    graph.add((GRAPH_IRI, PROV.wasGeneratedBy, Literal(f"harbin-kg {__version__}")))
    for source in sorted(sources.values(), key=lambda s: s.slug):
        graph.add((GRAPH_IRI, PROV.wasDerivedFrom, source.iri))
    for cited in cited_sources:
        graph.add((GRAPH_IRI, PROV.wasDerivedFrom, cited))


def serialize(graph: Graph, fmt: str) -> str:
    """Deterministic text of ``graph``: ``turtle``, ``nt`` (sorted lines) or ``json-ld``."""
    if fmt == "turtle":
        # Entities print relative to the documented base: <org/harbin-university>.
        return graph.serialize(format="turtle", base=str(ID))
    if fmt == "nt":
        lines = graph.serialize(format="nt").splitlines()
        return "\n".join(sorted(line for line in lines if line.strip())) + "\n"
    if fmt == "json-ld":
        return _jsonld(graph)
    raise ValueError(f"unknown format {fmt!r}")


def _jsonld(graph: Graph) -> str:
    # rdflib's JSON-LD writer follows the graph's hash order; this one sorts, so builds are byte-identical.
    from ..namespaces import PREFIXES

    def term(node):
        if isinstance(node, URIRef):
            return {"@id": str(node)}
        if isinstance(node, BNode):
            return {"@id": f"_:{node}"}
        value = {"@value": str(node)}
        if node.language:
            value["@language"] = node.language
        elif node.datatype is not None:
            value["@type"] = str(node.datatype)
        return value

    nodes = []
    for subject in sorted(set(graph.subjects()), key=str):
        entry: dict = {"@id": str(subject)}
        for predicate in sorted(set(graph.predicates(subject)), key=str):
            key = "@type" if predicate == RDF.type else str(predicate)
            objects = sorted(graph.objects(subject, predicate), key=lambda o: (type(o).__name__, str(o), str(getattr(o, "language", "")), str(getattr(o, "datatype", ""))))
            entry[key] = [str(o) for o in objects] if predicate == RDF.type else [term(o) for o in objects]
        nodes.append(entry)
    document = {"@context": {k: v for k, v in sorted(PREFIXES.items())}, "@graph": nodes}
    return json.dumps(document, ensure_ascii=False, indent=1) + "\n"


OUTPUTS = {"harbin.ttl": "turtle", "harbin.nt": "nt", "harbin.jsonld": "json-ld"}
STAMP = "harbin.version"  # the data version the outputs were built from: they are current for it


def write_outputs(graph: Graph, out_dir: Path, *, version: str | None = None) -> list[Path]:
    """Write the graph as Turtle, N-Triples and JSON-LD, with the data-version stamp, as one set.

    Every text is serialised first; then :func:`~harbin_kg.writing.install_files` makes the
    four files live together (a versioned folder and one atomic switch, under a lock), so an
    interrupted or concurrent build leaves the previous set whole, never a mix.
    ``version`` defaults to the one the graph records (``dcterms:hasVersion``).
    """
    from ..writing import install_files

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
    from .validate import validate_graph

    paths = paths or project_paths()
    say = progress or (lambda message: None)
    graph = build_graph(paths, progress=progress)
    report = None
    if validate:
        say(f"validating {len(graph)} triples against {paths.shapes}")
        report = validate_graph(graph, paths=paths)
        if not report.conforms:
            raise DataError(
                "The built graph does not conform to the shapes; nothing was written.\n"
                + report.table(limit=20)
                + "\nFix the data (or run harbin-kg validate on a graph for the full report)."
            )
    say(f"writing {len(graph)} triples to {out_dir}")
    return write_outputs(graph, out_dir, version=data_version(paths)), report


def default_out_dir(paths: Paths | None = None) -> Path:
    """Where ``harbin-kg build`` writes by default: where every other command looks for the
    bundled graph (``build/`` in a checkout, else the user cache)."""
    return _cache_dir(paths or project_paths())


def _cache_dir(paths: Paths) -> Path:
    root = paths.data.parent
    if (root / "setup.cfg").exists() and os.access(root, os.W_OK):
        return root / "build"
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "harbin-kg"


def default_graph_path(progress: Callable[[str], None] | None = None) -> Path:
    """The bundled graph, (re)built when missing or older than its inputs.

    In a checkout it lives in ``build/``; an installed package keeps it in the user cache.
    A stamp file records the data version it was built from.
    """
    paths = project_paths()
    out_dir = _cache_dir(paths)
    target = out_dir / "harbin.ttl"
    stamp = out_dir / STAMP
    version = data_version(paths)
    if target.exists() and stamp.exists() and stamp.read_text().strip() == version:
        return target
    out_dir.mkdir(parents=True, exist_ok=True)
    # Several processes (pytest workers, a notebook and a shell) may ask at once: one builds.
    with open(out_dir / ".build.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if target.exists() and stamp.exists() and stamp.read_text().strip() == version:
            return target
        if progress:
            progress(f"building the bundled graph (data version {version}) …")
        build_and_write(out_dir, paths, progress=progress)  # writes the stamp with the outputs
    return target


def load_graph(path: Path) -> Graph:
    """Parse a built graph file strictly (pyoxigraph), as an rdflib Graph."""
    return load_rdflib(path)
