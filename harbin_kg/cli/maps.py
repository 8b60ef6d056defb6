"""``map``: draw a layer of the graph, or the neighbourhood of one entity, as one offline HTML file."""

from pathlib import Path

import click

from ..errors import HarbinKGError
from . import cli, echo_err, endpoint_option, graph_argument, names_graph, open_source

LAYERS = ["ecosystem", "partnership", "two-mode", "membership", "documents", "goals", "pathways", "hierarchy"]
MEASURES = ["degree", "weighted-degree", "betweenness", "closeness", "pagerank", "eigenvector", "effective-size"]


@cli.command(name="map")
@graph_argument
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="The HTML file to write (one self-contained file, no other files).")
@click.option("--layer", type=click.Choice(LAYERS), default="ecosystem", show_default=True,
              help="Which network to draw.")
@click.option("--focus", metavar="ENTITY", default=None,
              help="Draw only the neighbourhood of ENTITY: a name (哈职院), an English label, a slug or an IRI.")
@click.option("--depth", type=click.IntRange(1, 10), default=1, show_default=True,
              help="With --focus: how many steps out from the entity.")
@click.option("--size-by", type=click.Choice(MEASURES), default="degree", show_default=True,
              help="Node size grows with this centrality.")
@click.option("--color-by", type=click.Choice(["kind", "community"]), default="kind", show_default=True,
              help="Colour nodes by kind (legend) or by Louvain community (seeded).")
@click.option("--top", type=click.IntRange(1, None), default=None,
              help="Draw the N nodes with the highest --size-by score; fold the rest into one node per kind.")
@click.option("--seed", type=int, default=7, show_default=True, help="Seed for layout and communities.")
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True,
              help="Language of the labels when the page opens (the page can switch).")
@click.option("--title", default=None, help="Page heading [default: the layer's name].")
@click.option("--force", is_flag=True, help="Overwrite FILE if it exists.")
@endpoint_option
def map_command(graph, output, layer, focus, depth, size_by, color_by, top, seed, lang, title, force, endpoint):
    """Draw an interactive relationship map as one offline HTML file.

    绘制交互式关系图：一个自包含的 HTML 文件，离线可用（不访问任何网络）。

    The page has a legend of kinds with filters, a search box that finds an entity by any of
    its names (中文名、英文名、简称 such as 哈职院), a 中文/English switch, and tooltips with
    the source quotes behind every node and link. Maps above 300 nodes get a precomputed
    layout; more than 5,000 nodes need --top.

    \b
        harbin-kg map -o ecosystem.html
        harbin-kg map --focus 哈职院 --depth 2 -o hvtc.html
        harbin-kg map --endpoint http://127.0.0.1:7878/query -o remote.html
        harbin-kg map --layer partnership --size-by betweenness --color-by community -o partners.html
    """
    from ..labels import label, resolve_entity
    from ..maps import aliases_from_graph, measure_scores, render_map
    from ..network import PROJECTIONS, project
    from ..writing import atomic_write_text, check_output_path

    check_output_path(output, force=force)  # fail before any work: missing folder, exists, …
    path = open_source(graph, endpoint)
    rdf = names_graph(path)  # the whole graph from a file; only the labels from an endpoint
    G = project(path if endpoint else rdf, layer)
    spec = PROJECTIONS[layer]
    heading = title or (spec.title_en if lang == "en" else spec.title_zh)
    if focus is not None:
        iri = resolve_entity(rdf, focus)
        name = label(rdf, iri, lang)
        if str(iri) not in G:
            raise HarbinKGError(
                f"{name} <{iri}> is not in the {layer} layer; try --layer ecosystem or another entity.")
        import networkx as nx

        G = nx.ego_graph(G, str(iri), radius=depth, undirected=True)
        heading = title or f"{name} · {heading}"
    if len(G) == 0:
        raise HarbinKGError(f"Nothing to draw: the {layer} layer of {path} has no nodes "
                            "(选择为空). Try another --layer.")
    scores = measure_scores(G, size_by, seed=seed)
    page = render_map(G, title=heading, size_by=scores, color_by=color_by, seed=seed, lang=lang,
                      aliases=aliases_from_graph(rdf, G), top=top)
    check_output_path(output, force=force)
    atomic_write_text(output, page)
    echo_err(f"wrote {output}: {len(G)} nodes, {G.number_of_edges()} links"
             + (f" (top {top} drawn)" if top and len(G) > top else ""))
