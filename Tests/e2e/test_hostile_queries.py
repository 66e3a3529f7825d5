"""Queries a hostile or careless agent sends, against both SQL tools, on SQLite and on PostgreSQL: each
is answered within its statement timeout with a clear tool error or a capped answer, and the server's
memory stays bounded while they run and returns to idle after them.

`server_db_execute_query` runs on the demo's system database (both engines); `server_perf_logs_query`
on the in-memory SQLite table of the performance log (the same on both, so it runs with the SQLite demo).
"""

from __future__ import annotations

import json
import os
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import anyio
import pytest
from mcp import Client

from support import ServerFactory, ServerProcess, repo_entries

pytestmark = [pytest.mark.anyio, pytest.mark.timeout(600)]

PEAK_ABOVE_IDLE_MB = 128
SETTLED_WITHIN_MB = 32
DB_TOOL, PERF_TOOL = "server_db_execute_query", "server_perf_logs_query"
# The perf tool has no timeoutMs argument: its queries run to the default statement timeout.
DEFAULT_TIMEOUT_S = 10
SHORT_TIMEOUT_MS = 2000

NESTED = "SELECT " + "(" * 1000 + "1" + ")" * 1000
HUGE_IN_LIST = "SELECT 1 WHERE 1 IN (" + ",".join(str(n) for n in range(30_000)) + ")"
LONG_IN_LIST = "SELECT 1 AS found WHERE 9999 IN (" + ",".join(str(n) for n in range(10_000)) + ")"
LONG_IDENTIFIER = 'SELECT 1 AS "' + "x" * 60_000 + '"'
COUNT_FOREVER = "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) SELECT count(*) FROM r"
ROWS_FOREVER = "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) SELECT n FROM r"
DOUBLING_TEXT = "WITH RECURSIVE r(s) AS (SELECT 'x' UNION ALL SELECT s || s FROM r) SELECT length(s) FROM r"
HUGE_LIKE = "SELECT count(*) FROM {table} WHERE {text} LIKE '" + "%a" * 3000 + "'"


@dataclass
class Hostile:
    """One query; `expect` is "error" (a tool error whose text contains one of `says`), "capped" (an
    answer cut at a cap) or "bounded" (either, as long as it comes in time)."""
    name: str
    sql: str
    expect: str
    says: tuple[str, ...] = ()
    short_timeout: bool = False

    def arguments(self, tool: str) -> dict[str, object]:
        arguments: dict[str, object] = {"sql": self.sql}
        if self.short_timeout and tool == DB_TOOL:
            arguments["timeoutMs"] = SHORT_TIMEOUT_MS
        return arguments


TOO_LARGE = ("more than one call may use", "more than the")
TIMED_OUT = ("timeout",)

SQLITE_CASES = [
    Hostile("zeroblob", "SELECT zeroblob(1000000000)", "error", TOO_LARGE),
    Hostile("printf width", "SELECT printf('%.*c', 900000000, 'x')", "bounded"),
    Hostile("randomblob", "SELECT randomblob(200000000)", "error", TOO_LARGE),
    Hostile("megabyte rows", "SELECT hex(randomblob(500000)) FROM {table}", "capped"),
    Hostile("doubling text", DOUBLING_TEXT, "error", TOO_LARGE),
    Hostile("deep nesting", NESTED, "error", ("stack", "too deep", "depth")),
    Hostile("huge LIKE", HUGE_LIKE, "error", ("pattern too complex",)),
    Hostile("huge GLOB", "SELECT count(*) FROM {table} WHERE {text} GLOB '" + "*a" * 3000 + "'", "error",
            ("pattern too complex",)),
]
POSTGRES_CASES = [
    # PostgreSQL builds a constant value while it plans; 100 MB keeps that to about a second here.
    Hostile("repeat", "SELECT repeat('x', 100000000)", "error", TOO_LARGE),
    Hostile("format width", "SELECT format('%100000000s', 'x')", "error", TOO_LARGE),
    Hostile("value per row", "SELECT repeat('x', 100000000 + id::int) FROM run_record", "error", TOO_LARGE),
    Hostile("deep nesting", NESTED, "bounded"),
    Hostile("bytea", "SELECT decode(repeat('00', 100000000), 'hex')", "error", TOO_LARGE),
    Hostile("megabyte rows", "SELECT repeat(md5(id::text), 20000) FROM {table}", "capped"),
    Hostile("huge LIKE", HUGE_LIKE, "bounded"),
    Hostile("regex on a huge string", "SELECT repeat('a', 5000000) ~ '(a|aa)*b'", "bounded", short_timeout=True),
]
COMMON_CASES = [
    Hostile("huge IN list", HUGE_IN_LIST, "error", ("at most 100000",)),
    Hostile("long IN list", LONG_IN_LIST, "bounded"),
    Hostile("long identifier", LONG_IDENTIFIER, "bounded"),
    Hostile("recursion without end", COUNT_FOREVER, "error", TIMED_OUT, short_timeout=True),
    Hostile("rows without end", ROWS_FOREVER, "capped"),
    Hostile("cartesian join", "SELECT count(*) FROM {table} a, {table} b, {table} c", "error", TIMED_OUT, short_timeout=True),
]
PERF_ONLY_CASES = [
    Hostile("REGEXP on a huge string", "SELECT printf('%.*c', 5000000, 'a') REGEXP '(a|aa)*c'", "error",
            ("backtracks too much", "REGEXP")),
]


def engine_of(demo: Path) -> str:
    return "postgres" if "jdbc.url=jdbc:postgresql:" in (demo / "conf" / "clover.properties").read_text() else "sqlite"


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError(f"no VmRSS for {pid}")


class RSSWatch:
    """Samples a process's RSS every 20 ms on a thread, from the idle figure on."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.idle = rss_mb(pid)
        self.peak = self.idle
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()

    def _sample(self) -> None:
        while not self._stop.wait(0.02):
            try:
                self.peak = max(self.peak, rss_mb(self.pid))
            except (OSError, AssertionError):
                return

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()


@pytest.fixture(scope="module")
def server(module_servers: ServerFactory, demo_any: Path) -> ServerProcess:
    return module_servers.demo(demo_any, "system-db", "performance-logs")


async def warm_up(url: str) -> None:
    async with Client(url, mode="2026-07-28") as client:
        for tool, sql in ((DB_TOOL, "SELECT count(*) FROM run_record"), (PERF_TOOL, "SELECT count(*) FROM performance")):
            result = await client.call_tool(tool, {"sql": sql})
            assert not result.is_error, result.content[0].text


@pytest.fixture(scope="module")
def watch(server: ServerProcess):
    """Warms both tools up (the first query opens the database and loads code), then watches RSS."""
    anyio.run(warm_up, server.url)
    time.sleep(0.5)
    watch = RSSWatch(server.proc.pid)
    yield watch
    watch.stop()


def cases_for(tool: str, engine: str) -> list[Hostile]:
    if tool == PERF_TOOL:
        return [] if engine == "postgres" else SQLITE_CASES + COMMON_CASES + PERF_ONLY_CASES
    return (POSTGRES_CASES if engine == "postgres" else SQLITE_CASES) + COMMON_CASES


async def answer(client: Client, tool: str, case: Hostile) -> tuple[bool, str, dict | None, float]:
    table, text_column = ("run_record", "job_file") if tool == DB_TOOL else ("performance", "time")
    sql = case.sql.replace("{table}", table).replace("{text}", text_column)
    started = time.monotonic()
    result = await client.call_tool(tool, {**case.arguments(tool), "sql": sql})
    elapsed = time.monotonic() - started
    text = result.content[0].text if result.content else ""
    return bool(result.is_error), text, result.structured_content, elapsed


@pytest.mark.parametrize("tool", [DB_TOOL, PERF_TOOL])
async def test_every_hostile_query_is_answered_in_time_and_bounded(server: ServerProcess, watch: RSSWatch, demo_any: Path,
                                                                  tool: str) -> None:
    engine = engine_of(demo_any)
    cases = cases_for(tool, engine)
    if not cases:
        pytest.skip("the performance-log table is SQLite whatever the system database; it runs with the SQLite demo")
    failures: list[str] = []
    async with Client(server.url, mode="2026-07-28") as client:
        for case in cases:
            is_error, text, structured, elapsed = await answer(client, tool, case)
            limit = (SHORT_TIMEOUT_MS / 1000 if case.short_timeout and tool == DB_TOOL else DEFAULT_TIMEOUT_S) + 3
            if elapsed > limit:
                failures.append(f"{case.name}: {elapsed:.1f} s, over {limit} s")
            if case.expect == "error":
                if not is_error:
                    failures.append(f"{case.name}: expected an error, got {text[:200]}")
                elif not any(phrase.lower() in text.lower() for phrase in case.says):
                    failures.append(f"{case.name}: the error does not say {case.says}: {text[:300]}")
            elif case.expect == "capped":
                if is_error or structured is None or structured.get("truncated") is not True:
                    failures.append(f"{case.name}: expected a capped answer, got {text[:300]}")
                elif len(json.dumps(structured["rows"])) > (1 << 20) + 4096:
                    failures.append(f"{case.name}: {len(json.dumps(structured['rows']))} bytes of rows, over the 1 MiB cap")
            elif is_error and not text.strip():
                failures.append(f"{case.name}: an error without a message")
        ok = await client.call_tool(DB_TOOL, {"sql": "SELECT count(*) AS n FROM run_record"})
        assert not ok.is_error, "the server no longer answers a plain query"
    assert not failures, "\n".join(failures)
    assert watch.peak - watch.idle <= PEAK_ABOVE_IDLE_MB, \
        f"RSS rose from {watch.idle:.1f} MB idle to {watch.peak:.1f} MB during the queries"


async def test_memory_returns_to_idle_after_the_suite(server: ServerProcess, watch: RSSWatch, demo_any: Path) -> None:
    deadline = time.monotonic() + 10
    while (now := rss_mb(server.proc.pid)) - watch.idle > SETTLED_WITHIN_MB and time.monotonic() < deadline:
        time.sleep(0.2)
    report = os.environ.get("HOSTILE_RSS_REPORT")
    if report:
        with open(report, "a") as out:
            out.write(json.dumps({"engine": engine_of(demo_any), "idle_mb": round(watch.idle, 1), "peak_mb": round(watch.peak, 1), "after_mb": round(now, 1)}) + "\n")
    assert now - watch.idle <= SETTLED_WITHIN_MB, \
        f"RSS is {now:.1f} MB after the suite, {now - watch.idle:.1f} MB above the {watch.idle:.1f} MB idle (peak {watch.peak:.1f})"


async def test_heavy_calls_past_the_cap_are_refused_as_busy(servers: ServerFactory, demo_sqlite: Path, tmp_path: Path) -> None:
    config = tmp_path / "clover.properties"
    config.write_text((demo_sqlite / "conf" / "clover.properties").read_text()
                      + "\nclover.mcp.sidecar.heavy.calls.max=1\nclover.mcp.sidecar.heavy.calls.wait.ms=200\n")
    server = servers.http(repo_entries("system-db"), extra_args=["--config", str(config)])
    slow = {"sql": COUNT_FOREVER, "timeoutMs": 3000}
    async with Client(server.url, mode="2026-07-28") as first, Client(server.url, mode="2026-07-28") as second:
        results: dict[str, object] = {}

        async def run(name: str, client: Client, delay: float) -> None:
            await anyio.sleep(delay)
            results[name] = await client.call_tool(DB_TOOL, slow)

        async with anyio.create_task_group() as group:
            group.start_soon(run, "first", first, 0)
            group.start_soon(run, "second", second, 0.5)
        after = await first.call_tool(DB_TOOL, {"sql": "SELECT 1 AS one"})
    busy = results["second"]
    assert busy.is_error and "busy" in busy.content[0].text and "retry in" in busy.content[0].text, busy.content[0].text
    assert results["first"].is_error and "timeout" in results["first"].content[0].text
    assert not after.is_error, "the place was not given back"
