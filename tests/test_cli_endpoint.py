"""query, centrality and map against a real Oxigraph server (--endpoint) give what the file gives."""

import pytest

from harbin_kg.cli import cli
from harbin_kg.graph.remote import publish

pytestmark = pytest.mark.server


@pytest.fixture(scope="module")
def endpoint(oxigraph_server, bundled_graph_path):
    publish(bundled_graph_path, f"{oxigraph_server}/store", timeout=30)
    return f"{oxigraph_server}/query"


def test_query_on_the_endpoint_equals_the_file(runner, endpoint, bundled_graph_path):
    args = ["partners-of", "-p", "org=省教育厅", "--format", "csv"]
    local = runner.invoke(cli, ["query", str(bundled_graph_path), *args])
    remote = runner.invoke(cli, ["query", *args, "--endpoint", endpoint])
    assert remote.exit_code == 0, remote.stderr
    assert sorted(remote.stdout.splitlines()) == sorted(local.stdout.splitlines())
    assert "哈尔滨市人民政府" in remote.stdout


def test_centrality_on_the_endpoint_equals_the_file(runner, endpoint, bundled_graph_path):
    local = runner.invoke(cli, ["centrality", str(bundled_graph_path), "--format", "csv", "--top", "0"])
    remote = runner.invoke(cli, ["centrality", "--endpoint", endpoint, "--format", "csv", "--top", "0"])
    assert remote.exit_code == 0, remote.stderr
    assert remote.stdout == local.stdout and "黑龙江省教育厅" in remote.stdout


def test_explain_resolves_an_alias_through_the_endpoint(runner, endpoint):
    result = runner.invoke(cli, ["centrality", "--endpoint", endpoint, "--explain", "省教育厅"])
    assert result.exit_code == 0, result.stderr
    assert "黑龙江省教育厅" in result.stdout
    assert "“哈尔滨市政府与省教育厅签署《厅市共建龙江职业教育创新发展样板战略合作协议》”" in result.stdout


def test_map_on_the_endpoint_has_the_same_nodes(runner, endpoint, bundled_graph_path, tmp_path):
    remote = runner.invoke(cli, ["map", "--endpoint", endpoint, "--focus", "哈职院", "-o", str(tmp_path / "r.html")])
    local = runner.invoke(cli, ["map", str(bundled_graph_path), "--focus", "哈职院", "-o", str(tmp_path / "l.html")])
    assert remote.exit_code == 0, remote.stderr
    assert remote.stderr.splitlines()[-1].split(":", 1)[1] == local.stderr.splitlines()[-1].split(":", 1)[1]


def test_graph_and_endpoint_together_is_a_usage_error(runner, endpoint, bundled_graph_path):
    result = runner.invoke(cli, ["centrality", str(bundled_graph_path), "--endpoint", endpoint])
    assert result.exit_code == 2 and "either GRAPH or --endpoint" in result.stderr


def test_an_unreachable_endpoint_fails_clearly(runner):
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    result = runner.invoke(cli, ["query", "agreements", "--endpoint", f"http://127.0.0.1:{port}/query"])
    assert result.exit_code == 1
    assert "127.0.0.1" in result.stderr and "Traceback" not in result.stderr
