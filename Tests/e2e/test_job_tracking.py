"""The job-tracking plugin on the demo installation, on SQLite and on PostgreSQL: run history, one run's
record and tracking, statistics, prompts and resources, checked against the demo's own files and an
independent reading of its system database."""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path
from typing import Any

import mcp_types as types
import pytest
from mcp import Client, MCPError

from support import ServerFactory, ServerProcess, repo_entries
from system_db_support import call_error, call_ok, sqlite_copy, sqlite_twin_config, without

pytestmark = [pytest.mark.anyio, pytest.mark.timeout(300)]

FAILED = ("ERROR", "ABORTED", "TIMEOUT", "UNKNOWN")
FINAL = ("FINISHED_OK", *FAILED)


@pytest.fixture(scope="module")
def server(module_servers: ServerFactory, demo_any: Path) -> ServerProcess:
    return module_servers.demo(demo_any, "job-tracking", "system-db")


@pytest.fixture(scope="module")
def db(demo_any: Path) -> sqlite3.Connection:
    return sqlite_copy(demo_any)


# --------------------------------------------------------------------------------------------------
# The final tracking tables of a run log (docs/JOB-LOG-FORMAT.md, "Graph tracking table")

LOG_LINE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} \w+\s+-?\d+\s*\[[^\]]*\] (.*)$")
FINAL_BANNER = re.compile(r"\*\* Final tracking Log for phase \[(\d+)\] \*\*")
PORT_LABEL = re.compile(r"^(In|Out):(\d+)$")


def final_tracking(log: Path) -> dict[int, dict[str, dict[str, Any]]]:
    """phase → component ID → {"status", "ports": {(Input|Output, index): records}} from the
    "Final tracking Log" blocks of a run log."""
    phases: dict[int, dict[str, dict[str, Any]]] = {}
    block: dict[str, dict[str, Any]] | None = None
    node: dict[str, Any] | None = None
    header_lines = 0
    for raw in log.read_text(encoding="utf-8").splitlines():
        line = LOG_LINE.match(raw)
        if not line:
            continue  # a continuation line: job parameters, stack traces
        message = line.group(1)
        if banner := FINAL_BANNER.search(message):
            block = phases.setdefault(int(banner.group(1)), {})
            header_lines = 3  # Time:, the column header, the rule
            continue
        if block is None:
            continue
        if header_lines:
            header_lines -= 1
            continue
        if "** End of Log **" in message:
            block = None
            continue
        tokens = message.split()
        if message.startswith(" "):  # a port line (" %cpu:12   Out:0   120000 …") or CPU only
            for position, token in enumerate(tokens):
                if port := PORT_LABEL.match(token):
                    kind = "Input" if port.group(1) == "In" else "Output"
                    node["ports"][(kind, int(port.group(2)))] = int(tokens[position + 1])
                    break
        else:  # fixed columns: name (23, cut to fit), ID (41), status (15, right-aligned)
            node = block[message[23:64].strip()] = {"status": message[64:].strip(), "ports": {}}
    return phases


def tool_tracking(tracking: dict[str, Any]) -> dict[int, dict[str, dict[str, Any]]]:
    return {phase["phase"]: {node["id"]: {"status": node["status"],
                                          "ports": {(p["type"], p["index"]): p["records"] for p in node["ports"]}}
                             for node in phase["nodes"]}
            for phase in tracking["phases"]}


async def test_tracking_matches_the_final_tracking_tables_of_the_run_log(server: ServerProcess, demo_any: Path,
                                                                          db: sqlite3.Connection) -> None:
    phases = "(SELECT COUNT(*) FROM tracking_phase p WHERE p.run_id = r.id)"
    picks = [row[0] for row in db.execute(
        f"SELECT r.id FROM run_record r WHERE r.status = 'FINISHED_OK' AND r.job_type = 'ETL_GRAPH' ORDER BY {phases} DESC, r.id LIMIT 4")]
    picks += [row[0] for row in db.execute(
        "SELECT MIN(id) FROM run_record WHERE status = 'FINISHED_OK' AND job_type = 'JOBFLOW'")]
    failed = db.execute(f"SELECT r.id FROM run_record r WHERE r.status = 'ERROR' AND {phases} > 1 ORDER BY r.id LIMIT 1").fetchone()
    assert failed, "the demo should have a failed graph that got past its first phase"
    async with Client(server.url, mode="2026-07-28") as client:
        for run_id in [*picks, failed[0]]:
            tracking, text = await call_ok(client, "job_get_tracking", {"runId": run_id})
            logged = final_tracking(demo_any / "cloverlogs" / "graph" / f"{run_id}.log")
            ours = tool_tracking(tracking)
            assert logged, f"run {run_id}: no final tracking in its log"
            for phase, nodes in logged.items():
                assert ours[phase] == nodes, f"run {run_id} phase {phase}"
            if run_id == failed[0]:
                # The failed phase ends without a final table; the database still tracks it.
                assert set(ours) - set(logged), f"run {run_id}: the failed phase should be tracked"
            else:
                assert set(ours) == set(logged)
            assert tracking["bottlenecks"]["slowestPhase"]["executionTimeMs"] == max(p["executionTimeMs"] for p in tracking["phases"])
            busiest = max(n["cpuTimeMs"] for p in tracking["phases"] for n in p["nodes"])
            assert tracking["bottlenecks"]["busiestComponent"]["cpuTimeMs"] == busiest
            assert "Slowest phase" in text and "component" in text


# --------------------------------------------------------------------------------------------------
# Statistics against hand-written SQL


def nearest_rank(values: list[int], percent: int) -> int | None:
    ordered = sorted(values)
    return ordered[(percent * len(ordered) + 99) // 100 - 1] if ordered else None


def expected_statistics(db: sqlite3.Connection, where: str) -> dict[tuple[str, str], dict[str, Any]]:
    jobs: dict[tuple[str, str], dict[str, Any]] = {}
    for row in db.execute(f"SELECT sandbox_code, job_file, status, duration_ms FROM run_record WHERE {where}"):
        job = jobs.setdefault((row["sandbox_code"], row["job_file"]), {"runs": 0, "finished": 0, "failures": 0, "durations": []})
        job["runs"] += 1
        if row["status"] in FINAL:
            job["finished"] += 1
            if row["duration_ms"] is not None:
                job["durations"].append(row["duration_ms"])
        if row["status"] in FAILED:
            job["failures"] += 1
    for job in jobs.values():
        durations = job.pop("durations")
        job["p50Ms"], job["p95Ms"] = nearest_rank(durations, 50), nearest_rank(durations, 95)
        job["maxMs"] = max(durations) if durations else None
    return jobs


@pytest.mark.parametrize("sandbox", [None, "dwh"])
async def test_statistics_agree_with_sql_over_the_same_database(server: ServerProcess, db: sqlite3.Connection,
                                                                 sandbox: str | None) -> None:
    times = [row[0] for row in db.execute("SELECT submit_time FROM run_record ORDER BY submit_time")]
    start, end = times[len(times) // 4], times[3 * len(times) // 4]
    where = f"substr(submit_time, 1, 23) BETWEEN '{start[:23]}' AND '{end[:23]}'"
    if sandbox:
        where += f" AND sandbox_code = '{sandbox}'"
    arguments = {"from": start, "to": end, **({"sandbox": sandbox} if sandbox else {})}
    async with Client(server.url, mode="2026-07-28") as client:
        report, text = await call_ok(client, "job_statistics", arguments)

    expected = expected_statistics(db, where)
    got = {(job["sandbox"], job["jobFile"]): job for job in report["jobs"]}
    assert set(got) == set(expected)
    for key, job in expected.items():
        ours = got[key]
        assert {k: ours.get(k) for k in job} == job, key
        rate = round(job["failures"] / job["finished"], 4) if job["finished"] else None
        assert ours.get("failureRate") == rate, key
    totals = report["totals"]
    assert totals["runs"] == sum(j["runs"] for j in expected.values())
    assert totals["failures"] == sum(j["failures"] for j in expected.values())
    assert totals["jobs"] == len(expected)

    slowest = sorted((job for job in expected.items() if job[1]["p95Ms"] is not None),
                     key=lambda item: (-item[1]["p95Ms"], -item[1]["failures"], -item[1]["runs"], "/".join(item[0])))
    assert [(job["sandbox"], job["jobFile"]) for job in report["slowest"]] == [key for key, _ in slowest[:5]]

    statuses = ", ".join(f"'{s}'" for s in FAILED)
    failures = [row[0] for row in db.execute(
        f"SELECT id FROM run_record WHERE {where} AND status IN ({statuses}) ORDER BY submit_time DESC, id DESC LIMIT 10")]
    assert [run["runId"] for run in report["recentFailures"]] == failures
    assert f"{totals['runs']} runs" in text


# --------------------------------------------------------------------------------------------------
# job_list


async def all_pages(client: Client, arguments: dict[str, Any]) -> tuple[list[int], list[int]]:
    """Run IDs of every page of a listing, and the `total` each page reported."""
    ids: list[int] = []
    totals: list[int] = []
    cursor = None
    for _ in range(100):
        page, _ = await call_ok(client, "job_list", {**arguments, **({"cursor": cursor} if cursor else {})})
        ids += [run["runId"] for run in page["runs"]]
        totals.append(page["total"])
        cursor = page.get("nextCursor")
        assert page["truncated"] == (cursor is not None)
        if not cursor:
            return ids, totals
    raise AssertionError("job_list kept returning cursors")


async def test_job_list_pages_concatenate_to_one_big_query(server: ServerProcess, db: sqlite3.Connection) -> None:
    expected = [row[0] for row in db.execute(
        "SELECT id FROM run_record WHERE sandbox_code = 'crm' ORDER BY submit_time DESC, id DESC")]
    assert 40 < len(expected) <= 500
    async with Client(server.url, mode="2026-07-28") as client:
        paged, totals = await all_pages(client, {"sandbox": "crm", "limit": 40})
        whole, _ = await call_ok(client, "job_list", {"sandbox": "crm", "limit": 500})
    assert paged == expected
    assert [run["runId"] for run in whole["runs"]] == expected
    assert set(totals) == {len(expected)}
    assert whole["truncated"] is False and "nextCursor" not in whole


async def test_job_list_filters(server: ServerProcess, db: sqlite3.Connection) -> None:
    def count(where: str) -> int:
        return db.execute(f"SELECT COUNT(*) FROM run_record WHERE {where}").fetchone()[0]

    async with Client(server.url, mode="2026-07-28") as client:
        failed, text = await call_ok(client, "job_list", {"status": ["error", "TIMEOUT"], "limit": 100})
        assert failed["total"] == count("status IN ('ERROR', 'TIMEOUT')") > 0
        assert {run["status"] for run in failed["runs"]} <= {"ERROR", "TIMEOUT"}
        assert all(run["errorMessage"] and "\n" not in run["errorMessage"] for run in failed["runs"] if run["status"] == "ERROR")
        assert "runId" in text and str(failed["runs"][0]["runId"]) in text

        contains, _ = await call_ok(client, "job_list", {"jobFile": "loadorders", "limit": 5})
        assert contains["total"] == count("lower(job_file) LIKE '%loadorders%'") > 0
        assert all("LoadOrders" in run["jobFile"] for run in contains["runs"])

        exact, _ = await call_ok(client, "job_list", {"jobFile": "graph/LoadOrders.grf", "jobFileMatch": "exact",
                                                      "sandbox": "dwh", "status": "FINISHED_OK"})
        assert exact["total"] == count("job_file = 'graph/LoadOrders.grf' AND sandbox_code = 'dwh' AND status = 'FINISHED_OK'")
        none, _ = await call_ok(client, "job_list", {"jobFile": "LoadOrders", "jobFileMatch": "exact"})
        assert none["total"] == 0

        one = db.execute("SELECT id, submit_time FROM run_record r WHERE status = 'ERROR' AND "
                         "(SELECT COUNT(*) FROM run_record o WHERE o.submit_time = r.submit_time) = 1 LIMIT 1").fetchone()
        exactly, _ = await call_ok(client, "job_list", {"from": one["submit_time"], "to": one["submit_time"]})
        assert [run["runId"] for run in exactly["runs"]] == [one["id"]], "from and to are both inclusive"

        start, end = one["submit_time"][:10] + " 00:00", one["submit_time"][:10] + " 12:00:00.000"
        window, _ = await call_ok(client, "job_list", {"from": start, "to": end})
        assert window["total"] == count(f"submit_time >= '{start.replace(' ', 'T')}' AND substr(submit_time, 1, 23) <= '{end.replace(' ', 'T')}'")

        unknown, text = await call_ok(client, "job_list", {"sandbox": "no-such-sandbox"})
        assert unknown["total"] == 0 and any("crm" in note for note in unknown["notes"])


# --------------------------------------------------------------------------------------------------
# job_get_status


async def test_status_of_a_failed_jobflow_shows_its_children_and_error(server: ServerProcess, db: sqlite3.Connection) -> None:
    children = "(SELECT COUNT(*) FROM run_record c WHERE c.parent_id = r.id AND c.id <> r.id)"
    run = db.execute(f"SELECT * FROM run_record r WHERE job_type = 'JOBFLOW' AND status = 'ERROR' AND {children} > 0 "
                     f"ORDER BY {children} DESC LIMIT 1").fetchone()
    async with Client(server.url, mode="2026-07-28") as client:
        record, text = await call_ok(client, "job_get_status", {"runId": run["id"]})
        child_id = record["children"][0]["runId"]
        child, _ = await call_ok(client, "job_get_status", {"runId": child_id})

    assert record["status"] == "ERROR" and record["jobFile"] == run["job_file"]
    assert record["error"]["componentId"] == run["error_component_id"]
    assert record["error"]["componentType"] == run["error_component_type"]
    assert record["error"]["message"] == run["error_message"]
    assert "Caused by" in record["error"]["exception"]
    expected_children = [(row[0], row[1]) for row in db.execute(
        "SELECT id, status FROM run_record WHERE parent_id = ? AND id <> ? ORDER BY id", (run["id"], run["id"]))]
    assert [(c["runId"], c["status"]) for c in record["children"]] == expected_children
    assert record["childrenTruncated"] is False
    parameters = sorted((row[0], row[1], row[2]) for row in db.execute(
        "SELECT kind, name, value FROM run_record_param WHERE run_id = ?", (run["id"],)))
    assert [(p["kind"], p["name"], p.get("value")) for p in record["parameters"]] == parameters
    assert child["parentRunId"] == run["id"] and child["rootRunId"] == run["root_id"]
    assert f"Run {run['id']}: ERROR" in text and run["error_component_id"] in text and "Child runs" in text


# --------------------------------------------------------------------------------------------------
# The same answers on both engines


async def test_every_tool_answers_alike_on_sqlite_and_postgresql(servers: ServerFactory, demo_postgres: Path, tmp_path: Path) -> None:
    db = sqlite_copy(demo_postgres)
    postgres = servers.demo(demo_postgres, "job-tracking")
    sqlite = servers.http(repo_entries("job-tracking"), extra_args=["--config", str(sqlite_twin_config(demo_postgres, tmp_path))])
    jobflow = db.execute("SELECT id FROM run_record WHERE job_type = 'JOBFLOW' AND status = 'ERROR' ORDER BY id LIMIT 1").fetchone()[0]
    graph = db.execute("SELECT id FROM run_record WHERE job_type = 'ETL_GRAPH' AND status = 'FINISHED_OK' ORDER BY id DESC LIMIT 1").fetchone()[0]
    first, last = db.execute("SELECT MIN(submit_time), MAX(submit_time) FROM run_record").fetchone()
    calls = [
        ("job_list", {"limit": 60}),
        ("job_list", {"status": ["ERROR", "ABORTED", "TIMEOUT", "UNKNOWN"], "limit": 500}),
        ("job_list", {"sandbox": "crm", "jobFile": "sync", "from": first, "to": last, "limit": 7}),
        ("job_get_status", {"runId": jobflow}),
        ("job_get_status", {"runId": graph}),
        ("job_get_tracking", {"runId": jobflow}),
        ("job_get_tracking", {"runId": graph}),
        ("job_statistics", {"from": first, "to": last}),
        ("job_statistics", {"from": first, "to": last, "sandbox": "reporting"}),
    ]
    async with Client(postgres.url, mode="2026-07-28") as on_postgres, Client(sqlite.url, mode="2026-07-28") as on_sqlite:
        for tool, arguments in calls:
            a, text_a = await call_ok(on_postgres, tool, arguments)
            b, text_b = await call_ok(on_sqlite, tool, arguments)
            assert without(a, "elapsedMs") == without(b, "elapsedMs"), f"{tool} {arguments}"
            assert text_a == text_b, f"{tool} {arguments}"
            if tool == "job_list" and "nextCursor" in a:
                a2, _ = await call_ok(on_postgres, tool, {**arguments, "cursor": a["nextCursor"]})
                b2, _ = await call_ok(on_sqlite, tool, {**arguments, "cursor": b["nextCursor"]})
                assert a2 == b2, f"{tool} {arguments}, second page"


# --------------------------------------------------------------------------------------------------
# Bad input, each refused with a message that says what to send


@pytest.mark.parametrize("run_id, says", [
    (-5, "at least 1"), (0, "at least 1"), ("18342", "not the string"), ("abc", "not the string"), (1.5, "must be an integer"),
    (None, "runId"), ([1], "integer"),
])
@pytest.mark.parametrize("tool", ["job_get_status", "job_get_tracking"])
async def test_bad_run_ids_are_refused(server: ServerProcess, tool: str, run_id: Any, says: str) -> None:
    async with Client(server.url, mode="2026-07-28") as client:
        message = await call_error(client, tool, {"runId": run_id})
    assert "runId" in message and says in message


@pytest.mark.parametrize("tool", ["job_get_status", "job_get_tracking"])
async def test_unknown_run_is_named(server: ServerProcess, db: sqlite3.Connection, tool: str) -> None:
    missing = db.execute("SELECT MAX(id) FROM run_record").fetchone()[0] + 1000
    async with Client(server.url, mode="2026-07-28") as client:
        message = await call_error(client, tool, {"runId": missing})
    assert f"no run {missing} in the system database" in message and "job_list" in message


async def test_cursor_of_another_query_is_refused(server: ServerProcess) -> None:
    async with Client(server.url, mode="2026-07-28") as client:
        page, _ = await call_ok(client, "job_list", {"sandbox": "dwh", "limit": 5})
        other = await call_error(client, "job_list", {"sandbox": "crm", "limit": 5, "cursor": page["nextCursor"]})
        assert "different job_list query" in other
        changed = await call_error(client, "job_list", {"sandbox": "dwh", "status": "ERROR", "cursor": page["nextCursor"]})
        assert "different job_list query" in changed
        damaged = await call_error(client, "job_list", {"sandbox": "dwh", "cursor": "not-a-cursor"})
        assert "not one job_list returned" in damaged
        same, _ = await call_ok(client, "job_list", {"sandbox": "dwh", "limit": 5, "cursor": page["nextCursor"]})
        assert same["runs"] and same["runs"][0]["runId"] not in {run["runId"] for run in page["runs"]}


async def test_unknown_status_and_upside_down_window_are_refused(server: ServerProcess) -> None:
    async with Client(server.url, mode="2026-07-28") as client:
        status = await call_error(client, "job_list", {"status": ["ERROR", "FAILED"]})
        assert '"FAILED"' in status and "FINISHED_OK" in status and "TIMEOUT" in status
        upside_down = await call_error(client, "job_list", {"from": "2025-03-06", "to": "2025-03-05"})
        assert "upside down" in upside_down
        statistics = await call_error(client, "job_statistics", {"from": "now", "to": "-2d"})
        assert "upside down" in statistics
        unreadable = await call_error(client, "job_statistics", {"from": "yesterday"})
        assert "Accepted" in unreadable
        match = await call_error(client, "job_list", {"jobFile": "x", "jobFileMatch": "fuzzy"})
        assert "contains" in match and "exact" in match
        limit = await call_error(client, "job_list", {"limit": 0})
        assert "limit" in limit
        misspelt = await call_error(client, "job_list", {"sandboxx": "dwh"})
        assert '"sandboxx"' in misspelt and '"sandbox"' in misspelt and '"jobFile"' in misspelt
        extra = await call_error(client, "job_statistics", {"runId": 5})
        assert '"runId"' in extra and '"sandbox"' in extra
        lowered, _ = await call_ok(client, "job_list", {"limit": 5000})
        assert lowered["returned"] <= 500 and any("500" in note for note in lowered["notes"])


# --------------------------------------------------------------------------------------------------
# Prompts, resources, completion


async def test_troubleshooting_prompt_embeds_the_run_and_names_the_tools(server: ServerProcess, db: sqlite3.Connection) -> None:
    statuses = ", ".join(f"'{s}'" for s in FAILED)
    latest = db.execute(f"SELECT * FROM run_record WHERE status IN ({statuses}) ORDER BY submit_time DESC, id DESC LIMIT 1").fetchone()
    chosen = db.execute("SELECT * FROM run_record WHERE status = 'ERROR' ORDER BY id LIMIT 1").fetchone()
    async with Client(server.url, mode="2026-07-28") as client:
        default = await client.get_prompt("troubleshoot_failed_job", {})
        given = await client.get_prompt("troubleshoot_failed_job", {"runId": str(chosen["id"])})
        with pytest.raises(MCPError) as unknown:
            await client.get_prompt("troubleshoot_failed_job", {"runId": "999999999"})
        assert "no run 999999999" in unknown.value.error.message
        completion = await client.complete(types.PromptReference(type="ref/prompt", name="troubleshoot_failed_job"),
                                           {"name": "runId", "value": str(chosen["id"])[:3]})
    assert f"run {latest['id']}" in default.messages[0].content.text
    text = given.messages[0].content.text
    for tool in ("job_get_status", "job_get_log", "server_logs_search", "job_get_tracking"):
        assert tool in text
    assert chosen["error_component_id"] in text and chosen["error_message"].splitlines()[0][:100] in text
    values = completion.completion.values
    assert values and all(v.startswith(str(chosen["id"])[:3]) for v in values)
    failed_ids = {str(row[0]) for row in db.execute(f"SELECT id FROM run_record WHERE status IN ({statuses})")}
    flags = [v in failed_ids for v in values]
    assert flags == sorted(flags, reverse=True), "failed runs come first"


async def test_report_prompt_names_its_tools_and_checks_the_sandbox(server: ServerProcess) -> None:
    async with Client(server.url, mode="2026-07-28") as client:
        prompt = await client.get_prompt("job_execution_report", {"from": "-3d", "sandbox": "dwh"})
        with pytest.raises(MCPError) as unknown:
            await client.get_prompt("job_execution_report", {"sandbox": "nope"})
        sandboxes = await client.complete(types.PromptReference(type="ref/prompt", name="job_execution_report"),
                                          {"name": "sandbox", "value": "c"})
    text = prompt.messages[0].content.text
    assert "job_statistics" in text and "job_list" in text and '"sandbox": "dwh"' in text and '"status": "ERROR"' in text
    assert "nope" in unknown.value.error.message and "dwh" in unknown.value.error.message
    assert sandboxes.completion.values == ["crm"]


async def test_runs_are_resources(server: ServerProcess, db: sqlite3.Connection) -> None:
    run_id = db.execute("SELECT id FROM run_record WHERE status = 'ERROR' ORDER BY id LIMIT 1").fetchone()[0]
    async with Client(server.url, mode="2026-07-28") as client:
        templates = await client.list_resource_templates()
        assert {t.uri_template for t in templates.resource_templates} >= {"cloverdx://jobs/{runId}", "cloverdx://jobs/{runId}/tracking"}
        record = await client.read_resource(f"cloverdx://jobs/{run_id}")
        tracking = await client.read_resource(f"cloverdx://jobs/{run_id}/tracking")
        status, _ = await call_ok(client, "job_get_status", {"runId": run_id})
        tracked, _ = await call_ok(client, "job_get_tracking", {"runId": run_id})
        with pytest.raises(MCPError):
            await client.read_resource("cloverdx://jobs/-3")
        completion = await client.complete(types.ResourceTemplateReference(type="ref/resource", uri="cloverdx://jobs/{runId}"),
                                           {"name": "runId", "value": str(run_id)})
    assert json.loads(record.contents[0].text) == status
    assert json.loads(tracking.contents[0].text) == tracked
    assert record.contents[0].mime_type == "application/json"
    assert str(run_id) in completion.completion.values
