"""``propose``: draft the facts of a new text for a curator to review."""

from pathlib import Path

import click

from ..query.tables import render_table
from ..writing import atomic_write_text, check_output_path
from . import cli, echo_err, resolve_graph_path


@cli.command()
@click.argument("text", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--graph", "graph_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Graph whose names to look for [default: the bundled graph].")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="The draft to write (Turtle), or the review page with --format html.")
@click.option("--format", "fmt", type=click.Choice(["turtle", "html"]), default="turtle", show_default=True,
              help="turtle: the draft in the curation format; html: a review page of the text with "
                   "every proposal highlighted.")
@click.option("--slug", default=None, help="Short name of a new shipped source (data/sources/SLUG.txt) "
                                           "[default: from the file name].")
@click.option("--cite", "cite_url", default="", metavar="URL",
              help="The text is a page the project will not ship: cite it (URL) instead of quoting it.")
@click.option("--title", default="", help="Title of the text or page.")
@click.option("--outlet", default="", help="Outlet of a cited page, as it names itself.")
@click.option("--date", "published", default="", metavar="YYYY[-MM[-DD]]",
              help="Publication date; relative dates (今年4月, 去年, 三年来) are resolved against it.")
@click.option("--read-on", default="", metavar="YYYY-MM-DD", help="Date a cited page was read.")
@click.option("--check", is_flag=True, help="Build the draft beside the curated data and list what the "
                                            "curator must still decide (exit 1 if it breaks anything).")
@click.option("--max-bytes", type=int, default=None, help="Refuse larger texts [default: 5 MB].")
@click.option("--force", is_flag=True, help="Overwrite an existing output file.")
def propose(text, graph_path, output, fmt, slug, cite_url, title, outlet, published, read_on, check,
            max_bytes, force):
    """Draft the facts of TEXT (UTF-8) for a curator: names, figures, dates and ties.

    为新文本起草事实：已知实体（哈职院 → 哈尔滨职业技术学院）与新机构、数字、日期、合作关系，
    每条附引文（或引用出处），状态为“提议”，须经人工审核方可进入图谱。

    Prints the review table; writes the draft (and, for a new source, its metadata file beside
    it as DRAFT.source.ttl). Accept a proposal by changing `proposal:proposed` to a status such
    as `status:stated`; `harbin-kg build` refuses anything still proposed.

    \b
        harbin-kg propose data/sources/seed-article.txt --date 2024-05 -o build/seed-draft.ttl
        harbin-kg propose page.txt --cite https://example.org/news/1 --title 标题 \\
            --outlet 某报 --date 2024-05-08 --read-on 2026-12-02 -o build/page-draft.ttl
        harbin-kg propose notice.txt --date 2025-03 -o build/notice.html --format html
    """
    from ..propose import MAX_BYTES
    from ..propose import propose as make_draft
    from ..graph.store import load_rdflib
    from ..graph.paths import project_paths

    check_output_path(output, force=force)
    paths = project_paths()
    graph = load_rdflib(resolve_graph_path(graph_path))
    draft = make_draft(text, graph, slug=slug, cite_url=cite_url, title=title, outlet=outlet,
                       published=published, read_on=read_on, data_sources=paths.sources,
                       max_bytes=max_bytes or MAX_BYTES)
    from ..propose import REVIEW_HEADERS

    click.echo(render_table(REVIEW_HEADERS, draft.rows(), align=">"))
    counts = draft.proposals.counts()
    echo_err("proposals (提议): " + ", ".join(f"{v} {k}" for k, v in counts.items()))
    if fmt == "html":
        atomic_write_text(output, draft.html())
        echo_err(f"wrote {output}: review page (审阅页面)")
        return
    atomic_write_text(output, draft.turtle)
    echo_err(f"wrote {output}: draft (草稿), every node proposed, not stated")
    source_file = None
    if draft.source_turtle is not None:
        source_file = output.with_name(output.stem + ".source.ttl")
        check_output_path(source_file, force=force)
        atomic_write_text(source_file, draft.source_turtle)
        echo_err(f"wrote {source_file}: the source's metadata")
    _next_steps(draft, text, output, source_file)
    if check:
        _check(draft, text, paths)


def _next_steps(draft, text, output, source_file):
    slug = draft.source.slug
    if draft.source.shipped:
        steps = []
        if source_file is not None:
            steps += [f"cp {text} data/sources/{slug}.txt", f"cp {source_file} data/sources/{slug}.ttl"]
        steps += [f"mkdir -p data/facts/{slug} && cp {output} data/facts/{slug}/",
                  "# review: fix or delete each node, set its status, drop hv:confidence",
                  "harbin-kg build && harbin-kg validate"]
    else:
        steps = [f"cp {source_file} data/sources/web/{slug}.ttl" if source_file else "",
                 f"cp {output} data/facts/web/{slug}.ttl",
                 "# review: fix or delete each node, set its status, drop hv:confidence",
                 "harbin-kg build && harbin-kg validate"]
    echo_err("next (下一步):\n" + "\n".join(f"  {s}" for s in steps if s))


def _check(draft, text, paths) -> None:
    from ..propose.checking import check_draft

    result = check_draft(draft.turtle, draft.source.slug,
                         text=text.read_text(encoding="utf-8") if draft.source_turtle and draft.source.shipped else None,
                         source_text=draft.source_turtle, paths=paths)
    echo_err(f"draft check (草稿检查): {len(result.todo)} item(s) for the curator, "
             f"{len(result.problems)} problem(s) elsewhere")
    by_message: dict[str, int] = {}
    for r in result.todo:
        key = f"{r.message_en} / {r.message_zh}"
        by_message[key] = by_message.get(key, 0) + 1
    for message, count in sorted(by_message.items(), key=lambda kv: (-kv[1], kv[0])):
        echo_err(f"  to do ×{count}: {message}")
    for r in result.problems:
        echo_err(f"  PROBLEM: <{r.focus}> {r.path} {r.message_en} / {r.message_zh}")
    if not result.ok:
        raise click.exceptions.Exit(1)
