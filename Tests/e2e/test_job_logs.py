"""The job-logs plugin on the demo installation: job_get_log in page and errors mode checked against
the run logs on disk and the failed runs of the system database (read here with sqlite3), paging of
a log over 1 MiB, bad run IDs, a run without a log, the run-log resource and run-ID completion."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path
from typing import Any

import mcp_types as types
import pytest
from mcp import Client, MCPError

from log_tools_support import demo_copy
from support import ServerFactory, ServerProcess
from system_db_support import call_error, call_ok, sqlite_copy

pytestmark = [pytest.mark.anyio, pytest.mark.timeout(300)]

MIB = 1_048_576
ENTRY_START = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} (\w+) ")


@pytest.fixture(scope="module")
def server(module_servers: ServerFactory, demo_sqlite: Path) -> ServerProcess:
    return module_servers.demo(demo_sqlite, "server-logs", "job-logs")


@pytest.fixture(scope="module")
def db(demo_sqlite: Path) -> sqlite3.Connection:
    return sqlite_copy(demo_sqlite)


BIG_RUN = 99_000_001
NOISY_RUN = 99_000_002


@pytest.fixture(scope="module")
def changed_demo(demo_sqlite: Path, db: sqlite3.Connection, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the demo with a run log over 2 MiB (BIG_RUN), one with many distinct warnings and a
    repeated error (NOISY_RUN), and the first failed run's log deleted."""
    copy = demo_copy(demo_sqlite, tmp_path_factory.mktemp("changed-demo"))
    largest = max((copy / "cloverlogs" / "graph").iterdir(), key=lambda p: p.stat().st_size)
    body = largest.read_text()
    run_log(copy, BIG_RUN).write_text(body * (2 * MIB // len(body.encode()) + 2))
    prefix = "2026-01-01 00:00:{:02d},000 {} 99000002 [WatchDog_99000002] "
    lines = [prefix.format(i % 60, "WARN ") + f"distinct warning {i}" for i in range(70)]
    lines[35:35] = [prefix.format(35, "ERROR") + "Error details:\njava.lang.IllegalStateException: noisy failure\n\tat a.b.C.d(C.java:1)"] * 5
    run_log(copy, NOISY_RUN).write_text("\n".join(lines) + "\n")
    first_failed = db.execute("SELECT id FROM run_record WHERE status = 'ERROR' ORDER BY id LIMIT 1").fetchone()[0]
    run_log(copy, first_failed).unlink()
    return copy


@pytest.fixture(scope="module")
def changed_server(module_servers: ServerFactory, changed_demo: Path) -> ServerProcess:
    return module_servers.demo(changed_demo, "job-logs")


def run_log(installation: Path, run_id: int) -> Path:
    return installation / "cloverlogs" / "graph" / f"{run_id}.log"


async def job_log(url: str, **arguments: Any) -> dict[str, Any]:
    async with Client(url, mode="2026-07-28") as client:
        return (await call_ok(client, "job_get_log", arguments))[0]


async def job_log_error(url: str, **arguments: Any) -> str:
    async with Client(url, mode="2026-07-28") as client:
        return await call_error(client, "job_get_log", arguments)


async def all_pages(url: str, run_id: int) -> list[dict[str, Any]]:
    pages = [await job_log(url, runId=run_id)]
    while pages[-1]["hasMore"]:
        pages.append(await job_log(url, runId=run_id, cursor=pages[-1]["nextCursor"]))
        assert len(pages) < 50, "paging does not end"
    return pages


# --------------------------------------------------------------------------------------------------
# errors mode


async def test_the_errors_of_a_failed_run_lead_with_its_stack_trace(server: ServerProcess, db: sqlite3.Connection, demo_sqlite: Path) -> None:
    failed = db.execute("SELECT id, exception, error_component_id FROM run_record WHERE status = 'ERROR' AND exception IS NOT NULL ORDER BY id").fetchall()
    assert len(failed) >= 5
    for run in failed:
        report = await job_log(server.url, runId=run["id"], mode="errors")
        cause = report["entries"][0]
        assert cause["role"] == "cause" and cause["level"] == "ERROR", (run["id"], cause)
        assert run["exception"].splitlines()[0] in cause["text"]
        assert run["exception"] in cause["text"], "the whole stack trace, Caused by lines included"
        log = run_log(demo_sqlite, run["id"]).read_text()
        assert report["totalBytes"] == len(log.encode())
        levels = [match[1] for line in log.splitlines() if (match := ENTRY_START.match(line)) and match[1] in ("ERROR", "FATAL", "WARN")]
        assert report["errorCount"] == sum(level != "WARN" for level in levels)
        assert report["warningCount"] == levels.count("WARN")
        if "Summary of Phases execution" in log:
            summary = report["summary"]
            assert "Summary of Phases execution" in summary["title"]
            assert any("ERROR" in line for line in summary["lines"]) and "End of Summary" in summary["lines"][-1]


async def test_errors_come_with_the_entries_before_them_once(server: ServerProcess, db: sqlite3.Connection, demo_sqlite: Path) -> None:
    run_id = db.execute("SELECT id FROM run_record WHERE status = 'ERROR' ORDER BY id LIMIT 1").fetchone()[0]
    report = await job_log(server.url, runId=run_id, mode="errors")
    lines = run_log(demo_sqlite, run_id).read_text().splitlines()
    cause = report["entries"][0]
    assert cause["context"], "the cause comes with what led to it"
    for entry in cause["context"]:
        assert entry["line"] < cause["line"] and lines[entry["line"] - 1] == entry["text"].splitlines()[0]
    shown = [c["line"] for issue in report["entries"] for c in issue["context"]]
    assert len(shown) == len(set(shown)), "no context entry is repeated"
    texts = [issue["text"] for issue in report["entries"]]
    assert len(texts) == len(set(texts)), "identical errors are reported once"


async def test_a_successful_run_has_no_errors_but_its_summary(server: ServerProcess, db: sqlite3.Connection, demo_sqlite: Path) -> None:
    run_id = db.execute("SELECT id FROM run_record WHERE status = 'FINISHED_OK' AND job_type = 'ETL_GRAPH' ORDER BY id LIMIT 1").fetchone()[0]
    report = await job_log(server.url, runId=run_id, mode="errors")
    assert report["errorCount"] == 0 and report["entries"] == []
    assert "FINISHED_OK" in "\n".join(report["summary"]["lines"])


# --------------------------------------------------------------------------------------------------
# page mode


async def test_a_small_log_is_one_page_exactly_as_written(server: ServerProcess, db: sqlite3.Connection, demo_sqlite: Path) -> None:
    run_id = db.execute("SELECT id FROM run_record WHERE status = 'ERROR' ORDER BY id LIMIT 1").fetchone()[0]
    page = await job_log(server.url, runId=run_id)
    text = run_log(demo_sqlite, run_id).read_text()
    assert page["text"] == text and not page["hasMore"] and "nextCursor" not in page
    assert page["bytes"] == page["totalBytes"] == len(text.encode())
    assert page["firstLine"] == 1 and page["lastLine"] == len(text.splitlines())


async def test_a_log_over_one_mib_pages_in_parts_of_at_most_one_mib(changed_server: ServerProcess, changed_demo: Path) -> None:
    big = run_log(changed_demo, BIG_RUN)
    assert big.stat().st_size > 2 * MIB
    pages = await all_pages(changed_server.url, BIG_RUN)
    assert len(pages) == 3
    for page in pages:
        assert len(page["text"].encode()) == page["bytes"] <= MIB
        assert page["totalBytes"] == big.stat().st_size
    assert pages[0]["bytes"] > MIB - 20_000, "a page is filled close to 1 MiB"
    assert "".join(page["text"] for page in pages) == big.read_text()
    assert [page["hasMore"] for page in pages] == [True, True, False]
    message = await job_log_error(changed_server.url, runId=NOISY_RUN, cursor=pages[0]["nextCursor"])
    assert "cursor" in message and f"job/{BIG_RUN}" in message, "a cursor of another run's log is refused"


async def test_many_problems_are_capped_with_errors_kept_and_repeats_counted(changed_server: ServerProcess) -> None:
    report = await job_log(changed_server.url, runId=NOISY_RUN, mode="errors")
    assert report["errorCount"] == 5 and report["warningCount"] == 70
    cause = report["entries"][0]
    assert cause["role"] == "cause" and "noisy failure" in cause["text"] and cause["occurrences"] == 5
    assert len(report["entries"]) == 50
    assert [e["text"].split()[-1] for e in report["entries"][1:]] == [str(i) for i in range(49)], "warnings in log order"
    assert any("21 more distinct" in note for note in report["notes"])


# --------------------------------------------------------------------------------------------------
# Bad input


@pytest.mark.parametrize(("run_id", "says"), [(-5, "at least 1"), (0, "at least 1"), ("18350", "must be an integer"),
                                              (12.5, "must be an integer")])
async def test_a_run_id_must_be_a_positive_whole_number(server: ServerProcess, run_id: Any, says: str) -> None:
    message = await job_log_error(server.url, runId=run_id)
    assert "runId" in message and says in message


async def test_a_missing_run_id_is_named(server: ServerProcess) -> None:
    async with Client(server.url, mode="2026-07-28") as client:
        message = await call_error(client, "job_get_log", {"mode": "errors"})
    assert '"runId" is required' in message


async def test_a_run_that_does_not_exist_is_reported(server: ServerProcess, db: sqlite3.Connection) -> None:
    missing = db.execute("SELECT max(id) + 1000 FROM run_record").fetchone()[0]
    for mode in ("page", "errors"):
        message = await job_log_error(server.url, runId=missing, mode=mode)
        assert f"no run {missing}" in message


async def test_a_run_without_its_log_file_is_explained(changed_server: ServerProcess, db: sqlite3.Connection) -> None:
    run_id = db.execute("SELECT id FROM run_record WHERE status = 'ERROR' ORDER BY id LIMIT 1").fetchone()[0]
    message = await job_log_error(changed_server.url, runId=run_id, mode="errors")
    assert f"run {run_id} exists" in message and "status ERROR" in message and "no log file" in message


async def test_an_unknown_mode_and_a_forged_cursor_are_refused(server: ServerProcess, db: sqlite3.Connection) -> None:
    first = db.execute("SELECT id FROM run_record WHERE status = 'ERROR' ORDER BY id LIMIT 1").fetchone()[0]
    message = await job_log_error(server.url, runId=first, mode="tail")
    assert '"tail"' in message and "page" in message and "errors" in message
    forged = await job_log_error(server.url, runId=first, cursor="not-a-cursor")
    assert "cursor" in forged
    in_errors_mode = await job_log_error(server.url, runId=first, mode="errors", cursor="x")
    assert "cursor" in in_errors_mode and "page" in in_errors_mode


# --------------------------------------------------------------------------------------------------
# Resource and completion


async def test_a_run_log_is_a_resource_and_run_ids_complete(server: ServerProcess, db: sqlite3.Connection, demo_sqlite: Path) -> None:
    run_id = db.execute("SELECT id FROM run_record WHERE status = 'ERROR' ORDER BY id LIMIT 1").fetchone()[0]
    newest = db.execute("SELECT max(id) FROM run_record").fetchone()[0]
    prefix = str(newest)[:3]
    async with Client(server.url, mode="2026-07-28") as client:
        templates = await client.list_resource_templates()
        resource = await client.read_resource(f"cloverdx://jobs/{run_id}/log")
        with pytest.raises(MCPError):
            await client.read_resource("cloverdx://jobs/abc/log")
        completion = await client.complete(types.ResourceTemplateReference(type="ref/resource", uri="cloverdx://jobs/{runId}/log"),
                                           {"name": "runId", "value": prefix})
    assert "cloverdx://jobs/{runId}/log" in {t.uri_template for t in templates.resource_templates}
    assert resource.contents[0].text.endswith(run_log(demo_sqlite, run_id).read_text())
    values = completion.completion.values
    expected = [str(row[0]) for row in db.execute(f"SELECT id FROM run_record WHERE CAST(id AS TEXT) LIKE '{prefix}%' ORDER BY id DESC LIMIT 20")]
    assert values == expected and values[0] == str(newest)
