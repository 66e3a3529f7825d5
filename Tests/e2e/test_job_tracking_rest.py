"""The job-tracking plugin reading runs from CloverDX's REST API (the emulator in Tests/emulator over the
demo) instead of the system database: the same answers from both sources, checked against the demo's
database read here with sqlite3; the choice of source (clover.mcp.sidecar.jobs.source); and what an
agent is told when the REST API is down or refuses the credentials."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path
from typing import Any, Iterator

import mcp_types as types
import pytest
from mcp import Client

from support import ServerFactory, ServerProcess, config_with_rest, repo_entries, rest_emulator
from system_db_support import call_error, call_ok, sqlite_copy, without

pytestmark = [pytest.mark.anyio, pytest.mark.timeout(300)]

SOURCE_KEY = "clover.mcp.sidecar.jobs.source"
FAILED = ("ERROR", "ABORTED", "TIMEOUT", "UNKNOWN")


@pytest.fixture(scope="module")
def emulator(demo_sqlite: Path) -> Iterator[str]:
    with rest_emulator(demo_sqlite) as url:
        yield url


def job_tracking(servers: ServerFactory, config: Path) -> ServerProcess:
    return servers.http(repo_entries("job-tracking"), extra_args=["--config", str(config)])


@pytest.fixture(scope="module")
def rest(module_servers: ServerFactory, demo_sqlite: Path, emulator: str) -> ServerProcess:
    config = config_with_rest(module_servers.directory, demo_sqlite, emulator, extra={SOURCE_KEY: "rest"}, name="rest.properties")
    return job_tracking(module_servers, config)


@pytest.fixture(scope="module")
def database(module_servers: ServerFactory, demo_sqlite: Path, emulator: str) -> ServerProcess:
    config = config_with_rest(module_servers.directory, demo_sqlite, emulator, extra={SOURCE_KEY: "database"}, name="database.properties")
    return job_tracking(module_servers, config)


@pytest.fixture(scope="module")
def db(demo_sqlite: Path) -> sqlite3.Connection:
    return sqlite_copy(demo_sqlite)


def ignoring(answer: dict[str, Any], *keys: str) -> Any:
    for key in ("source", *keys):
        answer = without(answer, key)
    return answer


async def both(rest: ServerProcess, database: ServerProcess, tool: str, arguments: dict[str, Any]) -> tuple[dict, dict]:
    """The structured answers of `tool` from the REST source and from the database source."""
    async with Client(rest.url, mode="2026-07-28") as on_rest, Client(database.url, mode="2026-07-28") as on_database:
        a, _ = await call_ok(on_rest, tool, arguments)
        b, _ = await call_ok(on_database, tool, arguments)
    assert (a["source"], b["source"]) == ("rest", "database")
    return a, b


async def all_pages(server: ServerProcess, arguments: dict[str, Any]) -> list[int]:
    ids: list[int] = []
    cursor = None
    async with Client(server.url, mode="2026-07-28") as client:
        for _ in range(100):
            page, _ = await call_ok(client, "job_list", {**arguments, **({"cursor": cursor} if cursor else {})})
            ids += [run["runId"] for run in page["runs"]]
            cursor = page.get("nextCursor")
            if not cursor:
                return ids
    raise AssertionError("job_list kept returning cursors")


# --------------------------------------------------------------------------------------------------
# The same answers from both sources


async def test_job_list_agrees_with_the_database(rest: ServerProcess, database: ServerProcess, db: sqlite3.Connection) -> None:
    times = [row[0] for row in db.execute("SELECT submit_time FROM run_record ORDER BY submit_time")]
    start, end = times[len(times) // 3], times[2 * len(times) // 3]
    calls = [
        {"limit": 25},
        {"status": "ERROR", "limit": 100},
        {"status": ["error", "TIMEOUT", "ABORTED"], "limit": 100},
        {"sandbox": "crm", "jobFile": "sync", "limit": 10},
        {"sandbox": "dwh", "jobFile": "graph/LoadOrders.grf", "jobFileMatch": "exact", "status": "FINISHED_OK", "limit": 5},
        {"from": start, "to": end, "limit": 50},
        {"from": start[:10] + " 00:00", "to": end, "sandbox": "reporting", "status": list(FAILED)},
        {"sandbox": "no-such-sandbox"},
    ]
    for arguments in calls:
        a, b = await both(rest, database, "job_list", arguments)
        assert ignoring(a) == ignoring(b), arguments

    expected = [row[0] for row in db.execute(
        f"SELECT id FROM run_record WHERE substr(submit_time, 1, 23) BETWEEN '{start[:23]}' AND '{end[:23]}' "
        "ORDER BY submit_time DESC, id DESC")]
    assert len(expected) > 100
    assert await all_pages(rest, {"from": start, "to": end, "limit": 100}) == expected
    crm = [row[0] for row in db.execute("SELECT id FROM run_record WHERE sandbox_code = 'crm' ORDER BY submit_time DESC, id DESC")]
    assert await all_pages(rest, {"sandbox": "crm", "limit": 40}) == crm == await all_pages(database, {"sandbox": "crm", "limit": 40})


async def test_status_of_a_failed_jobflow_agrees_with_the_database(rest: ServerProcess, database: ServerProcess,
                                                                   db: sqlite3.Connection) -> None:
    children = "(SELECT COUNT(*) FROM run_record c WHERE c.parent_id = r.id AND c.id <> r.id)"
    run = db.execute(f"SELECT * FROM run_record r WHERE job_type = 'JOBFLOW' AND status = 'ERROR' AND {children} > 0 "
                     f"ORDER BY {children} DESC LIMIT 1").fetchone()
    a, b = await both(rest, database, "job_get_status", {"runId": run["id"]})
    # Documented differences: the REST API has no parameters and no log file path, and says so.
    assert a["parameters"] == [] and "logFile" not in a and any("parameters" in note for note in a["notes"])
    assert b["notes"] == []
    assert ignoring(a, "parameters", "logFile", "notes") == ignoring(b, "parameters", "logFile", "notes")

    assert a["error"]["componentId"] == run["error_component_id"] and a["error"]["message"] == run["error_message"]
    assert a["error"]["componentType"] == run["error_component_type"] and "Caused by" in a["error"]["exception"]
    expected = [(row[0], row[1]) for row in db.execute(
        "SELECT id, status FROM run_record WHERE parent_id = ? AND id <> ? ORDER BY id", (run["id"], run["id"]))]
    assert [(child["runId"], child["status"]) for child in a["children"]] == expected

    child_a, child_b = await both(rest, database, "job_get_status", {"runId": expected[-1][0]})
    assert child_a["parentRunId"] == run["id"]
    assert ignoring(child_a, "parameters", "logFile", "notes") == ignoring(child_b, "parameters", "logFile", "notes")


async def test_tracking_agrees_with_the_database(rest: ServerProcess, database: ServerProcess, db: sqlite3.Connection) -> None:
    phases = "(SELECT COUNT(*) FROM tracking_phase p WHERE p.run_id = r.id)"
    picks = [db.execute(f"SELECT id FROM run_record r WHERE status = 'FINISHED_OK' ORDER BY {phases} DESC, id LIMIT 1").fetchone()[0],
             db.execute(f"SELECT id FROM run_record r WHERE status = 'ERROR' AND {phases} > 1 ORDER BY id LIMIT 1").fetchone()[0],
             db.execute("SELECT id FROM run_record WHERE job_type = 'JOBFLOW' AND status = 'ERROR' ORDER BY id LIMIT 1").fetchone()[0]]
    for run_id in picks:
        a, b = await both(rest, database, "job_get_tracking", {"runId": run_id})
        assert ignoring(a, "notes") == ignoring(b, "notes"), run_id
        assert len(a["phases"]) == db.execute("SELECT COUNT(*) FROM tracking_phase WHERE run_id = ?", (run_id,)).fetchone()[0]
        assert any("final totals" in note for note in a["notes"])


async def test_statistics_agree_with_the_database(rest: ServerProcess, database: ServerProcess, db: sqlite3.Connection) -> None:
    first, last = db.execute("SELECT MIN(submit_time), MAX(submit_time) FROM run_record").fetchone()
    for arguments in ({"from": first, "to": last}, {"from": first[:10] + " 12:00", "to": last, "sandbox": "dwh"}):
        a, b = await both(rest, database, "job_statistics", arguments)
        assert ignoring(a) == ignoring(b), arguments
    assert a["totals"]["runs"] == db.execute(
        f"SELECT COUNT(*) FROM run_record WHERE sandbox_code = 'dwh' AND submit_time >= '{first[:10]}T12:00'").fetchone()[0]


async def test_completion_and_unknown_runs_on_rest(rest: ServerProcess, db: sqlite3.Connection) -> None:
    missing = db.execute("SELECT MAX(id) FROM run_record").fetchone()[0] + 1000
    async with Client(rest.url, mode="2026-07-28") as client:
        message = await call_error(client, "job_get_status", {"runId": missing})
        sandboxes = await client.complete(types.PromptReference(type="ref/prompt", name="job_execution_report"),
                                          {"name": "sandbox", "value": "c"})
        runs = await client.complete(types.ResourceTemplateReference(type="ref/resource", uri="cloverdx://jobs/{runId}"),
                                     {"name": "runId", "value": str(missing - 1000)[:3]})
    assert f"no run {missing} in the CloverDX REST API" in message and "job_list" in message
    assert sandboxes.completion.values == ["crm"]
    assert str(missing - 1000) in runs.completion.values


# --------------------------------------------------------------------------------------------------
# Choosing the source


async def test_auto_reads_the_database_when_there_is_one_and_rest_without_jdbc(servers: ServerFactory, demo_sqlite: Path,
                                                                               emulator: str, tmp_path: Path) -> None:
    with_database = job_tracking(servers, config_with_rest(tmp_path, demo_sqlite, emulator, name="auto-db.properties"))
    without_database = job_tracking(servers, config_with_rest(tmp_path, demo_sqlite, emulator, database=False, name="auto-rest.properties"))
    async with Client(with_database.url, mode="2026-07-28") as a, Client(without_database.url, mode="2026-07-28") as b:
        on_database, _ = await call_ok(a, "job_list", {"status": "ERROR", "limit": 5})
        on_rest, _ = await call_ok(b, "job_list", {"status": "ERROR", "limit": 5})
    assert (on_database["source"], on_rest["source"]) == ("database", "rest")
    assert ignoring(on_database) == ignoring(on_rest)


async def test_no_source_or_an_unknown_setting_is_a_clear_error(servers: ServerFactory, demo_sqlite: Path, tmp_path: Path) -> None:
    nothing = job_tracking(servers, config_with_rest(tmp_path, demo_sqlite, None, database=False, name="none.properties"))
    misspelt = job_tracking(servers, config_with_rest(tmp_path, demo_sqlite, None, extra={SOURCE_KEY: "restful"}, name="bad.properties"))
    async with Client(nothing.url, mode="2026-07-28") as a, Client(misspelt.url, mode="2026-07-28") as b:
        none = await call_error(a, "job_list", {})
        unknown = await call_error(b, "job_get_status", {"runId": 1})
    assert "no jdbc.url" in none and "clover.mcp.sidecar.rest.url" in none
    assert SOURCE_KEY in unknown and "restful" in unknown and all(word in unknown for word in ("auto", "database", "rest"))


# --------------------------------------------------------------------------------------------------
# The REST API down or refusing


async def test_rest_down_is_a_prompt_tool_error(servers: ServerFactory, demo_sqlite: Path, tmp_path: Path) -> None:
    with rest_emulator(demo_sqlite) as url:
        server = job_tracking(servers, config_with_rest(tmp_path, demo_sqlite, url, extra={SOURCE_KEY: "rest"}))
        async with Client(server.url, mode="2026-07-28") as client:
            await call_ok(client, "job_list", {"limit": 1})
    async with Client(server.url, mode="2026-07-28") as client:
        started = time.monotonic()
        message = await call_error(client, "job_list", {"limit": 1})
        elapsed = time.monotonic() - started
    assert "CloverDX REST API did not answer" in message and url.split("//")[1].split("/")[0] in message
    assert "clover.mcp.sidecar.jobs.source=database" in message
    assert elapsed < 25, "the host's HTTP timeout, not the plugin call's, should end it"


async def test_wrong_credentials_name_401_and_not_the_password(servers: ServerFactory, demo_sqlite: Path, emulator: str,
                                                                tmp_path: Path) -> None:
    password = "Wr0ng-Pa55word-42"
    server = job_tracking(servers, config_with_rest(tmp_path, demo_sqlite, emulator, password=password, extra={SOURCE_KEY: "rest"}))
    async with Client(server.url, mode="2026-07-28") as client:
        listed = await call_error(client, "job_list", {})
        status = await call_error(client, "job_get_tracking", {"runId": 5})
    for message in (listed, status):
        assert "401" in message and "clover.mcp.sidecar.rest.password" in message
        assert password not in message and "s3cret" not in message
    assert password not in server.stderr
