"""``build``, ``validate`` and ``stats``: make the graph, check it, count what it holds."""

import sys
from pathlib import Path

import click

from ..build import build_and_write, default_out_dir, project_paths
from ..errors import HarbinKGError
from ..store import load_rdflib
from ..tables import render_table
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
def validate(graph, shapes, warnings):
    """Validate GRAPH against the SHACL shapes; print a bilingual report.

    验证图谱是否符合 SHACL 形状。

    Exit status (as pySHACL): 0 conforms, 1 does not conform, 2 could not validate
    (unreadable graph or shapes).

    \b
        harbin-kg validate
        harbin-kg validate build/harbin.ttl --no-warnings
    """
    from ..validate import load_shapes, validate_graph

    try:
        path = resolve_graph_path(graph)
        data = load_rdflib(path)
        shape_graph = load_shapes(shapes) if shapes else None
        report = validate_graph(data, shape_graph)
    except HarbinKGError as error:
        echo_err(f"Error: could not validate (无法验证): {error}")
        sys.exit(2)
    shown = [r for r in report.results if warnings or r.severity == "Violation"]
    if shown:
        rows = [[f"{r.severity}", r.focus_label, r.path, f"{r.message_zh} / {r.message_en}".strip(" /")]
                for r in shown]
        click.echo(render_table(["severity 级别", "focus 对象", "path 属性", "message 信息"], rows))
    verdict = ("conforms (符合)" if report.conforms else "does not conform (不符合)")
    echo_err(f"{path}: {verdict}; {len(report.violations)} violation(s), {len(report.warnings)} warning(s)")
    sys.exit(0 if report.conforms else 1)


@cli.command()
@graph_argument
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
def stats(graph, fmt):
    """Count what GRAPH holds: entities per class, facts per kind, sources, quotes.

    统计图谱：各类实体与事实的数量、来源与引文。

    \b
        harbin-kg stats
        harbin-kg stats build/harbin.ttl --format json
    """
    import json

    from ..stats import graph_stats

    result = graph_stats(resolve_graph_path(graph))
    if fmt == "json":
        payload = {
            "triples": result.triples, "quotes": result.quotes, "sources": result.sources,
            "data_version": result.data_version,
            "classes": [c.__dict__ for c in result.classes],
            "assertion_status": [c.__dict__ for c in result.statuses],
        }
        click.echo(json.dumps(payload, ensure_ascii=False, indent=2))
        return

    def rows(items):
        return [[c.label_zh, c.label_en, c.count] for c in items]

    click.echo("Entities 实体")
    click.echo(render_table(["类 class", "class", "n"], rows(result.entities), align="<<>"))
    click.echo("\nFacts 事实")
    click.echo(render_table(["类 kind", "kind", "n"], rows(result.facts), align="<<>"))
    click.echo("\nAssertion status 断言状态")
    click.echo(render_table(["状态", "status", "n"], rows(result.statuses), align="<<>"))
    click.echo(f"\n{result.triples} triples 三元组 · {result.quotes} quotes 引文 · "
               f"{result.sources} source text(s) 来源 · data version 数据版本 {result.data_version}")
