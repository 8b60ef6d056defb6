"""``map``: draw a selection of the graph as one offline HTML file with an evidence panel."""

import sys
from pathlib import Path

import click

from ..errors import HarbinKGError
from . import cli, echo_err, endpoint_option, graph_argument, names_graph, open_source
from .selection import describe, select, selection_options
from .vocabulary import DEFAULT_SEED, MeasureChoice

MEASURES = ["degree", "weighted_degree", "betweenness", "closeness", "pagerank", "eigenvector", "effective_size"]
#: Projections where an organisation's partners are two steps away (organisation → fact → organisation).
TWO_STEP = {"two-mode", "membership", "ecosystem"}


def _import_igraph_without_plotting() -> None:
    """Import igraph (the layout) without its search for matplotlib.

    Importing igraph imports matplotlib.pyplot when it is installed, for plots a map never
    draws: 1.5–2.5 s of a 5,000-node ``map`` run. This is a command of its own process, so
    igraph may go without its matplotlib drawing here; a notebook importing igraph itself keeps it.
    """
    if "igraph" in sys.modules or "matplotlib" in sys.modules:
        return
    # None in sys.modules makes "import matplotlib" raise ImportError (the import system's documented
    # way to block a module); typeshed types the values as modules only.
    sys.modules["matplotlib"] = None  # type: ignore[assignment]
    try:
        import igraph  # noqa: F401
    finally:
        if sys.modules.get("matplotlib", 0) is None:
            del sys.modules["matplotlib"]


@cli.command(name="map")
@graph_argument
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="The HTML file to write (one self-contained file, no other files).")
@selection_options(default_projection="ecosystem")
@click.option("--focus", metavar="ENTITY", default=None,
              help="Open on the neighbourhood of ENTITY (highlighted): a name (哈职院), an English label, "
                   "a slug or an IRI. The whole selection stays in the page (double-click expands).")
@click.option("--depth", type=click.IntRange(1, 3), default=None,
              help="With --focus: how many steps out [default: 2 where partners are two steps away "
                   "(ecosystem, two-mode, membership), else 1].")
@click.option("--size-by", type=MeasureChoice(MEASURES), default="degree", show_default=True,
              help="Node size (and label priority) grows with this centrality.")
@click.option("--color-by", type=click.Choice(["kind", "community"]), default="kind", show_default=True,
              help="Colour nodes by kind (legend) or by Louvain community (seeded).")
@click.option("--top", type=click.IntRange(1, None), default=None,
              help="Draw the N nodes with the highest --size-by score; fold the rest into one node per kind.")
@click.option("--seed", type=int, default=DEFAULT_SEED, show_default=True, help="Seed for layout and communities.")
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True,
              help="Language of the page when it opens (the page can switch).")
@click.option("--title", default=None, help="Page heading [default: the projection's name].")
@click.option("--force", is_flag=True, help="Overwrite FILE if it exists.")
@endpoint_option
def map_command(graph, output, projection, include_inferred, kinds, years, scope, min_reliability,
                focus, depth, size_by, color_by, top, seed, lang, title, force, endpoint):
    """Draw an interactive relationship map as one offline HTML file.

    绘制交互式关系图：一个自包含的 HTML 文件，离线可用（不访问任何网络）。

    Click a node or link to pin the evidence panel: names, kind, level, place, every fact
    with its full quote (source, character offsets) or citation (outlet, title, date, locator,
    key phrase, link), stated or inferred. The page filters by kind, relation, status
    (inferred links dashed), source type and year (slider, cumulative or one year, play),
    expands neighbourhoods by double-click, finds shortest paths between two names, folds
    many same-kind leaves into groups, exports PNG, SVG and CSV, and keeps its view in the
    URL fragment. The selection options mean what they mean for `centrality` and `export`.

    \b
        harbin-kg map -o build/ecosystem.html
        harbin-kg map --focus 哈职院 --depth 2 -o build/hvtc.html
        harbin-kg map --include-inferred --year 2023 --year 2024 -o build/ties.html
        harbin-kg map -P partnership --size-by betweenness --color-by community -o build/partners.html
        harbin-kg map --endpoint http://127.0.0.1:7878/query -o build/remote.html
    """
    from ..analysis.network import PROJECTIONS, attach_evidence, open_store
    from ..analysis.network_rows import gc_paused
    from ..graph.labels import label, resolve_entity
    from ..web.maps import map_details, measure_scores, reduce_graph, render_map
    from ..writing import atomic_write_text, check_output_path

    check_output_path(output, force=force)  # fail before any work: missing folder, exists, …
    _import_igraph_without_plotting()
    path = open_source(graph, endpoint)
    store = path if endpoint else open_store(path)  # one SPARQL store for selection and evidence
    # rdflib is only needed to resolve --focus, and then only the names: aliases for the search
    # box come with the evidence (map_details), so a 5,000-node map is not held up by rdflib.
    rdf = names_graph(store) if focus is not None else None
    echo_err(f"selecting {describe(projection, include_inferred, kinds, years, scope, min_reliability)} …")
    # Partnership ties come without their evidence; it is read below for the ties drawn.
    G = select(store, projection, include_inferred=include_inferred, kinds=kinds,
               years=years, scope=scope, min_reliability=min_reliability, evidence=False)
    spec = PROJECTIONS[projection]
    heading_zh, heading_en = title or spec.title_zh, title or spec.title_en
    centre = None
    if focus is not None:
        iri = resolve_entity(rdf, focus)
        if str(iri) not in G:
            raise HarbinKGError(
                f"{label(rdf, iri, 'zh')} <{iri}> is not in this selection of the {projection} projection; "
                "try --include-inferred, --projection ecosystem or another entity.")
        centre = str(iri)
        depth = depth or (2 if projection in TWO_STEP else 1)
        heading_zh = title or f"{label(rdf, iri, 'zh')} · {spec.title_zh}"
        heading_en = title or f"{label(rdf, iri, 'en')} · {spec.title_en}"
    if len(G) == 0:
        raise HarbinKGError(f"Nothing to draw: the {projection} projection of {path} has no nodes with this "
                            "selection (选择为空). Try --include-inferred, fewer --kind/--year filters, "
                            "--scope all or another --projection.")
    selected = (len(G), G.number_of_edges())
    scores = measure_scores(G, size_by, seed=seed)
    if top and centre is not None and centre not in set(sorted(scores, key=lambda n: -scores[n])[:top]):
        scores[centre] = max(scores.values(), default=1) + 1  # --top never folds away the focus
    if top is not None:
        # Fold first (what render_map would do), so that evidence is read for what is drawn only.
        with gc_paused():
            G = reduce_graph(G, top, scores)
    echo_err(f"reading evidence for {selected[0]} nodes and {selected[1]} links …")
    with gc_paused():
        attach_evidence(G, store)
        details = map_details(store, G)
    echo_err("laying out and writing the page …")
    with gc_paused():  # hundreds of thousands of records that all stay alive until the page is written
        page = render_map(G, title=heading_zh, title_en=heading_en, size_by=scores, color_by=color_by, seed=seed,
                          lang=lang, details=details, focus=centre, depth=depth)
    check_output_path(output, force=force)
    atomic_write_text(output, page)
    echo_err(f"wrote {output}: {selected[0]} nodes, {selected[1]} links"
             + (f" (top {top} drawn)" if top and selected[0] > top else "")
             + (f"; opens on {focus} at depth {depth}" if centre else ""))
