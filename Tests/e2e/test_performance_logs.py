"""The performance-logs plugin on the demo installation: the summary names the incidents the demo
planted at the times its performance.log shows them, SQL answers equal what Python reads from the
same files, and every write or bad argument is refused with a clear message."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from mcp import Client

from log_files_support import config_value, config_without_logs, log_lines, to_server_time, wall, wall_text
from support import ServerFactory, ServerProcess
from system_db_support import call_error, call_ok

pytestmark = [pytest.mark.anyio, pytest.mark.timeout(600)]


@pytest.fixture(scope="module")
def server(module_servers: ServerFactory, demo_sqlite: Path) -> ServerProcess:
    return module_servers.demo(demo_sqlite, "performance-logs")


@pytest.fixture(scope="module")
def samples(demo_sqlite: Path) -> list[dict[str, Any]]:
    records = [json.loads(line) for line in log_lines(demo_sqlite / "cloverlogs", "performance")]
    return sorted(records, key=lambda record: record["time"])


@pytest.fixture(scope="module")
def queue_samples(demo_sqlite: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in log_lines(demo_sqlite / "cloverlogs", "job-queue")]


def seconds(text: str) -> float:
    return wall(text).replace(tzinfo=timezone.utc).timestamp()


def episodes(samples: list[dict[str, Any]], kind: str, flagged) -> list[tuple[str, str, str]]:
    """Runs of flagged samples no more than 300 s apart, as (kind, first time, last time)."""
    found: list[tuple[str, str, str]] = []
    start = last = None
    for sample in samples:
        if not flagged(sample):
            continue
        if last is not None and seconds(sample["time"]) - seconds(last) <= 300:
            last = sample["time"]
            continue
        if start is not None:
            found.append((kind, start, last))
        start = last = sample["time"]
    if start is not None:
        found.append((kind, start, last))
    return found


def drops(samples: list[dict[str, Any]], kind: str, key: str) -> list[tuple[str, str, str]]:
    """Where `key` (an uptime) falls from one sample that has it to the next."""
    having = [sample for sample in samples if key in sample]
    return [(kind, before["time"], after["time"]) for before, after in zip(having, having[1:]) if after[key] < before[key]]


def fd_leaks(samples: list[dict[str, Any]], key: str) -> list[tuple[str, str, str]]:
    """30-minute averages of `key` rising 2% (and 3 descriptors) at least 4 times in a row, 25% in all."""
    buckets: dict[int, list[dict[str, Any]]] = {}
    for sample in samples:
        buckets.setdefault(int(seconds(sample["time"]) // 1800), []).append(sample)
    ordered = sorted(buckets.items())
    found, run, previous = [], [], None
    for number, members in ordered:
        values = [m[key] for m in members if key in m]
        average = sum(values) / len(values) if values else None
        rising = (previous is not None and previous[0] == number - 1 and average is not None and previous[1] is not None
                  and average >= previous[1] * 1.02 and average - previous[1] >= 3)
        if rising:
            run.append((members, average))
        else:
            if len(run) > 1 + 3 and max(a for _, a in run if a is not None) >= 1.25 * min(a for _, a in run if a is not None):
                found.append(("fdLeak", min(m["time"] for m in run[0][0]), max(m["time"] for m in run[-1][0])))
            run = [(members, average)]
        previous = (number, average)
    if len(run) > 1 + 3 and max(a for _, a in run) >= 1.25 * min(a for _, a in run):
        found.append(("fdLeak", min(m["time"] for m in run[0][0]), max(m["time"] for m in run[-1][0])))
    return found


def expected_incidents(samples: list[dict[str, Any]], demo: Path) -> list[tuple[str, str, str]]:
    """The summary's rules, applied in Python to the demo's own files."""
    heap_limit = 0.9 * float(config_value(demo, "worker.maxHeapSize")) / 1024
    found = episodes(samples, "heapPressure", lambda s: s.get("wHeap", 0) >= heap_limit and s.get("wGC", 0) > 20)
    found += episodes(samples, "heartbeat", lambda s: s.get("hbAge", 0) >= 45)
    found += episodes(samples, "swap", lambda s: s.get("swap", 0) > 0.5)
    found += episodes(samples, "queue", lambda s: s.get("jobQueue", 0) >= 10)
    found += drops(samples, "workerRestart", "wUptime") + drops(samples, "coreRestart", "cUptime")
    found += [("samplingGap", a["time"], b["time"]) for a, b in zip(samples, samples[1:]) if seconds(b["time"]) - seconds(a["time"]) >= 60]
    found += fd_leaks(samples, "cFD") + fd_leaks(samples, "wFD")
    return sorted(found, key=lambda incident: (incident[1], incident[0]))


async def test_summary_names_the_demos_incidents_at_their_times(server: ServerProcess, demo_sqlite: Path,
                                                                 samples: list[dict[str, Any]]) -> None:
    first, last = samples[0]["time"], samples[-1]["time"]
    async with Client(server.url, mode="2026-07-28") as client:
        summary, text = await call_ok(client, "server_perf_logs_summary", {"from": first, "to": last, "bucketMinutes": 360})

    expected = expected_incidents(samples, demo_sqlite)
    found = [(incident["kind"], incident["start"], incident["end"]) for incident in summary["incidents"]]
    assert found == expected
    # The demo plants a Worker heap exhaustion (high GC, late heartbeat, restart) and a flooded job queue.
    assert {"heapPressure", "heartbeat", "workerRestart", "queue"} <= {kind for kind, _, _ in found}
    heap = next(i for i in summary["incidents"] if i["kind"] == "heapPressure")
    restart = next(i for i in summary["incidents"] if i["kind"] == "workerRestart")
    assert heap["start"] < restart["end"] and wall(restart["end"]) - wall(heap["end"]) < timedelta(minutes=5)
    for kind, start, end in expected:
        assert f"{start} → {end}  {kind}" in text

    assert summary["samples"] == len(samples)
    metrics = {metric["metric"]: metric for metric in summary["metrics"]}
    heaps = [s["wHeap"] for s in samples if "wHeap" in s]
    assert metrics["wHeap"]["max"] == max(heaps) and metrics["wHeap"]["samples"] == len(heaps)
    assert metrics["jobQueue"]["max"] == max(s["jobQueue"] for s in samples)
    assert metrics["wHeap"]["unit"] == "GB" and "wHeap" in text and "p95" in text
    buckets = summary["buckets"]
    assert sum(bucket["samples"] for bucket in buckets) == len(samples)
    assert all(bucket["start"].endswith(("00:00:00", "06:00:00", "12:00:00", "18:00:00")) for bucket in buckets)


async def test_summary_defaults_to_the_last_day_of_the_log(server: ServerProcess, samples: list[dict[str, Any]]) -> None:
    async with Client(server.url, mode="2026-07-28") as client:
        summary, _ = await call_ok(client, "server_perf_logs_summary", {})
    end = wall(samples[-1]["time"])
    assert wall(summary["window"]["to"]) == end and wall(summary["window"]["from"]) == end - timedelta(hours=24)
    assert summary["samples"] == sum(1 for s in samples if end - timedelta(hours=24) <= wall(s["time"]) <= end)


async def test_query_answers_what_the_files_say(server: ServerProcess, samples: list[dict[str, Any]],
                                                queue_samples: list[dict[str, Any]]) -> None:
    start = wall(samples[0]["time"]).replace(hour=6, minute=0, second=0, microsecond=0)
    end = start + timedelta(hours=12)
    window = {"from": wall_text(start), "to": wall_text(end)}
    inside = [s for s in samples if start <= wall(s["time"]) <= end]
    async with Client(server.url, mode="2026-07-28") as client:
        heap, text = await call_ok(client, "server_perf_logs_query", {"sql": "SELECT max(wHeap) FROM performance", **window})
        counted, _ = await call_ok(client, "server_perf_logs_query",
                                   {"sql": "SELECT count(*) AS n, min(time) AS first, max(time) AS last FROM performance", **window})
        queue, _ = await call_ok(client, "server_perf_logs_query", {"sql": "SELECT max(queued) AS most FROM job_queue"})
        rows, rows_text = await call_ok(client, "server_perf_logs_query",
                                        {"sql": "SELECT time, jobs FROM performance ORDER BY time", "maxRows": 5, **window})

    assert heap["rows"] == [[max(s["wHeap"] for s in inside if "wHeap" in s)]]
    assert heap["table"] == "performance" and heap["loadedRows"] == len(inside) and "max(wHeap)" in text
    assert counted["rows"] == [[len(inside), inside[0]["time"], inside[-1]["time"]]]
    last = wall(queue_samples[-1]["time"])
    assert queue["table"] == "job_queue"
    assert queue["rows"] == [[max(s["queued"] for s in queue_samples if last - timedelta(hours=24) <= wall(s["time"]) <= last)]]
    assert rows["rowCount"] == 5 and rows["truncated"] and rows["truncationReason"] == "rowLimit"
    assert [row[0] for row in rows["rows"]] == [s["time"] for s in inside[:5]]
    assert "LIMIT … OFFSET" in rows_text


@pytest.mark.parametrize(("sql", "expected"), [
    ("DELETE FROM performance", ["DELETE", "read-only", "performance log table"]),
    ("DROP TABLE performance", ["DROP", "read-only"]),
    ("SELECT 1; SELECT 2", ["one statement", "after the ';'"]),
    ("SELECT * FROM run_record", ["no such table: run_record", "wHeap REAL"]),
    ("SELECT * FROM performance JOIN job_queue USING (time)", ["both performance and job_queue", "separate calls"]),
    ("ATTACH DATABASE '/tmp/x.db' AS x", ["ATTACH", "not allowed"]),
])
async def test_query_refuses_writes_and_unknown_tables(server: ServerProcess, sql: str, expected: list[str]) -> None:
    async with Client(server.url, mode="2026-07-28") as client:
        message = await call_error(client, "server_perf_logs_query", {"sql": sql})
        still, _ = await call_ok(client, "server_perf_logs_query", {"sql": "SELECT count(*) FROM performance"})
    for part in expected:
        assert part in message, message
    assert still["rows"][0][0] > 0, "nothing was changed"


async def test_bad_arguments_are_refused_clearly(server: ServerProcess, samples: list[dict[str, Any]]) -> None:
    async with Client(server.url, mode="2026-07-28") as client:
        upside_down = await call_error(client, "server_perf_logs_summary", {"from": "2026-01-02", "to": "2026-01-01"})
        unreadable = await call_error(client, "server_perf_logs_query", {"sql": "SELECT 1", "from": "last tuesday"})
        buckets = await call_error(client, "server_perf_logs_summary", {"bucketMinutes": 0})
        too_many = await call_error(client, "server_perf_logs_summary", {"bucketMinutes": 1, "from": samples[0]["time"], "to": samples[-1]["time"]})
        unknown = await call_error(client, "server_perf_logs_query", {"sql": "SELECT 1", "table": "performance"})
        empty = await call_error(client, "server_perf_logs_query", {"sql": "  "})
        capped, capped_text = await call_ok(client, "server_perf_logs_query", {"sql": "SELECT 1", "maxRows": 10000000})
    assert "upside down" in upside_down
    assert "cannot read \"last tuesday\"" in unreadable and "-2h" in unreadable
    assert "bucketMinutes" in buckets and ("1 to 1440" in buckets or "at least 1" in buckets)
    assert "at most 500" in too_many
    assert "unknown argument \"table\"" in unknown
    assert "empty" in empty
    assert "lowered to the maximum of 5000" in capped_text and capped["rows"] == [[1]]


async def test_a_time_with_a_zone_is_read_as_that_instant(server: ServerProcess, demo_sqlite: Path,
                                                         samples: list[dict[str, Any]]) -> None:
    noon_utc = wall(samples[0]["time"]).replace(hour=12, minute=0, second=0, microsecond=0, tzinfo=timezone.utc)
    server_time = to_server_time(noon_utc, demo_sqlite)
    async with Client(server.url, mode="2026-07-28") as client:
        result, _ = await call_ok(client, "server_perf_logs_query", {
            "sql": "SELECT min(time) FROM performance", "from": noon_utc.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "to": (noon_utc + timedelta(hours=1)).isoformat()})
    assert result["window"]["from"] == wall_text(server_time)
    assert result["rows"] == [[min(s["time"] for s in samples if wall(s["time"]) >= server_time)]]


async def test_missing_performance_log_is_named(servers: ServerFactory, demo_sqlite: Path, tmp_path: Path) -> None:
    home = config_without_logs(demo_sqlite, tmp_path, tomcat=False, clover=True)
    server = servers.demo(home, "performance-logs")
    async with Client(server.url, mode="2026-07-28") as client:
        summary = await call_error(client, "server_perf_logs_summary", {})
        query = await call_error(client, "server_perf_logs_query", {"sql": "SELECT count(*) FROM job_queue"})
    assert "performance.log is not available" in summary and str(home / "cloverlogs") in summary
    assert "job-queue.log is not available" in query
