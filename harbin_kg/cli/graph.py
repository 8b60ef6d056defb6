"""``build``, ``validate`` and ``stats``: make the graph, check it, count what it holds."""

import sys
from pathlib import Path

import click

from ..graph.outputs import build_and_write
from ..graph.paths import default_out_dir, project_paths
from ..errors import HarbinKGError
from ..query.tables import render_table
from . import cli, echo_err, graph_argument, resolve_graph_path


@cli.command()
@click.option("-o", "--out-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder for harbin.ttl, harbin.nt and harbin.jsonld [default: build/].")
@click.option("--data", "data_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Curated data folder (sources/ and facts/) [default: the bundled data/].")
@click.option("--ontology", "ontology_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Ontology folder [default: the bundled ontology/].")
@click.option("--no-validate", is_flag=True, help="Write without SHACL validation (not recommended).")
def build(out_dir, data_dir, ontology_dir, no_validate):
    """Build the knowledge graph from the curated data and the ontology.

    构建知识图谱：读取 data/ 与 ontology/，计算引文位置，推导捷径边，
    用 SHACL 形状验证，然后原子地写出 Turtle、N-Triples 与 JSON-LD。

    Nothing is written unless the graph builds and conforms: a failed build leaves the
    previous output untouched. The files of one build (with harbin.version, the data version
    that marks them current) appear together, in one atomic switch: an interrupted build, or
    two builds at once, never leave a mix (OUT_DIR/harbin.ttl etc. are links into
    OUT_DIR/.builds/).

    \b
        harbin-kg build
        harbin-kg build -o /tmp/kg --data my-data/
    """
    from ..writing import check_output_dir

    paths = project_paths(data_dir, ontology_dir)
    if out_dir is None:
        # The bundled data builds where the other commands look for it (marked current by
        # its stamp, so they do not build it again); other data builds beside its folder.
        bundled = data_dir is None and ontology_dir is None
        out_dir = default_out_dir(paths) if bundled else paths.data.parent / "build"
    check_output_dir(out_dir)  # before the long part: a folder we cannot write fails now
    written, report = build_and_write(out_dir, paths, validate=not no_validate, progress=echo_err)
    if out_dir == default_out_dir(paths) and data_dir is None and ontology_dir is None:
        # The next query opens a ready on-disk store instead of parsing the graph (docs/startup.md).
        from ..graph.diskstore import open_file_store

        open_file_store(out_dir / "harbin.ttl", force=True)
    if report is not None and report.warnings:
        echo_err(f"{len(report.warnings)} SHACL warning(s) (警告), e.g. targets with no responsible body "
                 "named in the article; see: harbin-kg validate")
    for path in written:
        click.echo(str(path))


@cli.command()
@graph_argument
@click.option("--shapes", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="SHACL shapes file [default: ontology/shapes.ttl].")
@click.option("--warnings/--no-warnings", default=True, show_default=True, help="List warnings too.")
@click.option("--engine", type=click.Choice(["auto", "oxigraph", "pyshacl"]), default="auto", show_default=True,
              help="oxigraph: the shapes compiled to SPARQL (fast; the same results as pySHACL); pyshacl: the "
                   "reference; auto: oxigraph unless the shapes use SHACL it does not translate.")
def validate(graph, shapes, warnings, engine):
    """Validate GRAPH against the SHACL shapes; print a bilingual report.

    验证图谱是否符合 SHACL 形状。

    Exit status (as pySHACL): 0 conforms, 1 does not conform, 2 could not validate (a graph
    or shapes file that cannot be parsed). A missing file exits 1, as in every command.

    \b
        harbin-kg validate
        harbin-kg validate build/harbin.ttl --no-warnings
        harbin-kg validate build/synth-1M.nt --engine oxigraph
    """
    from ..graph.shacl_sparql import UnsupportedShapes
    from ..graph.validate import load_shapes, validate_file

    for given, what in ((graph, "graph"), (shapes, "shapes")):
        if given is not None and not given.exists():  # exit 1, as every command (docs/cli-errors.md)
            raise click.ClickException(f"{given}: no such {what} file (找不到文件). Check the path"
                                       + (", or omit it to use the bundled graph." if what == "graph" else "."))
    try:
        path = resolve_graph_path(graph)
        shape_graph = load_shapes(shapes) if shapes else None
        report = validate_file(path, shape_graph, engine=engine, progress=echo_err)
    except (HarbinKGError, UnsupportedShapes) as error:
        echo_err(f"Error: could not validate (无法验证): {error}")
        sys.exit(2)
    # Labels are looked up for the rows printed only (Report.labelled).
    shown = report.labelled(r for r in report.rows if warnings or r.severity == "Violation")
    if shown:
        rows = [[f"{r.severity}", r.focus_label, r.path, f"{r.message_zh} / {r.message_en}".strip(" /")]
                for r in shown]
        click.echo(render_table(["severity 级别", "focus 对象", "path 属性", "message 信息"], rows))
    verdict = ("conforms (符合)" if report.conforms else "does not conform (不符合)")
    violations = sum(r.severity == "Violation" for r in report.rows)
    echo_err(f"{path}: {verdict}; {violations} violation(s), {len(report.rows) - violations} warning(s)")
    sys.exit(0 if report.conforms else 1)


@cli.command()
@graph_argument
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.option("--coverage", "show_coverage", is_flag=True,
              help="Instead of counts, list per shipped source every stretch of text no fact quotes; "
                   "exit 1 if one is neither quoted nor reviewed in the exclusion file.")
@click.option("--data", "data_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="With --coverage: curated data folder whose sources/ the graph quotes [default: the bundled data/].")
@click.option("--exclusions", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="With --coverage: reviewed exclusion file (source,start,end,text,reason) "
                   "[default: DATA/coverage-exclusions.csv].")
@click.option("--all", "show_all", is_flag=True, help="With --coverage: list reviewed stretches too, with their reasons.")
def stats(graph, fmt, show_coverage, data_dir, exclusions, show_all):
    """Count what GRAPH holds: entities per class, facts per kind, sources by type and by year,
    organisations, named ties with both parties, dated figures, quotes.

    统计图谱：各类实体与事实的数量，按来源类型与年份的统计，机构、双方具名的合作关系与有年份的统计数字。
    --coverage：逐个来源列出没有任何事实引用的文字片段。

    With --coverage, every stretch of a shipped source is either quoted by a fact or listed in
    the reviewed exclusion file with the reason it is left out (a heading, the byline, the
    writer's evaluation); exit status 1 when a stretch is unreviewed or an exclusion row no
    longer matches (stale), so the check can guard a build.

    \b
        harbin-kg stats
        harbin-kg stats build/harbin.ttl --format json
        harbin-kg stats --coverage
        harbin-kg stats --coverage --all
    """
    import json

    from ..graph.stats import graph_stats

    if show_coverage:
        _coverage(graph, data_dir, exclusions, show_all, fmt)
        return

    from ..graph.stats import coverage

    path = resolve_graph_path(graph)
    result = graph_stats(path)
    cover = coverage(path)
    if fmt == "json":
        payload = {
            "triples": result.triples, "quotes": result.quotes, "sources": result.sources,
            "data_version": result.data_version, "inferred_dates": result.inferred_dates,
            "classes": [c.__dict__ for c in result.classes],
            "assertion_status": [c.__dict__ for c in result.statuses],
            "coverage": cover.to_dict(),
        }
        click.echo(json.dumps(payload, ensure_ascii=False, indent=2))
        return
    _echo_stats(result, cover)


def _echo_stats(result, cover) -> None:
    """``stats`` as bilingual tables: entities, facts, statuses, sources by type and by year, totals."""
    def rows(items):
        return [[c.label_zh, c.label_en, c.count] for c in items]

    click.echo("Entities 实体")
    click.echo(render_table(["类 class", "class", "n"], rows(result.entities), align="<<>"))
    click.echo("\nFacts 事实")
    click.echo(render_table(["类 kind", "kind", "n"], rows(result.facts), align="<<>"))
    click.echo("\nAssertion status 断言状态")
    click.echo(render_table(["状态", "status", "n"], rows(result.statuses), align="<<>"))
    if result.inferred_dates:
        click.echo(f"(+ {result.inferred_dates} dates inferred 推断日期 on facts whose value is stated)")
    click.echo("\nSources by type 来源类型")
    click.echo(render_table(["类型", "source type", "n"], rows(cover.by_source_type), align="<<>"))
    click.echo("\nBy year 按年份 (sources: publication year of cited pages; ties: named ties with both parties; "
               "figures: reference year)")
    click.echo(render_table(["year 年份", "sources 来源", "ties 合作关系", "figures 数字"],
                            [list(row) for row in cover.by_year], align=">>>>"))
    click.echo(f"\nSources 来源 {cover.sources} ({cover.cited_sources} cited pages 网页) · "
               f"organisations 机构 {cover.organisations} ({cover.organisations_in_harbin} in the Harbin ecosystem 哈尔滨生态) · "
               f"named ties with both parties 双方具名的合作关系 {cover.named_ties} ({cover.dated_ties} dated 有年份) · "
               f"figures 统计数字 {cover.figures} ({cover.dated_figures} dated 有年份)")
    click.echo(f"{result.triples} triples 三元组 · {result.quotes} quotes 引文 · "
               f"{result.sources} source text(s) 来源文本 · data version 数据版本 {result.data_version}")


def _coverage(graph, data_dir, exclusions, show_all, fmt):
    """``stats --coverage``: the stretches no fact quotes, per shipped source (harbin_kg.graph.coverage)."""
    import json

    from ..graph.coverage import coverage_report, default_exclusions_path, load_exclusions

    paths = project_paths(data_dir)
    exclusion_path = exclusions or default_exclusions_path(paths.data)
    reports = coverage_report(resolve_graph_path(graph), paths.sources, load_exclusions(exclusion_path))
    if fmt == "json":
        payload = [{
            "source": r.source, "characters": r.characters, "covered": r.covered,
            "percent": round(r.percent, 1),
            "unreviewed": [s.__dict__ for s in r.unreviewed],
            "reviewed": [dict(s.__dict__, reason=e.reason) for s, e in r.reviewed],
            "stale": [{k: v for k, v in e.__dict__.items() if k != "line"} for e in r.stale],
        } for r in reports]
        click.echo(json.dumps(payload, ensure_ascii=False, indent=2))
    else:
        for r in reports:
            rows = [["unreviewed 未审核", s.start, s.end, s.text, ""] for s in r.unreviewed]
            rows += [["stale 已失效", e.start, e.end, e.text, f"line {e.line}: {e.reason}"] for e in r.stale]
            if show_all:
                rows += [["reviewed 已审核", s.start, s.end, s.text, e.reason] for s, e in r.reviewed]
            rows.sort(key=lambda row: (row[1], row[2]))
            if rows:
                click.echo(f"{r.source}")
                click.echo(render_table(["state 状态", "start", "end", "text 原文", "reason 理由"], rows,
                                        align="<>><<"))
            click.echo(f"{r.source}: {r.covered}/{r.characters} non-space characters quoted "
                       f"({r.percent:.1f} %) 已被引用; {len(r.reviewed)} reviewed 已审核, "
                       f"{len(r.unreviewed)} unreviewed 未审核, {len(r.stale)} stale 已失效 stretch(es)")
    bad = [r for r in reports if not r.ok]
    if bad:
        echo_err(f"{sum(len(r.unreviewed) for r in bad)} unreviewed and {sum(len(r.stale) for r in bad)} stale "
                 f"stretch(es): model them (quote them in a fact) or review them in {exclusion_path}.")
        sys.exit(1)
