"""``centrality``, ``communities``, ``export`` and ``pathways``: the network analysis commands.

Every result says where it came from: data version, projection (with its filters),
parameters and seed — on stderr beside a table or CSV, inside the payload for JSON.
"""

from __future__ import annotations

import json
from pathlib import Path

import click

from . import cli, echo_err, endpoint_option, graph_argument, names_graph, open_source, resolve_graph_path
from ..analysis.centrality import MEASURES
from ..errors import HarbinKGError
from ..analysis.network import PROJECTIONS, RELATION_KINDS, RELIABILITY, SCOPES, STATED, STATUSES
from .vocabulary import DEFAULT_SEED, MeasureChoice

_FORMATS = ["table", "csv", "json"]

projection_option = click.option(
    "--projection", "-P", type=click.Choice(list(PROJECTIONS)), default="partnership", show_default=True,
    help="Which network (named projection) to analyse.")
inferred_option = click.option(
    "--include-inferred", is_flag=True,
    help="Also count facts inferred from context or photo captions (default: stated facts only).")
seed_option = click.option("--seed", type=int, default=DEFAULT_SEED, show_default=True,
                           help="Seed for Louvain and sampled betweenness/closeness.")
kind_option = click.option("--kind", "kinds", multiple=True, type=click.Choice(list(RELATION_KINDS)),
                           help="Only these relation kinds (repeatable).")
year_option = click.option("--year", "years", multiple=True, type=int,
                           help="Only facts (agreements, consortia, initiatives, pilots …) dated in these years "
                                "(repeatable; undated facts drop out).")
reliability_option = click.option(
    "--min-reliability", type=click.Choice(list(RELIABILITY)), default=None,
    help="Only cited facts with at least one page graded this reliable (low < medium < high); "
         "facts quoted from the shipped seed text always count.")
scope_option = click.option(
    "--scope", type=click.Choice(list(SCOPES)), default="all", show_default=True,
    help="harbin: only organisations of the Harbin ecosystem (in Harbin, or acting on Harbin "
         "organisations; derived by the build as hv:inHarbinEcosystem).")
backend_option = click.option("--backend", type=click.Choice(["auto", "networkx", "igraph"]), default="auto",
                              show_default=True, help="auto = igraph from 2,000 nodes on.")


def _format_option(choices=_FORMATS, default="table"):
    return click.option("--format", "fmt", type=click.Choice(choices), default=default, show_default=True)


def _project(graph, projection, include_inferred, kinds=(), years=(), endpoint=None, min_reliability=None,
             scope="all", evidence=True):
    from ..analysis.network import EmptyProjection, open_store, project

    path = open_source(graph, endpoint)
    store = open_store(path)
    statuses = STATUSES if include_inferred else (STATED,)
    shape = PROJECTIONS[projection].shape
    partnerships = shape in ("two-mode", "one-mode", "ecosystem")
    G = project(store, projection, statuses=statuses,
                kinds=kinds or None if partnerships else None,
                years=years or None, min_reliability=min_reliability if partnerships else None,
                scope=scope if partnerships else None, evidence=evidence)
    if G.number_of_nodes() == 0:
        filters = [f"statuses {'/'.join(statuses)}"] + ([f"kinds {', '.join(kinds)}"] if kinds else []) \
            + ([f"years {', '.join(map(str, years))}"] if years else []) \
            + ([f"min reliability {min_reliability}"] if min_reliability else []) \
            + ([f"scope {scope}"] if scope != "all" else [])
        raise EmptyProjection(
            f"The {projection} projection of {path} is empty with these filters ({'; '.join(filters)}): "
            "nothing to rank (投影为空). "
            + ("Try --include-inferred, " if not include_inferred else "Try ")
            + "fewer --kind/--year filters or another --projection.")
    return path, store, G


def _provenance(G, parameters: dict) -> dict:
    return {"data_version": G.graph.get("data_version"), "projection": G.graph.get("projection"),
            "spec": G.graph.get("spec"), "parameters": parameters, "seed": parameters.get("seed")}


def _echo_provenance(prov: dict) -> None:
    spec = prov["spec"] or {}
    seed = "" if prov["seed"] is None else f" · seed {prov['seed']}"
    echo_err(f"data version {prov['data_version']} · projection {prov['projection']} "
             f"(kinds {','.join(spec.get('kinds', [])) or '-'}; statuses {','.join(spec.get('statuses', []))}; "
             f"years {spec.get('years') or 'all'}; weighting {spec.get('weighting')}; "
             f"min reliability {spec.get('min_reliability') or '-'}; scope {spec.get('scope') or 'all'}){seed}")
    shown = {k: v for k, v in prov["parameters"].items() if k != "seed"}
    if shown:
        echo_err("parameters: " + "; ".join(f"{k.replace('_', ' ')} {_parameter(k, v)}" for k, v in sorted(shown.items())))


def _parameter(name: str, value) -> str:
    """A parameter as a person reads it (JSON keeps the raw value)."""
    if value is None:
        return "exact (every source)" if name == "path_samples" else "none"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (list, tuple)):
        return ",".join(map(str, value)) or "-"
    return str(value)


def _csv(headers, rows) -> str:
    from ..query.formats import csv_text

    return csv_text(headers, rows)


def _fmt(value) -> str:
    if isinstance(value, float):
        # 0.25 × 4 summed in floating point is 0.9999999999999999: show it as 1
        return f"{round(value):.0f}" if abs(value - round(value)) < 1e-9 else f"{value:.4f}"
    return str(value)


@cli.command()
@graph_argument
@click.option("--measure", "-m", type=MeasureChoice(list(MEASURES)), default="pagerank", show_default=True,
              help="Which measure ranks the table.")
@projection_option
@click.option("--top", type=click.IntRange(min=0), default=20, show_default=True, help="Rows to show (0 = all).")
@_format_option()
@click.option("--explain", "entity", metavar="ENTITY",
              help="List the facts, quotes and citations behind ENTITY's score (a name such as 哈职院, a slug or an IRI).")
@click.option("--by-year", is_flag=True, help="Ranks year by year: on the cumulative network up to each year "
              "and on the windowed network of the last --window years; undated ties are listed apart.")
@click.option("--window", type=click.IntRange(min=1), default=3, show_default=True,
              help="Years per windowed network with --by-year (3: 2019–2021 for 2021).")
@inferred_option
@kind_option
@year_option
@reliability_option
@scope_option
@seed_option
@backend_option
@click.option("--save-rdf", type=click.Path(dir_okay=False, path_type=Path),
              help="Also write every measure as an analysis graph (.ttl or .trig) for SPARQL.")
@click.option("--force", is_flag=True, help="Overwrite the --save-rdf file if it exists.")
@endpoint_option
def centrality(graph, measure, projection, top, fmt, entity, by_year, window, include_inferred, kinds, years,
               min_reliability, scope, seed, backend, save_rdf, force, endpoint):
    """Rank organisations by a centrality measure (中心性排名), with zh/en names.

    Measures: degree, weighted_degree, betweenness, closeness, eigenvector, pagerank,
    constraint (low = broker), effective_size, articulation, bridges. Disconnected
    networks get scores too; data version, projection, parameters and seed go to stderr.

    \b
        harbin-kg centrality --measure betweenness --top 10
        harbin-kg centrality --explain 省教育厅
        harbin-kg centrality --by-year --measure degree --format csv
        harbin-kg centrality --scope harbin --min-reliability medium --by-year --window 3
        harbin-kg centrality build/harbin.ttl --include-inferred --save-rdf build/analysis.ttl
        harbin-kg centrality --endpoint http://127.0.0.1:7878/query
    """
    from ..analysis.rankings import by_year as ranks_by_year
    from ..analysis.centrality import compute, rank
    from ..analysis.rankings import explain

    if save_rdf:
        from ..writing import check_output_path

        check_output_path(save_rdf, force=force)  # before the work: a file there is not replaced silently
    # Scores need no quotes: the evidence of ties is read only for an --explain (issue 17).
    path, store, G = _project(graph, projection, include_inferred, kinds, years, endpoint, min_reliability, scope,
                              evidence=False)
    if entity:
        return _explain(path, store, G, entity, fmt, explain)
    if by_year:
        return _by_year(store, G, measure, projection, include_inferred, backend, seed, top, fmt, ranks_by_year,
                        window=window, min_reliability=min_reliability, scope=scope)
    scores = compute(G, list(MEASURES) if save_rdf else sorted({measure, "degree", "weighted_degree"}),
                     backend=backend, seed=seed)
    values = scores.values[measure]
    ranks = rank(values, measure)
    order = sorted(values, key=lambda v: (ranks[v], str(v)))
    if top:
        order = order[:top]
    prov = _provenance(G, scores.parameters)
    if save_rdf:
        _save_analysis(save_rdf, G, scores, projection, seed, backend)
    node = G.nodes
    rows = [[ranks[v], node[v].get("label_zh", v), node[v].get("label_en", v), node[v].get("kind", ""),
             values[v], scores.values["degree"][v], scores.values["weighted_degree"][v],
             "yes" if node[v].get("placeholder") else "", v] for v in order]
    _echo_ranking(G, measure, values, prov, rows, fmt)


def _save_analysis(path, G, scores, projection, seed, backend) -> None:
    """Every measure (and the communities of a one- or two-mode network) as an analysis graph."""
    from ..analysis.analysis_rdf import analysis_graph, write_analysis
    from ..analysis.centrality import communities

    shape = PROJECTIONS[projection].shape
    com = communities(G, seed=seed, backend=backend) if shape in ("one-mode", "two-mode") else None
    write_analysis(path, analysis_graph(G, scores, communities=com))
    echo_err(f"wrote {path}: {len(scores.values)} measures × {G.number_of_nodes()} nodes")


def _echo_ranking(G, measure, values, prov, rows, fmt) -> None:
    headers = ["rank", "名称", "name", "kind", measure, "degree", "weighted_degree", "placeholder", "iri"]
    if fmt == "json":
        click.echo(json.dumps({**prov, "measure": measure, "title_zh": MEASURES[measure].title_zh,
                               "title_en": MEASURES[measure].title_en,
                               "rows": [dict(zip(headers, r)) for r in rows]}, ensure_ascii=False, indent=2))
        return
    _echo_provenance(prov)
    if measure == "constraint" and len(values) < G.number_of_nodes():
        echo_err(f"{G.number_of_nodes() - len(values)} isolate(s) have no constraint value and are not ranked.")
    if fmt == "csv":
        click.echo(_csv(headers, rows), nl=False)
        return
    from ..query.tables import render_table

    shown = [[r[0], r[1], r[2], r[3], _fmt(r[4]), _fmt(r[5]), _fmt(r[6]), r[7]] for r in rows]
    click.echo(render_table(headers[:8], shown, align=">" + "<<<" + ">>>" + "<"))


def _explain(path, store, G, entity, fmt, explain):
    from ..analysis.network import attach_evidence
    from ..graph.labels import resolve_entity

    iri = str(resolve_entity(names_graph(path), entity))
    if iri in G:
        attach_evidence(G, store, [(iri, other) for other in G[iri]])
    result = explain(G, iri)
    if fmt == "json":
        click.echo(json.dumps({**_provenance(G, {}), "explain": result}, ensure_ascii=False, indent=2))
        return
    _echo_provenance(_provenance(G, {}))
    lines = [f"{result['label_zh']} ({result['label_en']}) <{iri}>",
             f"  kind {result['kind']}; degree {result['degree']}; weighted degree {result['weighted_degree']:.4g}"
             + ("; placeholder (签约主体未明)" if result["placeholder"] else "")]
    for tie in result["ties"]:
        lines.append(f"  — {tie['label_zh']} ({tie['label_en']}), weight {tie['weight']:.4g}")
        for fact in tie["facts"]:
            extra = f", {fact['year']}" if fact.get("year") else ""
            lines.append(f"      via {fact['label_zh']} [{fact.get('relation')}{extra}; "
                         f"{fact.get('n_parties')} parties → +{1 / max((fact.get('n_parties') or 2) - 1, 1):.3g}] "
                         f"<{fact['relator']}>")
            # one line per distinct text: a page cited for the fact and for a party's part in it
            # with the same paragraph and key phrase reads the same, and is shown once
            for quote in dict.fromkeys(fact.get("quotes", [])):
                lines.append(f"        “{quote}”".replace("\n", "⏎"))
            for citation in dict.fromkeys(fact.get("citations", [])):
                lines.append(f"        cited 引用: {citation}".replace("\n", "⏎"))
    if not result["ties"]:
        lines.append("  no partners in this projection: every score is its isolate value (0).")
    click.echo("\n".join(lines))


def _by_year(store, G, measure, projection, include_inferred, backend, seed, top, fmt, ranks_by_year, *,
             window=3, min_reliability=None, scope="all"):
    result = ranks_by_year(store, measure, projection=projection,
                           statuses=STATUSES if include_inferred else (STATED,), backend=backend, seed=seed,
                           window=window, min_reliability=min_reliability, scope=scope)
    if not result["years"]:
        raise HarbinKGError(f"No dated facts in the {projection} projection: there is nothing to show by year.")
    last = result["years"][-1]
    final = result["ranks"][last]
    names = {n: (d.get("label_zh", n), d.get("label_en", n)) for n, d in G.nodes(data=True)}
    order = sorted(final, key=lambda v: (final[v], str(v)))
    if top:
        order = order[:top]
    prov = {**_provenance(G, {"backend": backend, "seed": seed, "cumulative": True, "window": window}),
            "undated_relators": result["undated"]}
    years = result["years"]
    if fmt == "json":
        click.echo(json.dumps({**prov, "measure": measure, "years": years,
                               "scores": {str(y): s for y, s in result["scores"].items()},
                               "ranks": {str(y): r for y, r in result["ranks"].items()},
                               "window_scores": {str(y): s for y, s in result["window_scores"].items()},
                               "window_ranks": {str(y): r for y, r in result["window_ranks"].items()},
                               "sizes": {str(y): s for y, s in result["sizes"].items()},
                               "undated": [{"relator": r, "label_zh": result["undated_labels"][r][0],
                                            "label_en": result["undated_labels"][r][1]} for r in result["undated"]]},
                              ensure_ascii=False, indent=2))
        return
    _echo_provenance(prov)
    for y in years:
        size = result["sizes"][y]
        echo_err(f"{y}: cumulative {size['cumulative']['nodes']} nodes / {size['cumulative']['edges']} ties; "
                 f"window {max(years[0], y - window + 1)}–{y} {size['window']['nodes']} nodes / {size['window']['edges']} ties")
    if result["undated"]:
        echo_err(f"{len(result['undated'])} undated fact(s) are left out of every year (未注明年份，不计入任何年份): "
                 + "; ".join(f"{result['undated_labels'][r][0]} <{r.rsplit('/', 1)[-1]}>" for r in result["undated"]))
    headers = ["名称", "name"] + [f"{y} rank" for y in years]
    rows = [[names.get(v, (v, v))[0], names.get(v, (v, v))[1]]
            + [result["ranks"][y].get(v, "—") for y in years] for v in order]
    window_rows = [[names.get(v, (v, v))[0], names.get(v, (v, v))[1]]
                   + [result["window_ranks"][y].get(v, "—") for y in years] for v in order]
    if fmt == "csv":
        # One table: the cumulative ranks, then the windowed ones (column "YEAR window rank").
        click.echo(_csv(headers + [f"{y} window rank" for y in years] + ["iri"],
                        [r + w[2:] + [v] for r, w, v in zip(rows, window_rows, order)]), nl=False)
        return
    from ..query.tables import render_table

    click.echo(render_table(headers, rows, align="<<" + ">" * len(years)))
    click.echo(f"\nWindowed 滑动窗口 ({window} year(s) ending each year; ranks within that window):")
    click.echo(render_table(headers, window_rows, align="<<" + ">" * len(years)))


@cli.command()
@graph_argument
@projection_option
@seed_option
@click.option("--runs", type=click.IntRange(min=1), default=10, show_default=True,
              help="Louvain runs (seeds SEED … SEED+RUNS-1) for the stability figures.")
@click.option("--resolution", type=float, default=1.0, show_default=True, help="Louvain resolution.")
@inferred_option
@reliability_option
@scope_option
@backend_option
@_format_option()
def communities(graph, projection, seed, runs, resolution, include_inferred, min_reliability, scope, backend, fmt):
    """Groups of organisations that work together (Louvain 社群), with their stability.

    Stability: mean adjusted Rand index of runs with other seeds against the reported
    partition, and per group the mean Jaccard overlap of its members' groups across runs.

    \b
        harbin-kg communities
        harbin-kg communities --include-inferred --runs 20 --format json
    """
    from ..analysis.centrality import communities as find

    _, _, G = _project(graph, projection, include_inferred, min_reliability=min_reliability, scope=scope,
                       evidence=False)
    result = find(G, seed=seed, runs=runs, resolution=resolution, backend=backend)
    prov = _provenance(G, result["parameters"])
    groups = []
    for i, members in enumerate(result["communities"]):
        groups.append({"community": i, "size": len(members), "stability": result["stability"]["community"][i],
                       "members": [{"iri": m, "label_zh": G.nodes[m].get("label_zh", m),
                                    "label_en": G.nodes[m].get("label_en", m)} for m in members]})
    if fmt == "json":
        click.echo(json.dumps({**prov, "modularity": result["modularity"],
                               "mean_ari": result["stability"]["mean_ari"], "communities": groups},
                              ensure_ascii=False, indent=2))
        return
    _echo_provenance(prov)
    echo_err(f"{len(groups)} communities · modularity {result['modularity']:.4f} · "
             f"mean adjusted Rand over {runs} seeds {result['stability']['mean_ari']:.4f}")
    rows = [[g["community"], g["size"], f"{g['stability']:.3f}", "、".join(m["label_zh"] for m in g["members"]),
             "; ".join(m["label_en"] for m in g["members"])] for g in groups]
    if fmt == "csv":
        click.echo(_csv(["community", "size", "stability", "成员", "members"], rows), nl=False)
        return
    from ..query.tables import render_table

    click.echo(render_table(["community", "size", "stability", "成员", "members"], rows, align=">>><<"))


@cli.command()
@graph_argument
@click.option("--format", "fmt", type=click.Choice(["graphml", "gexf", "csv"]), required=True,
              help="graphml/gexf for Gephi and Cytoscape; csv writes PATH-nodes.csv and PATH-edges.csv.")
@click.option("-o", "--output", type=click.Path(path_type=Path), required=True, help="File to write.")
@projection_option
@inferred_option
@reliability_option
@scope_option
@seed_option
@backend_option
@click.option("--force", is_flag=True, help="Overwrite existing files.")
def export(graph, fmt, output, projection, include_inferred, min_reliability, scope, seed, backend, force):
    """Write a projection with scores and communities for Gephi, Cytoscape or a spreadsheet.

    Nodes carry label (zh), label_zh, label_en, kind, placeholder, every measure, community
    and community_stability; edges weight, via, relations, years, quotes and citations. Lists are joined
    with " | " (GraphML cannot hold lists). CSV is UTF-8 with BOM.

    \b
        harbin-kg export --format gexf -o build/partnership.gexf
        harbin-kg export --format csv -o build/partnership.csv --include-inferred
    """
    from ..analysis.centrality import communities as find
    from ..analysis.centrality import compute
    from ..analysis.export import annotate, write_export

    _, _, G = _project(graph, projection, include_inferred, min_reliability=min_reliability, scope=scope)
    scores = compute(G, backend=backend, seed=seed)
    com = find(G, seed=seed, backend=backend) if G.number_of_nodes() else None
    written = write_export(annotate(G, scores.values, com), fmt, output, force=force)
    prov = _provenance(G, scores.parameters)
    _echo_provenance(prov)
    for p in written:
        echo_err(f"wrote {p}")
    echo_err(f"{G.number_of_nodes()} nodes, {G.number_of_edges()} edges")


@cli.command()
@graph_argument
@click.option("--from", "from_stage", required=True, metavar="STAGE", help="Starting stage, e.g. 普通高中.")
@click.option("--to", "to_stage", required=True, metavar="STAGE", help="Target stage, e.g. 应用型本科 or 本科.")
@click.option("--include-inferred", is_flag=True, help="Also use pathway facts inferred from context.")
@click.option("--max-hops", type=click.IntRange(min=1), default=6, show_default=True)
@_format_option(["table", "json"])
def pathways(graph, from_stage, to_stage, include_inferred, max_hops, fmt):
    """Every route between two education stages (立交桥), hop by hop, each hop citing its source.

    Stages by Chinese or English name, alias or code (普通高中, 中职, 高职, 本科, 应用型本科,
    职教本科, 就业 …). A route to a stage also ends at its narrower stages (本科 ⊃ 应用型本科).

    \b
        harbin-kg pathways --from 普通高中 --to 应用型本科
        harbin-kg pathways --from 中职 --to 本科 --include-inferred --format json
    """
    from ..analysis.network import data_version, open_store
    from ..analysis.pathways import routes

    store = open_store(resolve_graph_path(graph))
    statuses = STATUSES if include_inferred else (STATED,)
    found = routes(store, from_stage, to_stage, statuses=statuses, max_hops=max_hops)
    prov = {"data_version": data_version(store), "projection": "pathways", "statuses": list(statuses),
            "parameters": {"max_hops": max_hops}, "seed": None}
    if fmt == "json":
        click.echo(json.dumps({**prov, "from": from_stage, "to": to_stage,
                               "routes": [r.to_dict() for r in found]}, ensure_ascii=False, indent=2))
        return
    echo_err(f"data version {prov['data_version']} · pathways ({'/'.join(statuses)}) · max hops {max_hops}")
    lines = []
    for i, route in enumerate(found, 1):
        stages = [route.hops[0].from_zh] + [h.to_zh for h in route.hops]
        lines.append(f"Route {i}: {' → '.join(stages)}")
        for j, hop in enumerate(route.hops, 1):
            f = hop.fact
            lines.append(f"  {j}. {hop.from_zh} → {hop.to_zh} ({hop.from_en} → {hop.to_en})")
            lines.append(f"     by {'、'.join(f.mechanism_labels) or '—'} ({'; '.join(f.mechanism_labels_en) or '—'})"
                         f" [{f.status}] <{f.iri}>")
            for cond in f.eligibility:
                lines.append(f"     conditions: {cond}")
            for quote, qiri in zip(f.quotes, f.quote_iris):
                lines.append(f"     “{quote}” <{qiri}>".replace("\n", "⏎"))
        lines.append("")
    click.echo("\n".join(lines).rstrip("\n"))
