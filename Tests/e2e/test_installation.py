"""The CloverDX installation end to end: a generated demo, `doctor` on it, and the host services a
plugin reaches through the C ABI (logs, read-only SQL), called by the Python MCP SDK."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from mcp import Client

from support import ServerFactory, faulty_entry, run_cli


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("demo") / "clover"
    result = run_cli(["demo", "init", str(directory), "--days", "3", "--seed", "11"], timeout=120)
    assert result.returncode == 0, result.stderr
    return directory


def test_doctor_is_clean_on_the_demo(demo: Path) -> None:
    result = run_cli(["doctor", "--config", str(demo / "conf/clover.properties")], cwd=Path(__file__).parents[2])
    assert result.returncode == 0, result.stdout + result.stderr
    assert "[ok  ] system database answers:" in result.stdout
    assert "MISS" not in result.stdout


def test_doctor_names_what_is_missing(tmp_path: Path) -> None:
    empty = tmp_path / "clover.properties"
    empty.write_text("clover.home=/nonexistent/clover\n")
    result = run_cli(["doctor", "--config", str(empty)], cwd=Path(__file__).parents[2])
    assert result.returncode == 1
    assert "[MISS] server logs: /nonexistent/clover/cloverlogs does not exist" in result.stdout
    assert "fix:" in result.stdout


async def call_service(server_url: str, service: str, request: dict) -> tuple[bool, dict]:
    async with Client(server_url, mode="2026-07-28") as client:
        result = await client.call_tool("faulty_service", {"service": service, "request": request})
        text = result.content[0].text
        return bool(result.is_error), (json.loads(text) if not result.is_error else {"error": text})


@pytest.mark.anyio
async def test_plugins_reach_logs_and_sql_through_host_services(servers: ServerFactory, demo: Path) -> None:
    server = servers.http([faulty_entry(grants=["logs.read", "sql.read"])],
                          extra_args=["--config", str(demo / "conf/clover.properties")])
    failed, runs = await call_service(server.url, "sql.query", {"sql": "SELECT status, count(*) AS n FROM run_record GROUP BY status ORDER BY status"})
    assert not failed, runs
    statuses = {row[0] for row in runs["rows"]}
    assert {"FINISHED_OK", "ERROR"} <= statuses
    failed, refused = await call_service(server.url, "sql.query", {"sql": "UPDATE run_record SET status = 'OK'"})
    assert failed and "UPDATE" in refused["error"].upper()
    failed, page = await call_service(server.url, "logs.search", {"log": "all", "levels": ["ERROR"], "limit": 3})
    assert not failed and 0 < len(page["entries"]) <= 3
    assert all(entry["level"] == "ERROR" for entry in page["entries"])
    failed, escape = await call_service(server.url, "logs.search", {"log": "../../../../etc/passwd"})
    assert failed


@pytest.mark.anyio
async def test_grants_limit_what_a_plugin_reaches(servers: ServerFactory, demo: Path) -> None:
    server = servers.http([faulty_entry(grants=["logs.read"])],
                          extra_args=["--config", str(demo / "conf/clover.properties")])
    failed, answer = await call_service(server.url, "sql.query", {"sql": "SELECT 1"})
    assert failed and 'no grant "sql.read"' in answer["error"]
