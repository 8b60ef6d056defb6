"""``synth`` and ``publish``: a synthetic ecosystem of any size, and loading a graph into a remote store."""

from pathlib import Path

import click

from . import cli, echo_err, graph_argument, resolve_graph_path
from .vocabulary import DEFAULT_SEED, DEFAULT_TIMEOUT


@cli.command()
@click.option("--triples", "-n", required=True, type=int,
              help="About how many triples to write (5,000 to 100,000,000).")
@click.option("--seed", "-s", default=DEFAULT_SEED, show_default=True, type=int,
              help="Random seed: the same seed and size give a byte-identical file.")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Graph file to write (.nt or .ttl; N-Triples, which is also Turtle). The synthetic "
                   "source text goes beside it as NAME.source.txt.")
@click.option("--force", is_flag=True, help="Overwrite existing files.")
@click.option("--quiet", "-q", is_flag=True, help="No progress messages.")
def synth(triples, seed, output, force, quiet):
    """Generate a synthetic VET ecosystem that follows the ontology and passes the shapes.

    生成合成的职业教育生态图谱（用于压力测试与基准测试，名称均标明“合成”）。

    Provinces, cities, districts, government bodies, schools of every level, enterprises,
    parks, consortia with many members, agreements with 2–5 parties, targets, statistics,
    pathways, and quotes that are slices of a synthetic source text written beside the graph.
    A few hubs, a long tail. Streams its output (10M triples need a few MB of memory); both
    files are written atomically. Progress goes to stderr.

    \b
        harbin-kg synth --triples 100000 --seed 1 -o build/synth-100k.nt
        harbin-kg query build/synth-100k.nt partners-of --param org=org/synth-school-00000
    """
    from ..scale.synth import write_synthetic

    stats = write_synthetic(output, triples, seed, force=force, progress=None if quiet else echo_err)
    click.echo(f"{output}\t{stats.triples} triples")
    from ..scale.synth import source_path_for

    click.echo(f"{source_path_for(output)}\t{stats.source_chars} characters")


@cli.command()
@graph_argument
@click.option("--store", "store_url", required=True, metavar="URL",
              help="Graph Store Protocol address, e.g. http://127.0.0.1:7878/store (Oxigraph).")
@click.option("--query-url", metavar="URL", default=None,
              help="SPARQL query address for the count checks [default: /query beside /store].")
@click.option("--update-url", metavar="URL", default=None,
              help="SPARQL update address for the atomic swap [default: /update beside /store].")
@click.option("--no-update", is_flag=True,
              help="The store has no SPARQL Update: replace each graph with PUT (not atomic across graphs).")
@click.option("--layer", "layers", multiple=True, type=click.Choice(["ontology", "facts", "quotes", "derived"]),
              help="Publish only this layer (repeatable) [default: all four].")
@click.option("--timeout", default=DEFAULT_TIMEOUT, show_default=True, type=click.FloatRange(0.1, 3600),
              help="Seconds allowed to connect and for each read.")
def publish(graph, store_url, query_url, update_url, no_update, layers, timeout):
    """Load GRAPH into a SPARQL 1.1 store, one named graph per layer, counts verified.

    发布到 SPARQL 1.1 三元组库：每层一个命名图（ontology、facts、quotes、derived），
    整体替换并核对三元组数。

    Each layer is uploaded to a staging graph and counted; then all layers are swapped in by
    one SPARQL Update (MOVE), so the store never shows a half-replaced graph. Redirects are
    not followed; every request has a timeout. Named graphs: https://w3id.org/hrbvet/graph/LAYER.

    \b
        oxigraph serve --location /tmp/kg-store --bind 127.0.0.1:7878 &
        harbin-kg publish --store http://127.0.0.1:7878/store
        harbin-kg publish build/synth-100k.nt --store http://127.0.0.1:7878/store --timeout 120
    """
    from ..graph.remote import LAYERS, publish as publish_graph

    path = resolve_graph_path(graph)
    report = publish_graph(path, store_url, query_url=query_url, update_url=False if no_update else update_url,
                           layers=layers or LAYERS, timeout=timeout, progress=echo_err)
    click.echo(report.table())
