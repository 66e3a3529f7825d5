"""Faults underneath the host: the system database going away mid-query, log folders vanishing, log
files truncated and rotated during a search. Each time the call in flight gets a clear tool error or
a correct answer, and the same server process serves normally once the fault is gone."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import threading
import time
from pathlib import Path
from typing import Any, Iterator

import pytest
from mcp import Client

from log_tools_support import config, demo_copy
from support import ServerFactory, ServerProcess, repo_entries
from system_db_support import call_error, call_ok

pytestmark = [pytest.mark.anyio, pytest.mark.timeout(300)]


def postgres_bin() -> Path | None:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    return found[-1].parent if found else None


class OwnPostgres:
    """A PostgreSQL server of this test alone, so it can be stopped and started under a running host."""

    def __init__(self, directory: Path) -> None:
        binaries = postgres_bin()
        if binaries is None:
            pytest.skip("no PostgreSQL server binaries (scripts/test installs them)")
        self.bin = binaries
        self.directory = directory
        self.data = directory / "data"
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        if os.geteuid() == 0:
            shutil.chown(directory, "postgres")
        self.run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "--locale=C", "--no-sync")

    def run(self, program: str, *arguments: str) -> None:
        command = [str(self.bin / program), *arguments]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, capture_output=True, timeout=60)

    def start(self) -> None:
        self.run("pg_ctl", "-D", str(self.data), "-l", str(self.directory / "server.log"), "-w", "-t", "30",
                 "-o", f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.directory} -c fsync=off", "start")

    def stop(self, mode: str = "fast") -> None:
        self.run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop")

    def psql(self, sql: str) -> None:
        subprocess.run(["psql", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "-v", "ON_ERROR_STOP=1", "-c", sql],
                       check=True, capture_output=True, timeout=30)


@pytest.fixture
def own_postgres() -> Iterator[OwnPostgres]:
    # Its own folder under /tmp, which the postgres user can reach (a pytest tmp_path may not be).
    directory = Path(tempfile.mkdtemp(prefix="cloverdx-mcp-fault-pg."))
    os.chmod(directory, 0o755)
    server = OwnPostgres(directory)
    server.start()
    try:
        yield server
    finally:
        try:
            server.stop("immediate")
        except subprocess.CalledProcessError:
            pass  # already stopped
        shutil.rmtree(directory, ignore_errors=True)


def wait_for_answer(thread: threading.Thread, timeout: float) -> None:
    thread.join(timeout)
    assert not thread.is_alive(), "the call never answered"


async def test_postgres_stopped_mid_query_then_back(servers: ServerFactory, demo_sqlite: Path, own_postgres: OwnPostgres,
                                                    tmp_path: Path) -> None:
    own_postgres.psql("CREATE TABLE run_record(id integer PRIMARY KEY, status text); INSERT INTO run_record VALUES (1, 'FINISHED_OK'), (2, 'ERROR')")
    installation = demo_copy(demo_sqlite, tmp_path)
    properties = config(installation)
    lines = [line for line in properties.read_text().splitlines() if not line.startswith("jdbc.")]
    lines += [f"jdbc.url=jdbc:postgresql://127.0.0.1:{own_postgres.port}/postgres", "jdbc.username=postgres", "jdbc.password="]
    properties.write_text("\n".join(lines) + "\n")
    host = servers.http(repo_entries("system-db"), extra_args=["--config", str(properties)])
    pid = host.proc.pid

    async with Client(host.url, mode="2026-07-28") as client:
        rows, _ = await call_ok(client, "server_db_execute_query", {"sql": "SELECT status FROM run_record ORDER BY id"})
        assert rows["rows"] == [["FINISHED_OK"], ["ERROR"]], rows

    outcome: dict[str, Any] = {}

    def slow_query() -> None:
        import anyio

        async def go() -> None:
            async with Client(host.url, mode="2026-07-28") as client:
                outcome["result"] = await client.call_tool("server_db_execute_query", {"sql": "SELECT pg_sleep(20), 1 AS one"})
        anyio.run(go)

    thread = threading.Thread(target=slow_query)
    thread.start()
    time.sleep(1.5)
    own_postgres.stop("immediate")  # the server is gone mid-query, as after a crash
    wait_for_answer(thread, 30)
    result = outcome["result"]
    assert result.is_error, result
    assert "database" in result.content[0].text.lower(), result.content[0].text

    # While it is down a call fails with the reason (connect refused), not with the deadline's or the plugin timeout's message.
    async with Client(host.url, mode="2026-07-28") as client:
        down = await call_error(client, "server_db_execute_query", {"sql": "SELECT 1 AS one", "timeoutMs": 60000})
        assert "cannot reach postgresql" in down.lower(), down

    own_postgres.start()
    async with Client(host.url, mode="2026-07-28") as client:
        deadline = time.monotonic() + 30
        while True:
            result = await client.call_tool("server_db_execute_query", {"sql": "SELECT count(*) AS runs FROM run_record"})
            if not result.is_error or time.monotonic() > deadline:
                break
            time.sleep(0.5)
        assert not result.is_error, result.content[0].text
        assert result.structured_content["rows"] == [[2]], result.structured_content
    assert host.alive() and host.proc.pid == pid, "the host had to be restarted"


async def test_log_folder_removed_then_restored(servers: ServerFactory, demo_sqlite: Path, tmp_path: Path) -> None:
    installation = demo_copy(demo_sqlite, tmp_path)
    host = servers.demo(installation, "server-logs")
    logs = installation / "cloverlogs"
    async with Client(host.url, mode="2026-07-28") as client:
        before, _ = await call_ok(client, "server_logs_search", {"appender": "all", "limit": 3})
        assert before["entries"]
        logs.rename(installation / "cloverlogs.away")
        missing = await call_error(client, "server_logs_search", {"appender": "all", "limit": 3})
        assert "all" in missing and ("not found" in missing or "no " in missing.lower() or "missing" in missing), missing
        (installation / "cloverlogs.away").rename(logs)
        after, _ = await call_ok(client, "server_logs_search", {"appender": "all", "limit": 3})
        assert after["entries"] == before["entries"]
    assert host.alive()


async def test_log_truncated_and_rotated_while_a_search_reads_it(servers: ServerFactory, demo_sqlite: Path, tmp_path: Path) -> None:
    installation = demo_copy(demo_sqlite, tmp_path)
    log = installation / "cloverlogs" / "all.log"
    text = log.read_bytes()
    with log.open("ab") as out:  # about 80 MB, so the search is still reading when the file changes
        while out.tell() < 80 << 20:
            out.write(text)
    host = servers.demo(installation, "server-logs")
    outcome: dict[str, Any] = {}

    def long_search() -> None:
        import anyio

        async def go() -> None:
            async with Client(host.url, mode="2026-07-28") as client:
                outcome["result"] = await client.call_tool("server_logs_search", {"appender": "all", "text": "no such text anywhere", "limit": 5})
        anyio.run(go)

    for change in ("truncate", "rotate"):
        thread = threading.Thread(target=long_search)
        thread.start()
        time.sleep(0.3)
        if change == "truncate":
            os.truncate(log, 1000)
        else:
            log.rename(log.with_name("all.log.1"))
            log.write_bytes(text[:2000])
        wait_for_answer(thread, 60)
        result = outcome.pop("result")
        # Either a clean answer over what was read or a tool error that says what happened: never a crash.
        if result.is_error:
            assert result.content[0].text, "an error without a message"
        else:
            assert result.structured_content["entries"] == []
        assert host.alive(), f"the server died when the log was {change}d"

    async with Client(host.url, mode="2026-07-28") as client:
        now, _ = await call_ok(client, "server_logs_search", {"appender": "all", "limit": 2})
        assert now["entries"], "the new all.log is not read"
