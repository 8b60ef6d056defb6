"""``harbin-kg serve`` (a read-only SPARQL endpoint with pages) and ``harbin-kg site`` (static pages)."""

from __future__ import annotations

import logging
import signal
import sys
from pathlib import Path

import click

from . import cli, echo_err, graph_argument, resolve_graph_path
from .vocabulary import DEFAULT_TIMEOUT

_LOOPBACK = ("127.0.0.1", "localhost", "::1")


@cli.command()
@graph_argument
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on. The default, 127.0.0.1, answers only this computer. "
                   "Use 0.0.0.0 to listen on every network interface: then anyone who can reach this "
                   "machine on the network can query the graph and read its pages.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535),
              help="Port to listen on (0 picks a free one).")
@click.option("--timeout", default=DEFAULT_TIMEOUT, show_default=True, type=click.FloatRange(min=0.1),
              help="Seconds a query may run before its worker process is killed (answer 504).")
@click.option("--max-rows", default=10_000, show_default=True, type=click.IntRange(min=1),
              help="Rows (or triples) per answer; longer answers are cut and marked X-Harbin-KG-Truncated: true.")
@click.option("--workers", default=2, show_default=True, type=click.IntRange(1, 64),
              help="Query worker processes (each holds the graph in memory).")
@click.option("--queue", default=64, show_default=True, type=click.IntRange(0, 1000),
              help="Queries that may wait for a worker; beyond that, 503 + Retry-After. Each client may only "
                   "have --per-client of them.")
@click.option("--max-body", default=64 * 1024, show_default=True, type=click.IntRange(min=1),
              help="Largest request body in bytes (larger: 413).")
@click.option("--max-url", default=8 * 1024, show_default=True, type=click.IntRange(min=64),
              help="Longest URL in bytes (longer: 414; POST long queries instead).")
@click.option("--refuse-dataset-params", is_flag=True,
              help="Answer 403 to default-graph-uri / named-graph-uri (by default they name graphs of the loaded "
                   "store; an unknown name is an empty graph; nothing is ever fetched).")
@click.option("--per-client", default=2, show_default=True, type=click.IntRange(1, 100),
              help="Queries one client (an IPv4 address, or an IPv6 /64) may have running or waiting; more: 429.")
@click.option("--client-budget", default=2 * DEFAULT_TIMEOUT, show_default=True, type=click.FloatRange(min=0.1),
              help="Seconds of query time a client may use at once (a token bucket; a stopped query costs the "
                   "whole --timeout). Empty: 429 + Retry-After.")
@click.option("--client-rate", default=0.5, show_default=True, type=click.FloatRange(min=0.001),
              help="Seconds of query time a client regains per second.")
@click.option("--short-query", default=1.0, show_default=True, type=click.FloatRange(min=0.05),
              help="Seconds after which a query counts as long. At most --workers minus --reserve long queries "
                   "run at once; another one is stopped (503) when a query is waiting for a worker.")
@click.option("--reserve", default=1, show_default=True, type=click.IntRange(0, 63),
              help="Workers kept for short queries (0: none; ignored with one worker).")
@click.option("--spare-workers", default=1, show_default=True, type=click.IntRange(0, 8),
              help="Workers kept started and idle, to replace at once one that was stopped (timeout, hang-up).")
@click.option("--connection-limit", default=None, type=click.IntRange(1, 100_000),
              help="Open connections at most [default: 1000, or less under a low open-file limit].")
@click.option("--header-timeout", default=10.0, show_default=True, type=click.FloatRange(min=0.5),
              help="Seconds a client has to send a whole request once it starts; slower connections are closed.")
@click.option("--idle-timeout", default=30.0, show_default=True, type=click.FloatRange(min=1),
              help="Seconds an idle keep-alive connection stays open.")
@click.option("--trusted-proxy", metavar="ADDRESS",
              help="Address of a reverse proxy in front: the client address (for the per-client limits) is then "
                   "taken from its X-Forwarded-For header.")
@click.option("--get", "get_path", metavar="PATH",
              help="Answer one request for PATH in-process, print the body, exit 0 on 200 else 1 (no server).")
def serve(graph, host, port, timeout, max_rows, workers, queue, max_body, max_url, refuse_dataset_params, per_client,
          client_budget, client_rate, short_query, reserve, spare_workers, connection_limit, header_timeout, idle_timeout,
          trusted_proxy, get_path):
    """Serve GRAPH as a read-only SPARQL 1.1 endpoint, with a query page and entity pages.

    只读 SPARQL 端点：/ 查询页面，/sparql 协议端点，/id/… 实体页面。

    Routes: / (query page), /sparql (SPARQL 1.1 Protocol: GET, POST form, POST
    application/sparql-query; without a query: service description), /id/TYPE/SLUG (entity
    pages; Turtle, N-Triples or JSON-LD by Accept), /entities, /health. Updates, SERVICE,
    FROM and FROM NAMED are refused (403); nothing is ever fetched from the network.

    Each client gets its share: --per-client queries at once and a budget of query time
    (429 + Retry-After beyond either); long queries never hold every worker. Connections
    that trickle their request are closed after --header-timeout. For a public server put
    a reverse proxy in front (TLS, per-IP limits): see docs/server.md.

    \b
        harbin-kg serve                                  # bundled graph on http://127.0.0.1:8000/
        harbin-kg serve build/harbin.ttl --port 8080 --timeout 30
        harbin-kg serve --get '/sparql?query=ASK%7B%7D'
        harbin-kg serve --get /id/org/harbin-university
        curl -H 'Accept: text/csv' --data-urlencode 'query=SELECT * {?s ?p ?o} LIMIT 3' http://127.0.0.1:8000/sparql
    """
    from ..web.server import Fairness, call_app, make_app

    path = resolve_graph_path(graph)
    fairness = Fairness(per_client=per_client, burst=client_budget, rate=client_rate, short=short_query,
                        reserve=reserve)
    app = make_app(path, timeout=timeout, max_rows=max_rows, max_body=max_body, max_url=max_url,
                   workers=workers, queue=queue, dataset_params="refuse" if refuse_dataset_params else "local",
                   fairness=fairness, spares=spare_workers)
    try:
        if get_path is not None:
            status, headers, body = call_app(app, "GET", get_path)
            sys.stdout.buffer.write(body)
            if body and not body.endswith(b"\n"):
                sys.stdout.buffer.write(b"\n")
            sys.stdout.flush()
            sys.exit(0 if status == 200 else 1)
        _run_waitress(app, host, port, path, connection_limit=connection_limit, header_timeout=header_timeout,
                      idle_timeout=idle_timeout, trusted_proxy=trusted_proxy)
    finally:
        app.close()


def waitress_version() -> str:
    from importlib.metadata import version

    return version("waitress")


def _run_waitress(app, host: str, port: int, path: Path, *, connection_limit, header_timeout, idle_timeout,
                  trusted_proxy) -> None:
    try:
        import waitress  # noqa: F401
    except ImportError:
        raise click.ClickException(
            "serve needs the waitress web server, an optional extra: pip install 'harbin-kg[server]' "
            "(--get and harbin-kg site work without it).") from None
    from ..web.server_http import default_connection_limit, make_server

    logger = logging.getLogger("harbin_kg.web.server")
    logger.setLevel(logging.INFO)
    if not logging.getLogger().handlers:
        logging.basicConfig(format="%(levelname)s %(name)s: %(message)s")
    # a thread per admitted query, and room to answer pages, 429s and 503s while workers are busy
    threads = app.pool.size + app.pool.queue + 8
    server = make_server(app, host=host, port=port, threads=threads,
                         connection_limit=connection_limit or default_connection_limit(),
                         header_timeout=header_timeout, idle_timeout=idle_timeout,
                         max_request_body_size=app.max_body * 4, trusted_proxy=trusted_proxy)

    def stop(signum, frame):
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, stop)
    actual = getattr(server, "effective_port", None) or server.effective_listen[0][1]
    if host not in _LOOPBACK:
        echo_err(f"Warning: listening on {host}: anyone who can reach this machine can query the graph.")
    echo_err(f"harbin-kg (waitress {waitress_version()}) serving {path} ({len(app.store)} triples) on "
             f"http://{host if ':' not in host else '[' + host + ']'}:{actual}/  "
             f"(SPARQL: /sparql; timeout {app.timeout:g} s; {app.pool.size} workers; "
             f"network isolation of workers: {'on' if app.pool.isolated else 'off'}). Ctrl-C stops.")
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()


@cli.command()
@graph_argument
@click.option("-o", "--output", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Folder to write (new, empty, or a site written before, which is replaced).")
def site(graph, out_dir):
    """Write the entity pages of GRAPH as a static website that needs no server.

    实体页面静态网站：每个实体一个中英双语页面，相对链接，可直接用浏览器打开。

    The site is built in a temporary folder beside OUT and then renamed into place, so a
    reader never sees half a site.

    \b
        harbin-kg site -o build/site/
        harbin-kg site build/harbin.ttl -o /tmp/harbin-site && xdg-open /tmp/harbin-site/index.html
    """
    from ..web.pages import write_site
    from ..graph.store import load_store

    path = resolve_graph_path(graph)
    count = write_site(load_store(path), out_dir, progress=echo_err)
    echo_err(f"wrote {out_dir}: {count} pages; open {out_dir / 'index.html'} in a browser")
