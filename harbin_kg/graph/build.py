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
4. checks what Turtle cannot (:mod:`harbin_kg.graph.checks`): unknown terms, dangling references, an identifier defined in
   two files, missing ``@zh`` labels, verbatim literals that are not in their own quotes;
5. derives the shortcut edges by the documented CONSTRUCT rules in ``ontology/rules/``;
6. validates the result against ``ontology/shapes.ttl`` (done by the caller, see
   :func:`harbin_kg.graph.outputs.build_and_write`), and only then writes it, atomically.
"""

import hashlib
from collections.abc import Callable
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, SKOS, XSD

from .. import __version__
from ..errors import DataError, QueryError
from ..namespaces import GRAPH_IRI, HV, ID, bind_prefixes
from ..sources.citations import expand_citations, key_phrases, refuse_quotes, split_cites
from ..sources.quotes import Source, expand_quotes, line_of, skolemize
from .checks import (check_aliases, check_entities, check_iris, check_terms, check_verbatim, declared_terms, rel,
                     require_citations)
from .paths import Paths, data_version, project_paths
from .sparql_guard import check_read_only
from .store import construct, load_rdflib, store_from_graph, to_rdflib_term

__all__ = ["build_graph", "GRAPH_IRI"]




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


def _derive(graph: Graph, rules_dir: Path) -> Graph:
    """Run every CONSTRUCT rule in ``ontology/rules`` over the graph: the derived shortcuts."""
    derived = Graph()
    if not rules_dir.is_dir():
        return derived
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
            for triple in construct(store, text):
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
        check_iris(path, part)
        vocabulary += part
    declared = declared_terms(vocabulary)

    sources, metadata = _read_sources(paths)
    fact_files = {path: load_rdflib(path) for path in paths.seed_fact_files()}
    if not fact_files:
        raise DataError(f"{paths.facts}: no curated files (facts/NAME/*.ttl).")
    say(f"expanding {len(metadata) + len(fact_files)} curated files quoting {len(sources)} source(s)")
    expanded: dict[Path, Graph] = {}
    quote_graph = Graph()
    for path, raw in {**metadata, **fact_files}.items():
        check_iris(path, raw)
        check_terms(path, raw, declared)
        source = _source_for(path, paths, sources)
        graph, quotes, own_quotes = expand_quotes(path, raw, source)
        graph, parents = skolemize(path, graph)
        check_verbatim(path, graph, own_quotes, parents)
        expanded[path] = graph
        quote_graph += quotes

    cited_sources = _read_web(paths, declared, expanded, say)

    # The built graph is assembled once: a separate merged copy of the facts (and another of
    # facts plus vocabulary for the checks) cost a third of the build in rdflib's per-triple adds.
    graph = bind_prefixes(Graph())
    graph += vocabulary
    for part in expanded.values():
        graph += part
    check_entities(expanded, graph)  # the vocabulary and the facts, as yet nothing else
    check_aliases(*expanded.values())

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
        check_iris(path, raw)
        check_terms(path, raw, declared)
        for shorthand in (HV.quote, HV.cite):
            for subject in raw.subjects(shorthand):
                raise DataError(
                    f"{path}, line {line_of(path, shorthand.fragment)}: <{rel(subject)}> uses hv:{shorthand.fragment} "
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
        check_iris(path, raw)
        check_terms(path, raw, declared)
        refuse_quotes(path, raw)
        require_citations(path, raw)
        graph, parents = skolemize(path, raw, leave=(HV.cite,))
        graph, cites = split_cites(path, graph)
        all_cites += cites
        split[path] = (graph, parents)
    citation_graphs = expand_citations(all_cites)
    phrases = key_phrases(all_cites)
    for path, (graph, parents) in split.items():
        check_verbatim(path, graph, phrases, parents, cited=True)
        if path in citation_graphs:
            graph += citation_graphs[path]  # in place: the split graph is this build's own
        expanded[path] = graph
    return sorted(set(cited_sources))


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


