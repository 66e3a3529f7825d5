"""The server-info plugin on the demo installation, on SQLite and on PostgreSQL: server_deployment
checked against the demo's own logs, system database and configuration; the health-check prompt; the
deployment resource; sections that cannot be read."""

from __future__ import annotations

import gzip
import json
import re
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from mcp import Client, MCPError

from support import ServerFactory, ServerProcess, repo_entries

pytestmark = [pytest.mark.anyio, pytest.mark.timeout(300)]

# The demo's clover.properties holds these; they must never reach an agent.
SECRETS = ("Demo-Only-S3cret!", "Demo-Mail-Pa55")
HEALTH_TOOLS = ("server_deployment", "server_perf_logs_summary", "server_logs_search", "job_statistics", "access_logs_stats")


@pytest.fixture(scope="module")
def server(module_servers: ServerFactory, demo_any: Path) -> ServerProcess:
    return module_servers.demo(demo_any, "server-info", "cloverdx-info")


def log_lines(demo: Path, base: str) -> list[str]:
    """Every line of a cloverlogs log, rotated (gzipped) files included; the timestamp prefix sorts them."""
    lines: list[str] = []
    for path in sorted((demo / "cloverlogs").glob(f"{base}.*")):
        if path.name.endswith(".gz"):
            lines += gzip.decompress(path.read_bytes()).decode("utf-8").splitlines()
        elif path.name == f"{base}.log":
            lines += path.read_text(encoding="utf-8").splitlines()
    return sorted(line for line in lines if re.match(r"\d{4}-\d\d-\d\d ", line))


def expected_version(demo: Path) -> tuple[str, str]:
    """Version and build of the newest Core, else Worker, start-up line of all.log."""
    lines = log_lines(demo, "all")
    for pattern in (r"CloverDX Server (\S+) \(build ([^)]+)\) starting", r"CloverDX Worker (\S+) \(build ([^)]+)\) starting"):
        found = [m for line in lines if (m := re.search(pattern, line))]
        if found:
            return found[-1].group(1), found[-1].group(2)
    raise AssertionError("the demo logs no start-up line")


def last_performance_sample(demo: Path) -> dict[str, Any]:
    lines = [line for line in (demo / "cloverlogs" / "performance.log").read_text().splitlines() if line.strip()]
    return json.loads(lines[-1])


def cluster_rows(demo: Path) -> list[tuple[str, str]]:
    """The demo's cluster nodes from its SQLite file (a PostgreSQL demo keeps it: it is the source of the load)."""
    with sqlite3.connect(f"file:{demo / 'data' / 'clover-system.db'}?mode=ro", uri=True) as db:
        return db.execute("SELECT node_id, status FROM cluster_node ORDER BY node_id").fetchall()


async def deployment(url: str, arguments: dict[str, Any] | None = None) -> tuple[dict[str, Any], str]:
    async with Client(url, mode="2026-07-28") as client:
        result = await client.call_tool("server_deployment", arguments or {})
    text = result.content[0].text
    assert not result.is_error, text
    assert result.structured_content is not None
    return result.structured_content, text


async def test_deployment_describes_the_demo(server: ServerProcess, demo_any: Path) -> None:
    found, text = await deployment(server.url)
    version, build = expected_version(demo_any)
    assert version == "7.4.1"
    assert found["server"]["version"] == version and found["server"]["build"] == build
    assert found["server"]["nodeId"] == "node01"
    assert found["worker"]["version"] == version
    xmx = re.search(r"-Xmx(\d+)m", next(line for line in reversed(log_lines(demo_any, "all")) if "Starting Worker" in line))
    assert xmx and found["worker"]["maxHeapMB"] == int(xmx.group(1))
    assert "Java" in text and found["worker"]["java"].startswith("21.")
    assert [(node["nodeId"], node["status"]) for node in found["cluster"]["nodes"]] == cluster_rows(demo_any)
    assert f"CloverDX Server {version} (build {build})" in text and "node01" in text


async def test_runtime_is_the_last_performance_sample(server: ServerProcess, demo_any: Path) -> None:
    found, text = await deployment(server.url, {"includeConfiguration": False})
    sample = last_performance_sample(demo_any)
    runtime = found["runtime"]
    assert runtime["sampleTime"] == sample["time"]
    assert (runtime["coreHeapGB"], runtime["workerHeapGB"]) == (sample["cHeap"], sample["wHeap"])
    assert (runtime["coreThreads"], runtime["workerThreads"]) == (sample["cThread"], sample["wThread"])
    assert (runtime["coreUptimeSeconds"], runtime["workerUptimeSeconds"]) == (sample["cUptime"], sample["wUptime"])
    assert f"Core heap {sample['cHeap']:g} GB" in text
    assert "configuration" not in found


async def test_configuration_is_shown_with_secrets_masked(server: ServerProcess, demo_any: Path) -> None:
    found, text = await deployment(server.url)
    entries = {entry["key"]: entry for entry in found["configuration"]["entries"]}
    assert entries["jdbc.password"]["value"] == "*****" and entries["email.smtp.password"]["value"] == "*****"
    assert entries["cluster.node.id"] == {"key": "cluster.node.id", "value": "node01", "source": "clover.properties"}
    assert list(entries) == sorted(entries)
    properties = dict(line.split("=", 1) for line in (demo_any / "conf" / "clover.properties").read_text().splitlines()
                      if "=" in line and not line.startswith("#"))
    assert set(properties) <= set(entries)
    dumped = json.dumps(found) + text
    for secret in SECRETS:
        assert secret not in dumped


async def test_sidecar_and_installation_are_described(server: ServerProcess, demo_any: Path) -> None:
    found, _ = await deployment(server.url, {"includeConfiguration": False})
    plugins = {plugin["id"]: plugin for plugin in found["sidecar"]["plugins"]}
    assert plugins["server-info"]["tools"] == 1 and plugins["cloverdx-info"]["tools"] == 3
    assert found["sidecar"]["pid"] == server.proc.pid
    jdbc_url = next(line for line in (demo_any / "conf" / "clover.properties").read_text().splitlines() if line.startswith("jdbc.url="))
    engine = jdbc_url.removeprefix("jdbc.url=jdbc:").split(":")[0]
    assert found["installation"]["systemDatabaseEngine"] == engine
    assert found["installation"]["serverLogs"] == str(demo_any / "cloverlogs")
    assert found["installation"]["utcOffsetSeconds"] == 3600


async def test_unreadable_sections_are_reported_not_fatal(servers: ServerFactory, demo_sqlite: Path, tmp_path: Path) -> None:
    empty = tmp_path / "no-logs"
    empty.mkdir()
    config = tmp_path / "clover.properties"
    config.write_text((demo_sqlite / "conf" / "clover.properties").read_text()
                      + f"\nclover.mcp.sidecar.logs.dir={empty}\nclover.mcp.sidecar.tomcat.logs.dir={empty}\n")
    server = servers.http(repo_entries("server-info"), extra_args=["--config", str(config)])
    found, text = await deployment(server.url)
    missing = {item["section"]: item["reason"] for item in found["unavailable"]}
    assert {"server", "runtime"} <= set(missing)
    assert "all.log" in missing["server"] or "logs" in missing["server"]
    assert found["cluster"]["nodes"] and found["configuration"]["entries"]
    assert "Unavailable:" in text


async def test_health_check_prompt_names_the_tools(server: ServerProcess) -> None:
    async with Client(server.url, mode="2026-07-28") as client:
        listed = {prompt.name for prompt in (await client.list_prompts()).prompts}
        by_hours = await client.get_prompt("server_health_check", {"hours": "6"})
        by_range = await client.get_prompt("server_health_check", {"from": "2025-03-05 00:00", "to": "2025-03-05 12:00"})
        with pytest.raises(MCPError) as upside_down:
            await client.get_prompt("server_health_check", {"from": "2025-03-06", "to": "2025-03-05"})
        with pytest.raises(MCPError) as bad_hours:
            await client.get_prompt("server_health_check", {"hours": "many"})
    assert "server_health_check" in listed
    text = by_hours.messages[0].content.text
    for tool in HEALTH_TOOLS:
        assert tool in text
    assert 'from="-6h"' in text and "last 6 hours" in text
    assert 'from="2025-03-05 00:00" to="2025-03-05 12:00"' in by_range.messages[0].content.text
    assert "upside down" in upside_down.value.error.message
    assert "hours" in bad_hours.value.error.message


async def test_deployment_is_a_resource(server: ServerProcess, demo_any: Path) -> None:
    async with Client(server.url, mode="2026-07-28") as client:
        resources = {resource.uri for resource in (await client.list_resources()).resources}
        read = await client.read_resource("cloverdx://server/deployment")
    assert "cloverdx://server/deployment" in {str(uri) for uri in resources}
    text = read.contents[0].text
    version, build = expected_version(demo_any)
    assert f"CloverDX Server {version} (build {build})" in text and "jdbc.password" in text
    for secret in SECRETS:
        assert secret not in text
