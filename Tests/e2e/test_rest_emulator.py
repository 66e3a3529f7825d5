"""The CloverDX REST emulator (Tests/emulator) served from a demo, reached through the host's
`http.request` service: real libcurl against a real local HTTP server, answers checked against the
demo's system database."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Iterator

import pytest
from mcp import Client

from support import ServerFactory, config_with_rest, faulty_entry, rest_emulator


@pytest.fixture(scope="module")
def emulator(demo_sqlite: Path) -> Iterator[str]:
    """The emulator on an ephemeral port; yields its base URL (…/clover)."""
    with rest_emulator(demo_sqlite) as url:
        yield url


async def rest(server_url: str, path: str) -> dict:
    async with Client(server_url, mode="2026-07-28") as client:
        result = await client.call_tool("faulty_service", {"service": "http.request", "request": {"path": path}})
        assert not result.is_error, result.content[0].text
        return json.loads(result.content[0].text)


@pytest.mark.anyio
async def test_executions_come_from_the_demo_database(servers: ServerFactory, demo_sqlite: Path, emulator: str,
                                                      tmp_path: Path) -> None:
    server = servers.http([faulty_entry(grants=["http.cloverdx"])],
                          extra_args=["--config", str(config_with_rest(tmp_path, demo_sqlite, emulator))])
    database = sqlite3.connect(demo_sqlite / "data" / "clover-system.db")
    failed = database.execute("SELECT id, error_component_id, error_message FROM run_record WHERE status = 'ERROR' ORDER BY id DESC").fetchall()

    page = await rest(server.url, "api/rest/v1/executions?status=ERROR&pageSize=5")
    assert page["status"] == 200
    body = json.loads(page["body"])
    assert body["@type"] == "ExecutionCollection" and body["@totalItems"] == len(failed)
    assert [member["runId"] for member in body["members"]] == [row[0] for row in failed[:5]]

    run_id, component, message = failed[0]
    one = json.loads((await rest(server.url, f"api/rest/v1/executions/{run_id}"))["body"])
    assert one["status"] == "ERROR" and one["jobError"]["componentId"] == component and one["jobError"]["message"] == message

    tracking = json.loads((await rest(server.url, f"api/rest/v1/executions/{run_id}/tracking"))["body"])
    phases = database.execute("SELECT count(*) FROM tracking_phase WHERE run_id = ?", (run_id,)).fetchone()[0]
    assert len(tracking["phases"]) == phases

    log = await rest(server.url, f"api/rest/v1/executions/{run_id}/log")
    assert log["body"] == (demo_sqlite / "cloverlogs" / "graph" / f"{run_id}.log").read_text()

    missing = await rest(server.url, "api/rest/v1/executions/999999999")
    assert missing["status"] == 404


@pytest.mark.anyio
async def test_wrong_credentials_are_refused_by_the_server(servers: ServerFactory, demo_sqlite: Path, emulator: str,
                                                           tmp_path: Path) -> None:
    server = servers.http([faulty_entry(grants=["http.cloverdx"])],
                          extra_args=["--config", str(config_with_rest(tmp_path, demo_sqlite, emulator, password="wrong"))])
    answer = await rest(server.url, "api/rest/v1/executions")
    assert answer["status"] == 401
    assert "s3cret" not in server.stderr and "wrong" not in server.stderr
