"""The server-logs plugin on the demo installation: server_logs_search and server_logs_list checked
against the demo's own log files and system database (read here with gzip and sqlite3), paging, every
kind of bad input, the analyze_server_logs prompt, the log-tail resources and completion."""

from __future__ import annotations

import asyncio
import re
import shutil
import sqlite3
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import mcp_types as types
import pytest
from mcp import Client, MCPError

from log_tools_support import config, demo_copy, log_text, server_local, server_zone, wall
from support import ServerFactory, ServerProcess
from system_db_support import call_error, call_ok, sqlite_copy

pytestmark = [pytest.mark.anyio, pytest.mark.timeout(300)]


@pytest.fixture(scope="module")
def server(module_servers: ServerFactory, demo_sqlite: Path) -> ServerProcess:
    return module_servers.demo(demo_sqlite, "server-logs", "job-logs")


@pytest.fixture(scope="module")
def db(demo_sqlite: Path) -> sqlite3.Connection:
    return sqlite_copy(demo_sqlite)


async def search(url: str, **arguments: Any) -> dict[str, Any]:
    async with Client(url, mode="2026-07-28") as client:
        return (await call_ok(client, "server_logs_search", arguments))[0]


async def search_error(url: str, **arguments: Any) -> str:
    async with Client(url, mode="2026-07-28") as client:
        return await call_error(client, "server_logs_search", arguments)


async def every_page(url: str, **arguments: Any) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """All entries of a search, following nextCursor; and every page's result."""
    pages: list[dict[str, Any]] = []
    cursor = None
    while True:
        page = await search(url, **arguments, **({"cursor": cursor} if cursor else {}))
        pages.append(page)
        cursor = page.get("nextCursor")
        assert page["hasMore"] == bool(cursor)
        if not cursor:
            return [entry for page in pages for entry in page["entries"]], pages


# --------------------------------------------------------------------------------------------------
# Searching


async def test_failed_runs_are_found_in_the_server_log_by_time_and_pattern(server: ServerProcess, db: sqlite3.Connection,
                                                                           demo_sqlite: Path) -> None:
    zone = server_zone(demo_sqlite)
    failed = db.execute("SELECT id, stop_time, error_component_id, error_message FROM run_record WHERE status = 'ERROR' ORDER BY id").fetchall()
    assert len(failed) >= 5
    for run in failed:
        stop = server_local(run["stop_time"], zone)
        result = await search(server.url, appender="main", **{"from": wall(stop - timedelta(minutes=2)), "to": wall(stop + timedelta(minutes=2))},
                              pattern=rf"runId={run['id']}\b", levels=["ERROR"])
        assert result["logs"] == ["all"] and result["matched"] == result["shown"] >= 1
        texts = [entry["text"] for entry in result["entries"]]
        assert all(entry["level"] in ("ERROR", "FATAL") for entry in result["entries"])
        assert any(run["error_component_id"] in text and run["error_message"].splitlines()[0] in text for text in texts), (run["id"], texts)
        assert all(abs((entry_time(entry) - stop).total_seconds()) <= 120 for entry in result["entries"])


def entry_time(entry: dict[str, Any]) -> datetime:
    return datetime.strptime(entry["time"], "%Y-%m-%d %H:%M:%S.%f")


async def test_list_shows_every_log_with_its_files_size_and_span(server: ServerProcess, demo_sqlite: Path) -> None:
    async with Client(server.url, mode="2026-07-28") as client:
        listing, text = await call_ok(client, "server_logs_list", {})
    logs = {log["id"]: log for log in listing["logs"]}
    cloverlogs = demo_sqlite / "cloverlogs"
    for base in ("all", "worker", "node", "user-action"):
        files = [p for p in cloverlogs.iterdir() if p.name.startswith(base + ".")]
        assert logs[base]["files"] == len(files)
        assert logs[base]["bytes"] == sum(p.stat().st_size for p in files)
        assert base in text
    first_line = log_text(demo_sqlite, "all").splitlines()[0]
    assert logs["all"]["firstTime"].replace(".", ",") == first_line[:23]
    assert logs["all"]["appender"] == "all" and logs["node"]["appender"] == "cluster"


async def test_paging_with_a_small_limit_equals_one_big_search(server: ServerProcess, demo_sqlite: Path) -> None:
    arguments = {"appender": "all", "levels": ["WARN"], "from": "-100d"}
    warn = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}\[.{15}\] \S+\s+WARN\s")
    expected = sum(1 for line in log_text(demo_sqlite, "all").splitlines() if warn.match(line))
    assert expected > 10
    whole = await search(server.url, **arguments, limit=1000)
    assert whole["shown"] == whole["matched"] == expected and not whole["hasMore"]
    paged, pages = await every_page(server.url, **arguments, limit=5)
    assert [(e["file"], e["line"], e["text"]) for e in paged] == [(e["file"], e["line"], e["text"]) for e in whole["entries"]]
    shown_so_far = 0
    for page in pages:
        assert page["shown"] <= 5
        shown_so_far += page["shown"]
        assert page["matched"] == shown_so_far
    assert pages[-1]["matched"] == expected


async def test_a_time_with_a_zone_means_the_same_server_local_time(server: ServerProcess, db: sqlite3.Connection, demo_sqlite: Path) -> None:
    zone = server_zone(demo_sqlite)
    stop = server_local(db.execute("SELECT stop_time FROM run_record WHERE status = 'ERROR' ORDER BY id LIMIT 1").fetchone()[0], zone)
    local = {"from": wall(stop - timedelta(hours=1)), "to": wall(stop + timedelta(hours=1))}
    utc = {key: datetime.strptime(value, "%Y-%m-%d %H:%M:%S").replace(tzinfo=zone).astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
           for key, value in local.items()}
    assert utc["from"] != local["from"].replace(" ", "T") + "Z", "the demo's zone is not UTC, so the two spellings differ"
    by_local = await search(server.url, **local, limit=1000)
    by_utc = await search(server.url, **utc, limit=1000)
    assert by_local["shown"] > 0
    assert by_utc["entries"] == by_local["entries"] and by_utc["from"] == by_local["from"]


async def test_the_worker_appender_spans_per_node_worker_logs(servers: ServerFactory, demo_sqlite: Path, tmp_path: Path) -> None:
    copy = demo_copy(demo_sqlite, tmp_path)
    node_log = copy / "cloverlogs" / "worker_node02.log"
    node_log.write_text("".join(f"2026-01-01 00:00:0{i},000[main           ] WorkerProcess    INFO      node02 worker line {i}\n" for i in range(6)))
    server = servers.demo(copy, "server-logs")
    entries, pages = await every_page(server.url, appender="worker", text="worker line", limit=4)
    assert pages[0]["logs"] == ["worker", "worker_node02"]
    assert [entry["text"] for entry in entries] == node_log.read_text().splitlines()
    assert {entry["log"] for entry in entries} == {"worker_node02"}
    assert pages[-1]["matched"] == 6


# --------------------------------------------------------------------------------------------------
# Bad input


async def test_an_unknown_appender_is_refused_with_the_logs_that_exist(server: ServerProcess) -> None:
    message = await search_error(server.url, appender="no_such_log")
    assert "unknown appender" in message and "all" in message and "user_actions" in message


async def test_a_regex_that_does_not_compile_is_refused(server: ServerProcess) -> None:
    message = await search_error(server.url, pattern="runId=(123")
    assert "does not compile" in message and "runId=(123" in message


async def test_an_upside_down_time_range_is_refused(server: ServerProcess) -> None:
    message = await search_error(server.url, **{"from": "2025-03-06 00:00", "to": "2025-03-05 00:00"})
    assert "upside down" in message


async def test_an_unreadable_time_lists_the_accepted_formats(server: ServerProcess) -> None:
    message = await search_error(server.url, **{"from": "yesterday at noon"})
    assert "yesterday at noon" in message and "yyyy-MM-dd" in message and "-2h" in message and "Z" in message


async def test_an_unknown_level_is_refused(server: ServerProcess) -> None:
    message = await search_error(server.url, levels=["ERROR", "LOUD"])
    assert "LOUD" in message and "WARN" in message


async def test_a_cursor_of_another_search_is_refused(server: ServerProcess) -> None:
    first = await search(server.url, levels=["INFO"], limit=2)
    assert first["nextCursor"]
    message = await search_error(server.url, levels=["WARN"], limit=2, cursor=first["nextCursor"])
    assert "cursor" in message and "other arguments" in message
    garbage = await search_error(server.url, cursor="not-a-cursor")
    assert "cursor" in garbage


async def test_a_huge_limit_is_lowered_with_a_note(server: ServerProcess) -> None:
    result = await search(server.url, limit=10_000_000)
    assert result["shown"] <= 1000
    assert any("lowered" in note and "1000" in note for note in result["notes"])


async def test_a_catastrophic_regex_returns_in_bounded_time(servers: ServerFactory, demo_sqlite: Path, tmp_path: Path) -> None:
    # A line that makes (a+)+$ backtrack exponentially: the host stops the match and says why, well
    # before the plugin call's own timeout (left at its default here).
    copy = demo_copy(demo_sqlite, tmp_path)
    with (copy / "cloverlogs" / "all.log").open("a") as log:
        log.write("2026-01-01 00:00:00,000[main           ] Poison           INFO      " + "a" * 64 + "!\n")
    server = servers.demo(copy, "server-logs")
    started = time.monotonic()
    async with Client(server.url, mode="2026-07-28") as client:
        result = await asyncio.wait_for(client.call_tool("server_logs_search", {"pattern": "(a+)+$"}), timeout=30)
    assert time.monotonic() - started < 20
    assert result.is_error and "nested quantifiers" in result.content[0].text, result.content[0].text


async def test_without_log_files_every_tool_says_where_it_looked(servers: ServerFactory, demo_sqlite: Path, tmp_path: Path) -> None:
    copy = demo_copy(demo_sqlite, tmp_path)
    for directory in ("cloverlogs", "tomcatlogs"):
        shutil.rmtree(copy / directory)
    (copy / "cloverlogs").mkdir()
    server = servers.demo(copy, "server-logs", "job-logs")
    async with Client(server.url, mode="2026-07-28") as client:
        searched = await call_error(client, "server_logs_search", {"levels": ["ERROR"]})
        listed = await call_error(client, "server_logs_list", {})
        job = await call_error(client, "job_get_log", {"runId": 1})
        with pytest.raises(MCPError) as resource:
            await client.read_resource("cloverdx://logs/all")
    for message in (searched, listed, resource.value.error.message):
        assert "no server logs found" in message and str(copy / "cloverlogs") in message
    assert "no run" in job


async def test_lines_without_the_layout_stay_searchable(server: ServerProcess, servers: ServerFactory, demo_sqlite: Path,
                                                        tmp_path: Path) -> None:
    copy = demo_copy(demo_sqlite, tmp_path)
    with (copy / "cloverlogs" / "all.log").open("a") as log:
        log.write("#### garbage line: not a log4j layout at all ####\n")
    original = await search(server.url, levels=["ERROR"], limit=1000)
    changed = servers.demo(copy, "server-logs")
    found = await search(changed.url, text="garbage line: not a log4j")
    assert found["shown"] == 1 and "#### garbage line" in found["entries"][0]["text"]
    errors = await search(changed.url, levels=["ERROR"], limit=1000)
    assert errors["matched"] == original["matched"]


# --------------------------------------------------------------------------------------------------
# Prompt, resources, completion


async def test_the_analysis_prompt_names_the_tools_and_the_window(server: ServerProcess) -> None:
    async with Client(server.url, mode="2026-07-28") as client:
        prompt = await client.get_prompt("analyze_server_logs", {"around": "2025-03-05 02:10", "minutes": "10", "appender": "worker"})
        with pytest.raises(MCPError) as unreadable:
            await client.get_prompt("analyze_server_logs", {"around": "teatime"})
    text = prompt.messages[0].content.text
    assert "server_logs_search" in text and "server_logs_list" in text and '"worker"' in text
    assert "2025-03-05 02:00:00.000" in text and "2025-03-05 02:20:00.000" in text and '"ERROR","WARN"' in text
    assert "teatime" in unreadable.value.error.message


async def test_a_log_tail_is_a_resource(server: ServerProcess, demo_sqlite: Path) -> None:
    async with Client(server.url, mode="2026-07-28") as client:
        templates = await client.list_resource_templates()
        tail = await client.read_resource("cloverdx://logs/all")
        with pytest.raises(MCPError):
            await client.read_resource("cloverdx://logs/no_such_log")
    assert "cloverdx://logs/{logId}" in {t.uri_template for t in templates.resource_templates}
    last_lines = log_text(demo_sqlite, "all").splitlines()[-5:]
    text = tail.contents[0].text
    assert all(line in text for line in last_lines)
    assert text.count("\n2") >= 99, "the last 100 entries, each starting with its date"


async def test_appenders_and_log_ids_complete(server: ServerProcess) -> None:
    async with Client(server.url, mode="2026-07-28") as client:
        appenders = await client.complete(types.PromptReference(type="ref/prompt", name="analyze_server_logs"),
                                          {"name": "appender", "value": "us"})
        log_ids = await client.complete(types.ResourceTemplateReference(type="ref/resource", uri="cloverdx://logs/{logId}"),
                                        {"name": "logId", "value": "wo"})
    assert appenders.completion.values == ["user_actions", "user-action"]
    assert log_ids.completion.values == ["worker"]
