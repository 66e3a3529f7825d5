"""The access-logs plugin on the demo installation: request and status counts, latency percentiles and
failed logins equal what Python counts in the demo's access log and user-action.log; search filters and
pages like a Python filter over the same lines; bad arguments and a missing log directory are named."""

from __future__ import annotations

import math
import re
from collections import Counter
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from mcp import Client

from log_files_support import config_without_logs, log_lines, to_server_time, wall, wall_text
from support import ServerFactory, ServerProcess
from system_db_support import call_error, call_ok

pytestmark = [pytest.mark.anyio, pytest.mark.timeout(600)]

ACCESS = re.compile(r'^(?P<client>\S+) \S+ (?P<user>\S+) \[(?P<time>[^\]]+)\] '
                    r'(?:"(?P<quoted>[^"]*)"|(?P<duration>\d+) (?P<request>.*?)) (?P<status>\d{3}) (?P<bytes>\S+)$')
USER_ACTION = re.compile(r"^(?P<time>\d{4}-\d\d-\d\d \d\d:\d\d:\d\d),(?P<ms>\d{3})\[.*?\] \S+\s+\S+\s+(?P<body>.*)$")


@pytest.fixture(scope="module")
def server(module_servers: ServerFactory, demo_sqlite: Path) -> ServerProcess:
    return module_servers.demo(demo_sqlite, "access-logs")


@pytest.fixture(scope="module")
def requests(demo_sqlite: Path) -> list[dict[str, Any]]:
    """Every access-log line, its time on the server's wall clock, in file order."""
    records = []
    for path in sorted((demo_sqlite / "tomcatlogs").glob("localhost_access_log.*.txt")):
        for line in path.read_text().splitlines():
            match = ACCESS.match(line)
            assert match, line
            instant = datetime.strptime(match["time"], "%d/%b/%Y:%H:%M:%S %z")
            request = (match["quoted"] if match["quoted"] is not None else match["request"]).split(" ")
            target = request[1] if len(request) > 1 else None
            records.append({"time": wall_text(to_server_time(instant, demo_sqlite)), "client": match["client"],
                            "user": None if match["user"] == "-" else match["user"], "method": request[0],
                            "path": target.split("?", 1)[0] if target else None, "status": int(match["status"]),
                            "duration": int(match["duration"]) if match["duration"] else None})
    return records


@pytest.fixture(scope="module")
def actions(demo_sqlite: Path) -> list[dict[str, Any]]:
    records = []
    for line in log_lines(demo_sqlite / "cloverlogs", "user-action"):
        match = USER_ACTION.match(line)
        assert match, line
        body = dict(pair.split("=", 1) for pair in match["body"].split(" ") if "=" in pair)
        records.append({"time": f"{match['time']}.{match['ms']}", "user": body.get("user"), "ip": body.get("ip"),
                        "action": body.get("action"), "result": body.get("result")})
    return records


def whole_demo(requests: list[dict[str, Any]]) -> dict[str, str]:
    start = wall(min(r["time"] for r in requests)).replace(hour=0, minute=0, second=0, microsecond=0)
    return {"from": wall_text(start), "to": wall_text(wall(max(r["time"] for r in requests)) + timedelta(days=1))}


def nearest_rank(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(max(math.ceil(fraction * len(ordered)), 1), len(ordered)) - 1]


def inside(records: list[dict[str, Any]], window: dict[str, str]) -> list[dict[str, Any]]:
    return [r for r in records if wall(window["from"]) <= wall(r["time"]) <= wall(window["to"])]


async def test_stats_count_what_the_logs_hold(server: ServerProcess, requests: list[dict[str, Any]],
                                              actions: list[dict[str, Any]]) -> None:
    window = whole_demo(requests)
    async with Client(server.url, mode="2026-07-28") as client:
        stats, text = await call_ok(client, "access_logs_stats", window)

    http = stats["http"]
    assert http["requests"] == len(requests)
    assert {c["key"]: c["requests"] for c in http["byStatus"]} == {str(k): v for k, v in Counter(r["status"] for r in requests).items()}
    assert {c["key"]: c["requests"] for c in http["byStatusClass"]} == dict(Counter(f"{r['status'] // 100}xx" for r in requests))
    errors = sum(1 for r in requests if r["status"] >= 400)
    assert http["errorRate"] == round(errors / len(requests), 4)
    durations = [r["duration"] for r in requests if r["duration"] is not None]
    assert http["latencyMs"] == {"samples": len(durations), "p50": nearest_rank(durations, 0.5),
                                 "p95": nearest_rank(durations, 0.95), "p99": nearest_rank(durations, 0.99)}
    paths = Counter(r["path"] for r in requests)
    assert [(p["key"], p["requests"]) for p in http["topPaths"]] == sorted(paths.items(), key=lambda kv: (-kv[1], kv[0]))[:10]
    clients = Counter(r["client"] for r in requests)
    assert [(c["key"], c["requests"]) for c in http["topClients"]] == sorted(clients.items(), key=lambda kv: (-kv[1], kv[0]))[:10]

    failed = [a for a in actions if a["action"] == "LOGIN" and a["result"] != "SUCCESS"]
    assert failed, "the demo has failed logins (a brute-force attempt among them)"
    logins = stats["logins"]
    assert {f["key"]: f["failures"] for f in logins["failedByUser"]} == dict(Counter(a["user"] for a in failed))
    assert {f["key"]: f["failures"] for f in logins["failedByIP"]} == dict(Counter(a["ip"] for a in failed))
    attacker, attempts = Counter(a["ip"] for a in failed).most_common(1)[0]
    top_ip = logins["failedByIP"][0]
    assert (top_ip["key"], top_ip["failures"]) == (attacker, attempts)
    assert top_ip["first"] == min(a["time"] for a in failed if a["ip"] == attacker)
    assert logins["loginFailures"] == len(failed)
    assert logins["loginSuccesses"] == sum(1 for a in actions if a["action"] == "LOGIN" and a["result"] == "SUCCESS")
    assert logins["logouts"] == sum(1 for a in actions if a["action"] == "LOGOUT")
    assert attacker in text and f"{len(requests)} requests" in text


async def test_stats_status_counts_in_a_narrow_window(server: ServerProcess, requests: list[dict[str, Any]]) -> None:
    start = wall(requests[len(requests) // 2]["time"]).replace(minute=0, second=0, microsecond=0)
    window = {"from": wall_text(start), "to": wall_text(start + timedelta(hours=5, minutes=30))}
    async with Client(server.url, mode="2026-07-28") as client:
        stats, _ = await call_ok(client, "access_logs_stats", {**window, "top": 3})
    expected = Counter(r["status"] for r in inside(requests, window))
    assert {c["key"]: c["requests"] for c in stats["http"]["byStatus"]} == {str(k): v for k, v in expected.items()}
    assert len(stats["http"]["topPaths"]) == 3


async def test_search_filters_and_pages_like_the_files(server: ServerProcess, requests: list[dict[str, Any]],
                                                       actions: list[dict[str, Any]]) -> None:
    window = whole_demo(requests)
    async with Client(server.url, mode="2026-07-28") as client:
        pages, cursor = [], None
        while True:
            page, text = await call_ok(client, "access_logs_search", {"source": "logins", "result": "failure", "limit": 4, **window,
                                                                       **({"cursor": cursor} if cursor else {})})
            pages.append(page)
            cursor = page.get("nextCursor")
            if not page["hasMore"]:
                break
            assert cursor and "cursor" in text
        login_errors, _ = await call_ok(client, "access_logs_search",
                                        {"status": "4xx", "path": "/login$", "limit": 500, **window})
        one_client, _ = await call_ok(client, "access_logs_search",
                                      {"ip": requests[0]["client"], "status": str(requests[0]["status"]), "limit": 3, **window})

    failed = [a for a in actions if a["action"] == "LOGIN" and a["result"] == "FAILURE"]
    found = [(e["time"], e["user"], e["ip"]) for page in pages for e in page["events"]]
    assert found == [(a["time"], a["user"], a["ip"]) for a in sorted(failed, key=lambda a: a["time"])]
    assert len(pages) == math.ceil(len(failed) / 4) and pages[1]["offset"] == 4
    expected = sorted((r for r in requests if 400 <= r["status"] < 500 and r["path"] and re.search("/login$", r["path"])),
                      key=lambda r: r["time"])
    assert [(e["time"], e["client"], e["status"]) for e in login_errors["events"]] == [(r["time"], r["client"], r["status"]) for r in expected]
    assert all(e["durationMs"] is not None for e in login_errors["events"])
    same = [r for r in requests if r["client"] == requests[0]["client"] and r["status"] == requests[0]["status"]]
    assert [e["time"] for e in one_client["events"]] == [r["time"] for r in sorted(same, key=lambda r: r["time"])][:3]
    assert one_client["hasMore"] == (len(same) > 3)


async def test_bad_arguments_are_refused_clearly(server: ServerProcess, demo_sqlite: Path, requests: list[dict[str, Any]]) -> None:
    async with Client(server.url, mode="2026-07-28") as client:
        upside_down = await call_error(client, "access_logs_stats", {"from": "2026-01-02 10:00", "to": "2026-01-02 09:00"})
        unreadable = await call_error(client, "access_logs_search", {"from": "02/01/2026"})
        source = await call_error(client, "access_logs_search", {"source": "ftp"})
        regex = await call_error(client, "access_logs_search", {"path": "([unclosed"})
        status = await call_error(client, "access_logs_search", {"status": "6xx"})
        misplaced = await call_error(client, "access_logs_search", {"source": "http", "action": "LOGIN"})
        cursor = await call_error(client, "access_logs_search", {"cursor": "not-a-cursor"})
        first, _ = await call_ok(client, "access_logs_search", {"source": "user_actions", "limit": 1, **whole_demo(requests)})
        other = await call_error(client, "access_logs_search", {"source": "logins", "cursor": first["nextCursor"]})
        huge, huge_text = await call_ok(client, "access_logs_search", {"limit": 10000000})
        zero = await call_error(client, "access_logs_search", {"limit": 0})
        start = datetime.fromisoformat(requests[100]["time"]).replace(tzinfo=timezone.utc)
        zoned, _ = await call_ok(client, "access_logs_search", {"from": start.strftime("%Y-%m-%dT%H:%M:%SZ"), "limit": 1})
    assert "upside down" in upside_down
    assert "cannot read \"02/01/2026\"" in unreadable
    assert "ftp" in source and "logins" in source and "user_actions" in source
    assert "does not compile" in regex and "PCRE2" in regex
    assert "\"6xx\" is not a status" in status
    assert "\"action\" filters user actions" in misplaced
    assert "not a cursor" in cursor
    assert "another source or other filters" in other
    assert huge["count"] == 500 and "lowered to the maximum of 500" in huge_text
    assert "at least 1" in zero
    converted = to_server_time(start, demo_sqlite)
    assert zoned["window"]["from"] == wall_text(converted)
    assert zoned["events"][0]["time"] == min(r["time"] for r in requests if wall(r["time"]) >= converted)


async def test_missing_tomcat_logs_are_named(servers: ServerFactory, demo_sqlite: Path, tmp_path: Path,
                                             actions: list[dict[str, Any]]) -> None:
    home = config_without_logs(demo_sqlite, tmp_path, tomcat=True)
    server = servers.demo(home, "access-logs")
    async with Client(server.url, mode="2026-07-28") as client:
        search = await call_error(client, "access_logs_search", {"source": "http"})
        logins, _ = await call_ok(client, "access_logs_search", {"source": "logins", "from": "2000-01-01"})
        stats, text = await call_ok(client, "access_logs_stats", {"from": "2000-01-01"})
    assert "Tomcat access log" in search and "is not available" in search and "tomcat" in search.lower()
    assert logins["count"] == min(50, sum(1 for a in actions if a["action"] in ("LOGIN", "LOGOUT")))
    assert stats.get("http") is None and stats["logins"]["loginFailures"] > 0
    assert any("Tomcat access log" in note and "left out" in note for note in stats["notes"]) and "left out" in text
